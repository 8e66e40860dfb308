"""Long work off the UI thread: import and re-evaluation with progress and Cancel, nothing left behind."""
from __future__ import annotations

import shutil
import threading
from datetime import date

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import func, select

from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.demo import build_demo_database
from reviewer.services.jobs import Cancelled, Job
from reviewer.services.queue import import_files
from reviewer.store import models as m
from reviewer.store.database import Database
from reviewer.ui import open_main_window
from reviewer.ui.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

TABLES = (m.ImportBatch, m.Person, m.Conviction, m.EvaluationRun, m.Evaluation, m.Review, m.Decision, m.AuditEntry)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jobs")
    base = folder / "base.db"
    build_demo_database(base, rows=3000)
    research = folder / "research.csv"
    write_demo_file(research, 20000, "LOS ANGELES", seed=7)
    return {"base": base, "research": research}


@pytest.fixture
def window(qtbot, files, tmp_path):
    path = tmp_path / "review.db"
    shutil.copy(files["base"], path)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    win = open_main_window(path, "A. Deputy", "attorney", bar_number="1", settings=settings)
    qtbot.addWidget(win)
    yield win
    win.close()


def counts(url) -> dict[str, int]:
    db = Database(url, migrate=False)
    try:
        with db.session() as s:
            return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}
    finally:
        db.dispose()


def test_import_runs_with_progress_then_reevaluation_fills_the_queue(qtbot, tmp_path, gogen_dir):
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    win = open_main_window(tmp_path / "new.db", "A. Deputy", "attorney", bar_number="1", settings=settings)
    qtbot.addWidget(win)
    assert win.model.rowCount() == 0
    assert "import" in win.case_panel.person_label.text().lower()
    progress = []
    win.jobs.progress.connect(lambda done, total, what: progress.append(what))
    with qtbot.waitSignal(win.jobs.finished, timeout=20000):
        win.import_files([str(gogen_dir / "no_headers.csv")])
        assert not win.job_bar.isHidden() and not win.job_bar.progress.isHidden()
        assert not win.accept_button.isEnabled() and not win.import_action.isEnabled()
    assert any(w.startswith("Reading") for w in progress)
    assert win.job_bar.isHidden()
    assert "no_headers.csv: 38 rows" in win.message.text() and "Re-evaluate" in win.message.text()
    with qtbot.waitSignal(win.jobs.finished, timeout=20000):
        win.reevaluate(("SAN JOAQUIN", date(2019, 11, 11), ""))
    assert win.model.rowCount() > 0 and win.case_panel.case is not None
    assert "Evaluated" in win.message.text()
    win.close()


def test_cancelled_import_leaves_nothing_behind(qtbot, window, files):
    before = counts(window.service.url)
    with qtbot.waitSignal(window.jobs.cancelled, timeout=20000):
        window.import_files([str(files["research"])])
        window.job_bar.cancel_button.click()
        assert window.job_bar.cancel_button.text() == "Cancelling…"
    assert counts(window.service.url) == before
    assert "as it was before" in window.message.text()
    assert window.job_bar.isHidden() and window.import_action.isEnabled()


def test_cancel_at_the_last_moment_still_writes_nothing(files, tmp_path, gogen_dir):
    db = Database(tmp_path / "empty.db")
    before = counts(db.url)
    job = Job()
    job.on_progress = lambda done, total, what: job.cancel() if what == "Saving" else None
    with pytest.raises(Cancelled):
        import_files(db, [gogen_dir / "no_headers.csv", files["research"]], "tester", job)
    assert counts(db.url) == before
    db.dispose()


def test_cancelled_reevaluation_keeps_the_evaluations(qtbot, window):
    before = counts(window.service.url)
    with qtbot.waitSignal(window.jobs.cancelled, timeout=20000):
        window.reevaluate(("LOS ANGELES", date(2021, 1, 1), "statute-with-challenges"))
        window.cancel_job()
    assert counts(window.service.url) == before


def test_rejected_file_is_a_message_not_a_traceback(qtbot, window, gogen_dir):
    before = counts(window.service.url)
    with qtbot.waitSignal(window.jobs.failed, timeout=20000):
        window.import_files([str(gogen_dir / "bad.csv")])
    assert window.message.kind == "error"
    assert "line 1" in window.message.text() and "Traceback" not in window.message.text()
    assert counts(window.service.url) == before


def test_window_keeps_responding_while_a_job_runs(qtbot, window):
    release = threading.Event()
    worker_thread = {}

    def slow(db, job):
        worker_thread["id"] = threading.get_ident()
        release.wait(10)
        return "done"

    window.jobs.start("Slow job", window.service.url, slow)
    qtbot.waitUntil(lambda: "id" in worker_thread, timeout=5000)
    window.accept_current()  # decisions wait for the job, with a message
    assert "wait" in window.message.text()
    total = window.model.rowCount()
    window.filters.status.setCurrentIndex(window.filters.status.findData("pending"))  # the UI thread is free
    window.filters.search.setText("zzz no one")
    window.filters.search.returnPressed.emit()
    assert window.model.rowCount() == 0 < total
    assert worker_thread["id"] != threading.get_ident()
    with qtbot.waitSignal(window.jobs.finished, timeout=5000):
        release.set()
