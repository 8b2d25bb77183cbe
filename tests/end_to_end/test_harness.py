"""The end-to-end harness itself: faked processes are faked, and leave nothing behind."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from tests.harness.faketime import DAY, Mount, run_faked
from tests.harness.seaweedfs import HOST, SeaweedFS


def test_faked_process_sees_the_fake_time_and_its_shm_files_are_removed(faked: Mount) -> None:
    faked.jump(400 * DAY)
    result = run_faked(["sh", "-c", 'echo $$; date +%s; cat "$FAKETIME_REALTIME_FILE"'], faked)
    pid, fake, real = result.stdout.split()
    assert abs(int(fake) - float(real) - 400 * DAY) < 120
    assert not os.path.exists(f"/dev/shm/faketime_shm_{pid}")
    assert not os.path.exists(f"/dev/shm/sem.faketime_sem_{pid}")


def test_the_daemon_serves_the_real_time(faked: Mount) -> None:
    import time

    faked.jump(-400 * DAY)
    assert abs(float(faked.realtime.read_text()) - time.time()) < 5


def test_seaweedfs_leaves_no_process_or_file_behind() -> None:
    server = SeaweedFS(prefix="libfaketimefs-harness-s3-")
    server.start()
    assert server.process is not None
    pid, folder = server.process.pid, server.folder
    assert set(server.ports.values()) == {int(line) for line in _listening(pid)}
    server.stop()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert not folder.exists()


def test_seaweedfs_starts_on_other_ports_when_one_is_taken() -> None:
    """Another listener on one of its ports: weed exits, and is started on new ones."""
    server = SeaweedFS(prefix="libfaketimefs-harness-s3-")
    taken = server.ports["volume.port.grpc"]
    with socket.socket() as blocker:
        blocker.bind((HOST, taken))
        blocker.listen()
        server.start()
    try:
        assert taken not in server.ports.values()
        assert server.process is not None
        assert set(server.ports.values()) == {int(p) for p in _listening(server.process.pid)}
        assert server.url.endswith(f":{server.ports['s3.port']}")
        assert server.https_url.endswith(f":{server.ports['s3.port.https']}")
    finally:
        server.stop()
    assert not server.folder.exists()


def _listening(pid: int) -> list[str]:
    """The loopback TCP ports a process listens on (its sockets, in /proc/net/tcp)."""
    inodes = {
        os.readlink(f"/proc/{pid}/fd/{fd}")[len("socket:[") : -1]
        for fd in os.listdir(f"/proc/{pid}/fd")
        if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:[")
    }
    ports = []
    with open("/proc/net/tcp") as table:
        for line in list(table)[1:]:
            fields = line.split()
            address, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # LISTEN
                assert address.startswith("0100007F:"), f"{address} is not 127.0.0.1"
                ports.append(str(int(address.split(":")[1], 16)))
    return ports


CACHE_ENTRY = Path(__file__).parents[1] / "harness" / "cache-entry"


def _cache_entry(entry: Path, commands: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(CACHE_ENTRY), str(entry), commands],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_cache_entry_built_at_once_by_two_is_built_once(tmp_path: Path) -> None:
    entry = tmp_path / "cache" / "entry"
    builds = tmp_path / "builds"
    # Slow enough that the second starts while the first builds.
    commands = f'echo built >> {builds}; sleep 1; echo content > "$BUILD/file"'
    first, second = _cache_entry(entry, commands), _cache_entry(entry, commands)
    assert first.wait(30) == 0
    assert second.wait(30) == 0
    assert builds.read_text() == "built\n"
    assert (entry / "file").read_text() == "content\n"
    assert sorted(p.name for p in entry.parent.iterdir()) == ["entry", "entry.lock", "entry.log"]


def test_a_failed_build_leaves_no_entry_and_says_why(tmp_path: Path) -> None:
    entry = tmp_path / "entry"
    failed = _cache_entry(entry, 'echo half > "$BUILD/file"; echo the reason; exit 3')
    _, said = failed.communicate(timeout=30)
    assert failed.returncode == 1
    assert "the reason" in said
    assert f"building {entry} failed" in said
    assert not entry.exists()
    assert not list(tmp_path.glob("entry.building.*"))
    # The next build makes it.
    assert _cache_entry(entry, 'touch "$BUILD/file"').wait(30) == 0
    assert (entry / "file").exists()
