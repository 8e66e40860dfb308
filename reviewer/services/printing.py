"""Print court papers in batches: one PDF per court case, one combined PDF, one bulk motion.

A court case is every evaluated count of one person with the same case key; it is decided
when each count has a standing decision. A case is recorded as printed only after its PDF
has been written completely and renamed into place, in a commit per chunk of cases, so an
interrupted batch (cancel, crash, kill) never leaves a printed mark without its file.
"""
from __future__ import annotations

import csv
import json
import multiprocessing
import os
import re
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from typing import Iterable, Iterator

from reviewer.documents.batch import init_worker, render_chunk
from reviewer.documents.bulk import ExhibitChanged
from reviewer.documents.exhibit import ExhibitTally
from reviewer.documents.citations import paper_text
from reviewer.documents.filing import split
from reviewer.documents.grounds import ground_sentence
from reviewer.documents.common import Wording
from reviewer.documents.fonts import register_fonts
from reviewer.documents.merge import CombinedVolumes
from reviewer.documents.model import CaseFile, CountLine, case_number_problem, format_date
from reviewer.documents.render import render_bulk, render_case
from reviewer.domain.people import User
from reviewer.domain.vocabulary import Level, Outcome, ReviewStatus, SentenceStatus
from reviewer.resources import resource_path
from reviewer.services.jobs import NO_JOB, Cancelled, Job
from reviewer import scratch
from reviewer.services.office import load_office, load_wording
from reviewer.services.grounds import challenge_problem, engine_facts, violent_felony_named
from reviewer.services.filing_ready import not_ready, summary_lines
from reviewer.services.print_recovery import recover_interrupted_jobs
from reviewer.services.safe_text import safe_row
from reviewer.services.worker_lifetime import start_worker
from reviewer.store import printing as q
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database

SCOPES = ("not-printed", "all-decided")
DECIDED = (ReviewStatus.ACCEPTED.value, ReviewStatus.OVERRIDDEN.value)
CHUNK = 50
IN_FLIGHT = 4  # chunks queued per worker
Key = q.Key


class PrintRefused(Exception):
    """The batch cannot be printed as asked; the message says why, for the user."""


@dataclass(frozen=True)
class CaseSummary:
    """One court case as the print center lists it."""

    key: Key
    name: str
    court_case: str
    counts: int
    documents: tuple[str, ...]
    decided: bool
    printed_at: datetime | None = None
    printed_by: str = ""
    stale: bool = False  # decided again since it was printed
    filed_on: date | None = None
    problems: tuple[str, ...] = ()

    @property
    def held(self) -> bool:
        """Cannot print until an attorney says whether the sentence is still served, or states a challenge's facts."""
        return any(p.startswith(("sentence", "challenge without")) for p in self.problems)

    @property
    def printed(self) -> bool:
        return self.printed_at is not None and not self.stale


