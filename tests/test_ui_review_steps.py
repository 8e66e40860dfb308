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


def _pending_group(window, whole_person=False):
    """A pending conviction whose court case (or person) has two or more pending counts that Accept decides alike."""
    service = window.service
    seen = set()
    for r in range(window.model.rowCount()):
        row = window.model.queue_row(r)
        if row.status != "pending" or row.person_id in seen:
            continue
        seen.add(row.person_id)
        group = service.group(row.conviction_id, whole_person)
        if len(group.targets) >= 2 and group.accept_outcome is not None:
            return row, group
    pytest.skip("no such group in the demo data")


@pytest.mark.parametrize("whole_person", [False, True], ids=["court case", "person"])
def test_a_court_case_or_person_decided_at_once_and_undone_as_one_step(qtbot, open_window, policy_db, whole_person):
    window, path = open_window(policy_db)
    row, group = _pending_group(window, whole_person)
    go_to(qtbot, window, lambda r: r.conviction_id == row.conviction_id)
    key = Qt.Key.Key_P if whole_person else Qt.Key.Key_A
    qtbot.keyClick(focused(), key, Qt.KeyboardModifier.ShiftModifier)
    ids = [cid for cid, _ in group.targets]
    assert all(review(path, cid) == ("accepted", group.accept_outcome.value) for cid in ids)
    assert "one step" in window.message.text()
    assert all(window.model.queue_row(window.model.row_of(cid)).status == "accepted" for cid in ids)
    assert window.current_conviction() not in ids or len(ids) == window.model.rowCount()
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert all(review(path, cid) == ("pending", None) for cid in ids), "one Ctrl+Z takes back every count"
    actions = [a for a, _ in audit_actions(path) if a.startswith("decision.")]
    assert actions.count("decision.accept") == len(ids) and actions.count("decision.undo") == len(ids)


