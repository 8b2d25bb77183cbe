#!/usr/bin/env bash
# The tests a new Python can change, on Debian sid's Python VERSION (and its
# libfaketime 0.9.12), in the chroot ROOT that tests/sid/build.sh made. The
# clone, ../shared and pyenv's Python 2.7 (libfaketimefs's daemon) are
# bind-mounted at their own paths, so that every path the tests know holds;
# the venv is the clone's .tools/sid-pythonVERSION. A native client with no
# wheel for VERSION is left out, and said so. Root only.
#   tests/sid/run.sh ROOT VERSION PYTHON2 [pytest arguments]
set -euo pipefail
root=${1:?the folder of the chroot}
version=${2:?a Python version, 3.14 or 3.15}
python2_home=$(dirname "$(dirname "$(readlink -f "${3:?pyenv Python 2.7}")")")
shift 3
clone=$(pwd -P)
shared=$(dirname "$clone")/shared
venv=$clone/.tools/sid-python$version
[ -x "$root/usr/bin/python$version" ] || { echo "no python$version in $root" >&2; exit 1; }

mounted=()
unmount() {
  for target in "${mounted[@]}"; do umount -R -l "$target" 2>/dev/null || true; done
}
trap unmount EXIT
bind() {  # bind SOURCE at the same path inside the chroot
  mkdir -p "$root$1"
  mount --rbind "$1" "$root$1"
  mount --make-rslave "$root$1"
  mounted=("$root$1" "${mounted[@]}")
}
mount -t proc proc "$root/proc" && mounted=("$root/proc" "${mounted[@]}")
bind /sys
bind /dev  # /dev/fuse for libfaketimefs, /dev/shm for libfaketime
bind "$clone"
[ -d "$shared" ] && bind "$shared"
bind "$python2_home"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The host's CA bundle, for uv's downloads only (it may hold the registries' proxy's CA).
bundle=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
[ -f "$bundle" ] && cp "$bundle" "$root/etc/ssl/certs/host-ca-bundle.crt"

tests=(
  tests/unit tests/integrations
  tests/end_to_end/test_end_to_end.py tests/end_to_end/test_clock_end_to_end.py
  tests/end_to_end/test_check_libfaketime.py tests/end_to_end/test_fakers.py
  tests/end_to_end/test_stalled_file.py tests/end_to_end/test_tls.py
  tests/end_to_end/test_seaweedfs.py tests/end_to_end/test_real_time.py
  tests/end_to_end/test_native_clients.py tests/end_to_end/test_native_safety.py
  tests/end_to_end/test_vdso_faker.py
)
requirements=$("$clone/.venv/bin/python" -c 'import nox.project as p
print(" ".join(p.dependency_groups(p.load_toml("pyproject.toml"), "test")))')
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin \
  UV_CACHE_DIR=/root/.cache/uv UV_COMPILE_BYTECODE=1 \
  bash -c '
set -euo pipefail
cd "$1"; venv=$2; version=$3; requirements=$4; shift 4
uv() { SSL_CERT_FILE=/etc/ssl/certs/host-ca-bundle.crt .tools/uv/bin/uv "$@"; }
[ -x "$venv/bin/python" ] || uv venv -q -p "/usr/bin/python$version" "$venv"
uv pip install -q --python "$venv/bin/python" . $requirements
for client in pyarrow polars obstore; do
  uv pip install -q --only-binary :all: --python "$venv/bin/python" "$client" 2>/dev/null \
    || echo "SKIPPED: $client has no release for Python $version here: its tests skip"
done
"$venv/bin/python" -c "import sys, ssl, platform; print(\"Python\", platform.python_version(), ssl.OPENSSL_VERSION)"
uv pip freeze --python "$venv/bin/python" | grep -i -E "^(botocore|boto3|wrapt|freezegun|time-machine|pyarrow|polars|obstore)=="
cat /.versions
exec "$venv/bin/python" -m pytest -n 4 -m "not aws_cli" "$@"
' sid "$clone" "$venv" "$version" "$requirements" "${tests[@]}" "$@"
