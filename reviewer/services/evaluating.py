"""Evaluate a county's cannabis convictions as of a date, under the statute or a policy."""
from __future__ import annotations

import json
import multiprocessing
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from json.encoder import encode_basestring_ascii as _quote
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from reviewer.engine import ENGINE_VERSION
from reviewer.engine.evaluate import evaluate_records, normalise_county
from reviewer.engine.policy import Policy, load_policy
from reviewer.resources import shipped_policies
from reviewer.services.gc_pause import cycle_collector_paused
from reviewer.services.worker_lifetime import start_worker
from reviewer.services.jobs import NO_JOB, Cancelled, Job
from reviewer.store import bulk, models as m, shared_reasons
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.records import records_in_county
from reviewer.store.transactions import lock_county

STATUTE_ONLY = "statute only"
SHARDS_PER_WORKER = 3
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
    return "[" + ",".join(map(_written, reasons)) + "]"


def _written(r) -> str:
    return f'{{"rule":{_quote(r.rule)},"citation":{_quote(r.citation)},"text":{_quote(r.text)}}}'


# Reasons that many evaluations carry word for word are stored once (store/shared_reasons.py): which
# layer decided, a county policy's rule with its facts, the itemised negatives.
SHARED_RULES = frozenset({"statute-alone", "no-felony-exception"})
_SHARED: dict[int, tuple] = {}


def _is_shared(rule: str) -> bool:
    return rule in SHARED_RULES or rule.startswith("policy:")


def stored_reasons(reasons, shared: dict[str, str]) -> str:
    """The reasons column: reasons_json's list, with each shared reason as a reference to its text, which
    is added to `shared` (key -> written-out reason) for the caller to save with the rows. The engine
    shares these Reason values between evaluations, so each is written and hashed once."""
    parts = []
    for r in reasons:
        if not _is_shared(r.rule):
            parts.append(_written(r))
            continue
        hit = _SHARED.get(id(r))
        if hit is None or hit[0] is not r:
            if len(_SHARED) > 4096:
                _SHARED.clear()
            written = _written(r)
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
    return (
        ev.conviction_id, ev.suggestion.value, (ev.statute_suggestion or ev.suggestion).value, ev.policy_reason,
        stored_reasons(ev.reasons, shared), ev.sentence_status.value,
        ev.disqualified, ev.flagged, 0 if ev.needs_attention else 1, questions_json(ev.questions),
    )


def _rows(conn, county: str, as_of: date, policy: Policy | None, shared: dict[str, str], shard=None,
          job: Job = NO_JOB) -> list[tuple]:
    """Evaluation rows (without run id) for the county's convictions, or one shard of them; the shared
    reasons they name go into `shared`."""
    rows = []
    with cycle_collector_paused():
        for ev in evaluate_records(records_in_county(conn, county, shard), county, as_of, policy):
            rows.append(evaluation_row(ev, shared))
            if len(rows) % 5000 == 0:
                job.check()
                job.progress(len(rows), 0, "Evaluating")
    return rows


def _shard_worker(url: str, county: str, as_of: date, policy: Policy | None,
                  shard: tuple[int, int]) -> tuple[pa.Table, dict[str, str]]:
    """One shard's evaluation rows, as a column table (it crosses the process boundary as whole buffers),
    and the shared reasons they name."""
    db = Database(url, migrate=False)
    try:
        with db.engine.connect() as conn:
            shared: dict[str, str] = {}
            return _as_table(_rows(conn, county, as_of, policy, shared, shard)), shared
    finally:
        db.dispose()


def _parallel_rows(db: Database, county: str, as_of: date, policy: Policy | None, workers: int, job: Job,
                   shared: dict[str, str]) -> pa.Table:
    """Split persons over worker processes (fork: only from a process without other threads, e.g. the CLI)."""
    ctx = multiprocessing.get_context("fork")
    shards = workers * SHARDS_PER_WORKER  # smaller pieces even out the workers' finishing times
    with ctx.Pool(workers, initializer=start_worker, initargs=(os.getpid(),)) as pool:  # they die with this process
        pending = [pool.apply_async(_shard_worker, (db.url, county, as_of, policy, (k, shards))) for k in range(shards)]
        tables: list[pa.Table] = []
        for result in pending:
            while not result.ready():
                result.wait(0.2)
                if job.cancelled:
                    pool.terminate()
                    raise Cancelled()
            table, names = result.get()
            tables.append(table)
            shared.update(names)
    return pa.concat_tables(tables)