def test_accept_on_a_court_case_with_different_suggestions_says_so(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    row = next((window.model.queue_row(r) for r in range(window.model.rowCount())
                if window.model.queue_row(r).status == "pending"
                and window.service.group(window.model.queue_row(r).conviction_id).accept_outcome is None
                and len(window.service.group(window.model.queue_row(r).conviction_id).targets) >= 2), None)
    if row is None:
        pytest.skip("no mixed court case in the demo data")
    go_to(qtbot, window, lambda r: r.conviction_id == row.conviction_id)
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert "do not all take the same Accept" in window.message.text()
    assert window.current_conviction() == row.conviction_id and review(path, row.conviction_id)[0] == "pending"


def test_override_a_court_case_with_one_reason(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    row, group = _pending_group(window)
    go_to(qtbot, window, lambda r: r.conviction_id == row.conviction_id)
    outcome = Outcome.CHALLENGE_NOT_ELIGIBLE
    preset = presets_for(outcome)[0]

    def by_keys(dialog):
        assert "court case" in dialog.windowTitle()
        for _ in range(dialog.outcome.findData(outcome.value)):
            qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.preset, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.preset, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    handler = safely(by_keys)
    when_dialog_opens(handler)
    qtbot.keyClick(focused(), Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    assert not handler.errors, handler.errors
    for cid, _ in group.targets:
        assert review(path, cid) == ("overridden", outcome.value)
        assert decision_reasons(path, cid) == [preset.recorded]


def test_bulk_accept_shows_the_breakdown_leaves_challenges_out_and_undoes_in_one_step(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    breakdown, _by_hand = window.service.bulk_breakdown(window.model.view)
    challenges = [cid for o, ids in breakdown.items() if o.is_challenge for cid in ids]
    relief = [cid for o, ids in breakdown.items() if not o.is_challenge for cid in ids]
    assert challenges and relief, "the demo has both"
    seen = {}

    def look(dialog):
        seen["boxes"] = {o: (b.text(), b.isChecked()) for o, b in dialog.boxes.items()}
        seen["total"] = dialog.total.text()
        qtbot.keyClick(dialog.ok_button, Qt.Key.Key_Space)

    handler = safely(look)
    when_dialog_opens(handler)
    with qtbot.waitSignal(window.jobs.finished, timeout=60000):
        qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not handler.errors, handler.errors
    for outcome, (text, checked) in seen["boxes"].items():
        assert f"{len(breakdown[outcome]):,}" in text and outcome.label in text
        assert checked is (not outcome.is_challenge), "challenges are left out unless ticked"
    assert f"{len(relief):,}" in seen["total"]
    assert all(review(path, cid)[0] == "accepted" for cid in relief[:20])
    assert all(review(path, cid)[0] == "pending" for cid in challenges[:20])
    with qtbot.waitActive(window):  # the offscreen platform does not hand activation back after a dialog
        window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert all(review(path, cid)[0] == "pending" for cid in relief[:50] + relief[-50:])
    assert window.service.counts().done == 0 and window.model.view.counts().pending == window.model.rowCount()
    undone = [a for a, _ in audit_actions(path) if a == "decision.undo"]
    assert len(undone) == len(relief)


def test_the_record_shows_counts_descriptions_sentences_and_the_other_counts_review(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    row, group = _pending_group(window, whole_person=True)
    other = next(cid for cid, _ in group.targets if cid != row.conviction_id)
    go_to(qtbot, window, lambda r: r.conviction_id == other)
    qtbot.keyClick(focused(), Qt.Key.Key_A)  # the person's other count, decided
    window.table.selectRow(window.model.row_of(row.conviction_id))  # back to the first (rendering checked here)
    case = window.case_panel.case
    entries = {t.conviction_id: t for t in case.timeline}
    assert entries[other].review.startswith("accepted: ")
    assert entries[row.conviction_id].review == "pending"
    assert all(t.count.startswith("cycle ") for t in case.timeline if t.count)
    text = window.case_panel.details.toPlainText()
    assert entries[other].review in text and "Court case, count" in text and "Sentence" in text
    assert any(t.count and t.count in text for t in case.timeline)
    # the count under review says what the case says about its sentence
    words = {"SERVING": "still serving", "COMPLETED": "completed"}.get(case.sentence_status.value)
    if words:
        from reviewer.ui.case_panel import _timeline_html

        line = next(r for r in _timeline_html(case).split("<tr") if "under review" in r)
        assert words in line and ({"still serving", "completed"} - {words}).pop() not in line


def test_a_large_bulk_acceptance_is_taken_back_and_given_again_on_the_worker_as_one_step(
        qtbot, open_window, policy_db, monkeypatch):
    from reviewer.ui import commands

    monkeypatch.setattr(commands, "BACKGROUND_AT", 50)  # the demo's acceptance counts as a large one
    window, path = open_window(policy_db)
    breakdown, _by_hand = window.service.bulk_breakdown(window.model.view)
    relief = [cid for o, ids in breakdown.items() if not o.is_challenge for cid in ids]
    assert len(relief) >= 50
    handler = safely(lambda dialog: qtbot.keyClick(dialog.ok_button, Qt.Key.Key_Space))
    when_dialog_opens(handler)
    with qtbot.waitSignal(window.jobs.finished, timeout=60000):
        qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not handler.errors, handler.errors
    with qtbot.waitActive(window):
        window.activateWindow()
    window.table.setFocus()
    steps = window.undo_stack.index()

    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # The key returned at once: the undo runs on the worker, its progress in the job bar, the window answers keys.
    assert window.jobs.busy and window.jobs.title.startswith("Undo Accept all shown")
    assert not window.job_bar.isHidden()
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    assert "wait" in window.message.text(), "no decision while the undo writes"
    assert not window.undo_action.isEnabled()
    with qtbot.waitSignal(window.jobs.finished, timeout=60000):
        pass
    assert all(review(path, cid)[0] == "pending" for cid in relief)
    assert window.service.counts().done == 0 and "taken back in one step" in window.message.text()
    assert window.undo_stack.index() == steps - 1, "one step"
    assert [a for a, _ in audit_actions(path)].count("decision.undo") == len(relief)

    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.jobs.busy and window.jobs.title.startswith("Redo")
    with qtbot.waitSignal(window.jobs.finished, timeout=60000):
        pass
    assert all(review(path, cid)[0] == "accepted" for cid in relief)
    assert window.undo_stack.index() == steps and window.service.counts().done == len(relief)
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # and back again, all of it
    with qtbot.waitSignal(window.jobs.finished, timeout=60000):
        pass
    assert all(review(path, cid)[0] == "pending" for cid in relief)
