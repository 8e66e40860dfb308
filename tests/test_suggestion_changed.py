"""Re-evaluation never changes a decision; a decided conviction whose new suggestion differs is flagged
("suggestion changed since decided") in the queue, the review window, the register and export results.

Real databases (a SQLite file, and the PostgreSQL server), a DOJ file built row by row, decisions made
through `reviewer accept` (a subprocess) and the decision service, re-evaluation through `reviewer evaluate`.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import select

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, Role, Suggestion
from reviewer.reports.register import HEADERS
from reviewer.services import deciding
from reviewer.services.evaluating import evaluate
from reviewer.services.exporting import RESULT_COLUMNS
from reviewer.services.importing import import_file
from reviewer.services.queue import STATUS_CHANGED, QueueFilter, QueueService
from reviewer.store import models as m
from reviewer.store import queue as q
from reviewer.store.database import Database
from tests import doj_rows
from tests.qt_helpers import when_dialog_opens

# The offscreen platform plugin says this when any window is shown; it is not about Reviewer.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

ROOT = Path(__file__).resolve().parents[1]
COUNTY = "LOS ANGELES"
AS_OF = "2019-11-11"
ATTORNEY = User("A. Deputy", Role.ATTORNEY, "123456")
OVERRIDE_REASON = "Court file shows a Nevada strike"

# Subject id -> what happens to it. Under the statute every 11358-11360 felony here (its subdivision shows
# conduct not lawful now) is redesignated as a
# misdemeanor, except 302's (a prior PC 187: not eligible); under the Los Angeles pilot the others are
# dismissed (cannabis-only records, sentences completed) and 302's stays not eligible.
ACCEPTED_CHANGED = ("300", "301")  # accepted under the statute, suggestion changes: flagged
ACCEPTED_SAME = "302"  # accepted (challenge: not eligible), suggestion the same after: not flagged
PENDING_CHANGED = "303"  # never decided: nothing to flag
OVERRIDDEN_CHANGED = "304"  # overridden under the statute, suggestion changes: flagged
FLAGGED = (*ACCEPTED_CHANGED, OVERRIDDEN_CHANGED)


def _conviction(subject: str, dob: str, offense: str, when: str = "20100101", order: str = "001001001000"):
    return doj_rows.conviction(SUBJECT_ID=subject, CII_NUMBER=f"A{subject}", PRI_NAME=f"DOE,PERSON {subject}",
                               PRI_DOB=dob, STP_ORI_CNTY_NAME=COUNTY, OFFENSE_DESCR=offense, OFN=f"LA{subject}",
                               CNT_ORDER=order, STP_EVENT_DATE=when)


def _doj_file(path: Path) -> Path:
    rows = [
        _conviction("300", "19500101", "11359 HS-POSSESS FOR SALE"),
        _conviction("301", "19800101", "11360(A)(2) HS-SELL"),
        _conviction("302", "19600101", "187 PC-MURDER", when="19910411"),
        _conviction("302", "19600101", "11359 HS-POSSESS FOR SALE", order="002001001000"),
        _conviction("303", "19850505", "11358(C) HS-CULTIVATE"),
        _conviction("304", "19750505", "11358(C) HS-CULTIVATE"),
    ]
    path.write_text(doj_rows.text(rows), encoding="utf-8")
    return path


def reviewer_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, env=env,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    return done


def _by_subject(db: Database) -> dict[str, int]:
    with db.session() as s:
        rows = s.execute(select(m.Person.subject_id, m.Conviction.id).join(m.Conviction)
                         .where(m.Conviction.is_cannabis.is_(True))).all()
    return {subject: cid for subject, cid in rows}


def _standing(db: Database) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Every review row, every decision row and every decision audit entry, column by column."""
    R, D, A = m.Review, m.Decision, m.AuditEntry
    with db.session() as s:
        reviews = [tuple(r) for r in s.execute(
            select(R.conviction_id, R.status, R.outcome, R.decision_id, R.decided_by, R.decided_at, R.version)
            .order_by(R.conviction_id))]
        decisions = [tuple(r) for r in s.execute(
            select(D.id, D.conviction_id, D.evaluation_id, D.kind, D.outcome, D.reason, D.user_name, D.bar_number,
                   D.decided_at, D.undone_at).order_by(D.id))]
        audits = [tuple(r) for r in s.execute(
            select(A.id, A.action, A.entity_id, A.hash).where(A.action.like("decision.%")).order_by(A.id))]
    return reviews, decisions, audits


def _current_suggestions(db: Database) -> dict[int, str]:
    with db.session() as s:
        return dict(s.execute(select(m.Evaluation.conviction_id, m.Evaluation.suggestion)
                              .where(m.Evaluation.current.is_(True))).all())