@dataclass
class PrintReport:
    job_id: int
    out_dir: Path
    printed: int = 0
    pages: int = 0
    reprinted: int = 0
    held: list[Key] = field(default_factory=list)
    no_ground: list[Key] = field(default_factory=list)  # a challenge without a factual ground: not printed
    referred_only: int = 0
    not_filing_ready: list[tuple[Key, str]] = field(default_factory=list)  # printed marked CASE NUMBER REQUIRED
    combined: Path | None = None  # the first volume of the combined file
    volumes: list[Path] = field(default_factory=list)  # every volume (one for most batches)
    bulk: Path | None = None
    referrals: Path | None = None
    cancelled: bool = False
    example_office: bool = False
    seconds: float = 0.0

    @property
    def no_case_number(self) -> int:
        return len(self.not_filing_ready)

    def summary(self) -> str:
        if self.printed or self.cancelled:
            lines = [f"print job {self.job_id}: {self.printed} court cases, {self.pages} pages in {self.seconds:.1f} s"
                     + (f" ({self.reprinted} reprinted)" if self.reprinted else "")]
        else:
            lines = [f"print job {self.job_id}: nothing to print (every decided case is printed; "
                     "`--cases all-decided` reprints)"]
        if self.cancelled:
            lines.append("cancelled: only the cases listed as printed have their PDF; no combined file was written")
        if len(self.volumes) > 1:
            lines.append(f"combined PDF in {len(self.volumes)} volumes (bookmarked by case): "
                         + ", ".join(str(v) for v in self.volumes))
        for label, path in (("combined PDF", self.combined if len(self.volumes) <= 1 else None),
                            ("bulk motion", self.bulk), ("referrals", self.referrals)):
            if path:
                lines.append(f"{label}: {path}")
        lines += summary_lines(self.not_filing_ready)
        if self.held:
            shown = " ".join(f"{pid}:{key}" for pid, key in self.held[:20]) + (" ..." if len(self.held) > 20 else "")
            lines.append(f"{len(self.held)} cases held: the record does not show whether the sentence is still "
                         f"served; an attorney must answer (reviewer sentence --case PERSON_ID:CASE_KEY): {shown}")
        if self.no_ground:
            shown = " ".join(f"{pid}:{key}" for pid, key in self.no_ground[:20]) + (" ..." if len(self.no_ground) > 20 else "")
            lines.append(f"{len(self.no_ground)} cases held: a challenge has no factual ground (the disqualifying "
                         "conviction, or the attorney's stated facts; a public-safety challenge names the violent "
                         f"felony feared, Pen. Code, § 1170.18, subd. (c)); an attorney must decide again: {shown}")
        if self.referred_only:
            lines.append(f"{self.referred_only} cases only referred to another agency: listed in the referrals file")
        if self.example_office:
            lines.append("warning: the office details are the shipped EXAMPLE: every page is marked SAMPLE - NOT FOR "
                         "FILING; set yours with `reviewer office`")
        return "\n".join(lines)


# --- reading cases ---------------------------------------------------------------------------

def _count_label(count_order: str, ordinal: int) -> str:
    digits = count_order[6:9]
    return str(int(digits)) if digits.isdigit() and int(digits) else str(ordinal)


def _grounds(reasons_json: str, suggestion: str) -> tuple[str, ...]:
    """The engine's disqualifying facts as sentences (never a doubt; see services.grounds)."""
    return tuple(ground_sentence(r.get("text", ""), r.get("citation", "")) for r in engine_facts(reasons_json, suggestion))


def _ground_problem(rows: list[tuple]) -> str | None:
    """Why one of the case's challenges cannot be printed (no factual ground), or None."""
    for r in rows:
        if r[15] in (Outcome.CHALLENGE_NOT_ELIGIBLE.value, Outcome.CHALLENGE_PUBLIC_SAFETY.value):
            why = challenge_problem(Outcome(r[15]), r[17] or "", engine_facts(r[12], r[13]))
            if why:
                return f"challenge without a factual ground (count {_count_label(r[3], 0)}): {why}"
    return None


def _code_section(text: str) -> str:
    text = " ".join((text or "").split())
    if text.endswith(" HS"):
        return "HS " + text[:-3]
    return text


def _doj_number(rows: list[tuple]) -> str:
    """The DOJ record's court case number; "" where it has none, or only a placeholder."""
    return next((r[4] for r in rows if r[4] and not case_number_problem(r[4])), "")


def _number(rows: list[tuple], entered: str = "") -> str:
    """The court case number: the DOJ record's, else the one entered by hand, else whatever placeholder the
    record holds (the papers are then marked not filing-ready)."""
    return _doj_number(rows) or entered or next((r[4] for r in rows if r[4]), "")


