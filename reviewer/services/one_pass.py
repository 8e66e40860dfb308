"""Import a file and evaluate a county in one process, the rules run over the rows being written.

Into an empty SQLite file (store/first_load.py) the column engine (engine/columns) evaluates the county
from the very Arrow tables the load writes, in a thread while SQLite writes them, and the evaluation goes
into the load's own transaction (store/first_evaluation.py): the run, its rows and its audit entry as
`reviewer evaluate` stores them (evaluating.run_fields, run_audit). Anything else (a database with
records, PostgreSQL, an encrypted file, a county the file does not hold) imports and then evaluates as
the two commands do.
"""
from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from reviewer.engine.evaluate import normalise_county
from reviewer.engine.policy import Policy
from reviewer.services.counties import require_county
from reviewer.services.evaluating import (
    PERSONS_PER_PART,
    STATUTE_ONLY,
    EvaluationReport,
    counted,
    evaluate,
    run_audit,
    run_fields,
)
from reviewer.services.importing import ImportReport, import_file
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store import first_evaluation
from reviewer.store.database import Database
from reviewer.store.first_load import Alongside

log = logging.getLogger(__name__)
# Persons evaluated at once, one part after another (first_load.Alongside): the column engine's working
# memory grows with the rows it holds (on the 1M-row demo file, 30k persons took about 250 MB beyond the
# load's own; all 61k, 450 MB) and each part costs it about 0.3 s whatever its size (hundreds of polars
# calls): 2 parts there evaluate in 3.1 CPU-seconds, 7 in 5.0.


def import_and_evaluate(db: Database, path: str | Path, county: str, as_of: date, policy: Policy | None,
                        user: str = "", job: Job = NO_JOB, workers: int = 1,
                        imported: Callable[[ImportReport], None] = lambda report: None,
                        reading: Future | None = None) -> tuple[ImportReport, EvaluationReport]:
    """Import `path` (`imported(report)` is called once it is in; `reading`: as import_file's), then
    evaluate `county` as of `as_of`, as `reviewer import FILE` and `reviewer evaluate` do. FileRejected
    propagates (nothing written); UnknownCounty when the database holds no cannabis conviction of the
    county once the file is in, and EvaluationConflict as `evaluate` raises it (the import stands either
    way)."""
    county = normalise_county(county)
    name = policy.identity if policy else STATUTE_ONLY

    def write(cur, results) -> EvaluationReport | None:
        tally = _Tally()
        run_id = first_evaluation.write(cur, (tally.add(_part_rows(result)) for result in results),
                                        lambda n: run_fields(county, as_of, policy, user, n), user or "system",
                                        lambda n: run_audit(county, as_of, name, n))
        return None if run_id is None else tally.report(run_id, county, as_of, name)

    beside = Alongside(lambda persons, convictions: _pieces(persons, convictions, county, as_of, policy), write)
    if reading is not None:
        _ready_the_engine()  # (while another thread reads the file)
    report = import_file(db, path, user, job, alongside=beside, reading=reading)
    imported(report)
    if report.alongside is not None:
        evaluation, report.alongside = report.alongside, None
        log.info("evaluated alongside the first load")
        return report, evaluation
    require_county(db, county)
    return report, evaluate(db, county, as_of, policy, user, job, workers)


def _pieces(persons: pa.Table, convictions: pa.Table, county: str, as_of: date, policy: Policy | None
            ) -> list[Callable[[], tuple | None]]:
    """The county's evaluation from the rows a first load writes, in pieces of about PERSONS_PER_PART
    persons (a person's whole record in one; the column engine's memory grows with the rows it holds at
    once), each giving its computed rows and the shared reasons they name (_joined). No pieces when
    the file holds no cannabis conviction of the county (counties.has_cannabis_in: the caller's
    require_county then says so)."""
    here = pc.and_(pc.equal(convictions.column("county"), county), pc.equal(convictions.column("is_cannabis"), 1))
    if not pc.any(here).as_py():
        return []
    try:
        from reviewer.services.county_frames import loaded_frames

        frames = loaded_frames(convictions, persons, county)
    except Exception as exc:  # noqa: BLE001 - see _evaluated
        log.warning("evaluating alongside the load failed (%s); evaluating after it", type(exc).__name__)
        return [lambda: None]
    return [functools.partial(_evaluated, part, county, as_of, policy) for part in _parts(*frames)]


def _ready_the_engine() -> None:
    """Load the column engine and build the statute's rules and routing (once a process: statute.decide is
    cached), work its first part would otherwise do. A failure here is left to the first part."""
    try:
        from reviewer.engine.columns.statute import decide
        from reviewer.services import column_rows, county_frames  # noqa: F401 - loaded for later

        decide().path  # noqa: B018 - (a cached property: built here)
    except Exception as exc:  # noqa: BLE001 - the part that needs it meets the failure again, and falls back
        log.info("the column engine could not be made ready (%s)", type(exc).__name__)


def _evaluated(frames: tuple, county: str, as_of: date, policy: Policy | None) -> tuple | None:
    """One piece's stored rows and shared reasons; None when the column engine fails (logged without data:
    the caller evaluates after the import instead)."""
    try:
        from reviewer.engine.columns.evaluate import evaluate_frames
        from reviewer.services.column_rows import stored_rows

        return stored_rows(evaluate_frames(*frames, county, as_of, policy), as_of)
    except Exception as exc:  # noqa: BLE001 - the two-step path evaluates instead
        log.warning("evaluating alongside the load failed (%s); evaluating after it", type(exc).__name__)
        return None


def _part_rows(result: tuple | None) -> tuple[pa.Table, dict[str, str]] | None:
    """A piece's rows as store/first_evaluation.COMPUTED names them, in conviction order, and the shared
    reasons they name; None when the piece failed."""
    if result is None:
        return None
    from reviewer.services.column_rows import stored_table

    rows, shared = result
    return stored_table(rows), shared


class _Tally:
    """What the report says of the parts written: how many rows, flagged, and of each suggestion."""

    def __init__(self) -> None:
        self.rows = self.flagged = 0
        self.suggestions: Counter[str] = Counter()

    def add(self, part: tuple[pa.Table, dict[str, str]] | None):
        if part is not None:
            flagged, suggestions = counted(part[0])
            self.rows += part[0].num_rows
            self.flagged += flagged
            self.suggestions.update(suggestions)
        return part

    def report(self, run_id: int, county: str, as_of: date, name: str) -> EvaluationReport:
        return EvaluationReport(run_id, county, as_of, name, self.rows, self.flagged, dict(self.suggestions))


def _parts(convictions, persons, answers, codes):
    """The frames cut into parts of about PERSONS_PER_PART persons each, a person's whole record in one."""
    import polars as pl

    from reviewer.store.records import person_ranges_of

    ids = persons["pid"].sort().to_list()
    ranges = person_ranges_of(ids, -(-len(ids) // PERSONS_PER_PART)) or [(0, -1)]
    for first, last in ranges:
        mine = pl.col("pid").is_between(first, last)
        part = convictions.filter(mine)
        yield part, persons.filter(mine), answers.join(part.select("id"), on="id", how="semi"), codes