def _decide_all(db, target: str, tmp_path) -> dict:
    """Import, evaluate under the statute, then decide: one service override and CLI accepts."""
    import_file(db, _doj_file(tmp_path / "doj.csv"), user="tester")
    evaluate(db, COUNTY, date.fromisoformat(AS_OF), None, user="tester")
    ids = _by_subject(db)
    deciding.decide(db, ids[OVERRIDDEN_CHANGED], ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                    OVERRIDE_REASON)
    for section in ("HS 11359", "HS 11360"):
        reviewer_cli("accept", "--db", target, "--user", ATTORNEY.name, "--section", section)
    return ids


@pytest.fixture
def decided(db_url, tmp_path):
    """Imported, evaluated under the statute, decided (CLI accept and a service override): not re-evaluated yet."""
    db = Database(db_url)
    ids = _decide_all(db, db_url, tmp_path)
    yield db, ids
    db.dispose()


@pytest.fixture
def reevaluated(decided, db_url):
    db, ids = decided
    before = _current_suggestions(db)
    assert before[ids["300"]] == before[ids["301"]] == before[ids["304"]] == "REDESIGNATE_MISDEMEANOR"
    assert before[ids[ACCEPTED_SAME]] == "NOT_ELIGIBLE"
    standing = _standing(db)
    reviewer_cli("evaluate", "--db", db_url, "--county", COUNTY, "--as-of", AS_OF, "--policy", "los-angeles-pilot-2019")
    after = _current_suggestions(db)
    assert all(after[ids[s]] == "DISMISS_AND_SEAL" for s in (*ACCEPTED_CHANGED, PENDING_CHANGED, OVERRIDDEN_CHANGED))
    assert after[ids[ACCEPTED_SAME]] == "NOT_ELIGIBLE"
    return db, ids, standing


def test_reevaluation_keeps_every_decision_as_it_was(reevaluated):
    db, ids, before = reevaluated
    assert _standing(db) == before
    reviews = {r[0]: r for r in before[0]}
    assert reviews[ids["300"]][1:3] == ("accepted", "REDESIGNATE_MISDEMEANOR")
    assert reviews[ids["301"]][1:3] == ("accepted", "REDESIGNATE_MISDEMEANOR")
    assert reviews[ids[ACCEPTED_SAME]][1:3] == ("accepted", "CHALLENGE_NOT_ELIGIBLE")
    assert reviews[ids[OVERRIDDEN_CHANGED]][1:3] == ("overridden", "CHALLENGE_NOT_ELIGIBLE")
    assert reviews[ids[PENDING_CHANGED]][1:3] == ("pending", None)
    # The decisions still point at the evaluations they answered, which are no longer current.
    with db.session() as s:
        answered = s.execute(select(m.Decision.conviction_id, m.Evaluation.current)
                             .join(m.Evaluation, m.Evaluation.id == m.Decision.evaluation_id)).all()
    assert answered and not any(current for _cid, current in answered)


def test_queue_flags_decided_convictions_whose_suggestion_changed(reevaluated):
    db, ids, _before = reevaluated
    flagged = {ids[s] for s in FLAGGED}
    with db.engine.connect() as conn:
        keys = q.queue_keys(conn)
        by_key = dict(zip(keys.conviction_id.to_pylist(), keys.suggestion_changed.to_pylist()))
        rows = q.rows_by_ids(conn, list(ids.values()))
        states = q.review_states(conn, list(ids.values()))
    assert set(by_key) == set(ids.values())
    assert {cid for cid, changed in by_key.items() if changed} == flagged
    for subject, cid in ids.items():
        row, state = rows[cid], states[cid]
        assert row.suggestion_changed is state.suggestion_changed is (cid in flagged), subject
        if cid in flagged:
            assert row.decided_suggestion == state.decided_suggestion == "REDESIGNATE_MISDEMEANOR"
            assert row.suggestion == "DISMISS_AND_SEAL"
    assert rows[ids[ACCEPTED_SAME]].decided_suggestion == "NOT_ELIGIBLE"
    assert rows[ids[PENDING_CHANGED]].decided_suggestion is None

    service = QueueService(db, ATTORNEY)
    view = service.view(QueueFilter(status=STATUS_CHANGED))
    assert sorted(view.conviction_ids()) == sorted(flagged)
    assert service.counts().changed == len(flagged) and view.counts().changed == len(flagged)
    case = service.case(ids["300"])
    assert case.decided_suggestion is Suggestion.REDESIGNATE_MISDEMEANOR
    assert case.suggestion is Suggestion.DISMISS_AND_SEAL
    assert service.case(ids[ACCEPTED_SAME]).decided_suggestion is None
    # Sorting by the flag brings them together (descending: flagged first).
    ordered = service.view(QueueFilter(), "changed", descending=True).conviction_ids()
    assert set(ordered[:len(flagged)]) == flagged

    # Deciding again answers the current suggestion: the flag goes; undoing that decision brings it back.
    target = ids["300"]
    result = service.accept(target)
    assert result.outcome is Outcome.DISMISS_AND_SEAL
    assert not service.index.changed[service.index.position(target)]
    with db.engine.connect() as conn:
        assert not q.rows_by_ids(conn, [target])[target].suggestion_changed
    assert sorted(service.view(QueueFilter(status=STATUS_CHANGED)).conviction_ids()) == sorted(flagged - {target})
    service.undo(target, result.decision_id)
    assert service.index.changed[service.index.position(target)]
    assert service.case(target).review.outcome == "REDESIGNATE_MISDEMEANOR"
    assert service.case(target).decided_suggestion is Suggestion.REDESIGNATE_MISDEMEANOR
    service.reload()
    assert sorted(service.view(QueueFilter(status=STATUS_CHANGED)).conviction_ids()) == sorted(flagged)