def _case_file(key: Key, rows: list[tuple], entered: str = "") -> CaseFile | None:
    """The case's documents' data; None while a count is undecided."""
    if any(r[14] not in DECIDED or not r[15] for r in rows):
        return None
    counts = []
    for i, r in enumerate(rows, start=1):
        # what the record shows stands; an attorney's answer fills in only a count the record leaves unknown
        status = SentenceStatus(r[11] if r[11] != SentenceStatus.UNKNOWN.value else (r[18] or r[11]))
        outcome = Outcome(r[15])
        counts.append(CountLine(
            count=_count_label(r[3], i), code_section=_code_section(r[5]),
            level=Level(r[6]).label if r[6] in ("F", "M", "I") else "Not recorded", convicted_on=r[7],
            outcome=outcome, sentence_status=status,
            grounds=_grounds(r[12], r[13]) if outcome is Outcome.CHALLENGE_NOT_ELIGIBLE else (),
            attorney_reason=paper_text(" ".join((r[17] or "").split())),
            risk=(violent_felony_named(r[17] or "") or "") if outcome is Outcome.CHALLENGE_PUBLIC_SAFETY else "",
            referral_reason=_referral_reason(r[12], r[17] or "") if outcome is Outcome.REFER else "",
        ))
    first = rows[0]
    court_case = _number(rows, entered)
    return CaseFile(person_name=first[8] or "", dob=first[9], cii=first[10] or "", court_case=court_case,
                    case_key=key[1], counts=tuple(counts), person_id=key[0])


def _grouped(rows: Iterable[tuple]) -> Iterator[tuple[Key, list[tuple]]]:
    for key, group in groupby(rows, key=lambda r: (r[0], r[1])):
        yield key, list(group)


def case_files(db: Database, keys: Iterable[Key] | None = None) -> Iterator[CaseFile]:
    """Decided court cases as documents' data, streamed in (person, case key) order."""
    with db.engine.connect() as conn:
        entered = q.entered_case_numbers(conn)
        for key, rows in _grouped(q.case_rows(conn, keys)):
            case = _case_file(key, rows, entered.get(key, ""))
            if case is not None:
                yield case


def _stamp(rows: list[tuple], entered: str = "") -> str:
    """What a print answered: the standing decisions (and a number entered by hand, where the record has none)."""
    stamp = ",".join(str(r[16]) for r in sorted(rows, key=lambda r: r[16] or 0))
    return stamp + f"#{entered}" if entered and not _doj_number(rows) else stamp


def list_cases(db: Database, scope: str = "not-printed") -> list[CaseSummary]:
    """Court cases for the print center: `not-printed`, `all-decided`, `printed` or `all`."""
    out = []
    with db.engine.connect() as conn:
        prints, filings, entered = q.latest_prints(conn), q.latest_filings(conn), q.entered_case_numbers(conn)
        for key, rows in _grouped(q.case_rows(conn)):
            number = entered.get(key, "")
            case = _case_file(key, rows, number)
            printed = prints.get(key)
            stale = bool(printed and case is not None and printed[0] != _stamp(rows, number))
            problems = []
            if not _number(rows, number):
                problems.append("no court case number on the DOJ record")
            elif case_number_problem(_number(rows, number)):
                problems.append(case_number_problem(_number(rows, number)))
            if case is not None and case.needs_sentence_answer:
                problems.append("sentence status unknown: an attorney must answer")
            ground = _ground_problem(rows) if case is not None else None
            if ground:
                problems.append(ground)
            summary = CaseSummary(
                key=key, name=rows[0][8] or "", court_case=_number(rows, number), counts=len(rows),
                documents=case.document_kinds if case else (), decided=case is not None,
                printed_at=printed[1] if printed else None, printed_by=printed[2] if printed else "", stale=stale,
                filed_on=filings.get(key), problems=tuple(problems),
            )
            if _in_scope(summary, scope):
                out.append(summary)
    return out


def _in_scope(s: CaseSummary, scope: str) -> bool:
    if scope == "all":
        return True
    if scope == "printed":
        return s.printed_at is not None
    if not s.decided:
        return False
    return scope == "all-decided" or not s.printed


