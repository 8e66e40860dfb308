"""The case panel: the person, the record as a timeline, the suggestion and why, the decisions so far."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QVBoxLayout, QWidget

from reviewer.domain.vocabulary import Outcome, ReviewStatus, SentenceStatus, Suggestion
from reviewer.domain.records import Answer, Question
from reviewer.services.queue import CaseView, DecisionEntry

MAX_ANSWER_KEYS = 9  # answers are given with the keys 1 to 9, numbered across the case's open questions

SUGGESTION_COLORS = {
    Suggestion.DISMISS_AND_SEAL: "#1b6e33",
    Suggestion.REDESIGNATE_MISDEMEANOR: "#1b6e33",
    Suggestion.REDESIGNATE_INFRACTION: "#1b6e33",
    Suggestion.NOT_ELIGIBLE: "#a4262c",
    Suggestion.NEEDS_REVIEW: "#8a4b00",
    Suggestion.REFER: "#3b4a5a",
}
SENTENCE_TEXT = {
    SentenceStatus.SERVING: "still serving the sentence",
    SentenceStatus.COMPLETED: "sentence completed",
    SentenceStatus.UNKNOWN: "sentence status not shown in the record",
}
STYLE = """
<style>
h3 { margin: 14px 0 4px 0; font-size: 11pt; color: #333; }
table.t { border-collapse: collapse; }
table.t td, table.t th { padding: 3px 8px 3px 0; vertical-align: top; }
table.t th { text-align: left; color: #555; font-weight: normal; border-bottom: 1px solid #ccc; }
tr.review td { background: #dde8f7; font-weight: bold; }
tr.trigger td { background: #fbe3c0; }
.cite { color: #555; }
.muted { color: #666; }
.undone { color: #888; text-decoration: line-through; }
</style>
"""


def _d(value) -> str:
    return value.isoformat() if value else "—"


class CasePanel(QFrame):
    """Shows one CaseView; the decision buttons live beside it in the main window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("casePanel")
        self.setAccessibleName("Case")
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(4)

        self.person_label = QLabel()
        self.person_label.setObjectName("personLabel")
        self.person_label.setTextFormat(Qt.TextFormat.RichText)
        self.person_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.person_label.setWordWrap(True)
        layout.addWidget(self.person_label)

        self.suggestion_label = QLabel()
        self.suggestion_label.setObjectName("suggestionLabel")
        self.suggestion_label.setAccessibleName("Suggestion")
        self.suggestion_label.setTextFormat(Qt.TextFormat.RichText)
        self.suggestion_label.setWordWrap(True)
        layout.addWidget(self.suggestion_label)

        self.status_label = QLabel()
        self.status_label.setObjectName("reviewStatusLabel")
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.questions_label = QLabel()
        self.questions_label.setObjectName("questionsLabel")
        self.questions_label.setAccessibleName("Questions to answer")
        self.questions_label.setTextFormat(Qt.TextFormat.RichText)
        self.questions_label.setWordWrap(True)
        self.questions_label.setStyleSheet("QLabel { background:#fff6e5; border:1px solid #e8c98f; padding:6px 8px; }")
        self.questions_label.setVisible(False)
        layout.addWidget(self.questions_label)

        self.details = QTextBrowser()
        self.details.setObjectName("caseDetails")
        self.details.setAccessibleName("Reasons, record and decisions")
        self.details.setOpenLinks(False)
        self.details.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.details, 1)
        self.case: CaseView | None = None
        self.show_empty("Select a conviction in the queue.")

    def keep_clear_of(self, height: int) -> None:
        """A message lies over the bottom `height` pixels of the panel: the details end above it, so their last
        lines scroll into sight instead of staying under the message. (Only the viewport's height changes: the
        text is not laid out again.)"""
        viewport = self.details.viewport()  # where the text ends now, and where it ends with no margin
        foot = viewport.mapTo(self, viewport.rect().bottomLeft()).y() + 1 + self.details.viewportMargins().bottom()
        covered = max(0, foot - (self.height() - height)) if height else 0
        self.details.setViewportMargins(0, 0, 0, covered)

    def show_empty(self, text: str) -> None:
        self.case = None
        self.person_label.setText(f"<span style='font-size:13pt; color:#555'>{escape(text)}</span>")
        self.suggestion_label.setText("")
        self.status_label.setText("")
        self.questions_label.setVisible(False)
        self.details.setHtml("")

    def show_case(self, case: CaseView, can_answer: bool = True) -> None:
        self.case = case
        self.person_label.setText(_person_html(case))
        self.suggestion_label.setText(_suggestion_html(case, can_answer))
        self.status_label.setText(_status_html(case))
        self.questions_label.setText(_questions_html(case, can_answer))
        self.questions_label.setVisible(bool(case.questions))
        self.details.setHtml(STYLE + _reasons_html(case) + _timeline_html(case)
                             + _history_html(case.history, case.review.decision_id))
        self.details.verticalScrollBar().setValue(0)


def _person_html(case: CaseView) -> str:
    p = case.person
    flags = []
    if p.deceased:
        flags.append("<span style='background:#444; color:white'>&nbsp;DECEASED&nbsp;</span>")
    if p.pc290_registration:
        since = f" since {p.pc290_registration_date.isoformat()}" if p.pc290_registration_date else ""
        flags.append(f"<span style='background:#a4262c; color:white'>&nbsp;PC 290 REGISTRANT{since}&nbsp;</span>")
    under = next((t for t in case.timeline if t.under_review), None)
    conviction = (f"<br>Conviction under review: <b>{escape(under.offense)}</b> {escape(under.level.lower())}, "
                  f"{_d(under.disposition_date)}, {escape(under.county.title())} County, court case "
                  f"{escape(under.court_case or '—')}") if under else ""
    return (
        f"<span style='font-size:15pt; font-weight:bold'>{escape(p.name or 'Name not recorded')}</span>"
        f"&nbsp;&nbsp;{' '.join(flags)}<br>"
        f"<span style='color:#555'>DOB {_d(p.dob)} &nbsp;·&nbsp; CII {escape(p.cii or '—')}"
        f" &nbsp;·&nbsp; DOJ subject {escape(p.subject_id)}</span>{conviction}"
    )


def _suggestion_html(case: CaseView, can_answer: bool = True) -> str:
    color = SUGGESTION_COLORS.get(case.suggestion, "#333")
    if case.already_accepted:
        accept = "Accepted already: nothing more to record. Override (O) changes the decision"
    elif case.accept_outcome:
        accept = f"Accept (A) records <b>{escape(case.accept_outcome.label)}</b>"
    elif case.questions and not can_answer:
        accept = "Accept is not possible yet: an attorney answers the question below, or overrides"
    elif case.questions:
        accept = f"Accept is not possible yet: answer the question below ({_key_range(case)}), or Override (O)"
    else:
        accept = "Accept is not possible: choose an outcome and give a reason with Override (O)"
    attention = " &nbsp;<span style='color:#8a4b00'>(a disqualifier applies)</span>" if case.disqualified else ""
    return (
        f"<span style='font-size:14pt'>Suggestion: <b style='color:{color}'>{escape(case.suggestion.label)}</b></span>"
        f"{attention}<br>{_layer_html(case)}<br>{accept}<br><span style='color:#555'>As of "
        f"{case.as_of.isoformat()} &nbsp;·&nbsp; {SENTENCE_TEXT[case.sentence_status]}</span>"
    )


def _layer_html(case: CaseView) -> str:
    """Which layer decided: the statute, or the county's policy (named), with what the statute alone says."""
    if case.policy_decided:
        statute = (f"; the statute alone suggests <b>{escape(case.statute_suggestion.label)}</b>"
                   if case.statute_suggestion and case.statute_suggestion != case.suggestion else "")
        return (f"Decided by: <span style='background:#e6e0f3; color:#4a2f7a'>&nbsp;<b>county policy</b> "
                f"{escape(case.policy)}&nbsp;</span>{statute}")
    agrees = (f" <span style='color:#555'>— the county policy ({escape(case.policy)}) gives the same</span>"
              if case.policy_applied else \
        " <span style='color:#555'>(no county policy applied)</span>")
    return f"Decided by: <span style='background:#e3efe6; color:#1b4e2b'>&nbsp;<b>statute</b>&nbsp;</span>{agrees}"


def _key_range(case: CaseView) -> str:
    n = len(numbered_answers(case))
    return "key 1" if n == 1 else ("key 1 or 2" if n == 2 else f"keys 1–{n}")


def numbered_answers(case: CaseView | None) -> list[tuple[Question, Answer]]:
    """The answers of the case's open questions in order: the first is key 1, the ninth key 9."""
    if case is None:
        return []
    return [(q, a) for q in case.questions for a in q.answers][:MAX_ANSWER_KEYS]


def _questions_html(case: CaseView, can_answer: bool) -> str:
    if not case.questions:
        return ""
    keyed = {id(a): n for n, (_q, a) in enumerate(numbered_answers(case), start=1)}
    policy_note = (f"<br><span style='color:#555'>→ where each answer leads under the statute. The county policy "
                   f"({escape(case.policy)}) is applied again after the answer and may still ask for review.</span>"
                   if case.policy_applied else "")
    how = (f"Press the answer's {_key_range(case).split(' ', 1)[0]} ({_key_range(case).split(' ', 1)[1]}): it is "
           "recorded with your name and the time in the audit log, and the case is evaluated again."
           if can_answer else "<b>Signed in as a clerk</b>: you can read these questions; an attorney answers them.")
    plural = "s" if len(case.questions) > 1 else ""
    title = (f"Question{plural} to decide this case" if case.suggestion == Suggestion.NEEDS_REVIEW else
             f"Open question{plural} the record does not answer")
    parts = [f"<b style='color:#8a4b00'>{title}</b>"
             f" &nbsp;<span style='color:#555'>{how}</span>{policy_note}"]
    for question in case.questions:
        # the law as in the reasons' Law column: grey, in a column of its own, no brackets
        cite = (f"<td style='color:#555; padding-left:12px' width='24%'>{escape(question.citation)}</td>"
                if question.citation else "<td></td>")
        rows = []
        for answer in question.answers:
            n = keyed.get(id(answer))
            key = (f"<span style='background:#333; color:white'>&nbsp;{n}&nbsp;</span>" if n and can_answer
                   else "&nbsp;•&nbsp;")
            rows.append(f"<tr><td>{key}</td><td>&nbsp;<b>{escape(answer.label)}</b></td><td>&nbsp;→ "
                        f"{escape(answer.suggestion.label)}</td>"
                        f"<td style='color:#555; padding-left:12px'>{escape(answer.citation)}</td></tr>")
        parts.append(f"<table width='100%' style='margin-top:6px'><tr><td>{escape(question.text)}</td>{cite}</tr>"
                     f"</table><table style='margin-left:8px'>{''.join(rows)}</table>")
    return "".join(parts)


def _status_html(case: CaseView) -> str:
    review = case.review
    if review.status == ReviewStatus.PENDING.value:
        return "<b>Pending</b> — not decided yet"
    try:
        outcome = Outcome(review.outcome).label if review.outcome else ""
    except ValueError:
        outcome = review.outcome or ""
    verb = "Accepted" if review.status == ReviewStatus.ACCEPTED.value else "Overridden"
    color = "#1b6e33" if review.status == ReviewStatus.ACCEPTED.value else "#8a4b00"
    standing = next((h for h in case.history if h.id == review.decision_id), None)
    when = f" on {standing.decided_at:%Y-%m-%d %H:%M}" if standing else ""
    decided = (f"<b style='color:{color}'>{verb}</b>: {escape(outcome)} — by "
               f"{escape(review.decided_by or 'unknown')}{when}")
    was = case.decided_suggestion
    if was is None:
        return decided
    return (f"{decided}<br><span style='background:#fbe3c0; color:#8a4b00'>&nbsp;<b>\u26a0 Suggestion changed since "
            f"decided</b>: was {escape(was.label)}, now {escape(case.suggestion.label)}&nbsp;</span>"
            "<br><span style='color:#555'>The decision stands as made; decide again to answer the new "
            "suggestion.</span>")


def _who(entry) -> str:
    bar = f" (SBN {escape(entry.bar_number)})" if entry.bar_number else ""
    return f"{escape(entry.answered_by)}{bar}, {entry.answered_at:%Y-%m-%d %H:%M}"


ANSWERED = "the reviewing attorney answered "  # how the engine words an answer it used (engine/columns/rules.py's ask)


def _reason_row(n: int, r, case: CaseView) -> str:
    """One reason: the plain sentence, and the law it rests on beside it in its own column."""
    tag = who = ""
    if r.rule.startswith("policy:"):
        tag = "<span style='color:#4a2f7a'><b>County policy:</b></span> "
    elif r.rule.startswith("answer:"):
        tag = "<span style='color:#8a4b00'><b>Answer:</b></span> "
        entry = case.answer_of(r.rule.split(":", 1)[1])
        who = f" <span class=muted>— {_who(entry)}</span>" if entry else ""
    text = escape(r.text[:1].upper() + r.text[1:])
    if r.rule.startswith("answer:") and r.text.startswith(ANSWERED):  # "Answer: Yes — the question — who, when"
        label, _, question = r.text[len(ANSWERED):].partition(": ")
        text = f"<b>{escape(label)}</b> — {escape(question)}"
    return (f"<tr><td class=muted>{n}.</td><td>{tag}{text}{who}</td>"
            f"<td class=cite width='24%'>{escape(r.citation)}</td></tr>")


def _reasons_html(case: CaseView) -> str:
    # "statute-alone" says which layer decided: shown apart, beside the suggestion.
    shown = [r for r in case.reasons if r.rule != "statute-alone"]
    if not shown:
        return "<h3>Why</h3><p class='muted'>No reasons recorded.</p>"
    rows = "".join(_reason_row(n, r, case) for n, r in enumerate(shown, start=1))
    # No header row: Qt's text layout takes twice as long for this table with one (2.5 ms more per case shown).
    return (f"<h3>Why <span class=muted style='font-weight:normal; font-size:9pt'>&nbsp;(the law beside each "
            f"reason)</span></h3><table class='t' width='100%'>{rows}</table>")


SENTENCE_WORDS = {SentenceStatus.SERVING: "still serving", SentenceStatus.COMPLETED: "completed",
                  SentenceStatus.UNKNOWN: "not shown"}


_NOWRAP = "white-space:nowrap"


def _timeline_html(case: CaseView) -> str:
    rows = []
    for t in case.timeline:
        cls = "review" if t.under_review else ("trigger" if t.triggers else "")
        note = "under review" if t.under_review else "; ".join(t.triggers)
        # the count under review shows the evaluation's status (an attorney's answer included), so the
        # record never says "completed" where the case says "still serving"
        status = case.sentence_status if t.under_review else t.sentence_status
        sentence = SENTENCE_WORDS.get(status, "") if t.sentence_end or t.under_review or t.review else ""
        # the level beside the code section (a column of its own left the offense's words ~90 px at 1366 px,
        # one word a line); bold where it is a felony
        level = escape(t.level.lower())
        level = f"<b>{level}</b>" if t.level.lower() == "felony" and not t.under_review else level
        offense = (f"{escape(t.offense)}, <span style='{_NOWRAP}'>{level}</span>"
                   + (f"<br><span class='muted'>{escape(t.description)}</span>"
                      if t.description and t.description != t.offense else ""))
        review = "; ".join(x for x in ((escape(t.review) if not t.under_review else ""), escape(note)) if x)
        # Dates, levels and statuses never break inside a word (a 1366-px screen leaves the panel ~620 px);
        # the offense's description takes the room left.
        rows.append(
            f"<tr class='{cls}'><td style='{_NOWRAP}'>{_d(t.disposition_date)}<br>"
            f"<span class='muted'>{escape(t.county.title())}</span></td>"
            f"<td>{escape(t.court_case)}<br><span class='muted' style='{_NOWRAP}'>{escape(t.count)}</span></td>"
            f"<td>{offense}</td><td style='{_NOWRAP}'>{escape(sentence)}</td>"
            f"<td>{review}</td></tr>"
        )
    legend = ("<p class='muted'>Blue: the conviction under review. Amber: a conviction that counts against relief "
              "for it.</p>") if any(t.triggers for t in case.timeline) else ""
    return (
        f"<h3>Record: {len(case.timeline)} conviction{'s' if len(case.timeline) != 1 else ''}, all counties</h3>"
        f"{legend}"
        f"<table class='t' width='100%'><tr style='{_NOWRAP}'><th>Disposition, county</th><th>Court case, count</th>"
        "<th>Offense, level</th><th>Sentence</th><th>Review</th></tr>"
        f"{''.join(rows)}</table>"
    )


def _history_html(history: tuple[DecisionEntry, ...], standing_id: int | None) -> str:
    if not history:
        return "<h3>Decisions</h3><p class='muted'>None yet.</p>"
    rows = []
    for h in reversed(history):
        try:
            outcome = Outcome(h.outcome).label
        except ValueError:
            outcome = h.outcome
        who = escape(h.user_name) + (f" (SBN {escape(h.bar_number)})" if h.bar_number else "")
        reason = f"<br><span class='muted'>Reason: {escape(h.reason)}</span>" if h.reason else ""
        undone = (f"<br><span class='muted'>Undone by {escape(h.undone_by or '')} "
                  f"{h.undone_at:%Y-%m-%d %H:%M}</span>") if h.undone_at else ""
        cls = " class='undone'" if h.undone_at else ""
        note = (" <b>(standing)</b>" if h.id == standing_id else
                "" if h.undone_at else " <span class='muted'>(replaced by a later decision)</span>")
        rows.append(f"<tr><td>{h.decided_at:%Y-%m-%d %H:%M}</td><td><span{cls}>{h.kind.title()}: "
                    f"{escape(outcome)}</span>{note} — {who}{reason}{undone}</td></tr>")
    return f"<h3>Decisions</h3><table class='t'>{''.join(rows)}</table>"

