"""A county's first evaluation written in the transaction of the first load that brings its records in
(store/first_load.py), by the same ADBC connection, the rows straight from Arrow: what services/
evaluating.py's _save writes through SQLAlchemy (the run, the shared reasons, the evaluations in
conviction order, a pending review for each, the run's audit entry, chained after the import's).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import pyarrow as pa

from reviewer.store.first_load import audit, one_row, scalar, stored_datetime
from reviewer.store.pending_reviews import PENDING_REVIEWS
from reviewer.store.shared_reasons import SharedReasonConflict
from reviewer.store.staging import sqlite_ready

# services/evaluating.COMPUTED_COLUMNS, as the evaluation table names them.
COMPUTED = ("conviction_id", "suggestion", "statute_suggestion", "policy_reason", "reasons", "sentence_status",
            "disqualified", "flagged", "priority", "questions")


def write(cur, run: dict, rows: pa.Table, shared: Mapping[str, str], user: str, audit_after: dict) -> int:
    """Write one run (`run`: evaluation_run's fields without id) with its computed rows (COMPUTED, in
    conviction order) and the shared reasons they name, into a database none of whose evaluations is of
    these convictions. Returns the run's id."""
    run_id = scalar(cur, "SELECT COALESCE(MAX(id), 0) + 1 FROM evaluation_run")
    cur.adbc_ingest("evaluation_run", one_row({"id": run_id, **_stored(run)}), mode="append")
    _shared(cur, shared)
    if rows.num_rows:
        table = sqlite_ready(rows.select(list(COMPUTED)))
        n = table.num_rows
        table = table.add_column(0, "run_id", pa.repeat(pa.scalar(run_id, pa.int64()), n)) \
            .add_column(2, "current", pa.repeat(pa.scalar(1, pa.int8()), n))
        cur.adbc_ingest("evaluation", table, mode="append")
    cur.execute(PENDING_REVIEWS, (run_id,))
    audit(cur, user, "evaluate", "evaluation_run", run_id, audit_after)
    return run_id


def _stored(run: dict) -> dict:
    """Dates and times as SQLAlchemy stores them on SQLite."""
    return {name: stored_datetime(value) if isinstance(value, datetime) else value.isoformat()
            if isinstance(value, date) else value for name, value in run.items()}


def _shared(cur, shared: Mapping[str, str]) -> None:
    """shared_reasons.save: the reasons not yet stored; a key on file with another text refuses the run."""
    if not shared:
        return
    cur.adbc_ingest("shared_reason_new", pa.table({"ref": pa.array(list(shared), pa.string()),
                                                   "reason": pa.array(list(shared.values()), pa.string())}),
                    mode="create", temporary=True)
    clash = scalar(cur, "SELECT count(*) FROM shared_reason_new n JOIN shared_reason s ON s.ref = n.ref "
                         "WHERE s.reason <> n.reason")
    if clash:
        raise SharedReasonConflict(f"two different reasons share a key ({clash}); nothing was saved")
    cur.execute("INSERT INTO shared_reason (ref, reason) SELECT ref, reason FROM shared_reason_new WHERE true "
                "ON CONFLICT (ref) DO NOTHING")
    cur.execute("DROP TABLE temp.shared_reason_new")