def test_register_and_export_results_flag_them(reevaluated, db_url, tmp_path):
    db, ids, _before = reevaluated
    names = {f"DOE,PERSON {s}" for s in FLAGGED}
    book = tmp_path / "register.xlsx"
    reviewer_cli("export", "register", "--db", db_url, "--out", str(book))
    wb = openpyxl.load_workbook(book, read_only=True)
    rows = list(wb["Register"].iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS)
    col = {name: i for i, name in enumerate(HEADERS)}
    register = {r[col["Person"]]: r for r in rows[1:]}
    assert len(register) == len(ids)
    for name, r in register.items():
        if name in names:
            assert r[col["Suggestion changed since decided"]] == "Yes", name
            assert r[col["Suggestion when decided"]] == "Redesignate as misdemeanor", name
            assert r[col["Suggestion"]] == "Dismiss and seal"
        else:
            assert r[col["Suggestion changed since decided"]] is None, name
            assert r[col["Suggestion when decided"]] is None, name
    assert register[f"DOE,PERSON {OVERRIDDEN_CHANGED}"][col["Decision reason"]] == OVERRIDE_REASON
    summary = {r[0]: r[1:] for r in wb["Summary"].iter_rows(values_only=True) if r and isinstance(r[0], str)}
    assert summary["Decided, suggestion changed since (the decision stands)"][0] == len(FLAGGED)
    wb.close()

    out = tmp_path / "results.csv"
    reviewer_cli("export", "results", "--db", db_url, "--out", str(out))
    with open(out, newline="", encoding="utf-8") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == list(RESULT_COLUMNS) and lines[0][-1] == "suggestion_changed"
    results = {r[2]: dict(zip(lines[0], r)) for r in lines[1:]}
    assert {s for s, r in results.items() if r["suggestion_changed"] == "yes"} == set(FLAGGED)
    assert {r["suggestion_changed"] for s, r in results.items() if s not in FLAGGED} == {"no"}
    assert results["300"]["decision_outcome"] == "REDESIGNATE_MISDEMEANOR"
    assert results["300"]["suggestion"] == "DISMISS_AND_SEAL"


# --- the review window (SQLite file, offscreen) ---------------------------------------------------------------


@pytest.fixture
def sqlite_decided(tmp_path):
    path = str(tmp_path / "review.db")
    db = Database(path)
    ids = _decide_all(db, path, tmp_path)
    db.dispose()
    return path, ids


@pytest.fixture
def window(qtbot, sqlite_decided, tmp_path):
    from reviewer.ui import open_main_window
    from reviewer.ui.settings import Settings

    path, _ids = sqlite_decided
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    win = open_main_window(path, ATTORNEY.name, "attorney", bar_number=ATTORNEY.bar_number, settings=settings)
    qtbot.addWidget(win)
    with qtbot.waitActive(win):  # keyboard shortcuts only reach the active window
        win.activateWindow()
    win.table.setFocus()
    yield win
    win.close()


def _changed_cells(win) -> dict[int, str]:
    from reviewer.ui.queue_model import CHANGED

    model = win.model
    return {model.conviction_id(r): model.data(model.index(r, CHANGED)) for r in range(model.rowCount())}