def evaluate(db: Database, county: str, as_of: date, policy: Policy | None = None, user: str = "",
             job: Job = NO_JOB, workers: int = 1) -> EvaluationReport:
    """Evaluate and store, in one transaction; earlier evaluations stay on file, no longer current."""
    county = normalise_county(county)
    name = policy.identity if policy else STATUTE_ONLY
    shared: dict[str, str] = {}
    if workers > 1:
        computed = _parallel_rows(db, county, as_of, policy, workers, job, shared)
    else:
        with db.engine.connect() as conn:
            computed = _as_table(_rows(conn, county, as_of, policy, shared, job=job))
    job.check()
    try:
        return _save(db, county, as_of, policy, name, user, computed, shared, job)
    except IntegrityError:  # the one-current-evaluation index: a writer that did not wait for the county lock
        raise EvaluationConflict(
            f"another evaluation of {county} was saved at the same moment; nothing of this one was saved. "
            "Reload the queue and evaluate again if still needed.") from None


def _save(db: Database, county: str, as_of: date, policy: Policy | None, name: str, user: str, computed: pa.Table,
          shared: dict[str, str], job: Job) -> EvaluationReport:
    """Store one run's rows in one transaction; a second evaluation of the county waits for the first."""
    evaluated = computed.num_rows
    with db.staged_session({"evaluation": computed}) as (session, stage):
        lock_county(session, county)
        run = m.EvaluationRun(
            county=county, as_of=as_of, engine_version=ENGINE_VERSION,
            policy_name=policy.name if policy else STATUTE_ONLY, policy_version=policy.version if policy else "",
            policy_digest=policy.digest if policy else "", created_at=datetime.now(), created_by=user,
            policy_document=json.dumps(policy.document if policy else {}, sort_keys=True), evaluated=evaluated,
        )
        session.add(run)
        session.flush()
        report = EvaluationReport(run.id, county, as_of, name, evaluated=evaluated)
        for entry in pc.value_counts(computed.column("suggestion")).to_pylist():
            report.by_suggestion[entry["values"]] = entry["counts"]
        report.flagged = pc.sum(computed.column("flagged")).as_py() or 0
        conn = session.connection()
        _retire_current(session, county)
        shared_reasons.save(conn, shared)
        _store_rows(conn, run.id, computed, stage)
        job.check()
        AuditLog(session).record(
            user or "system", "evaluate", "evaluation_run", run.id,
            after={"county": county, "as_of": as_of.isoformat(), "policy": name, "engine": ENGINE_VERSION,
                   "evaluated": evaluated},
        )
    return report


COMPUTED_COLUMNS = EVALUATION_COLUMNS[1:2] + EVALUATION_COLUMNS[3:]  # a computed row: no run id, no `current`


_COMPUTED_TYPES = tuple(zip(COMPUTED_COLUMNS, (
    pa.int64(), pa.string(), pa.string(), pa.string(), pa.string(), pa.string(), pa.bool_(), pa.bool_(), pa.int64(),
    pa.string(),
)))


def _as_table(computed: list[tuple]) -> pa.Table:
    with cycle_collector_paused():
        return _columns_table(computed)


def _columns_table(computed: list[tuple]) -> pa.Table:
    columns = list(zip(*computed)) if computed else [() for _ in COMPUTED_COLUMNS]
    return pa.table({name: pa.array(values, type_) for (name, type_), values in zip(_COMPUTED_TYPES, columns)})


def _store_rows(conn, run_id: int, computed: pa.Table, stage: str | None) -> None:
    """Evaluations, and a pending review for each conviction that has none yet."""
    if stage:
        cols = ", ".join(COMPUTED_COLUMNS)
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.execute(f"INSERT INTO evaluation (run_id, current, {cols}) SELECT ?, 1, {cols} "
                       f"FROM {stage}.evaluation ORDER BY rowid", (run_id,))
        cursor.execute(f"INSERT INTO review (conviction_id, status, version) SELECT conviction_id, 'pending', 0 "
                       f"FROM {stage}.evaluation WHERE true ON CONFLICT (conviction_id) DO NOTHING")
        return
    rows = list(zip(*(column.to_pylist() for column in computed.columns)))
    bulk.insert_rows(conn, "evaluation", EVALUATION_COLUMNS, ((run_id, row[0], True) + row[1:] for row in rows))
    bulk.insert_rows(conn, "review", ("conviction_id", "status", "version"),
                     ((row[0], "pending", 0) for row in rows), "ON CONFLICT (conviction_id) DO NOTHING")


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
