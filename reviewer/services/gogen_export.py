"""Export gogen-compatible result files: the same files, columns and determination words.

One set of CSV files per DOJ import (in import order, numbered from 1 as gogen numbers its
input files), repeating every input row; and gogen.json with the run's summary figures.
The DOJ rows come from the copy of each file kept at import (store.sources). Results are
the current evaluations of one county (the latest evaluation run's, unless named).
"""
from __future__ import annotations

import csv
import re
import time
from datetime import date
from pathlib import Path

from sqlalchemy.exc import OperationalError

from reviewer.engine.facts import PersonFacts
from reviewer.ingest.doj_format import DOJ_COLUMNS
from reviewer.ingest.kept_file import decompress
from reviewer.ingest.line_decoding import text_stream
from reviewer.ingest.raw_text import fields_up_to
from reviewer.reports.figures import years_before
from reviewer.reports.gogen_files import (
    CASE_NUMBER,
    PROP64_SECTIONS,
    GogenWriter,
    PersonSummary,
    code_section_text,
    result_values,
    rfc3339,
    write_summary,
)
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store import report_queries as q
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.records import records_in_county
from reviewer.store.sources import (
    SourceUnavailable,
    erase_freed_space,
    forget_sources,
    read_source,
)

SUMMARY_FILE = "gogen.json"
_COL = {name: i for i, name in enumerate(DOJ_COLUMNS)}
_SUBJECT, _CNT, _OFN, _STEP, _DISP = (_COL[n] for n in ("SUBJECT_ID", "CNT_ORDER", "OFN", "STP_TYPE_DESCR", "DISP_DESCR"))
_DISMISS_ALL = re.compile(r"^Dismiss all HS (\d+) convictions$")
_REDUCE_ALL = re.compile(r"^Reduce all HS (\d+) convictions$")


class ExportRefused(Exception):
    """The export cannot be made as asked; the message says why, for the user."""


def export_gogen(db: Database, out_dir: str | Path, county: str | None = None, job: Job = NO_JOB,
                 raw: bool = False) -> list[Path]:
    """gogen's result files for every imported DOJ file; `raw` repeats the DOJ cells byte for byte (for
    comparing with gogen), otherwise a cell that would run as a spreadsheet formula is written as text."""
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with db.engine.connect() as conn:
        run = q.latest_run(conn)
        if run is None or run.as_of is None:
            raise ExportRefused("nothing is evaluated yet: run `reviewer evaluate` first")
        county = " ".join((county or run.county).upper().split())
        batches = q.doj_batches(conn)
        if not batches:
            raise ExportRefused("no DOJ research file has been imported: gogen's files repeat DOJ rows")
        job.progress(0, len(batches) + 1, "Collecting results")
        results = _results(conn, county, run.as_of)
        written: list[Path] = []
        for index, (batch_id, name, sha256, encoding, _rows) in enumerate(batches, start=1):
            job.check()
            job.progress(index, len(batches) + 1, f"Writing results for {name}")
            try:
                data = read_source(conn, batch_id, decompress, sha256)
            except SourceUnavailable:
                raise ExportRefused(
                    f"the rows of {name} (import {batch_id}) are no longer kept in the database, "
                    "so its gogen files cannot be written"
                ) from None
            written += _write_batch(out, index, data, encoding, results, job, raw)
        summary = _summary(conn, county, run.as_of, sum(b[4] for b in batches))
    summary["processingTimeInSeconds"] = round(time.perf_counter() - started, 3)
    path = out / SUMMARY_FILE
    write_summary(path, summary)
    job.progress(len(batches) + 1, len(batches) + 1, "Done")
    return written + [path]


def _results(conn, county: str, as_of: date) -> dict[tuple[str, str], list[str]]:
    """(subject id, count order) -> result columns, for the county's evaluated convictions."""
    suggestions = q.current_suggestions(conn, county)
    out: dict[tuple[str, str], list[str]] = {}
    for record in records_in_county(conn, county):
        if not any(c.id in suggestions for c in record.convictions):
            continue
        person = _person_summary(PersonFacts(record))
        for conv in record.convictions:
            found = suggestions.get(conv.id)
            if found is not None:
                key = (record.person.subject_id, conv.count_order)
                out[key] = result_values(person, conv.disposition_date, found[0], found[1], as_of)
    return out


def _person_summary(facts: PersonFacts) -> PersonSummary:
    def sections(hits) -> list[str]:
        seen, texts = set(), []
        for hit in hits:
            if hit.conviction.id not in seen:
                seen.add(hit.conviction.id)
                texts.append(code_section_text(hit.conviction.offense_text))
        return texts

    by_section = {s: 0 for s in PROP64_SECTIONS}
    for conv in facts.convictions:
        if conv.is_cannabis:
            by_section[conv.section] = by_section.get(conv.section, 0) + 1
    person = facts.person
    return PersonSummary(
        convictions=len(facts.convictions), superstrikes=sections(facts.super_strikes),
        pc290_sections=sections(facts.pc290), pc290_registration=person.pc290_registration,
        latest=facts.latest_conviction, prop64_by_section=by_section, deceased=person.deceased,
    )


