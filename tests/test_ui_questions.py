"""Issue 12 on the review screen, driven by keys on the focused widget: keys act on the current case wherever
the focus is (after a search or a filter), A on a NEEDS_REVIEW case stays on it, questions are answered with
one key (audited, in the reasons, then accepted), and the layer that decided is shown apart from the reasons."""
from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QToolButton
from sqlalchemy import select

from reviewer.domain.people import User
from reviewer.services import answering
from reviewer.services.demo import DEMO_AS_OF, DEMO_COUNTY, build_demo_database
from reviewer.services.evaluating import evaluate
from reviewer.store import models as m
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database
from reviewer.ui import open_main_window
from reviewer.ui.case_panel import numbered_answers
from reviewer.ui.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

ROWS = 4000
KEY = "amount-28.5g"


@pytest.fixture(scope="module")
def policy_db(tmp_path_factory):
    """The demo: evaluated under the Los Angeles pilot policy."""
    path = tmp_path_factory.mktemp("questions") / "policy.db"
    build_demo_database(path, rows=ROWS)
    return path


@pytest.fixture(scope="module")
def statute_db(policy_db, tmp_path_factory):
    """The same records evaluated again by the statute alone: its questions decide."""
    path = tmp_path_factory.mktemp("questions") / "statute.db"
    shutil.copy(policy_db, path)
    return _evaluated_by_the_statute(path)


def _evaluated_by_the_statute(path):
    db = Database(path)
    try:
        evaluate(db, DEMO_COUNTY, DEMO_AS_OF, None, user="test")
    finally:
        db.dispose()
    return path


@pytest.fixture
def open_window(qtbot, tmp_path):
    windows = []

    def opener(base, user="A. Deputy", role="attorney"):
        path = tmp_path / f"review-{len(windows)}.db"
        shutil.copy(base, path)
        settings = Settings(QSettings(str(tmp_path / f"settings-{len(windows)}.ini"), QSettings.Format.IniFormat))
        window = open_main_window(path, user, role, bar_number="123456", settings=settings)
        qtbot.addWidget(window)
        windows.append(window)
        with qtbot.waitActive(window):
            window.activateWindow()
        window.table.setFocus()
        return window, path

    yield opener
    for window in windows:
        window.close()


def focused():
    return QApplication.focusWidget()


def go_to(qtbot, window, want):
    """Move the selection with the arrow keys (as an attorney would) to the first row `want(row)` accepts."""
    model = window.model
    target = next(r for r in range(model.rowCount()) if want(model.queue_row(r)))
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    for _ in range(target):
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.table.currentIndex().row() == target
    return model.queue_row(target)


def review(path, cid):
    db = Database(path, migrate=False)
    try:
        with db.session() as s:
            r = s.get(m.Review, cid)
            return (r.status, r.outcome) if r else ("pending", None)
    finally:
        db.dispose()


