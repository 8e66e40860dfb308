"""The review queue as the screens use it: what to show, one case in full, and the decisions on it.

The UI talks to `QueueService` and to the job functions at the bottom (run in workers, each
with its own database); it never sees SQL or ORM objects.
"""
from __future__ import annotations

import gc
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from sqlalchemy.orm import Session

from reviewer.domain.people import User
from reviewer.domain.records import Evaluation, Person, PersonRecord, Question, Reason
from reviewer.domain.vocabulary import DecisionKind, Level, Outcome, ReviewStatus, SentenceStatus, Suggestion
from reviewer.engine.conditions import PolicyError
from reviewer.engine.facts import PersonFacts
from reviewer.engine.policy import load_policy, policy_from_document
from reviewer.ingest.problems import FileRejected
from reviewer.resources import shipped_policies
from reviewer.services import deciding
from reviewer.services.deciding import (
    BulkAcceptResult, BulkUndoResult, ConflictError, DecisionRefused, DecisionResult, SkipReason, UndoResult,
    public_safety_allowed,
)
from reviewer.services.jobs import NO_JOB, Cancelled, Job
from reviewer.services.queue_index import (
    STATUS_CHANGED, STATUS_DONE, Choices, Counts, QueueFilter, QueueIndex, QueueView,
)
from reviewer.store import queue as q
from reviewer.store.database import Database, DatabaseError
from reviewer.store.queue import AnswerEntry, DecisionEntry, QueueRow, ReviewState, RunInfo
from reviewer.store.records import load_record
from reviewer.store.staging import Stage

if TYPE_CHECKING:  # the import and evaluation stacks load only when a job needs them (faster start)
    from reviewer.services.evaluating import EvaluationReport
    from reviewer.services.importing import ImportReport

__all__ = [
    "BulkAcceptResult", "BulkUndoResult", "SkipReason", "UndoResult",
    "OVERRIDE_OUTCOMES", "STATUS_CHANGED", "AnswerEntry", "CountGroup", "STATUS_DONE", "CaseView", "Cancelled", "Choices", "ConflictError", "Counts",
    "DatabaseError", "DecisionEntry", "DecisionRefused", "DecisionResult", "FileRejected", "Job", "QueueFilter", "QueueIndex",
    "QueueRow", "QueueService", "QueueView", "ReviewState", "RunInfo", "TimelineEntry", "accept_in_chunks", "import_files",
    "open_database", "policy_choices", "reevaluate",
]

OVERRIDE_OUTCOMES = (
    Outcome.DISMISS_AND_SEAL, Outcome.REDESIGNATE_MISDEMEANOR, Outcome.REDESIGNATE_INFRACTION,
    Outcome.CHALLENGE_NOT_ELIGIBLE, Outcome.CHALLENGE_PUBLIC_SAFETY,
)


@dataclass(frozen=True)
class TimelineEntry:
    """One conviction on the person's record, in date order, across counties."""

    conviction_id: int
    disposition_date: date | None
    county: str
    court_case: str
    offense: str
    level: str
    sentence_end: date | None
    under_review: bool
    triggers: tuple[str, ...]  # why this conviction counts against relief for the one under review
    count: str = ""  # "cycle 1, count 2" from the DOJ count order
    description: str = ""  # the offense as the record words it
    sentence_status: SentenceStatus = SentenceStatus.UNKNOWN  # this count's own, on the as-of date
    review: str = ""  # a flagged count's review: pending, or the decision's outcome ("" when not in the queue)


