"""PySide6 screens: the review queue, the case panel, dialogs, and workers for long jobs.

Imports services and domain only (never SQLAlchemy or the store).
"""
from reviewer.ui.app import open_main_window, run

__all__ = ["open_main_window", "run"]
