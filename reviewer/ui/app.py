"""Starting the desktop app: which database, who is there, then the main window.

To start fast, `run` begins reading the queue on a thread as soon as it knows the database,
and loads the widget modules (Qt's largest) while that read runs.
"""
from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role
from reviewer.services.demo import DEMO_FILE_NAME, DEMO_ROWS
from reviewer.services.identity import IdentityError, normalise_bar_number, signed_in_user
from reviewer.services.queue import DatabaseError, QueueService, open_database
from reviewer.ui.settings import APPLICATION, ORGANIZATION, Settings, data_folder, default_database

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from reviewer.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def open_main_window(db: str | Path, user: str, role: str | Role = Role.ATTORNEY, *, bar_number: str = "",
                     settings: Settings | None = None, service: QueueService | None = None) -> "MainWindow":
    """Build and show the main window in the running QApplication; the caller runs the event loop.

    `service`: one already reading `db` (see `run`). Raises DatabaseError when the database cannot be opened.
    """
    from PySide6.QtWidgets import QApplication

    from reviewer.ui.main_window import MainWindow

    if QApplication.instance() is None:
        raise RuntimeError("open_main_window needs a QApplication")
    if service is None:
        service = QueueService(open_database(db), User(user, Role(role), bar_number), background=True)
    # PostgreSQL: who is there (and whether they may decide) comes from the connection's role;
    # a SQLite file keeps the typed name, with the operating-system user beside it.
    service.user = signed_in_user(service.db, user, Role(role), bar_number)
    window = MainWindow(service, settings or Settings())
    window.show()
    return window


X11_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 "
                "libxcb-xkb1 libxkbcommon-x11-0")


def display_problem() -> str | None:
    """What keeps Qt from opening a window here, said before Qt aborts the process over it.

    On Linux under X11, Qt's xcb platform plugin needs X11 libraries of the system that the
    wheel does not ship; without them Qt prints a plugin error and aborts. Loading the plugin
    here finds the first missing one."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    import ctypes

    from PySide6.QtCore import QLibraryInfo

    plugin = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None  # a build without it: Qt says what it has
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        missing = str(exc).split(":")[0].strip()
        return (f"Reviewer cannot open its window: the system library {missing} is missing. Install the X11 "
                f"libraries Qt needs (Debian, Ubuntu: sudo apt-get install {X11_PACKAGES}) and start "
                "Reviewer again.")
    return None


def _application() -> "QApplication":
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationDisplayName("Reviewer")
    return app


def _excepthook(kind, value, tb) -> None:
    """No traceback reaches a user: a plain message, and the log gets the type and place only."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    log.error("unexpected %s\n%s", kind.__name__, "".join(traceback.format_tb(tb)))
    if QApplication.instance() is not None:
        QMessageBox.critical(None, "Reviewer", f"Reviewer hit an unexpected problem ({kind.__name__}).\n\n"
                             "Decisions are saved the moment they are made; nothing recorded is lost.")


def choose_user(settings: Settings, name: str | None, role: str, bar_number: str) -> User | None:
    from reviewer.ui.dialogs import IdentityDialog

    if name:
        return User(name.strip(), Role(role), bar_number.strip())
    known = settings.identity()
    if known is not None and _bar_number_ok(known.bar_number):
        return known
    dialog = IdentityDialog(known)  # asked again when a stored State Bar number is not of its form
    if dialog.exec() != IdentityDialog.DialogCode.Accepted:
        return None
    user = dialog.user()
    settings.set_identity(user)
    return user


def _bar_number_ok(text: str) -> bool:
    try:
        normalise_bar_number(text)
    except IdentityError:
        return False
    return True


def known_database(db: str | None, demo: bool) -> str | None:
    """The database to open when no question needs asking first (None: the first-run dialog decides)."""
    if db:
        return db
    path = data_folder() / DEMO_FILE_NAME if demo else default_database()
    return str(path) if path.exists() else None


def choose_database(db: str | None, demo: bool, demo_rows: int = DEMO_ROWS) -> tuple[str | None, list[str]]:
    """The database to open and files to import into it first; (None, []) when the user quits."""
    from reviewer.ui.first_run import FirstRunDialog

    known = known_database(db, demo)
    if known:
        return known, []
    demo_path = data_folder() / DEMO_FILE_NAME
    if demo:
        dialog = FirstRunDialog(demo_path, demo_rows, build_now=True)
        dialog.exec()
        return (str(dialog.database), []) if dialog.choice == "demo" else (None, [])
    user_db = default_database()
    dialog = FirstRunDialog(demo_path, demo_rows)
    dialog.exec()
    if dialog.choice == "demo":
        return str(dialog.database), []
    if dialog.choice == "import":
        return str(user_db), dialog.files
    return None, []


def _early_service(target: str | None) -> QueueService | None:
    """Open the database and start reading its queue before the widgets load (errors wait for the window)."""
    if target is None:
        return None
    try:
        return QueueService(open_database(target), User(""), background=True)
    except Exception:  # noqa: BLE001 - open_main_window opens it again and reports the problem properly
        return None


def run(db: str | None = None, demo: bool = False, user: str | None = None, role: str = Role.ATTORNEY.value,
        bar_number: str = "") -> int:
    """`reviewer gui`: returns the process exit code."""
    problem = display_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    early = _early_service(known_database(db, demo))
    app = _application()
    from PySide6.QtWidgets import QMessageBox

    sys.excepthook = _excepthook
    settings = Settings()
    target, files = choose_database(db, demo)
    if target is None:
        return 0
    who = choose_user(settings, user, role, bar_number)
    if who is None:
        return 0
    try:
        window = open_main_window(target, who.name, who.role, bar_number=who.bar_number, settings=settings,
                                  service=early if early is not None and target == known_database(db, demo) else None)
    except (DatabaseError, IdentityError) as exc:
        QMessageBox.critical(None, "Reviewer", str(exc))
        return 2
    except Exception as exc:  # noqa: BLE001 - e.g. the file is locked or damaged: a message, never a traceback
        log.error("cannot open the queue: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        QMessageBox.critical(None, "Reviewer", f"The queue in {target} cannot be read ({type(exc).__name__}).")
        return 2
    if files:  # first run: the guided run takes the chosen files through county, policy and the run
        from reviewer.ui.guided_run import GuidedRun, policy_folder

        guided = GuidedRun(window.service.db, who, policy_folder(), files=files, parent=window)
        guided.finished.connect(lambda _result: window.reload_queue() if guided.run_page.report else None)
        guided.open()
    return app.exec()