@dataclass(frozen=True)
class CaseView:
    """Everything the case panel shows for one conviction."""

    conviction_id: int
    person: Person
    suggestion: Suggestion
    accept_outcome: Outcome | None
    reasons: tuple[Reason, ...]
    sentence_status: SentenceStatus
    disqualified: bool
    policy: str
    as_of: date
    review: ReviewState
    timeline: tuple[TimelineEntry, ...]
    history: tuple[DecisionEntry, ...]
    public_safety: tuple[bool, str]
    questions: tuple[Question, ...] = ()  # the engine's open questions, not answered yet
    statute_suggestion: Suggestion | None = None  # what the statute alone suggests (differs where a policy decided)
    answers: tuple[AnswerEntry, ...] = ()  # the attorneys' answers to its questions: who, when

    def answer_of(self, question_key: str) -> AnswerEntry | None:
        """The standing (latest) answer to this question."""
        return next((a for a in reversed(self.answers) if a.question_key == question_key), None)

    @property
    def can_accept(self) -> bool:
        return self.accept_outcome is not None

    @property
    def already_accepted(self) -> bool:
        """Accepted, and the suggestion is still the one accepted: another Accept would record nothing new."""
        return self.review.status == ReviewStatus.ACCEPTED.value and not self.review.suggestion_changed

    @property
    def policy_decided(self) -> bool:
        """The county's policy, not the statute, gave the suggestion (the statute alone suggests otherwise)."""
        return any(r.rule == "statute-alone" for r in self.reasons)

    @property
    def policy_applied(self) -> bool:
        return any(r.rule.startswith("policy:") for r in self.reasons)

    @property
    def decided_suggestion(self) -> Suggestion | None:
        """Where a re-evaluation changed the suggestion since the standing decision: the one it answered."""
        if not self.review.suggestion_changed or not self.review.decided_suggestion:
            return None
        try:
            return Suggestion(self.review.decided_suggestion)
        except ValueError:
            return None


