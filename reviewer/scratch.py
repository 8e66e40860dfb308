"""Scratch folders that hold personal data, each owned by one live process.

Bulk imports stage their rows in a scratch SQLite file, the print center renders previews; a
killed process cannot delete them. Every such folder carries an `owner` file naming the process
that made it (host, pid and the process's start time, so a reused pid is not mistaken for it).
At the next start of any Reviewer process, `sweep` deletes every folder whose owner is gone,
whatever its age; a folder without an owner file (left by an older version) goes after six hours.

A partial output file (`.<name>.<pid>.part`, written before the rename that completes it) is
owned the same way, by the pid in its name (`remove_partial_files`).
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)
KINDS = ("stage", "preview")  # reviewer-<kind>-XXXX in the temporary folder
OWNER_FILE = "owner"
LEGACY_STALE_AFTER_S = 6 * 3600  # a folder without an owner file: no job takes this long
PART_FILE = re.compile(r"^\..+\.(\d+)\.part$")


def _started(pid: int) -> float | None:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.Error, OSError):
        return None


def this_process() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": _started(os.getpid())}


def is_alive(owner: dict) -> bool:
    """The process named by `owner` is still running (on another host: assumed so)."""
    if owner.get("host") != socket.gethostname():
        return True
    pid = owner.get("pid")
    if not isinstance(pid, int):
        return False
    started = _started(pid)
    if started is None:
        return False
    recorded = owner.get("started")
    return recorded is None or abs(started - float(recorded)) < 1.0


def owner_text(owner: dict | None = None) -> str:
    return json.dumps(owner or this_process(), sort_keys=True)


def owner_from_text(text: str | None) -> dict | None:
    try:
        owner = json.loads(text or "")
    except ValueError:
        return None
    return owner if isinstance(owner, dict) else None


def make_scratch_dir(kind: str) -> Path:
    """A new private (0700) folder in the temporary folder, owned by this process."""
    assert kind in KINDS
    folder = Path(tempfile.mkdtemp(prefix=f"reviewer-{kind}-"))
    fd = os.open(folder / OWNER_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(owner_text())
    return folder


def remove_scratch_dir(folder: str | Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _abandoned(folder: Path, now: float) -> bool:
    try:
        owner = owner_from_text((folder / OWNER_FILE).read_text())
    except FileNotFoundError:
        # no owner yet (being made this instant) or made by an older version: by age only
        return now - folder.stat().st_mtime > LEGACY_STALE_AFTER_S
    return owner is None or not is_alive(owner)


def sweep(root: str | Path | None = None, now: float | None = None) -> list[Path]:
    """Delete the scratch folders whose owner is gone; returns those deleted."""
    root = Path(root or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = []
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith(tuple(f"reviewer-{k}-" for k in KINDS))]
    except OSError:
        return removed
    for folder in candidates:
        try:
            if folder.is_dir() and not folder.is_symlink() and _abandoned(folder, now):
                shutil.rmtree(folder)
                removed.append(folder)
        except OSError:
            continue  # gone already, or not ours to delete
    if removed:
        log.info("removed %d scratch folder(s) left by processes that are gone", len(removed))
    return removed


def remove_partial_files(folder: str | Path) -> int:
    """Delete `.<name>.<pid>.part` files in `folder` whose process is gone (an interrupted rename)."""
    import psutil

    count = 0
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return 0
    for path in entries:
        match = PART_FILE.match(path.name)
        if match and not psutil.pid_exists(int(match.group(1))):
            try:
                path.unlink()
                count += 1
            except OSError:
                continue
    return count
