"""Bounds on values that would poison later steps, checked column-wise at import.

A value that passes the format checks can still break what comes after it: a 100,000-character
name makes every page that prints it slow, a sentence of 99,999 years ends after the last date a
calendar holds (every evaluation of the county would fail), a `/` in a key becomes a folder in a
PDF's file name, a date of birth after the conviction gives an age the age rules believe. Each
such value is bounded here and its row is flagged, so that the conviction goes to review.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# The longest text kept per field (the database columns' sizes).
MAX_NAME = 300
MAX_CII = 40
MAX_COURT_CASE = 200
MAX_COUNTY = 80
MAX_OFFENSE = 400
MAX_KEY = 40  # person ids and count keys
MAX_SENTENCE_YEARS = 999
MAX_SENTENCE_MONTHS = MAX_SENTENCE_YEARS * 12
# Characters a file name cannot hold on Windows or POSIX (keys become parts of PDF file names).
UNSAFE_IN_FILE_NAME = r'[\\/:*?"<>|\x00-\x1f]'


SHOWN = 40  # characters of a bad value quoted in its flag
MAX_AGE = 120  # CYC_AGE: years


def shown(value: str | None) -> str:
    """A bad value as its flag quotes it: whole up to SHOWN characters, else its start and its length (a
    200,000-character date is not repeated in the message, the log or the register)."""
    text = value or ""
    if len(text) <= SHOWN:
        return repr(text)
    return f"{text[:SHOWN]!r}... ({len(text):,} characters)"


def cut(values: pa.Array, limit: int) -> tuple[pa.Array, pa.Array | None]:
    """(values cut to `limit` characters, mask of those that were longer), or the mask None when none was."""
    too_long = pc.greater(pc.utf8_length(values), limit)
    if not pc.any(too_long).as_py():
        return values, None
    return pc.if_else(too_long, pc.utf8_slice_codeunits(values, 0, limit), values), too_long


def too_long_text(limit: int):
    """How a cut value is described (its length, never its text: it may be a name)."""
    return lambda length: f"{length:,} characters, longer than {limit:,}: cut to {limit:,}"


def unsafe_in_file_name(values: pa.Array) -> pa.Array | None:
    mask = pc.match_substring_regex(values, UNSAFE_IN_FILE_NAME)
    return mask if pc.any(mask).as_py() else None


def file_name_safe(values: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(values, UNSAFE_IN_FILE_NAME, "_")


def sentence_too_long(months: np.ndarray, days: np.ndarray) -> np.ndarray:
    return months + days // 31 > MAX_SENTENCE_MONTHS


def after(later: pa.Array, earlier: pa.Array) -> pa.Array:
    """Both dates known and `later` after `earlier`."""
    return pc.fill_null(pc.greater(later, earlier), False)


def after_day(dates: pa.Array, day: date) -> pa.Array:
    return pc.fill_null(pc.greater(dates, pa.scalar(day, pa.date32())), False)


DOB_AFTER_CONVICTION = "the date of birth is after the date of conviction"
DOB_IN_FUTURE = "the date of birth is in the future"
SENTENCE_CAPPED = f"longer than {MAX_SENTENCE_YEARS} years: read as {MAX_SENTENCE_YEARS} years"
KEY_CHARACTERS = "holds a character a file name cannot hold (/ \\ : * ? \" < > | or a control character): read with _"