def open_database(target: str | Path, migrate: bool = True) -> Database:
    """Open (and bring up to date) a database; DatabaseError says why it cannot be."""
    return Database(target, migrate=migrate)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building 100,000 rows' keys allocates many small objects; the cyclic collector only slows that."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class QueueService:
    """One reviewer's view of one database."""

    def __init__(self, db: Database, user: User, background: bool = False) -> None:
        """`background`: read the queue on a thread while the caller builds its screen; `index` waits for it."""
        self.db = db
        self.user = user
        self._index: QueueIndex | None = None
        self.person_rows: dict[int, QueueRow] = {}  # the queue rows the last answer (or its undo) read
        self._answered_record: PersonRecord | None = None  # the record the last answer re-evaluated, for its case
        self._loader: threading.Thread | None = None
        self._load_error: BaseException | None = None
        if background:
            self._loader = threading.Thread(target=self._load_in_background, name="queue-load", daemon=True)
            self._loader.start()
        else:
            self._index = self._load_index()

    def _load_in_background(self) -> None:
        try:
            self._index = self._load_index()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the index
            self._load_error = exc

    @property
    def index(self) -> QueueIndex:
        if self._loader is not None:
            self._loader.join()
            self._loader = None
            if self._load_error is not None:
                error, self._load_error = self._load_error, None
                raise error
        return self._index

    @property
    def url(self) -> str:
        return self.db.url

    def _load_index(self) -> QueueIndex:
        with _no_gc(), self.db.engine.connect() as conn:
            return QueueIndex(q.queue_keys(conn), _policy_rule_labels(q.policy_documents(conn)))

    def reload(self) -> None:
        """Read the queue's keys again (after a re-evaluation, an import, or to see colleagues' decisions)."""
        self._index = self._load_index()

    def close(self) -> None:
        self.db.dispose()

    def about_text(self) -> str:
        """For the About box: version, database, who is signed in, and the audit log's check."""
        from reviewer import __version__
        from reviewer.services.auditing import safe_url, verify

        who = self.user.name + (f" (signed in as {self.user.account})" if self.user.account else "")
        return (f"Reviewer {__version__}\nDatabase: {safe_url(self.db.url)}\nUser: {who}, {self.user.role.value}\n\n"
                f"{verify(self.db).line()}")

    # --- reading -------------------------------------------------------------------------------

    def view(self, flt: QueueFilter, sort: str | None = None, descending: bool = False) -> QueueView:
        return self.index.view(flt, sort, descending)

    def counts(self) -> Counts:
        return self.index.counts()

    def choices(self) -> Choices:
        return self.index.choices()

    def rows(self, conviction_ids: Sequence[int]) -> dict[int, QueueRow]:
        with self.db.engine.connect() as conn:
            return q.rows_by_ids(conn, conviction_ids)

    def latest_run(self) -> RunInfo | None:
        with self.db.engine.connect() as conn:
            return q.latest_run(conn)

    def case(self, conviction_id: int) -> CaseView | None:
        with self.db.engine.connect() as conn:
            detail = q.evaluation_detail(conn, conviction_id)
            if detail is None:
                return None
            record, self._answered_record = self._answered_record, None
            if record is None or record.person.id != detail.person_id:
                record = load_record(conn, detail.person_id)
            history = q.decision_history(conn, conviction_id)
            answers = q.question_answers(conn, conviction_id)
            states = q.review_states(conn, [c.id for c in record.convictions])
        # NEEDS_REVIEW's, and e.g. whether a sentence is served: those of the evaluation nobody answered yet
        questions = self._open_questions(detail.questions, {a.question_key for a in answers})
        try:
            statute = Suggestion(detail.statute_suggestion) if detail.statute_suggestion else None
        except ValueError:
            statute = None
        suggestion = Suggestion(detail.suggestion)
        status = SentenceStatus(detail.sentence_status)
        reasons = tuple(Reason(r.get("rule", ""), r.get("citation", ""), r.get("text", "")) for r in detail.reasons)
        policy = f"{detail.policy_name} v{detail.policy_version}" if detail.policy_version else detail.policy_name
        return CaseView(
            conviction_id, record.person, suggestion, Outcome.for_suggestion(suggestion), reasons, status,
            detail.disqualified, policy, detail.as_of, detail.review, _timeline(record, conviction_id, detail.as_of, states),
            tuple(history), public_safety_allowed(status), questions, statute, tuple(answers),
        )

    # --- answering the engine's questions -------------------------------------------------------

    @staticmethod
    def _open_questions(questions_json: str, answered: set[str]) -> tuple[Question, ...]:
        if not questions_json or questions_json == "[]":
            return ()
        from reviewer.services import answering  # the evaluation stack loads on the first question (faster start)

        return tuple(q for q in answering.questions_from_json(questions_json) if q.key not in answered)

    def answer(self, conviction_id: int, key: str, value: str) -> Evaluation:
        """An attorney's answer to one question: recorded, audited, the person re-evaluated (AnswerRefused,
        AnswerConflict, from services.answering, say why not). The queue's suggestions of the person's
        convictions follow."""
        from reviewer.services import answering

        evaluation = answering.answer_question(self.db, conviction_id, key, value, self.user,
                                               on_record=self._keep_record)
        self._follow_person(conviction_id)
        return evaluation

    def standing_answer_id(self, conviction_id: int, key: str) -> int | None:
        from reviewer.services import answering

        return answering.latest_answer_id(self.db, conviction_id, key)

    def undo_answer(self, conviction_id: int, answer_id: int) -> Evaluation:
        """Take back an answer while it stands (audited; the person re-evaluated); AnswerConflict if not."""
        from reviewer.services import answering

        evaluation = answering.undo_answer(self.db, answer_id, self.user, on_record=self._keep_record)
        self._follow_person(conviction_id)
        return evaluation

    def _keep_record(self, record: PersonRecord) -> None:
        """The record an answer just re-evaluated (committed): the case shown next is drawn from it, once, instead
        of reading it again (2-3 ms of the answer-and-advance)."""
        self._answered_record = record

    def _follow_person(self, conviction_id: int) -> None:
        """The queue's suggestions of the person's convictions follow a re-evaluation of the person; the rows
        read for it are kept for the window to repaint (person_rows), not read a second time."""
        self.person_rows = {}
        pos = self.index.position(conviction_id)
        if pos is not None:
            person = self.index.person_ids[pos]
            ids = self.index.ids[self.index.person_ids == person].tolist()
            self.person_rows = self.rows(ids)
            for cid, row in self.person_rows.items():
                self.index.set_suggestion(cid, row.suggestion)

    # --- deciding (each call is committed before it returns) ------------------------------------

    def accept(self, conviction_id: int, expected_version: int | None = None) -> DecisionResult:
        return self._decide(conviction_id, DecisionKind.ACCEPT, None, "", expected_version)

    def override(self, conviction_id: int, outcome: Outcome, reason: str,
                 expected_version: int | None = None) -> DecisionResult:
        return self._decide(conviction_id, DecisionKind.OVERRIDE, outcome, reason, expected_version)

    def _decide(self, conviction_id, kind, outcome, reason, expected_version) -> DecisionResult:
        try:
            result = deciding.decide(self.db, conviction_id, self.user, kind, outcome, reason,
                                     expected_version=expected_version)
        except ConflictError:
            self.refresh_states([conviction_id])  # show the colleague's decision
            raise
        self.index.set_state(conviction_id, result.status.value, self.user.name)
        return result

    def undo(self, conviction_id: int, decision_id: int, expected_version: int | None = None) -> UndoResult:
        """Revert this decision, only if it is still the one standing (at `expected_version`, the version it
        left): ConflictError otherwise, and a colleague's later decision stays."""
        try:
            result = deciding.undo(self.db, conviction_id, self.user, expected_version=expected_version,
                                   decision_id=decision_id)
        finally:
            self.refresh_states([conviction_id])
        return result

    def accept_shown(self, conviction_ids: Sequence[int], seen_versions: dict[int, int] | None = None,
                     job: Job = NO_JOB) -> BulkAcceptResult:
        """Bulk accept on this service's database (see services.bulk_deciding.accept_many)."""
        result = deciding.accept_many(self.db, conviction_ids, self.user, seen_versions=seen_versions, job=job)
        self.refresh_states([r.conviction_id for r in result.decided])
        return result

    def undo_bulk(self, result: BulkAcceptResult, job: Job = NO_JOB) -> BulkUndoResult:
        """Undo a bulk accept's decisions that still stand as it left them; the others stay."""
        undone = deciding.undo_many(self.db, result.decided, self.user, job=job)
        self.refresh_states([r.conviction_id for r in result.decided])
        return undone

    def refresh_states(self, conviction_ids: Sequence[int]) -> None:
        with self.db.engine.connect() as conn:
            states = q.review_states(conn, conviction_ids)
        for cid, state in states.items():
            self.index.set_state(cid, state.status, state.decided_by, state.suggestion_changed)

    # --- several counts at once (services.group_deciding) ----------------------------------------

    def group(self, conviction_id: int, whole_person: bool = False) -> "CountGroup":
        """The pending flagged counts of this conviction's court case (or of the whole person) in the queue."""
        pos = self.index.position(conviction_id)
        if pos is None:
            return CountGroup((), None, 0, "")
        ids = self.index.ids[self.index.person_ids == self.index.person_ids[pos]].tolist()
        rows = self.rows(ids)
        mine = rows.get(conviction_id)
        court_case = mine.court_case if mine is not None else ""
        members = [r for r in rows.values() if whole_person or (court_case and r.court_case == court_case)
                   or r.conviction_id == conviction_id]
        pending = sorted((r for r in members if r.status == ReviewStatus.PENDING.value), key=lambda r: r.conviction_id)
        outcomes = {Outcome.for_suggestion(Suggestion(r.suggestion)) for r in pending}
        same = outcomes.pop() if len(outcomes) == 1 else None
        return CountGroup(tuple((r.conviction_id, r.version) for r in pending), same, len(members), court_case)

    def decide_group(self, targets, kind: DecisionKind, outcome: Outcome | None = None,
                     reason: str = "") -> list[DecisionResult]:
        from reviewer.services.group_deciding import decide_group

        results = decide_group(self.db, targets, self.user, kind, outcome, reason)
        for result in results:
            self.index.set_state(result.conviction_id, result.status.value, self.user.name)
        return results

    def undo_decisions(self, results, job: Job = NO_JOB):
        """Take back decisions that still stand at the version they left (DecisionResults); the
        BulkUndoResult says what was undone and what was left as it is."""
        from reviewer.services.group_deciding import undo_decisions

        report = undo_decisions(self.db, list(results), self.user, job)
        self.refresh_states([r.conviction_id for r in results])
        return report

    def bulk_breakdown(self, view: QueueView) -> tuple[dict[Outcome, list[int]], int]:
        """What "Accept all shown" would decide, by outcome, and how many shown need an outcome chosen by hand."""
        ids, by_hand = view.acceptable_pending()
        suggestions = self.index.suggestion_of(ids)
        out: dict[Outcome, list[int]] = {}
        for cid, suggestion in zip(ids, suggestions):
            outcome = Outcome.for_suggestion(Suggestion(suggestion))
            if outcome is not None:
                out.setdefault(outcome, []).append(cid)
        return out, by_hand

    def bulk_preview(self, view: QueueView) -> tuple[list[int], int]:
        """Pending convictions shown that Accept can decide, and how many shown need an outcome chosen by hand."""
        return view.acceptable_pending()


