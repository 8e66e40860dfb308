"""What-if: what a changed policy would suggest, against the current run, without writing anything.

The county's records are evaluated in memory exactly as `evaluate` does (the same records, the
same as-of date and answers, the engine's same function), on a read-only connection; the result
is compared with the current evaluations. No evaluation, review or decision is written.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from reviewer.domain.vocabulary import Level, Suggestion
from reviewer.engine.evaluate import evaluate_records, normalise_county
from reviewer.engine.policy import Policy
from reviewer.reports.csv_safe import spreadsheet_safe
from reviewer.reports.private_files import open_private_text
from reviewer.services.counties import require_county
from reviewer.services.evaluating import PERSONS_PER_PART, STATUTE_ONLY
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store.database import Database
from reviewer.store.records import records_in_county
from reviewer.store.report_queries import ACCEPTED, DISMISSED, RELIEF
from reviewer.store.whatif_queries import Standing, latest_run_of, standing_in_county

NOT_EVALUATED = ""
CSV_FIELDS = ("conviction_id", "name", "cii", "court_case", "code_section", "level", "disposition_date",
              "current_suggestion", "current_reason", "whatif_suggestion", "whatif_reason", "decided",
              "decision_outcome", "decided_by")


@dataclass(frozen=True, slots=True)
class Change:
    """A conviction whose suggestion the changed policy would change."""

    standing: Standing
    proposed: str
    proposed_reason: str

    @property
    def decided(self) -> bool:
        return bool(self.standing.outcome)

    def csv_row(self) -> dict[str, str]:
        """The CSV row, every text cell safe for a spreadsheet (reports.csv_safe: a name or case number from
        the DOJ file that starts with = + - @ would run as a formula)."""
        return {key: spreadsheet_safe(value) for key, value in self._fields().items()}

    def _fields(self) -> dict[str, str]:
        s = self.standing
        return {"conviction_id": str(s.conviction_id), "name": s.name, "cii": s.cii, "court_case": s.court_case,
                "code_section": s.code_section, "level": s.level, "disposition_date": s.disposition_date,
                "current_suggestion": s.suggestion or "not evaluated", "current_reason": s.policy_reason,
                "whatif_suggestion": self.proposed, "whatif_reason": self.proposed_reason,
                "decided": "yes" if self.decided else "no", "decision_outcome": s.outcome, "decided_by": s.decided_by}


@dataclass(frozen=True, slots=True)
class Impact:
    """Persons (of the county's people) whose every felony gets relief; whose every conviction is dismissed."""

    no_felony: int = 0
    no_conviction: int = 0


@dataclass
class WhatIf:
    county: str
    as_of: date
    current_policy: str
    proposed_policy: str
    evaluated: int = 0
    changes: list[Change] = field(default_factory=list)
    current_impact: Impact = Impact()
    proposed_impact: Impact = Impact()

    @property
    def persons(self) -> int:
        return len({c.standing.person_id for c in self.changes})

    @property
    def decided(self) -> list[Change]:
        return [c for c in self.changes if c.decided]

    def summary(self) -> str:
        return (f"{self.county} as of {self.as_of}: {self.proposed_policy} instead of {self.current_policy} would "
                f"change the suggestion of {len(self.changes):,} of {self.evaluated:,} convictions "
                f"({self.persons:,} persons; {len(self.decided):,} already decided: their decisions stay and would "
                f"be marked 'suggestion changed since decided'). Persons with no felony left: "
                f"{self.current_impact.no_felony:,} now, {self.proposed_impact.no_felony:,} with the change; "
                f"with no conviction left: {self.current_impact.no_conviction:,} now, "
                f"{self.proposed_impact.no_conviction:,} with the change. Nothing was written.")


def _outcome(standing: Standing | None, suggestion: str) -> str | None:
    """What the conviction is counted with: the standing decision, else what accepting the suggestion gives."""
    if standing is not None and standing.outcome:
        return standing.outcome
    return ACCEPTED.get(suggestion) if suggestion else None


def _tally(impact: list[int], record, outcomes: dict[int, str | None]) -> None:
    felonies = [c for c in record.convictions if c.level is Level.FELONY]
    if felonies and all(outcomes.get(c.id) in RELIEF for c in felonies):
        impact[0] += 1
    if record.convictions and all(outcomes.get(c.id) in DISMISSED for c in record.convictions):
        impact[1] += 1


def what_if(db: Database, policy: Policy | None, county: str | None = None, as_of: date | None = None,
            job: Job = NO_JOB) -> WhatIf:
    """Compare `policy` (None: the statute alone) with the county's current run. Without `county`, the
    county of the newest run; without `as_of`, that run's date (so that only the policy differs)."""
    with db.engine.connect() as conn:
        if county is None:
            from reviewer.store.report_queries import latest_run

            run = latest_run(conn)
            if run is None:
                raise ValueError("nothing has been evaluated yet: run an evaluation first, then ask what would change")
            county = run.county
        county = normalise_county(county)
        current = latest_run_of(conn, county)
        if current is None:
            raise ValueError(f"county {county!r} has no current evaluation: evaluate it first")
        _run_id, run_as_of, name, version = current
        as_of = as_of or run_as_of
        result = WhatIf(county, as_of, f"{name} v{version}" if version else name,
                        policy.identity if policy else STATUTE_ONLY)
        standing = standing_in_county(conn, county)
        now, then = [0, 0], [0, 0]
        records = records_in_county(conn, county)  # streamed: a part at a time is held
        done = 0
        while chunk := list(islice(records, PERSONS_PER_PART)):  # (the engine's memory grows with its rows)
            job.check()
            _compare(chunk, evaluate_records(chunk, county, as_of, policy), standing, result, now, then)
            done += len(chunk)
            job.progress(done, 0, "Comparing")
        conn.rollback()  # read only: nothing to keep
    result.current_impact, result.proposed_impact = Impact(*now), Impact(*then)
    result.changes.sort(key=lambda c: (c.standing.name, c.standing.person_id, c.standing.disposition_date,
                                       c.standing.conviction_id))
    return result


def _compare(chunk: list, evaluations, standing: dict, result: WhatIf, now: list[int], then: list[int]) -> None:
    """The changes of these persons' convictions, and the impact tallies before and after."""
    proposed = {ev.conviction_id: ev for ev in evaluations}
    for record in chunk:
        before = {c.id: _outcome(standing.get(c.id), standing[c.id].suggestion if c.id in standing else "")
                  for c in record.convictions}
        after = dict(before)
        for conv in record.convictions:
            ev = proposed.get(conv.id)
            if ev is None:
                continue
            after[conv.id] = _outcome(standing.get(conv.id), ev.suggestion.value)
            was = standing.get(conv.id)
            if was is None or was.suggestion != ev.suggestion.value:
                result.changes.append(Change(was or _unknown(conv.id, record), ev.suggestion.value,
                                             ev.policy_reason))
            result.evaluated += 1
        _tally(now, record, before)
        _tally(then, record, after)


def _unknown(conviction_id: int, record) -> Standing:
    conv = next(c for c in record.convictions if c.id == conviction_id)
    person = record.person
    return Standing(conviction_id, person.id, person.name, person.cii or "", conv.court_case, str(conv.code or ""),
                    conv.level.value if conv.level else "", conv.disposition_date.isoformat() if conv.disposition_date
                    else "", conv.county, NOT_EVALUATED, "", "", "", "", "")


def check_county(db: Database, county: str | None) -> None:
    if county:
        require_county(db, county)


def write_csv(result: WhatIf, out: str | Path) -> int:
    with open_private_text(out) as fh:  # names and CII numbers
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for change in result.changes:
            writer.writerow(change.csv_row())
    return len(result.changes)


def suggestion_label(value: str) -> str:
    return Suggestion(value).label if value else "not evaluated"
