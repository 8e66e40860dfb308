"""What each start of Reviewer cleans up after a process that was killed.

* scratch folders (bulk-import stages, print previews) whose owner process is gone, whatever
  their age (reviewer.scratch);
* print jobs left `running` by a process that is gone: marked interrupted, their partial files
  removed, and their cases printed again by the next batch (services.print_recovery).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reviewer import scratch

if TYPE_CHECKING:
    from reviewer.store.database import Database


def at_start(db: "Database | None" = None) -> None:
    """Run when a command or the app starts (with its database once it is open). Without a database it
    loads nothing but the folder sweep (every command's start pays for it)."""
    scratch.sweep()
    if db is not None:
        from reviewer.services.print_recovery import recover_interrupted_jobs

        recover_interrupted_jobs(db)


def preview_folder() -> Path:
    return scratch.make_scratch_dir("preview")


def remove_folder(folder: Path) -> None:
    scratch.remove_scratch_dir(folder)