@dataclass(frozen=True)
class CountGroup:
    """A court case's (or a person's) pending counts, with the versions shown, and the one outcome Accept
    gives all of them (None when they differ or need review)."""

    targets: tuple[tuple[int, int], ...]
    accept_outcome: Outcome | None
    counts: int  # all of its flagged counts, decided or not
    court_case: str


def _policy_rule_labels(documents: list[str]) -> dict[str, str]:
    """"policy:<rule id>" -> the reason the policy gives for that rule (later runs win)."""
    labels: dict[str, str] = {}
    for text in documents:
        try:
            policy = policy_from_document(json.loads(text or "{}"))
        except (ValueError, PolicyError):
            continue  # statute only, or a document this engine cannot read: rule ids stay as labels
        for rule in (*policy.rules, policy.otherwise):
            labels[f"policy:{rule.id}"] = rule.reason
    return labels


def _timeline(record, conviction_id: int, as_of: date | None = None,
              states: dict[int, ReviewState] | None = None) -> tuple[TimelineEntry, ...]:
    facts = PersonFacts(record)
    target = next((c for c in record.convictions if c.id == conviction_id), None)
    triggers: dict[int, list[str]] = {}
    if target is not None:
        for hit in facts.prior_super_strikes(target):
            triggers.setdefault(hit.conviction.id, []).append(f"prior super strike ({hit.entry.citation})")
        for hit in facts.prior_pc290(target):
            triggers.setdefault(hit.conviction.id, []).append("prior PC 290 offense")
        same = facts.priors_same_section(target)
        if len(same) >= 2:
            for prior in same:
                triggers.setdefault(prior.id, []).append(f"one of {len(same)} prior HS {target.section} convictions")
    ordered = sorted(record.convictions, key=lambda c: (c.disposition_date or date.max, c.id))
    states = states or {}
    return tuple(
        TimelineEntry(
            c.id, c.disposition_date, c.county, c.court_case, str(c.code) if c.code else c.offense_text,
            c.level.label if isinstance(c.level, Level) else "", c.sentence_end, c.id == conviction_id,
            tuple(triggers.get(c.id, ())), _count_label(c.count_order), c.offense_text or "",
            facts.sentence_status(c, as_of) if as_of is not None else SentenceStatus.UNKNOWN,
            _review_label(states.get(c.id)),
        )
        for c in ordered
    )