def _rows(raw: bytes, encoding: str):
    """The file's data rows as lists of 95 strings (header skipped, blank lines skipped). A field may be as
    long as the file: the import keeps a file with a value over csv's 131,072 characters (cut and flagged)."""
    reader = csv.reader(text_stream(raw, encoding))  # decoded as at import (BOM, lines in Windows-1252)
    first = True
    with fields_up_to(len(raw)):  # no more characters than bytes, in every encoding the import reads
        for row in reader:
            if not row:
                continue
            if first:
                first = False
                upper = [f.strip().upper() for f in row]
                if upper and (upper[0] == "RECORD_ID" or "SUBJECT_ID" in upper):
                    continue
            yield row


def _case_numbers(raw: bytes, encoding: str, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """gogen's case numbers: each court action's OFN, per person and case (first six of CNT_ORDER), in order."""
    found: dict[tuple[str, str], list[str]] = {}
    for row in _rows(raw, encoding):
        if row[_STEP] == "COURT ACTION" and row[_OFN] != "":
            key = (row[_SUBJECT].strip(), row[_CNT].strip()[:6])
            if key in wanted:
                numbers = found.setdefault(key, [])
                if row[_OFN] not in numbers:
                    numbers.append(row[_OFN])
    return {key: "; ".join(v) for key, v in found.items()}


def _write_batch(out: Path, index: int, raw: bytes, encoding: str, results, job: Job, exact: bool = False) -> list[Path]:
    wanted = {(s, c[:6]) for s, c in results}
    cases = _case_numbers(raw, encoding, wanted)
    writer = GogenWriter(out, index, DOJ_COLUMNS, raw=exact)
    used: set[tuple[str, str]] = set()
    try:
        for n, row in enumerate(_rows(raw, encoding), start=1):
            values = None
            if row[_DISP].strip().upper().startswith("CONVICTED"):
                key = (row[_SUBJECT].strip(), row[_CNT].strip())
                if key in results and key not in used:
                    used.add(key)
                    values = list(results[key])
                    values[CASE_NUMBER] = cases.get((key[0], key[1][:6]), "")
            writer.write(row[: len(DOJ_COLUMNS)], values)
            if n % 50000 == 0:
                job.check()
    finally:
        writer.close()
    return writer.paths


def _summary(conn, county: str, as_of: date, line_count: int) -> dict:
    since = years_before(as_of, 7)
    by_level, earliest, persons = q.cannabis_in_county(conn, county)
    by_section: dict[str, int] = {}
    felonies = others = 0
    for section, level, n in by_level:
        by_section[section] = by_section.get(section, 0) + n
        if level == "F":
            felonies += n
        else:
            others += n
    dismissals: dict[str, int] = {}
    reductions: dict[str, int] = {}
    additional: dict[str, int] = {}
    for suggestion, reason, n in q.reasons_by_suggestion(conn):
        if suggestion == "DISMISS_AND_SEAL":
            match = _DISMISS_ALL.match(reason)
            if match:
                dismissals[match[1]] = dismissals.get(match[1], 0) + n
            elif not reason.startswith("Misdemeanor or Infraction"):
                additional[reason] = additional.get(reason, 0) + n
        elif suggestion in ("REDESIGNATE_MISDEMEANOR", "REDESIGNATE_INFRACTION"):
            match = _REDUCE_ALL.match(reason)
            if match:
                reductions[match[1]] = reductions.get(match[1], 0) + n

    def relief(mode: str) -> dict[str, int]:
        r = q.person_relief(conn, mode, since, county)
        return {"CountSubjectsNoFelony": r.no_felony, "CountSubjectsNoConvictionLast7Years": r.no_recent_conviction,
                "CountSubjectsNoConviction": r.no_conviction}

    return {
        "county": county,
        "earliestConviction": rfc3339(earliest if isinstance(earliest, date) else _iso(earliest) or as_of),
        "lineCount": line_count,
        "processingTimeInSeconds": 0.0,
        "reliefWithCurrentEligibilityChoices": relief("suggested"),
        "reliefWithDismissAllProp64": relief("dismiss_all"),
        "prop64ConvictionsCountInCountyByCodeSection": by_section,
        "subjectsWithProp64ConvictionCountInCounty": persons,
        "prop64FelonyConvictionsCountInCounty": felonies,
        "prop64NonFelonyConvictionsCountInCounty": others,
        "subjectsWithSomeReliefCount": q.persons_with_some_relief(conn, "suggested"),
        "convictionDismissalCountByCodeSection": dismissals,
        "convictionReductionCountByCodeSection": reductions,
        "convictionDismissalCountByAdditionalRelief": additional,
    }


def _iso(value) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


class SpaceNotErased(Exception):
    """The kept copies are deleted, but the database's files could not be rewritten yet."""


def forget_kept_files(db: Database, batch_ids: list[int] | None = None, user: str = "") -> int:
    """Delete the kept copies of imported files (privacy); their gogen files can no longer be written. The
    database's files are then rewritten so that the deleted bytes are gone from the disk's copy of them
    (SpaceNotErased when another connection keeps that from running now)."""
    with db.session() as session:
        count = forget_sources(session.connection(), batch_ids)
        if count:
            AuditLog(session).record(user or "system", "sources.forget", "import_batch", None,
                                     after={"batches": batch_ids or "all", "forgotten": count})
    try:
        erase_freed_space(db.engine)
    except OperationalError as exc:
        raise SpaceNotErased(f"deleted the kept copy of {count} imported file(s), but the database could not be "
                             "rewritten now (another Reviewer is using it): close it and run forget-sources again "
                             f"({type(exc.orig).__name__})") from None
    return count