# --- printing --------------------------------------------------------------------------------

def _fonts_dir() -> Path:
    return resource_path("fonts")


def _wording(db: Database) -> Wording:
    register_fonts(_fonts_dir())
    return Wording(load_wording(), load_office(db))


def preview(db: Database, key: Key, target: str | Path) -> int:
    """Render one case's PDF to `target` for a look; records nothing. Returns the pages."""
    case = next(case_files(db, [key]), None)
    if case is None:
        raise PrintRefused("this court case is not decided yet")
    with db.engine.connect() as conn:
        ground = _ground_problem(list(q.case_rows(conn, [key])))
    if ground:
        raise PrintRefused(ground)
    if not case.document_kinds:
        raise PrintRefused("this court case only has referrals: no court document to show")
    return render_case(case, _wording(db), Path(target))


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-")[:40] or "no-case-number"


def case_path(folder: Path, case: CaseFile) -> Path:
    return folder / f"{_safe(case.court_case)}_{case.person_id}-{case.case_key}.pdf"


def _select(db: Database, scope: str, keys: Iterable[Key] | None, report: PrintReport) -> tuple[list[Key], list, dict]:
    """Keys to print, referral rows, previous prints; fills the held and referral counts."""
    chosen, referrals, referred = [], [], []
    with db.engine.connect() as conn:
        prints, entered = q.latest_prints(conn), q.entered_case_numbers(conn)
        for key, rows in _grouped(q.case_rows(conn, keys)):
            number = entered.get(key, "")
            case = _case_file(key, rows, number)
            if case is None:
                continue
            if keys is None and scope == "not-printed" and key in prints and prints[key][0] == _stamp(rows, number):
                continue
            referrals += [(case, c) for c in case.referred_counts]
            if case.needs_sentence_answer:
                report.held.append(key)
            elif _ground_problem(rows):
                report.no_ground.append(key)
            elif not case.document_kinds:
                report.referred_only += 1
                referred.append((key, _stamp(rows, number)))
            else:
                chosen.append((key, _stamp(rows, number)))
    return chosen, referrals, prints, referred


def print_batch(db: Database, out_dir: str | Path, user: User | str, scope: str = "not-printed",
                keys: Iterable[Key] | None = None, job: Job = NO_JOB, workers: int | None = None) -> PrintReport:
    """Write the batch's PDFs into `out_dir` and record what was printed (see the module docstring).

    The office's filing style decides what is written (documents.filing): per-case papers, the bulk
    motion, or both, so that no conviction is ordered twice."""
    if scope not in SCOPES:
        raise PrintRefused(f"unknown selection {scope!r}: use {' or '.join(SCOPES)}")
    user_name = user.name if isinstance(user, User) else str(user)
    started = time.perf_counter()
    out = Path(out_dir)
    try:
        (out / "cases").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PrintRefused(f"cannot write to {out}: {exc.strerror}") from None
    wording = _wording(db)
    report = PrintReport(job_id=0, out_dir=out, example_office=wording.office.is_example)
    recover_interrupted_jobs(db)  # a killed batch's cases are printed again by this one
    chosen, referrals, prints, referred = _select(db, scope, list(keys) if keys is not None else None, report)
    with db.session() as session:
        report.job_id = q.start_job(session, user_name, scope if keys is None else "selected", str(out), len(chosen),
                                    owner=scratch.owner_text()).id
    combined = CombinedVolumes(out / f"combined-job{report.job_id}.pdf")
    status = "failed"
    try:
        summary, bulk_only = _print_cases(db, chosen, prints, out / "cases", wording, user_name, report, combined, job,
                                          workers)
        job.check()
        if summary.cases:
            _print_bulk(db, chosen, bulk_only, prints, summary, wording, user_name, report, combined)
        if report.printed:
            combined.close()
            report.combined = combined.target
            report.volumes = combined.volumes
        else:
            combined.abort()
        if referrals:
            report.referrals = _write_referrals(out / f"referrals-job{report.job_id}.csv", referrals, wording.office)
            _record_referred(db, report, user_name, referred)
        status = "completed"
    except Cancelled:
        report.cancelled, status = True, "cancelled"
        combined.abort()
    except (KeyboardInterrupt, SystemExit):  # Ctrl+C, SIGTERM: the next batch prints these cases again
        status = "interrupted"
        combined.abort()
        raise
    except BaseException:
        combined.abort()
        raise
    finally:
        _finish(db, report, status, user_name, scope)
    report.seconds = time.perf_counter() - started
    return report


