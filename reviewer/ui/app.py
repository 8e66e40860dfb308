"""Starting the desktop app: which database, who is there, then the main window."""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role
from reviewer.services.demo import DEMO_FILE_NAME, DEMO_ROWS
from reviewer.services.queue import DatabaseError, QueueService, open_database
from reviewer.ui.dialogs import IdentityDialog
from reviewer.ui.first_run import FirstRunDialog
from reviewer.ui.main_window import MainWindow
from reviewer.ui.settings import APPLICATION, ORGANIZATION, Settings, data_folder, default_database

log = logging.getLogger(__name__)


def open_main_window(db: str | Path, user: str, role: str | Role = Role.ATTORNEY, *, bar_number: str = "",
                     settings: Settings | None = None) -> MainWindow:
    """Build and show the main window in the running QApplication; the caller runs the event loop.

    Raises DatabaseError when the database cannot be opened.
    """
    if QApplication.instance() is None:
        raise RuntimeError("open_main_window needs a QApplication")
    service = QueueService(open_database(db), User(user, Role(role), bar_number))
    window = MainWindow(service, settings or Settings())
    window.show()
    return window


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationDisplayName("Reviewer")
    return app


def _excepthook(kind, value, tb) -> None:
    """No traceback reaches a user: a plain message, and the log gets the type and place only."""
    log.error("unexpected %s\n%s", kind.__name__, "".join(traceback.format_tb(tb)))
    if QApplication.instance() is not None:
        QMessageBox.critical(None, "Reviewer", f"Reviewer hit an unexpected problem ({kind.__name__}).\n\n"
                             "Decisions are saved the moment they are made; nothing recorded is lost.")


def choose_user(settings: Settings, name: str | None, role: str, bar_number: str) -> User | None:
    if name:
        return User(name.strip(), Role(role), bar_number.strip())
    known = settings.identity()
    if known is not None:
        return known
    dialog = IdentityDialog()
    if dialog.exec() != IdentityDialog.DialogCode.Accepted:
        return None
    user = dialog.user()
    settings.set_identity(user)
    return user


def choose_database(db: str | None, demo: bool, demo_rows: int = DEMO_ROWS) -> tuple[str | None, list[str]]:
    """The database to open and files to import into it first; (None, []) when the user quits."""
    if db:
        return db, []
    demo_path = data_folder() / DEMO_FILE_NAME
    if demo:
        if demo_path.exists():
            return str(demo_path), []
        dialog = FirstRunDialog(demo_path, demo_rows, build_now=True)
        dialog.exec()
        return (str(dialog.database), []) if dialog.choice == "demo" else (None, [])
    user_db = default_database()
    if user_db.exists():
        return str(user_db), []
    dialog = FirstRunDialog(demo_path, demo_rows)
    dialog.exec()
    if dialog.choice == "demo":
        return str(dialog.database), []
    if dialog.choice == "import":
        return str(user_db), dialog.files
    return None, []


def run(db: str | None = None, demo: bool = False, user: str | None = None, role: str = Role.ATTORNEY.value,
        bar_number: str = "") -> int:
    """`reviewer gui`: returns the process exit code."""
    app = _application()
    sys.excepthook = _excepthook
    settings = Settings()
    target, files = choose_database(db, demo)
    if target is None:
        return 0
    who = choose_user(settings, user, role, bar_number)
    if who is None:
        return 0
    try:
        window = open_main_window(target, who.name, who.role, bar_number=who.bar_number, settings=settings)
    except DatabaseError as exc:
        QMessageBox.critical(None, "Reviewer", str(exc))
        return 2
    if files:
        window.import_files(files)
    return app.exec()