def test_accept_on_needs_review_stays_on_the_case(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    row = go_to(qtbot, window, lambda r: r.status == "pending" and r.suggestion == "NEEDS_REVIEW")
    before = window.table.currentIndex().row()
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    assert window.table.currentIndex().row() == before, "A neither moves nor jumps to a name starting with A"
    assert window.current_conviction() == row.conviction_id
    assert "not possible" in window.message.text() and "Override (O)" in window.message.text()
    assert review(path, row.conviction_id) == ("pending", None)


def test_home_and_end_go_to_the_first_and_last_case(qtbot, open_window, policy_db):
    window, _path = open_window(policy_db)
    rows = window.model.rowCount()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    qtbot.keyClick(focused(), Qt.Key.Key_End)
    assert window.table.currentIndex().row() == rows - 1
    assert window.current_conviction() == window.model.queue_row(rows - 1).conviction_id
    qtbot.keyClick(focused(), Qt.Key.Key_Home)
    assert window.table.currentIndex().row() == 0
    assert window.current_conviction() == window.model.queue_row(0).conviction_id


def test_keys_act_on_the_case_after_a_search(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    target = next(window.model.queue_row(r) for r in range(window.model.rowCount())
                  if window.model.queue_row(r).status == "pending" and window.model.queue_row(r).suggestion != "NEEDS_REVIEW")
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = focused()
    assert isinstance(search, QLineEdit) and search is window.filters.search
    qtbot.keyClicks(search, target.court_case.lower())  # letters and digits are typed, never taken as A, N, 1 …
    assert search.text() == target.court_case.lower()
    assert review(path, target.conviction_id) == ("pending", None)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert focused() is window.table, "Enter applies the search and returns to the queue"
    assert window.current_conviction() == target.conviction_id
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    assert review(path, target.conviction_id)[0] == "accepted"
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review(path, target.conviction_id)[0] == "pending"


def test_keys_act_on_the_case_after_choosing_a_filter(qtbot, open_window, policy_db):
    window, path = open_window(policy_db)
    combo = window.filters.suggestion
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Su&ggestion
    assert focused() is combo
    wanted = next(i for i in range(1, combo.count()) if combo.itemData(i) not in ("NEEDS_REVIEW", "REFER"))
    value = combo.itemData(wanted)
    for _ in range(wanted):  # the keyboard alone; the first choice returns the focus to the queue
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == value
    assert focused() is window.table
    first = window.current_conviction()
    assert window.model.queue_row(0).suggestion == value
    qtbot.keyClick(focused(), Qt.Key.Key_N)
    assert window.current_conviction() != first and combo.currentData() == value
    cid = window.current_conviction()
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    assert review(path, cid)[0] == "accepted"
    assert combo.currentData() == value, "A decided; it did not change the filter"
    # A in the (focused) list decides too, never picks another item
    combo.setFocus()
    cid = window.current_conviction()
    qtbot.keyClick(combo, Qt.Key.Key_A)
    assert combo.currentData() == value and review(path, cid)[0] == "accepted"


def _with_question(window):
    ids = {o.conviction_id for o in answering.open_questions(window.service.db) if o.question.key == KEY}
    return lambda r: r.conviction_id in ids and r.status == "pending"


def test_answering_a_question_with_its_key_then_accepting(qtbot, open_window, statute_db):
    window, path = open_window(statute_db)
    row = go_to(qtbot, window, _with_question(window))
    case = window.case_panel.case
    assert case.suggestion.value == "NEEDS_REVIEW" and case.questions
    question = next(q for q in case.questions if q.key == KEY)
    shown = window.case_panel.questions_label
    assert not shown.isHidden() and question.text in shown.text()
    for answer in question.answers:  # each answer with where it leads
        assert answer.label in shown.text() and answer.suggestion.label in shown.text()
        assert answer.citation in shown.text()
    assert "statute" in window.case_panel.suggestion_label.text()
    n = [a for q in case.questions for a in q.answers].index(question.answer("yes")) + 1
    leads = question.answer("yes").suggestion

    qtbot.keyClick(focused(), getattr(Qt.Key, f"Key_{n}"))
    now = window.case_panel.case
    assert window.current_conviction() == row.conviction_id, "answering stays on the case"
    assert now.suggestion == leads and now.can_accept
    answer_reason = next(r for r in now.reasons if r.rule == f"answer:{KEY}")
    assert "Yes" in answer_reason.text
    shown = window.case_panel.details.toPlainText()
    assert "Yes" in shown and "A. Deputy (SBN 123456)" in shown, "who answered, beside the answer"
    assert leads.label in window.message.text()
    assert window.model.queue_row(window.model.row_of(row.conviction_id)).suggestion == leads.value
    assert not any(q.key == KEY for q in now.questions)
    db = Database(path, migrate=False)
    try:
        with db.session() as s:
            entry = s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "answer")).one()
            assert entry.user_name == "A. Deputy" and entry.entity_id == row.conviction_id
            after = json.loads(entry.after)
            assert (after["question"], after["value"], after["bar_number"]) == (KEY, "yes", "123456")
            assert verify_chain(s) is None
    finally:
        db.dispose()

    qtbot.keyClick(focused(), Qt.Key.Key_A)
    status, outcome = review(path, row.conviction_id)
    assert status == "accepted" and outcome == now.accept_outcome.value
    assert window.current_conviction() != row.conviction_id  # advanced as usual


