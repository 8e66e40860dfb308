"""Run a `reviewer` command that stops at a named point, so a test can kill it there (kill -9).

    python -m tests.kill_points POINT READY_DIR -- reviewer-arguments...

At POINT the process (or a worker process of it) writes READY_DIR/<point>-<pid> and waits for ever;
the test waits for that file, then kills the command. Points:

* import-staged: an import's rows are in its scratch stage (personal data), not yet committed;
* import-first-load: a first load has written all its rows into the empty database, not yet committed;
* import-one-pass: a first load has written its rows and the county's evaluation, not yet committed;
* evaluate-writing: an evaluation has written some of its rows in its (uncommitted) transaction;
* accept-mid: an accept run has recorded some decisions in its (uncommitted) transaction;
* print-second-chunk: a print batch has committed its first chunk of printed cases, and workers
  are rendering the next ones.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _stop(ready: Path, point: str) -> None:
    (ready / f"{point}-{os.getpid()}").write_text("ready")
    while True:
        time.sleep(3600)


def _after(owner, name: str, ready: Path, point: str, calls: int = 1) -> None:
    original = getattr(owner, name)
    seen = {"n": 0}

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        seen["n"] += 1
        if seen["n"] >= calls:
            _stop(ready, point)
        return result

    _same_name(wrapper, original)
    setattr(owner, name, wrapper)


def _same_name(wrapper, original) -> None:
    """Pickled by reference as the original (a forked worker finds the patched module attribute)."""
    wrapper.__module__, wrapper.__qualname__, wrapper.__name__ = original.__module__, original.__qualname__, original.__name__


def _before(owner, name: str, ready: Path, point: str, calls: int = 1) -> None:
    original = getattr(owner, name)
    seen = {"n": 0}

    def wrapper(*args, **kwargs):
        seen["n"] += 1
        if seen["n"] >= calls:
            _stop(ready, point)
        return original(*args, **kwargs)

    _same_name(wrapper, original)
    setattr(owner, name, wrapper)


def install(point: str, ready: Path) -> None:
    if point == "import-staged":
        from reviewer.store import staging

        _after(staging, "_write", ready, point)
    elif point == "import-first-load":
        from reviewer.store import first_load

        _after(first_load, "audit", ready, point)
    elif point == "import-one-pass":
        from reviewer.store import first_evaluation

        _after(first_evaluation, "write", ready, point)
    elif point == "evaluate-writing":
        from reviewer.services import evaluating

        _after(evaluating, "_store_evaluations", ready, point)
    elif point == "accept-mid":
        from reviewer.store.audit import AuditLog

        _after(AuditLog, "record", ready, point, calls=5)
    elif point == "print-second-chunk":
        from reviewer.store import printing

        _before(printing, "record_printed", ready, point, calls=2)
    else:
        raise SystemExit(f"unknown kill point {point!r}")


if __name__ == "__main__":
    point, ready, separator, *args = sys.argv[1:]
    assert separator == "--"
    install(point, Path(ready))
    from reviewer.cli import main

    raise SystemExit(main(args))