def test_window_marks_them_after_a_reevaluation_and_filters_them(qtbot, window, sqlite_decided):
    from reviewer.ui.queue_model import CHANGED, COLUMNS

    _path, ids = sqlite_decided
    flagged = {ids[s] for s in FLAGGED}
    assert COLUMNS[CHANGED][0] == "Changed since decided"
    assert "since decided" in window.model.headerData(CHANGED, Qt.Orientation.Horizontal,
                                                      Qt.ItemDataRole.ToolTipRole).lower()
    assert not any(_changed_cells(window).values())  # nothing re-evaluated yet

    def under_the_pilot(dialog):  # File > Re-evaluate (Ctrl+R): county, as-of date, policy, Evaluate
        from PySide6.QtCore import QDate
        from PySide6.QtWidgets import QDialogButtonBox

        dialog.county.setText(COUNTY)
        dialog.as_of.setDate(QDate.fromString(AS_OF, "yyyy-MM-dd"))
        dialog.policy.setCurrentIndex(dialog.policy.findData("los-angeles-pilot-2019"))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_dialog_opens(under_the_pilot)
    with qtbot.waitSignal(window.jobs.finished, timeout=60000):
        window.reevaluate_action.trigger()
    window.activateWindow()  # the offscreen platform does not hand activation back after a dialog
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.table.setFocus()
    cells = _changed_cells(window)
    assert {cid for cid, text in cells.items() if text} == flagged
    assert all(cells[cid] == "\u26a0 was Redesignate as misdemeanor" for cid in flagged)
    model = window.model
    row = model.row_of(ids["300"])
    assert model.data(model.index(row, CHANGED), Qt.ItemDataRole.BackgroundRole) is not None
    tip = model.data(model.index(row, CHANGED), Qt.ItemDataRole.ToolTipRole)
    assert "Suggestion changed since decided: was Redesignate as misdemeanor, now Dismiss and seal" in tip
    assert model.data(model.index(model.row_of(ids[ACCEPTED_SAME]), CHANGED), Qt.ItemDataRole.BackgroundRole) is None
    assert f"{len(flagged)}</b> suggestion changed since decided" in window.counts_label.text()

    # Status: "Suggestion changed since decided" lists only those; the case panel says what changed.
    bar = window.filters
    bar.status.setCurrentIndex(bar.status.findData(STATUS_CHANGED))
    assert {model.conviction_id(r) for r in range(model.rowCount())} == flagged
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    for _ in range(len(flagged)):
        if window.current_conviction() == ids["300"]:
            break
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.current_conviction() == ids["300"]
    status = window.case_panel.status_label.text()
    assert "Accepted" in status and "Redesignate as misdemeanor" in status
    assert "Suggestion changed since decided</b>: was Redesignate as misdemeanor, now Dismiss and seal" in status
    assert window.case_panel.case.review.outcome == "REDESIGNATE_MISDEMEANOR"  # the decision stands

    # A (the keyboard) answers the new suggestion: the marker goes; Ctrl+Z brings the earlier decision back.
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    db = Database(window.service.url, migrate=False)
    with db.session() as s:
        assert s.get(m.Review, ids["300"]).outcome == "DISMISS_AND_SEAL"
    assert not _changed_cells(window)[ids["300"]]
    assert f"{len(flagged) - 1}</b> suggestion changed since decided" in window.counts_label.text()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with db.session() as s:
        assert s.get(m.Review, ids["300"]).outcome == "REDESIGNATE_MISDEMEANOR"
    db.dispose()
    assert _changed_cells(window)[ids["300"]] == "\u26a0 was Redesignate as misdemeanor"
    assert "Suggestion changed since decided" in window.case_panel.status_label.text()

    # The column sorts: flagged first when descending.
    bar.clear()
    window.table.sortByColumn(CHANGED, Qt.SortOrder.DescendingOrder)
    assert {model.conviction_id(r) for r in range(len(flagged))} == flagged


def test_saved_columns_of_another_layout_are_not_applied(qtbot, sqlite_decided, tmp_path):
    """A header saved before the queue had this many columns would put old widths on the wrong columns."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from reviewer.ui import open_main_window
    from reviewer.ui.queue_model import COLUMNS
    from reviewer.ui.settings import Settings

    old = QTableView()
    old.setModel(QStandardItemModel(1, len(COLUMNS) - 1))
    old.setColumnWidth(3, 17)
    qs = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    qs.setValue("window/header", old.horizontalHeader().saveState())
    qs.sync()
    path, _ids = sqlite_decided
    win = open_main_window(path, ATTORNEY.name, "attorney", bar_number="1", settings=Settings(qs))
    qtbot.addWidget(win)
    assert [win.table.columnWidth(c) for c in range(len(COLUMNS) - 1)] == [w for _t, _k, w in COLUMNS[:-1]]
    win.table.setColumnWidth(3, 99)
    win.close()  # saves this layout, with its column count
    again = open_main_window(path, ATTORNEY.name, "attorney", bar_number="1", settings=Settings(qs))
    qtbot.addWidget(again)
    assert again.table.columnWidth(3) == 99
    again.close()
