"""Evaluate a county's cannabis convictions as of a date, under the statute or a policy."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from json.encoder import encode_basestring_ascii as _quote
from pathlib import Path

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from reviewer.domain.vocabulary import SentenceStatus, Suggestion
from reviewer.engine import ENGINE_VERSION
from reviewer.engine.evaluate import normalise_county
from reviewer.engine.policy import Policy, load_policy
from reviewer.resources import shipped_policies
from reviewer.services.gc_pause import cycle_collector_paused
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store import bulk, shared_reasons
from reviewer.store import models as m
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.pending_reviews import PENDING_REVIEWS
from reviewer.store.records import person_ranges_of, persons_with_cannabis_in
from reviewer.store.transactions import lock_county

STATUTE_ONLY = "statute only"
EVALUATION_COLUMNS = (
    "run_id", "conviction_id", "current", "suggestion", "statute_suggestion", "policy_reason", "reasons",
    "sentence_status", "disqualified", "flagged", "priority", "questions",
)


class EvaluationConflict(ValueError):
    """Another evaluation of the same convictions was saved at the same moment; nothing of this one was.
    (A ValueError, so that screens and the CLI show its message as they do for other bad requests.)"""


@dataclass
class EvaluationReport:
    run_id: int
    county: str
    as_of: date
    policy: str
    evaluated: int = 0
    flagged: int = 0
    by_suggestion: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.by_suggestion.items()))
        return (
            f"Evaluated {self.evaluated} cannabis convictions in {self.county} as of {self.as_of} "
            f"under {self.policy}: {self.flagged} flagged felonies; {counts}"
        )


def resolve_policy(spec: str | Path | None) -> Policy | None:
    """None: statute alone. A path to a JSON file, or the short name of a shipped policy."""
    if spec is None or str(spec) == "":
        return None
    path = Path(spec)
    if not path.exists():
        shipped = shipped_policies()
        if str(spec) in shipped:
            path = shipped[str(spec)]
    return load_policy(path)


def reasons_json(reasons) -> str:
    """The reasons as json.dumps([r.as_dict() ...], separators=(",", ":")) writes them, character for
    character, in a third of the time (compact, as it is stored for every evaluation)."""
    return "[" + ",".join(map(reason_json, reasons)) + "]"


def reason_json(r) -> str:
    """One reason as json.dumps(r.as_dict(), separators=(",", ":")) writes it."""
    return f'{{"rule":{_quote(r.rule)},"citation":{_quote(r.citation)},"text":{_quote(r.text)}}}'


# Reasons that many evaluations carry word for word are stored once (store/shared_reasons.py): which
# layer decided, a county policy's rule with its facts, the itemised negatives.
SHARED_RULES = frozenset({"statute-alone", "no-felony-exception"})
_SHARED: dict[int, tuple] = {}


def _is_shared(rule: str) -> bool:
    return rule in SHARED_RULES or rule.startswith("policy:")


def stored_reasons(reasons, shared: dict[str, str], _shared_rules=SHARED_RULES) -> str:
    """The reasons column: reasons_json's list, with each shared reason as a reference to its text, which
    is added to `shared` (key -> written-out reason) for the caller to save with the rows. The engine
    shares these Reason values between evaluations, so each is written and hashed once.
    (_is_shared and reason_json inlined: once per reason of every evaluation.)"""
    parts = []
    for r in reasons:
        rule = r.rule
        if rule not in _shared_rules and not rule.startswith("policy:"):
            parts.append(f'{{"rule":{_quote(rule)},"citation":{_quote(r.citation)},"text":{_quote(r.text)}}}')
            continue
        hit = _SHARED.get(id(r))
        if hit is None or hit[0] is not r:
            if len(_SHARED) > 4096:
                _SHARED.clear()
            written = reason_json(r)
            key = shared_reasons.reason_key(written)
            hit = _SHARED[id(r)] = (r, key, written, shared_reasons.reference(key))
        shared[hit[1]] = hit[2]
        parts.append(hit[3])
    return "[" + ",".join(parts) + "]"


_QUESTION_JSON: dict[int, tuple] = {}


def questions_json(questions) -> str:
    """The questions as json.dumps([q.as_dict() ...]) writes them; "[]" without a call for the many
    evaluations that have none. A question value shared by many evaluations (the engine shares the
    sentence question) is encoded once."""
    if not questions:
        return "[]"
    parts = []
    for q in questions:
        hit = _QUESTION_JSON.get(id(q))
        if hit is None or hit[0] is not q:
            if len(_QUESTION_JSON) > 1000:
                _QUESTION_JSON.clear()
            hit = _QUESTION_JSON[id(q)] = (q, json.dumps(q.as_dict()))
        parts.append(hit[1])
    return "[" + ", ".join(parts) + "]"


def evaluation_row(ev, shared: dict[str, str]) -> tuple:
    """One Evaluation as a computed row (COMPUTED_COLUMNS order: no run id, no `current`); the shared
    reasons it names are added to `shared` (save them with the row: shared_reasons.save)."""
    suggestion = ev.suggestion
    return (
        ev.conviction_id, _VALUE[suggestion], _VALUE[ev.statute_suggestion or suggestion], ev.policy_reason,
        stored_reasons(ev.reasons, shared), _VALUE[ev.sentence_status],
        ev.disqualified, ev.flagged, 0 if ev.needs_attention else 1, questions_json(ev.questions),
    )


# Enum members' values by dictionary: an enum's `.value` is a descriptor call (three per evaluation).
_VALUE = {member: member.value for kind in (Suggestion, SentenceStatus) for member in kind}


PERSONS_PER_PART = 32_000  # the column engine's memory grows with the rows it holds at once


def county_rows(db: Database, county: str, as_of: date, policy: Policy | None,
                shard: tuple[int, int] | None = None) -> tuple[list[tuple], dict[str, str]]:
    """Evaluation rows (COMPUTED_COLUMNS, without run id) of the county's convictions, or of one shard of
    its persons, from the column engine, and the shared reasons they name. No connection of this process
    may hold the file while it reads (county_frames then reads the rows by ADBC)."""
    rows, shared = _county_part(db, county, as_of, policy, shard)
    return rows.rows(), shared


def _county_part(db: Database, county: str, as_of: date, policy: Policy | None, shard: tuple[int, int] | None):
    """county_rows' rows as a frame (column_rows.stored_rows: in conviction order)."""
    from reviewer.engine.columns.evaluate import evaluate_frames
    from reviewer.services.column_rows import stored_rows
    from reviewer.services.county_frames import county_frames

    frames = county_frames(db, county, shard)
    return stored_rows(evaluate_frames(*frames, county, as_of, policy), as_of)


