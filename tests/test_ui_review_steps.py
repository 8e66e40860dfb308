"""Issue 12, points 4 and 6, driven by keys on the focused widget: preset override reasons, undo of an answer,
a court case or a person decided at once, bulk accept's breakdown by outcome and its undo as one step."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from reviewer.domain.override_reasons import presets_for
from reviewer.domain.vocabulary import Outcome
from reviewer.services import answering
from reviewer.store import models as m
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database
from tests.qt_helpers import when_dialog_opens
from tests.test_ui_questions import (  # noqa: F401 - fixtures
    KEY, focused, go_to, open_window, policy_db, review, statute_db,
)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def safely(handler):
    """A dialog handler that closes the dialog if it fails (a failed assertion would leave exec() waiting)."""
    def run(dialog):
        try:
            handler(dialog)
            if dialog.isVisible():
                raise AssertionError("the dialog is still open after its keys")
        except BaseException as exc:  # noqa: BLE001 - reported by the test after exec() returns
            errors.append(exc)
            dialog.reject()
    errors: list[BaseException] = []
    run.errors = errors
    return run


def audit_actions(path, cid=None):
    db = Database(path, migrate=False)
    try:
        with db.session() as s:
            query = select(m.AuditEntry).order_by(m.AuditEntry.id)
            if cid is not None:
                query = query.where(m.AuditEntry.entity_id == cid)
            entries = [(e.action, json.loads(e.after or "{}")) for e in s.scalars(query)]
            assert verify_chain(s) is None
            return entries
    finally:
        db.dispose()


def decision_reasons(path, cid):
    db = Database(path, migrate=False)
    try:
        with db.session() as s:
            return s.scalars(select(m.Decision.reason).where(m.Decision.conviction_id == cid)
                             .order_by(m.Decision.id)).all()
    finally:
        db.dispose()


def test_override_with_a_preset_reason_by_keys(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    row = go_to(qtbot, window, lambda r: r.status == "pending" and r.suggestion == "NEEDS_REVIEW")
    outcome = Outcome.CHALLENGE_NOT_ELIGIBLE
    preset = presets_for(outcome)[1]
    seen = {}

    def by_keys(dialog):
        combo = dialog.outcome
        combo.setFocus()  # the offscreen platform does not activate a dialog; a desktop puts the focus here
        for _ in range(combo.findData(outcome.value)):
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        dialog.preset.setFocus()  # Tab, on a desktop
        seen["presets"] = [dialog.preset.itemText(i) for i in range(dialog.preset.count())]
        seen["hint"] = dialog.hint.text()
        for _ in range(2):
            qtbot.keyClick(dialog.preset, Qt.Key.Key_Down)
        assert dialog.ok_button.isEnabled(), "a preset needs no typing"
        qtbot.keyClick(dialog.preset, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    handler = safely(by_keys)
    when_dialog_opens(handler)
    qtbot.keyClick(focused(), Qt.Key.Key_O)
    assert not handler.errors, handler.errors
    assert len(seen["presets"]) == len(presets_for(outcome)) + 2  # "Choose…", the presets, "Other"
    assert preset.citation in seen["presets"][2] and seen["presets"][-1].startswith("Other")
    assert "choose one, or type it" in seen["hint"]
    assert review(path, row.conviction_id) == ("overridden", outcome.value)
    assert decision_reasons(path, row.conviction_id) == [preset.recorded]
    action, after = audit_actions(path, row.conviction_id)[-1]
    assert action == "decision.override" and after["reason"] == preset.recorded


def test_other_reason_must_be_typed(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    row = go_to(qtbot, window, lambda r: r.status == "pending" and r.suggestion == "NEEDS_REVIEW")
    seen = {}

    def other(dialog):
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)  # the first outcome
        qtbot.keyClick(dialog.preset, Qt.Key.Key_End)  # Other
        seen["other_ok"] = dialog.ok_button.isEnabled()
        dialog.reason.setFocus()
        qtbot.keyClicks(dialog.reason, "Declaration in the court file")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    handler = safely(other)
    when_dialog_opens(handler)
    qtbot.keyClick(focused(), Qt.Key.Key_O)
    assert not handler.errors, handler.errors
    assert seen["other_ok"] is False
    assert decision_reasons(path, row.conviction_id) == ["Declaration in the court file"]


def _with_question(window):
    ids = {o.conviction_id for o in answering.open_questions(window.service.db) if o.question.key == KEY}
    return lambda r: r.conviction_id in ids and r.status == "pending"


def test_ctrl_z_takes_back_an_answer_then_redo_gives_it_again(qtbot, open_window, statute_db):
    window, path = open_window(statute_db)
    row = go_to(qtbot, window, _with_question(window))
    cid = row.conviction_id
    before = window.case_panel.case
    qtbot.keyClick(focused(), Qt.Key.Key_1)
    answered = window.case_panel.case
    assert answered.suggestion != before.suggestion or not any(q.key == KEY for q in answered.questions)
    qtbot.keyClick(focused(), Qt.Key.Key_A)  # accept the suggestion the answer gave; advances
    assert review(path, cid)[0] == "accepted"
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the accept
    assert review(path, cid) == ("pending", None) and window.current_conviction() == cid
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the answer, one step
    case = window.case_panel.case
    assert window.current_conviction() == cid
    assert case.suggestion == before.suggestion and any(q.key == KEY for q in case.questions)
    assert not case.answers
    assert window.model.queue_row(window.model.row_of(cid)).suggestion == before.suggestion.value
    actions = [a for a, _ in audit_actions(path, cid)]
    assert actions == ["answer", "decision.accept", "decision.undo", "answer.undo"]
    taken = audit_actions(path, cid)[-1][1]
    assert taken["question"] == KEY and taken["value"] is None
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.case_panel.case.suggestion == answered.suggestion
    assert [a for a, _ in audit_actions(path, cid)][-1] == "answer"
