"""Evaluate a county's cannabis convictions as of a date, under the statute or a policy."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update

from reviewer.domain.vocabulary import Suggestion
from reviewer.engine import ENGINE_VERSION
from reviewer.engine.evaluate import evaluate_records, normalise_county
from reviewer.engine.policy import Policy, load_policy
from reviewer.resources import shipped_policies
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store import bulk, models as m
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.records import load_records, persons_with_cannabis_in

STATUTE_ONLY = "statute only"
EVALUATION_COLUMNS = (
    "run_id", "conviction_id", "current", "suggestion", "statute_suggestion", "policy_reason", "reasons",
    "sentence_status", "disqualified", "flagged", "priority",
)


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


def evaluate(db: Database, county: str, as_of: date, policy: Policy | None = None, user: str = "",
             job: Job = NO_JOB) -> EvaluationReport:
    county = normalise_county(county)
    name = policy.identity if policy else STATUTE_ONLY
    with db.session() as session:
        conn = session.connection()
        run = m.EvaluationRun(
            county=county, as_of=as_of, engine_version=ENGINE_VERSION,
            policy_name=policy.name if policy else STATUTE_ONLY, policy_version=policy.version if policy else "",
            policy_digest=policy.digest if policy else "", created_at=datetime.now(), created_by=user,
            policy_document=json.dumps(policy.document if policy else {}, sort_keys=True),
        )
        session.add(run)
        session.flush()
        report = EvaluationReport(run.id, county, as_of, name)
        people = persons_with_cannabis_in(conn, county)
        job.progress(0, max(len(people), 1), "Evaluating")
        rows = []
        for ev in evaluate_records(load_records(conn, people), county, as_of, policy):
            rows.append((
                run.id, ev.conviction_id, True, ev.suggestion.value,
                (ev.statute_suggestion or ev.suggestion).value, ev.policy_reason,
                json.dumps([r.as_dict() for r in ev.reasons]), ev.sentence_status.value,
                ev.disqualified, ev.flagged, 0 if ev.needs_attention else 1,
            ))
            report.by_suggestion[ev.suggestion.value] = report.by_suggestion.get(ev.suggestion.value, 0) + 1
            report.flagged += ev.flagged
            if len(rows) % 20000 == 0:
                job.check()
                job.progress(len(rows), max(len(rows), 1), "Evaluating")
        job.check()
        _retire_current(session, county)
        bulk.insert_rows(conn, "evaluation", EVALUATION_COLUMNS, rows)
        bulk.insert_rows(
            conn, "review", ("conviction_id", "status", "version"),
            ((r[1], "pending", 0) for r in rows), "ON CONFLICT (conviction_id) DO NOTHING",
        )
        report.evaluated = len(rows)
        run.evaluated = len(rows)
        AuditLog(session).record(
            user or "system", "evaluate", "evaluation_run", run.id,
            after={"county": county, "as_of": as_of.isoformat(), "policy": name, "engine": ENGINE_VERSION,
                   "evaluated": len(rows)},
        )
    return report


def _retire_current(session, county: str) -> None:
    """Earlier evaluations of this county's convictions stay on file but stop being current."""
    in_county = select(m.Conviction.id).where(m.Conviction.county == county)
    session.execute(
        update(m.Evaluation)
        .where(m.Evaluation.current.is_(True), m.Evaluation.conviction_id.in_(in_county))
        .values(current=False)
    )


__all__ = ["EvaluationReport", "Suggestion", "evaluate", "resolve_policy"]