def _finish(db: Database, report: PrintReport, status: str, user: str, scope: str) -> None:
    with db.session() as session:
        q.finish_job(session, report.job_id, status, str(report.combined) if report.combined else None,
                     str(report.bulk) if report.bulk else None)
        AuditLog(session).record(user or "system", "print.batch", "print_job", report.job_id, after={
            "status": status, "scope": scope, "cases": report.printed, "pages": report.pages,
            "reprinted": report.reprinted, "held": len(report.held), "no_ground": len(report.no_ground)})


def _print_bulk(db, chosen, bulk_only, prints, summary, wording, user, report, combined) -> None:
    """The bulk motion with Exhibit A (what the filing style sends there); then the cases it alone holds are
    recorded as printed, with the bulk motion as their file."""
    style = wording.office.filing_style
    report.bulk = report.out_dir / f"bulk-motion-job{report.job_id}.pdf"
    parts = (bulk for case in case_files(db, [k for k, _ in chosen]) for _own, bulk in [split(case, style)] if bulk)
    try:
        pages, rows = render_bulk(parts, summary, wording, report.bulk)
    except ExhibitChanged as exc:
        raise PrintRefused(str(exc)) from None
    combined.add(report.bulk, wording.fill(wording["bookmarks"]["bulk"], cases=rows), ())
    report.pages += pages
    stamps = dict(chosen)
    with db.session() as session:
        q.record_printed(session, report.job_id, user,
                         [(key, str(report.bulk), "bulk-motion", pages, stamps[key]) for key in bulk_only])
    report.printed += len(bulk_only)
    report.reprinted += sum(key in prints for key in bulk_only)


def _record_referred(db, report, user, referred: list[tuple[Key, str]]) -> None:
    """Cases that only refer counts elsewhere are recorded with the referrals file, so the next batch of cases
    not printed yet does not list them again."""
    if referred:
        with db.session() as session:
            q.record_printed(session, report.job_id, user,
                             [(key, str(report.referrals), "referral", 0, stamp) for key, stamp in referred])