def _count_label(count_order: str) -> str:
    """DOJ CNT_ORDER: arrest cycle (3 digits), event (3), count (3), and in the research file 3 more."""
    digits = (count_order or "").strip()
    if len(digits) not in (9, 12) or not digits.isdigit():
        return digits
    return f"cycle {int(digits[:3])}, count {int(digits[6:9])}"


def _review_label(state: ReviewState | None) -> str:
    if state is None:
        return ""
    if state.status == ReviewStatus.PENDING.value:
        return "pending"
    try:
        outcome = Outcome(state.outcome).label if state.outcome else state.status
    except ValueError:
        outcome = state.outcome or state.status
    return f"{'accepted' if state.status == ReviewStatus.ACCEPTED.value else 'overridden'}: {outcome}"


# --- long jobs: run in a worker with their own Database -------------------------------------------

def accept_in_chunks(db: Database, conviction_ids: Sequence[int], user: User, job: Job = NO_JOB,
                     chunk: int = 500, seen_versions: dict[int, int] | None = None) -> BulkAcceptResult:
    """Bulk accept, one committed transaction per chunk so that progress shows and Stop is possible.

    Each conviction goes through the same versioned, audited call as a single decision; the result
    says what was decided (by outcome) and what was skipped and why. Stopping keeps the chunks done.
    """
    return deciding.accept_many(db, conviction_ids, user, seen_versions=seen_versions, job=job, chunk=chunk)


