"""A county's first evaluation written in the transaction of the first load that brings its records in
(store/first_load.py), by the same ADBC connection, the rows straight from Arrow: what services/
evaluating.py's _save writes through SQLAlchemy (the run, the shared reasons, the evaluations in
conviction order, a pending review for each, the run's audit entry, chained after the import's), each
part of the evaluation written as it comes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

import pyarrow as pa

from reviewer.store.first_load import audit, one_row, scalar, stored_datetime
from reviewer.store.pending_reviews import PENDING_REVIEWS
from reviewer.store.shared_reasons import SharedReasonConflict
from reviewer.store.staging import sqlite_ready

# services/evaluating.COMPUTED_COLUMNS, as the evaluation table names them.
COMPUTED = ("conviction_id", "suggestion", "statute_suggestion", "policy_reason", "reasons", "sentence_status",
            "disqualified", "flagged", "priority", "questions")


def write(cur, parts: Iterable[tuple[pa.Table, Mapping[str, str]] | None], run: Callable[[int], dict], user: str,
          audit_after: Callable[[int], dict]) -> int | None:
    """Write one run into a database none of whose evaluations is of these convictions, a part at a time
    as the parts come (first_load.Alongside: the next part is computed while this one is written).
    `parts`: each part's computed rows (COMPUTED, in conviction order, the parts one after another) and the
    shared reasons they name, or None for a part that could not be computed: then, as when there are no
    parts, nothing of the run stays (a savepoint) and None is returned. `run(evaluated)`: evaluation_run's
    fields without id; `audit_after(evaluated)`: the run's audit entry's `after`. Returns the run's id."""
    run_id = scalar(cur, "SELECT COALESCE(MAX(id), 0) + 1 FROM evaluation_run")
    cur.execute("SAVEPOINT first_evaluation")
    cur.adbc_ingest("evaluation_run", one_row({"id": run_id, **_stored(run(0))}), mode="append")
    evaluated, shared, complete = 0, {}, False
    for part in parts:
        complete = part is not None
        if not complete:
            break
        rows, named = part
        _rows(cur, run_id, rows)
        evaluated += rows.num_rows
        shared.update(named)
    if not complete:  # no part at all, or one that failed
        cur.execute("ROLLBACK TO first_evaluation")
        cur.execute("RELEASE first_evaluation")
        return None
    cur.execute("UPDATE evaluation_run SET evaluated = ? WHERE id = ?", (evaluated, run_id))
    _shared(cur, shared)
    cur.execute(PENDING_REVIEWS, (run_id,))
    audit(cur, user, "evaluate", "evaluation_run", run_id, audit_after(evaluated))
    cur.execute("RELEASE first_evaluation")
    return run_id


def _rows(cur, run_id: int, rows: pa.Table) -> None:
    if not rows.num_rows:
        return
    table = sqlite_ready(rows.select(list(COMPUTED)))
    n = table.num_rows
    table = table.add_column(0, "run_id", pa.repeat(pa.scalar(run_id, pa.int64()), n)) \
        .add_column(2, "current", pa.repeat(pa.scalar(1, pa.int8()), n))
    cur.adbc_ingest("evaluation", table, mode="append")


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