def _print_cases(db, chosen, prints, folder, wording, user, report, combined, job, workers):
    """Render in worker processes, append to the combined file in order, record per chunk.

    Returns the bulk motion's summary and the cases only the bulk motion holds (printed with it)."""
    total = len(chosen)
    stamps = dict(chosen)
    style = wording.office.filing_style
    tally = ExhibitTally()  # Exhibit A as the bulk motion will number it (the same cases, in the same order)
    bulk_only: list[Key] = []
    workers = _worker_count(total) if workers is None else workers
    pool = None
    if workers > 0:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker,
                                   initargs=(os.getpid(), init_worker, str(_fonts_dir()), wording.data, wording.office))
    else:
        init_worker(str(_fonts_dir()), wording.data, wording.office)
    pending: deque = deque()
    job.progress(0, max(total, 1), "Printing")

    def settle(chunk, pages_list) -> None:
        rows = []
        for (case, target), rendered in zip(chunk, pages_list):
            key = (case.person_id, case.case_key)
            pages = rendered.pages
            combined.add(Path(target), rendered.title, rendered.marks)
            rows.append((key, str(target), ",".join(case.document_kinds), pages, stamps[key]))
            report.pages += pages
            report.reprinted += key in prints
            entry = not_ready(case)
            if entry:
                report.not_filing_ready.append(entry)
        with db.session() as session:
            q.record_printed(session, report.job_id, user, rows)
        report.printed += len(rows)
        job.progress(report.printed, max(total, 1), "Printing")

    try:
        chunk: list = []
        for case in case_files(db, [k for k, _ in chosen]):
            own, bulk = split(case, style)
            row = tally.add(bulk) if bulk is not None else 0
            if own is None:
                bulk_only.append((case.person_id, case.case_key))
                entry = not_ready(case, row)
                if entry:
                    report.not_filing_ready.append(entry)
                continue
            chunk.append((own, str(case_path(folder, case))))
            if len(chunk) == CHUNK:
                _submit(pool, chunk, pending)
                chunk = []
                while len(pending) >= IN_FLIGHT * max(workers, 1) or (pending and pending[0][1].done()):
                    job.check()
                    settle(pending[0][0], pending.popleft()[1].result())
        if chunk:
            _submit(pool, chunk, pending)
        while pending:
            job.check()
            settle(pending[0][0], pending.popleft()[1].result())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return tally.summary(), bulk_only


class _Done:
    """A finished in-process chunk, shaped like a future."""

    def __init__(self, value) -> None:
        self.value = value

    def done(self) -> bool:
        return True

    def result(self):
        return self.value


def _submit(pool, chunk, pending) -> None:
    if pool is None:
        pending.append((chunk, _Done(render_chunk(chunk))))
    else:
        pending.append((chunk, pool.submit(render_chunk, chunk)))


def _worker_count(total: int) -> int:
    if total < 4 * CHUNK:
        return 0
    return max(1, min(os.cpu_count() or 1, 4))


def _referral_reason(reasons_json: str, attorney_reason: str) -> str:
    """Why a count is referred: the attorney's words, else the policy rule (with its citation)."""
    if attorney_reason.strip():
        return " ".join(attorney_reason.split())
    for r in json.loads(reasons_json or "[]"):
        if r.get("rule", "").startswith("policy:"):
            return f"{r['text']} ({r['citation']})" if r.get("citation") else r["text"]
    return "referred under the office's policy"


REFERRAL_COLUMNS = ("name", "dob", "cii", "court_case", "count", "code_section", "level", "convicted", "referred_to",
                    "reason")


def _write_referrals(path: Path, referrals: list, office) -> Path:
    """The referrals file: who, which count, to which agency and why (dates MM/DD/YYYY; formula-safe cells)."""
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(REFERRAL_COLUMNS)
        for case, c in referrals:
            writer.writerow(safe_row((case.display_name, format_date(case.dob) if case.dob else "", case.cii,
                                      case.court_case, c.count, c.code_section, c.level,
                                      format_date(c.convicted_on) if c.convicted_on else "", office.referral_agency,
                                      c.referral_reason)))
    os.replace(tmp, path)
    return path


# --- after printing --------------------------------------------------------------------------

def mark_filed(db: Database, keys: Iterable[Key], filed_on: date, user: User | str) -> int:
    """Record that these cases' papers were filed on `filed_on` (audited)."""
    keys = list(keys)
    name = user.name if isinstance(user, User) else str(user)
    if filed_on > date.today():
        raise PrintRefused("the filing date is in the future")
    with db.engine.connect() as conn:
        known = {(r[0], r[1]) for r in q.case_rows(conn, keys)}
        printed = q.latest_prints(conn)
    for key in keys:
        if key not in known:
            raise PrintRefused(f"court case {key[0]}:{key[1]} does not exist (see `reviewer print` for the cases)")
        if key not in printed:
            raise PrintRefused(f"court case {key[0]}:{key[1]} was never printed: print its papers before recording "
                               "them as filed")
    with db.session() as session:
        n = q.add_filings(session, keys, filed_on, name)
        AuditLog(session).record(name or "system", "print.filed", "court_case", None,
                                 after={"cases": [list(k) for k in keys], "filed_on": filed_on.isoformat()})
    return n


