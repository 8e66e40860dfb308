"""What the app remembers between runs on this computer: who is there, and window layout.

Typed getters over QSettings; office data lives in the database, not here.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role

ORGANIZATION = "Reviewer"
APPLICATION = "Reviewer"
DATABASE_FILE = "reviewer.db"


def data_folder() -> Path:
    """The platform's per-user data folder for Reviewer (created on demand, readable by the user only: 0700
    on POSIX; on Windows it sits in the user's profile, whose ACL admits the user alone)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    folder = Path(base) / APPLICATION
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        folder.chmod(0o700)
    return folder


def default_database() -> Path:
    return data_folder() / DATABASE_FILE


class Settings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                         ORGANIZATION, APPLICATION)

    # --- identity -------------------------------------------------------------------------------

    def identity(self) -> User | None:
        name = str(self._s.value("identity/name", "") or "").strip()
        if not name:
            return None
        role_text = str(self._s.value("identity/role", Role.ATTORNEY.value))
        role = Role(role_text) if role_text in {r.value for r in Role} else Role.ATTORNEY
        return User(name, role, str(self._s.value("identity/bar_number", "") or ""))

    def set_identity(self, user: User) -> None:
        self._s.setValue("identity/name", user.name)
        self._s.setValue("identity/role", user.role.value)
        self._s.setValue("identity/bar_number", user.bar_number)
        self._s.sync()

    # --- window layout ----------------------------------------------------------------------------

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def splitter_state(self) -> QByteArray | None:
        return self._bytes("window/splitter")

    def header_state(self, columns: int | None = None) -> QByteArray | None:
        """The queue table's saved columns; None when saved for another number of `columns` (Qt would apply
        the old widths to the wrong columns)."""
        if columns is not None and str(self._s.value("window/header_columns", "")) != str(columns):
            return None
        return self._bytes("window/header")

    def save_layout(self, geometry: QByteArray, state: QByteArray, splitter: QByteArray, header: QByteArray,
                    columns: int | None = None) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)
        self._s.setValue("window/splitter", splitter)
        self._s.setValue("window/header", header)
        if columns is not None:
            self._s.setValue("window/header_columns", columns)
        self._s.sync()

    # --- where each attorney left off -------------------------------------------------------------

    def _case_key(self, user: str) -> str:
        return "resume/" + "".join(ch if ch.isalnum() else "_" for ch in user.lower())

    def last_case(self, user: str) -> int | None:
        """The conviction `user` had open when Reviewer last closed (or last moved), to start there again."""
        value = self._s.value(self._case_key(user))
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def set_last_case(self, user: str, conviction_id: int | None) -> None:
        """Remembered in memory at once, written to disk with the layout (or QSettings' own sync)."""
        if conviction_id is not None:
            self._s.setValue(self._case_key(user), conviction_id)

    def last_import_folder(self) -> str:
        return str(self._s.value("paths/import_folder", "") or "")

    def set_last_import_folder(self, folder: str) -> None:
        self._s.setValue("paths/import_folder", folder)