def _parts(db: Database, county: str, as_of: date, policy: Policy | None, job: Job) -> list[tuple]:
    """The county's rows (frames) in parts of about PERSONS_PER_PART persons (a person's whole record in
    one), in person and so conviction order, with the shared reasons each names. Each part runs on every
    core (polars' threads): no worker processes, which a process holding polars' thread pool must not
    fork."""
    with db.engine.connect() as conn:
        persons = persons_with_cannabis_in(conn, county)
    shards = person_ranges_of(persons, -(-len(persons) // PERSONS_PER_PART))
    parts = []
    for n, shard in enumerate(shards, start=1):
        job.check()
        parts.append(_county_part(db, county, as_of, policy, shard))
        job.progress(n, len(shards), "Evaluating")
    return parts


def evaluate(db: Database, county: str, as_of: date, policy: Policy | None = None, user: str = "",
             job: Job = NO_JOB, workers: int = 1) -> EvaluationReport:
    """Evaluate and store, in one transaction; earlier evaluations stay on file, no longer current.
    `workers` is kept for callers: the column engine spreads each part over every core itself."""
    county = normalise_county(county)
    name = policy.identity if policy else STATUTE_ONLY

    try:
        parts = _parts(db, county, as_of, policy, job)
        job.check()
        with cycle_collector_paused():
            return _save(db, county, as_of, policy, name, user, parts, job)
    except IntegrityError:  # the one-current-evaluation index: a writer that did not wait for the county lock
        raise EvaluationConflict(
            f"another evaluation of {county} was saved at the same moment; nothing of this one was saved. "
            "Reload the queue and evaluate again if still needed.") from None


def _save(db: Database, county: str, as_of: date, policy: Policy | None, name: str, user: str,
          parts: list[tuple], job: Job) -> EvaluationReport:
    """Store one run's rows (parts of computed rows, as frames, with the shared reasons they name) in one
    transaction; a second evaluation of the county waits for the first. On SQLite the rows are staged in
    Arrow (store/staging.py) and moved by one INSERT ... SELECT; on PostgreSQL they go by COPY."""
    rows = _computed(parts)
    with db.staged_session({"evaluation_rows": rows}) as (session, stage):
        lock_county(session, county)
        run = m.EvaluationRun(**run_fields(county, as_of, policy, user, rows.num_rows))
        session.add(run)
        session.flush()
        conn = session.connection()
        _retire_current(session, county)
        for _, shared in parts:
            shared_reasons.save(conn, shared)
        _store_evaluations(conn, run.id, rows, stage)
        job.check()
        _add_reviews(conn, run.id)
        report = EvaluationReport(run.id, county, as_of, name, rows.num_rows, *counted(rows))
        AuditLog(session).record(user or "system", "evaluate", "evaluation_run", run.id,
                                 after=run_audit(county, as_of, name, report.evaluated))
    return report


def _computed(parts: list[tuple]):
    """The parts' rows as one Arrow table (COMPUTED_COLUMNS; booleans as 0/1, as SQLAlchemy stores them on
    SQLite), in conviction order: each index then grows at its end instead of taking rows all over (a
    third less time to store 87k rows than in the order of persons spread over shards)."""
    import polars as pl

    from reviewer.services.column_rows import no_rows, stored_table
    from reviewer.store.staging import sqlite_ready

    frames = [rows for rows, _ in parts if rows.height] or [no_rows()]
    return sqlite_ready(stored_table(pl.concat(frames)))


def counted(rows) -> tuple[int, dict[str, int]]:
    """(flagged, rows of each suggestion) of computed rows as an Arrow table (_computed, or a one-pass part)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    flagged = pc.sum(pc.cast(rows.column("flagged"), pa.int64())).as_py() or 0
    values, counts = pc.value_counts(rows.column("suggestion")).flatten()
    return flagged, {str(value): int(n) for value, n in zip(values.to_pylist(), counts.to_pylist())}


def run_fields(county: str, as_of: date, policy: Policy | None, user: str, evaluated: int) -> dict:
    """An evaluation run's row (without id): what was evaluated, by which engine and policy, by whom."""
    return {"county": county, "as_of": as_of, "engine_version": ENGINE_VERSION,
            "policy_name": policy.name if policy else STATUTE_ONLY, "policy_version": policy.version if policy else "",
            "policy_digest": policy.digest if policy else "", "created_at": datetime.now(), "created_by": user,
            "policy_document": json.dumps(policy.document if policy else {}, sort_keys=True), "evaluated": evaluated}


def run_audit(county: str, as_of: date, name: str, evaluated: int) -> dict:
    """The `after` of an evaluation run's audit entry."""
    return {"county": county, "as_of": as_of.isoformat(), "policy": name, "engine": ENGINE_VERSION,
            "evaluated": evaluated}


COMPUTED_COLUMNS = EVALUATION_COLUMNS[1:2] + EVALUATION_COLUMNS[3:]  # a computed row: no run id, no `current`


def _store_evaluations(conn, run_id: int, rows, stage: str | None) -> None:
    """The run's rows (an Arrow table of COMPUTED_COLUMNS, as _computed makes it) into `evaluation`: from
    the stage on SQLite, by COPY on PostgreSQL, else as tuples."""
    if stage is not None:
        computed = ", ".join(COMPUTED_COLUMNS[1:])
        conn.execute(text(f"INSERT INTO evaluation ({', '.join(EVALUATION_COLUMNS)}) SELECT :run, conviction_id, 1, "
                          f"{computed} FROM {stage}.evaluation_rows ORDER BY conviction_id"), {"run": run_id})
        return
    columns = [rows.column(name).to_pylist() for name in COMPUTED_COLUMNS]
    if conn.dialect.name != "sqlite":  # booleans again (_computed stores them as SQLite does)
        columns[6], columns[7] = [bool(v) for v in columns[6]], [bool(v) for v in columns[7]]
    bulk.insert_rows(conn, "evaluation", EVALUATION_COLUMNS,
                     ((run_id, row[0], True) + row[1:] for row in zip(*columns)))


def _add_reviews(conn, run_id: int) -> None:
    """A pending review for each conviction of the run that has none yet."""
    conn.execute(text(PENDING_REVIEWS.replace("?", ":run")), {"run": run_id})


def _retire_current(session, county: str) -> None:
    """Earlier evaluations of this county's convictions stay on file but stop being current.
    (A run evaluates one county's convictions, so they are the current rows of its runs.)"""
    runs = select(m.EvaluationRun.id).where(m.EvaluationRun.county == county)
    session.execute(
        update(m.Evaluation)
        .where(m.Evaluation.current.is_(True), m.Evaluation.run_id.in_(runs))
        .values(current=False)
        .execution_options(synchronize_session=False)
    )