def enter_case_number(db: Database, key: Key, court_case: str, user: User | str) -> str:
    """Record the court case number of a case whose DOJ record has none (audited); its papers then carry it,
    and papers printed without it are to be printed again. Returns the number as recorded."""
    name = user.name if isinstance(user, User) else str(user)
    number = " ".join((court_case or "").split())
    if not number:
        raise PrintRefused("give the court case number")
    if len(number) > 40 or not number.isprintable() or number[0] in "=+-@":
        raise PrintRefused("a court case number is at most 40 letters, digits and marks such as - or /, "
                           "and does not start with =, +, - or @")
    if case_number_problem(number):
        raise PrintRefused(f"{case_number_problem(number)}: give the number the court assigned")
    with db.engine.connect() as conn:
        rows = list(q.case_rows(conn, [key]))
    if not rows:
        raise PrintRefused(f"court case {key[0]}:{key[1]} does not exist (see `reviewer print` for the cases)")
    shown = _doj_number(rows)
    if shown:
        raise PrintRefused(f"the DOJ record gives this court case the number {shown}; it is not replaced by hand")
    with db.session() as session:
        before = q.add_case_number(session, key, number, name)
        AuditLog(session).record(name or "system", "case.number", "court_case", None,
                                 {"case": list(key), "court_case": before}, {"case": list(key), "court_case": number})
    return number


def answer_sentence(db: Database, key: Key, status: SentenceStatus, user: User,
                    counts: Iterable[str] | None = None) -> int:
    """An attorney says whether the sentence of a case's counts is still served (HS 11361.8(b) vs (e)/(f)).

    The answer is per count: it goes on the counts named (`counts`: count numbers as printed) or, without
    them, on every count whose sentence the record leaves unknown; never on a count whose record shows it.
    Returns the counts answered."""
    if not user.can_decide:
        raise PrintRefused("only an attorney can say whether the sentence is still served")
    if status is SentenceStatus.UNKNOWN:
        raise PrintRefused("answer SERVING or COMPLETED")
    with db.engine.connect() as conn:
        rows = q.case_counts(conn, key)
    if not rows:
        raise PrintRefused("no evaluated conviction in this court case")
    labelled = {_count_label(order or "", i): (cid, shown) for i, (cid, order, shown) in enumerate(rows, start=1)}
    if counts is not None:
        wanted = [str(c).strip() for c in counts]
        unknown = [c for c in wanted if c not in labelled]
        if unknown:
            raise PrintRefused(f"court case {key[0]}:{key[1]} has no count {', '.join(unknown)} "
                               f"(its counts: {', '.join(labelled)})")
        shown = [c for c in wanted if labelled[c][1] != SentenceStatus.UNKNOWN.value]
        if shown:
            raise PrintRefused(f"the record shows the sentence of count {', '.join(shown)} "
                               f"({', '.join(labelled[c][1].lower() for c in shown)}): an answer does not replace it")
        ids = [labelled[c][0] for c in wanted]
    else:
        ids = [cid for cid, shown in labelled.values() if shown == SentenceStatus.UNKNOWN.value]
        if not ids:
            raise PrintRefused("the record shows the sentence of every count of this court case: nothing to answer")
    with db.session() as session:
        changed = q.set_sentence_answers(session, ids, status.value, user.name)
        audit = AuditLog(session)
        for cid, before in changed:
            audit.record(user.name, "sentence.answer", "conviction", cid, {"status": before}, {"status": status.value})
    return len(ids)


def recent_jobs(db: Database, limit: int = 20) -> list[tuple]:
    with db.engine.connect() as conn:
        return q.jobs(conn, limit)