def test_answer_refused_is_said_in_place(qtbot, open_window, statute_db):
    window, path = open_window(statute_db)
    row = go_to(qtbot, window, _with_question(window))
    # a colleague answers it first, on the same database
    db = Database(path, migrate=False)
    try:
        answering.answer_question(db, row.conviction_id, KEY, "no", User("B. Colleague", bar_number="999"))
    finally:
        db.dispose()
    qtbot.keyClick(focused(), Qt.Key.Key_1)
    assert "not recorded" in window.message.text() and "Traceback" not in window.message.text()
    assert window.current_conviction() == row.conviction_id
    assert not any(q.key == KEY for q in window.case_panel.case.questions), "the case shows it as it now stands"
    # a key past the answers says so, also from the menu (its QAction)
    window.message.hide()
    window.answer_actions[8].trigger()
    assert window.message.text() and window.current_conviction() == row.conviction_id


def test_clerk_reads_questions_but_cannot_answer(qtbot, open_window, statute_db):
    window, path = open_window(statute_db, user="C. Clerk", role="clerk")
    row = go_to(qtbot, window, _with_question(window))
    assert "clerk" in window.case_panel.questions_label.text().lower()
    qtbot.keyClick(focused(), Qt.Key.Key_1)
    assert "clerk" in window.message.text().lower()
    assert any(q.key == KEY for q in window.case_panel.case.questions)
    assert answering.open_questions(window.service.db, conviction_id=row.conviction_id)


def test_the_layer_that_decided_is_shown_apart(qtbot, open_window, policy_db, statute_db):
    window, _path = open_window(policy_db)
    model = window.model
    for r in range(model.rowCount()):
        window.table.selectRow(r)
        if window.case_panel.case.policy_decided:
            break
    case = window.case_panel.case
    assert case.policy_decided and case.statute_suggestion is not None
    label = window.case_panel.suggestion_label.text()
    assert "county policy" in label and "Los Angeles pilot flow" in label
    assert case.statute_suggestion.label in label
    assert "the statute alone suggests" not in window.case_panel.details.toPlainText()  # not among the reasons
    window2, _ = open_window(statute_db)
    assert "<b>statute</b>" in window2.case_panel.suggestion_label.text()


@pytest.fixture(scope="module")
def sentence_open_db(statute_db, tmp_path_factory):
    """The statute's records, where a felony whose sentence status the record cannot tell has its conduct
    question answered: its suggestion is relief, and the sentence question stays open."""
    path = tmp_path_factory.mktemp("questions") / "sentence-open.db"
    shutil.copy(statute_db, path)
    db = Database(path, migrate=False)
    try:
        with db.session() as s:
            unknown = set(s.scalars(select(m.Evaluation.conviction_id).where(
                m.Evaluation.current.is_(True), m.Evaluation.flagged.is_(True),
                m.Evaluation.sentence_status == "UNKNOWN")))
        target, key, value = next((o.conviction_id, o.question.key, a.value) for o in answering.open_questions(db)
                                  if o.conviction_id in unknown and o.question.key in ("plants-6", "gift-28.5g")
                                  for a in o.question.answers if a.suggestion.grants_relief)
        answering.answer_question(db, target, key, value, User("B. Colleague", bar_number="999"))
    finally:
        db.dispose()
    return path


def test_an_open_sentence_question_shows_on_a_decided_suggestion(qtbot, open_window, sentence_open_db):
    window, path = open_window(sentence_open_db)
    ids = {o.conviction_id for o in answering.open_questions(window.service.db)
           if o.question.key == "sentence-serving" and o.suggestion.value != "NEEDS_REVIEW"}
    row = go_to(qtbot, window, lambda r: r.conviction_id in ids and r.status == "pending")
    shown = window.case_panel.questions_label
    assert not shown.isHidden() and "Open question" in shown.text() and "still being served" in shown.text()
    assert window.case_panel.case.can_accept
    qtbot.keyClick(focused(), Qt.Key.Key_1)  # still serving
    db = Database(path, migrate=False)
    try:
        with db.session() as s:
            assert s.scalars(select(m.QuestionAnswer.value).where(
                m.QuestionAnswer.conviction_id == row.conviction_id,
                m.QuestionAnswer.question_key == "sentence-serving")).all() == ["SERVING"]
    finally:
        db.dispose()
    assert window.current_conviction() == row.conviction_id


