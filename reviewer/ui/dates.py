"""Dates between the domain (datetime.date) and Qt's date fields."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
