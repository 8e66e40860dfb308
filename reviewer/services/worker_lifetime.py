"""Worker processes end with their parent, even when the parent is killed (kill -9).

A pool's workers otherwise outlive a killed parent: they keep rendering (print) or reading
(evaluate) personal data with nobody to hand it to, and hold files open. On Linux the kernel
kills them when the parent dies (prctl PR_SET_PDEATHSIG); elsewhere a watchdog thread in the
worker ends it within a second of the parent's death. Run `die_with_parent` first in the
worker (the pool's initializer).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_EVERY_S = 1.0


def _parent_death_signal() -> bool:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int) -> None:
    import psutil

    while True:
        time.sleep(WATCH_EVERY_S)
        if not psutil.pid_exists(parent_pid) or os.getppid() != parent_pid:
            os._exit(1)


def die_with_parent(parent_pid: int) -> None:
    """Make this worker process end when `parent_pid` (the process that started it) ends."""
    if not (sys.platform.startswith("linux") and _parent_death_signal()):
        threading.Thread(target=_watch, args=(parent_pid,), name="reviewer-parent-watch", daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the signal was set up
        os._exit(1)


def start_worker(parent_pid: int, init=None, *args) -> None:
    """A pool initializer: die with the parent, then run `init(*args)` if given. SIGTERM is set back to its
    default: a forked worker inherits the command's handler (SIGTERM as Ctrl+C), and the pool's terminate()
    must end its workers at once, not raise inside them while they hold the task queue's lock."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent_pid)
    if init is not None:
        init(*args)
