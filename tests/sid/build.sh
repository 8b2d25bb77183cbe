#!/usr/bin/env bash
# Debian sid in a chroot, for the tests on its Python 3.14 and 3.15 and its
# libfaketime 0.9.12: built with debootstrap from the Debian archive this
# machine's apt uses, under a temporary name and renamed when whole. The
# versions installed are written to ROOT/.versions. Root only.
#   tests/sid/build.sh ROOT
set -euo pipefail
root=${1:?the folder of the chroot}
packages=python3.14,python3.14-venv,python3.14-dev,python3.15,python3.15-venv,python3.15-dev
packages+=,python3,libfaketime,faketime,fuse3,libfuse2t64,ca-certificates,gcc,libc6-dev,binutils

# The archive apt uses here (deb822 sources, else the one-line form).
mirror=$(awk '/^URIs:/ && !/security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "no Debian archive in this machine's apt sources" >&2; exit 1; }

if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
fi
# A run killed before it unmounted leaves the clone and /dev bound inside: never
# remove through them.
if grep -q " $root[/ ]" /proc/self/mounts; then
  echo "$root has mounts inside (a tests/sid/run.sh killed?): unmount them first" >&2
  exit 1
fi
building="$root.building.$$"
rm -rf "$building"
mkdir -p "$(dirname "$root")"
trap 'rm -rf "$building"' EXIT
debootstrap --variant=minbase --include="$packages" sid "$building" "$mirror" >"$building.log" 2>&1 \
  || { tail -30 "$building.log" >&2; exit 1; }
rm -f "$building.log"
{
  chroot "$building" python3.14 --version
  chroot "$building" python3.15 --version
  chroot "$building" dpkg-query -W -f='libfaketime ${Version}\n' libfaketime
  chroot "$building" dpkg-query -W -f='glibc ${Version}\n' libc6
  date -u +'built %Y-%m-%dT%H:%M:%SZ'
} >"$building/.versions"
rm -rf "$root"
mv "$building" "$root"
trap - EXIT
cat "$root/.versions"
