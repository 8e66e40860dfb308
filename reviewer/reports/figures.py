"""The figures an office reports: convictions, suggestions, decisions, people relieved, the queue."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reviewer.domain.vocabulary import Level, Outcome, Suggestion
from reviewer.store import report_queries as q

SECTIONS = ("11357", "11358", "11359", "11360")
LEVELS = ("F", "M", "I", "")  # "" = level unknown in the record
LEVEL_NAMES = {"F": "Felony", "M": "Misdemeanor", "I": "Infraction", "": "Unknown"}
RECENT_YEARS = 7


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Relief:
    """People who, once relief is granted, have no felony / no conviction / none in the last 7 years."""

    no_felony: int = 0
    no_conviction: int = 0
    no_recent_conviction: int = 0


@dataclass(frozen=True)
class Figures:
    county: str = ""
    as_of: date | None = None
    policy: str = ""
    evaluated: int = 0
    persons: int = 0
    section_level: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestions: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    decided: int = 0
    flagged: int = 0
    flagged_decided: int = 0
    attention_pending: int = 0
    changed: int = 0  # decided convictions whose suggestion a re-evaluation changed since (decisions stand)
    projected: Relief = Relief()
    confirmed: Relief = Relief()
    audit: str = ""  # the audit log's state: "verified, N entries, head ..." (services.auditing)

    @property
    def pending(self) -> int:
        return self.evaluated - self.decided

    @property
    def flagged_pending(self) -> int:
        return self.flagged - self.flagged_decided

    @property
    def progress(self) -> float:
        """Share of flagged felonies decided (the attorneys' queue); all evaluated when none is flagged."""
        if self.flagged:
            return self.flagged_decided / self.flagged
        return self.decided / self.evaluated if self.evaluated else 0.0

    def level_total(self, level: str) -> int:
        return sum(row.get(level, 0) for row in self.section_level.values())

    def section_total(self, section: str) -> int:
        return sum(self.section_level.get(section, {}).values())


def compute_figures(conn) -> Figures:
    """All figures from a store connection (SQL aggregates in store.report_queries)."""
    run = q.latest_run(conn)
    if run is None:
        return Figures()
    section_level: dict[str, dict[str, int]] = {s: {lv: 0 for lv in LEVELS} for s in SECTIONS}
    for section, level, n in q.by_section_level(conn):
        row = section_level.setdefault(section or "other", {lv: 0 for lv in LEVELS})
        key = level if level in ("F", "M", "I") else ""
        row[key] += n
    suggestions = {s.value: 0 for s in Suggestion}
    suggestions.update(q.by_suggestion(conn))
    decisions = {o.value: 0 for o in Outcome}
    for status, outcome, n in q.by_decision(conn):
        if status in ("accepted", "overridden") and outcome:
            decisions[outcome] = decisions.get(outcome, 0) + n
    queue = q.queue_counts(conn)
    since = years_before(run.as_of, RECENT_YEARS) if run.as_of else date.min

    def relief(mode: str) -> Relief:
        r = q.person_relief(conn, mode, since)
        return Relief(r.no_felony, r.no_conviction, r.no_recent_conviction)

    return Figures(
        county=run.county, as_of=run.as_of, policy=run.policy, evaluated=queue["evaluated"],
        persons=queue["persons"], section_level=section_level, suggestions=suggestions, decisions=decisions,
        decided=queue["decided"], flagged=queue["flagged"], flagged_decided=queue["flagged_decided"],
        attention_pending=queue["attention_pending"], projected=relief("projected"), confirmed=relief("decided"),
        changed=queue["changed"],
    )


def suggestion_label(value: str) -> str:
    try:
        return Suggestion(value).label
    except ValueError:
        return value


def outcome_label(value: str | None) -> str:
    if not value:
        return ""
    try:
        return Outcome(value).label
    except ValueError:
        return value


def level_label(value: str | None) -> str:
    try:
        return Level(value).label if value else "Unknown"
    except ValueError:
        return value or "Unknown"