# SQLite attaches at most 10 databases to a connection, and a stage can only be detached after
# the job's one commit: files beyond these are written row by row (same rows, more slowly).
MAX_STAGES = 8


class _OneTransaction:
    """Stands in for a Database inside a job: every session joins one outer transaction.

    A Session bound to a connection that is already in a transaction only ever rolls it back
    (SQLAlchemy's "rollback_only" joining), so the job's caller decides: commit all, or nothing.
    """

    def __init__(self, db: Database, conn) -> None:
        self.url = db.url
        self.is_sqlite = db.is_sqlite
        self._conn = conn
        self._stages: list[Stage] = []

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(bind=self._conn, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def staged_session(self, tables: dict) -> Iterator[tuple[Session, str | None]]:
        """As Database.staged_session; the stages stay attached until `close_stages`, after the outer commit."""
        name = None
        if self.is_sqlite and len(self._stages) < MAX_STAGES:
            stage = Stage(self._conn.connection.dbapi_connection, tables, f"stage{len(self._stages)}")
            self._stages.append(stage)
            name = stage.name
        with self.session() as session:
            yield session, name

    def close_stages(self) -> None:
        for stage in self._stages:
            stage.close()
        self._stages.clear()


def import_files(db: Database, paths: Sequence[str | Path], user: str, job: Job = NO_JOB) -> list["ImportReport"]:
    """Import the chosen files as one job: all of them, or (on Cancel or a rejected file) none."""
    from reviewer.ingest.doj_reader import read_doj_file
    from reviewer.services.importing import store_extract
    from reviewer.store import pg_first_load

    steps = len(paths) + 1
    extracts = []
    for i, path in enumerate(paths):
        job.progress(i, steps, f"Reading {Path(path).name}")
        extracts.append(read_doj_file(path))
        job.check()
    reports = []
    with db.engine.connect() as conn:
        joined = _OneTransaction(db, conn)
        try:
            with conn.begin():
                pg_first_load.claim(conn, "conviction")  # the job's first statement (see store.pg_first_load)
                for extract in extracts:
                    job.progress(len(paths), steps, f"Writing {extract.source_file}")
                    reports.append(store_extract(joined, extract, user, replace(job, on_progress=None)))
                    job.check()
                job.progress(len(paths), steps, "Saving")
                job.check()
        finally:
            joined.close_stages()
    job.progress(steps, steps, "Done")
    return reports


def reevaluate(db: Database, county: str, as_of: date, policy_spec: str, user: str,
               job: Job = NO_JOB) -> "EvaluationReport":
    """Evaluate the county again; earlier evaluations stay on file, decisions stay with their convictions."""
    from reviewer.services.counties import require_county
    from reviewer.services.evaluating import evaluate, resolve_policy

    require_county(db, county)  # UnknownCounty (a ValueError) lists the counties present
    return evaluate(db, county, as_of, resolve_policy(policy_spec or None), user=user, job=job)


def policy_choices() -> list[tuple[str, str]]:
    """(spec, label) for the re-evaluation dialog: shipped policies, then the statute alone ("")."""
    out = []
    for stem, path in shipped_policies().items():
        try:
            policy = load_policy(path)
            out.append((stem, f"{policy.name} v{policy.version}"))
        except Exception:  # noqa: BLE001 - a broken shipped file is left out of the list, not fatal
            continue
    out.append(("", "Statute only (no county policy)"))
    return out