@pytest.fixture(scope="module")
def larger_policy_db(tmp_path_factory):
    """A larger demo, evaluated by the statute alone: it holds answers that lead to Not eligible (a PC 290
    registration: Yes)."""
    path = tmp_path_factory.mktemp("questions") / "larger.db"
    build_demo_database(path, rows=20000)
    return _evaluated_by_the_statute(path)


def _answer_to_no_relief(window, alone_in=None):
    """A pending case with an answer whose suggestion is no relief (Not eligible, Refer), and that answer's key.
    `alone_in` ("court case", "person"): one whose court case (person) has no other pending count."""
    model = window.model
    for r in range(model.rowCount()):
        row = model.queue_row(r)
        if row.status != "pending" or row.suggestion != "NEEDS_REVIEW":
            continue
        if alone_in and len(window.service.group(row.conviction_id, alone_in == "person").targets) != 1:
            continue
        window.table.selectRow(r)
        keyed = numbered_answers(window.case_panel.case)
        n = next((n for n, (_q, a) in enumerate(keyed, start=1)
                  if a.suggestion.value not in ("NEEDS_REVIEW",) and not a.suggestion.grants_relief), None)
        if n is not None:
            return row, n
    raise AssertionError("no answer leading to a challenge in the demo")


@pytest.mark.parametrize("confirm", [Qt.Key.Key_A, Qt.Key.Key_Return])
def test_an_answer_key_then_a_never_accepts_a_challenge_unseen(qtbot, open_window, larger_policy_db, confirm):
    window, path = open_window(larger_policy_db)
    row, n = _answer_to_no_relief(window)
    window.table.setFocus()
    qtbot.keyClick(focused(), getattr(Qt.Key, f"Key_{n}"))
    case = window.case_panel.case
    assert case.conviction_id == row.conviction_id and case.can_accept and not case.suggestion.grants_relief
    assert "no relief" in window.message.text()
    qtbot.keyClick(focused(), Qt.Key.Key_A)  # "1 then A" typed blindly: named, not accepted
    assert review(path, row.conviction_id) == ("pending", None)
    assert window.current_conviction() == row.conviction_id
    assert case.accept_outcome.label in window.message.text() and "A again" in window.message.text()
    qtbot.keyClick(focused(), confirm)  # a second A, or Enter, accepts what was named
    assert review(path, row.conviction_id) == ("accepted", case.accept_outcome.value)
    assert window.current_conviction() != row.conviction_id
    # Enter does nothing once nothing waits for it (the queue keeps its own keys)
    assert not window.confirm_action.isEnabled()


@pytest.mark.parametrize(("key", "what"), [(Qt.Key.Key_A, "court case"), (Qt.Key.Key_P, "person")])
def test_shift_a_or_p_right_after_an_answer_names_the_challenge_first(qtbot, open_window, larger_policy_db, key,
                                                                     what):
    """Accepting the court case (Shift+A) or the person (Shift+P) right after an answer that made the case a
    challenge: the first press names it, the second records it."""
    window, path = open_window(larger_policy_db)
    row, n = _answer_to_no_relief(window, alone_in=what)
    window.table.setFocus()
    qtbot.keyClick(focused(), getattr(Qt.Key, f"Key_{n}"))
    case = window.case_panel.case
    assert case.conviction_id == row.conviction_id and not case.accept_outcome.grants_relief
    qtbot.keyClick(focused(), key, Qt.KeyboardModifier.ShiftModifier)
    assert review(path, row.conviction_id) == ("pending", None), "named, not recorded"
    text = window.message.text()
    assert case.accept_outcome.label in text and f"this {what}" in text and "again" in text
    qtbot.keyClick(focused(), key, Qt.KeyboardModifier.ShiftModifier)
    assert review(path, row.conviction_id) == ("accepted", case.accept_outcome.value)


