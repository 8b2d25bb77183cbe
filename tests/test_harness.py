"""The end-to-end harness itself: faked processes are faked, and leave nothing behind."""

from __future__ import annotations

import os

from tests.harness.faketime import DAY, Mount, run_faked


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
