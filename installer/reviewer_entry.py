"""Entry point of the desktop build: the same `reviewer` command that `pip install` gives.

The windowed executable (reviewer-gui, Windows and macOS) is this same program; started with
no arguments, from a shortcut or the Dock, it opens the GUI.
"""
import multiprocessing
import sys
from pathlib import Path

from reviewer.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen app must call this before any worker process starts
    argv = sys.argv[1:]
    if not argv and Path(sys.executable).stem.lower() == "reviewer-gui":
        argv = ["gui"]
    raise SystemExit(main(argv))