def test_a_on_an_accepted_case_records_nothing_more(qtbot, open_window, policy_db):
    """A second A on a case accepted already (its suggestion unchanged) says so and records no second decision;
    the Accept button is off there."""
    window, path = open_window(policy_db)
    row = go_to(qtbot, window, lambda r: r.status == "pending" and r.suggestion == "DISMISS_AND_SEAL")
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    assert review(path, row.conviction_id)[0] == "accepted"
    qtbot.keyClick(focused(), Qt.Key.Key_Up)  # back to it
    assert window.current_conviction() == row.conviction_id
    assert not window.accept_button.isEnabled()
    assert "Accepted already" in window.case_panel.suggestion_label.text()

    def decisions() -> int:
        db = Database(path, migrate=False)
        try:
            with db.session() as s:
                return len(s.scalars(select(m.Decision).where(m.Decision.conviction_id == row.conviction_id)).all())
        finally:
            db.dispose()

    assert decisions() == 1
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    assert decisions() == 1 and "Already accepted" in window.message.text()
    assert window.current_conviction() == row.conviction_id


def test_the_named_challenge_is_forgotten_when_the_case_changes(qtbot, open_window, larger_policy_db):
    window, path = open_window(larger_policy_db)
    row, n = _answer_to_no_relief(window)
    window.table.setFocus()
    qtbot.keyClick(focused(), getattr(Qt.Key, f"Key_{n}"))
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    qtbot.keyClick(focused(), Qt.Key.Key_Down)  # moved on, then back: the first A names it again
    qtbot.keyClick(focused(), Qt.Key.Key_Up)
    assert window.current_conviction() == row.conviction_id
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    assert review(path, row.conviction_id)[0] == "accepted", "an answer given before, then read again: one A"
    # a challenge the engine gave on its own (no answer just given) takes one A, as before
    model = window.model
    target = next(r for r in range(model.rowCount()) if model.queue_row(r).status == "pending"
                  and model.queue_row(r).suggestion == "NOT_ELIGIBLE")
    window.table.selectRow(target)
    cid = window.current_conviction()
    window.table.setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_A)
    assert review(path, cid)[0] == "accepted"


def test_messages_lie_over_the_case_and_leave_no_band(qtbot, open_window, policy_db):
    window, _path = open_window(policy_db)
    panel = window.case_panel
    top = panel.person_label.mapTo(window, panel.person_label.rect().topLeft())
    window.message.show_text("A message", "info")
    qtbot.wait(10)
    assert panel.person_label.mapTo(window, panel.person_label.rect().topLeft()) == top, "the case does not move"
    bar = window.message.geometry()
    assert bar.bottom() == panel.rect().bottom() and bar.width() == panel.details.width()
    window.message.hide()
    assert panel.person_label.mapTo(window, panel.person_label.rect().topLeft()) == top
    # no line of its own above the case: the person's name starts at the top of the right side
    assert panel.geometry().top() == 0


def test_a_message_leaves_the_last_lines_of_the_case_in_sight(qtbot, open_window, policy_db):
    """The message lies over the foot of the case; the details end above it while it shows, so their last lines
    scroll into sight (they stayed hidden under a sticky warning before)."""
    window, _path = open_window(policy_db)
    panel = window.case_panel
    viewport = panel.details.viewport()

    def foot() -> int:  # the bottom of the details' visible text, in the panel
        return viewport.mapTo(panel, viewport.rect().bottomLeft()).y()

    free = foot()
    go_to(qtbot, window, lambda r: r.status == "pending" and r.suggestion == "NEEDS_REVIEW")
    qtbot.keyClick(focused(), Qt.Key.Key_A)  # "Accept is not possible …": a warning, it stays
    assert window.message.isVisible() and "not possible" in window.message.text()
    assert foot() < window.message.geometry().top(), "the details end above the message"
    assert window.message.geometry().top() - foot() <= panel.layout().spacing() + 2
    qtbot.mouseClick(window.message.findChild(QToolButton), Qt.MouseButton.LeftButton)  # its ✕
    assert not window.message.isVisible()
    assert foot() == free, "and reach the foot of the panel again once it is gone"
