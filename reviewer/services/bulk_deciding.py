"""Bulk accept and its undo: each conviction through the same locked, versioned, audited call as one.

Work goes in chunks, one short committed transaction each (a deadlock victim is run again);
a conviction someone else decided first (or changed since it was shown) is skipped, never
overwritten, and the result says exactly which were decided, with what outcome, and which
were skipped and why.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Iterable, Mapping, Sequence

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, ReviewStatus, Suggestion
from reviewer.services import deciding as d
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.transactions import chunks, lock_reviews

CHUNK = 500


class SkipReason(str, Enum):
    """Why a bulk step left a conviction as it was."""

    DECIDED_BY_OTHER = "decided_by_other"  # no longer pending: decided by someone (else) first
    CHANGED_SINCE_SHOWN = "changed_since_shown"  # its version is not the one shown (decided and undone since)
    NEEDS_OUTCOME = "needs_outcome"  # NEEDS_REVIEW: an attorney chooses the outcome by hand
    NOT_EVALUATED = "not_evaluated"  # no current evaluation (not in the queue)
    NOT_STANDING = "not_standing"  # undo: the decision is no longer the one standing

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    SkipReason.DECIDED_BY_OTHER: "already decided by someone else",
    SkipReason.CHANGED_SINCE_SHOWN: "changed since it was shown",
    SkipReason.NEEDS_OUTCOME: "need an outcome chosen by hand",
    SkipReason.NOT_EVALUATED: "have no current evaluation",
    SkipReason.NOT_STANDING: "were decided again since (that decision stays)",
}


@dataclass(frozen=True)
class BulkAcceptResult:
    """What a bulk accept decided and what it skipped; `decided` + all `skipped` = `requested`
    (less any not reached when the job was stopped: `stopped`)."""

    requested: int
    decided: tuple[d.DecisionResult, ...] = ()
    skipped: Mapping[SkipReason, tuple[int, ...]] = field(default_factory=dict)
    decided_first_by: Mapping[str, int] = field(default_factory=dict)  # who decided the DECIDED_BY_OTHER ones
    stopped: bool = False

    @property
    def accepted(self) -> int:
        return len(self.decided)

    def by_outcome(self) -> dict[Outcome, int]:
        return dict(Counter(r.outcome for r in self.decided))

    def skipped_count(self, reason: SkipReason | None = None) -> int:
        if reason is not None:
            return len(self.skipped.get(reason, ()))
        return sum(len(v) for v in self.skipped.values())

    def summary(self) -> str:
        parts = [f"accepted {self.accepted} of {self.requested} convictions"]
        outcomes = ", ".join(f"{o.label} {n}" for o, n in sorted(self.by_outcome().items(), key=lambda i: i[0].value))
        if outcomes:
            parts[0] += f" ({outcomes})"
        for reason, ids in self.skipped.items():
            if ids:
                text = f"{len(ids)} skipped: {reason.label}"
                if reason is SkipReason.DECIDED_BY_OTHER and self.decided_first_by:
                    text += " (" + ", ".join(f"{who} {n}" for who, n in sorted(self.decided_first_by.items())) + ")"
                parts.append(text)
        if self.stopped:
            parts.append("stopped before the end; the chunks done are kept")
        return "; ".join(parts)


@dataclass(frozen=True)
class BulkUndoResult:
    requested: int
    undone: tuple[d.UndoResult, ...] = ()
    skipped: Mapping[SkipReason, tuple[int, ...]] = field(default_factory=dict)
    stopped: bool = False

    def summary(self) -> str:
        parts = [f"undid {len(self.undone)} of {self.requested} decisions"]
        parts += [f"{len(ids)} left as they are: {reason.label}" for reason, ids in self.skipped.items() if ids]
        return "; ".join(parts)


class _Tally:
    def __init__(self) -> None:
        self.skipped: dict[SkipReason, list[int]] = {}
        self.first_by: Counter[str] = Counter()

    def skip(self, reason: SkipReason, cid: int) -> None:
        self.skipped.setdefault(reason, []).append(cid)

    def frozen(self) -> dict[SkipReason, tuple[int, ...]]:
        return {reason: tuple(ids) for reason, ids in self.skipped.items()}


def _accept_chunk(session, ids: list[int], user: User, seen: Mapping[int, int] | None,
                  tally: _Tally) -> list[d.DecisionResult]:
    """One chunk: lock its reviews (ascending id), then accept each one still as it was shown."""
    reviews = lock_reviews(session, ids)
    evaluations = d.current_evaluations(session, ids)
    audit = AuditLog(session, deferred=True)  # the chain's lock (last in the lock order) only at the end
    now = datetime.now()
    done = []
    for cid in sorted(ids):
        review, evaluation = reviews.get(cid), evaluations.get(cid)
        if review is None or evaluation is None:
            tally.skip(SkipReason.NOT_EVALUATED, cid)
        elif review.status != ReviewStatus.PENDING.value:
            tally.skip(SkipReason.DECIDED_BY_OTHER, cid)
            tally.first_by[review.decided_by or "someone"] += 1
        elif seen is not None and cid in seen and review.version != seen[cid]:
            tally.skip(SkipReason.CHANGED_SINCE_SHOWN, cid)
        else:
            outcome = Outcome.for_suggestion(Suggestion(evaluation.suggestion))
            if outcome is None:
                tally.skip(SkipReason.NEEDS_OUTCOME, cid)
                continue
            done.append(d.decide_locked(session, audit, review, evaluation, user, DecisionKind.ACCEPT, outcome, "",
                                         now, bulk=True))
    session.flush()
    audit.write_pending()
    return done


def accept_many(db: Database, conviction_ids: Iterable[int], user: User,
                seen_versions: Mapping[int, int] | None = None, job: Job = NO_JOB,
                chunk: int = CHUNK) -> BulkAcceptResult:
    """Accept the suggestion of each conviction that is still pending (and, with `seen_versions`, still at
    the version shown), one committed transaction per chunk; Stop (job.cancel) keeps the chunks done."""
    d.check_user(user)
    ids = list(dict.fromkeys(int(i) for i in conviction_ids))
    decided: list[d.DecisionResult] = []
    tally = _Tally()
    stopped = False
    job.progress(0, max(len(ids), 1), "Accepting")
    for n, part in enumerate(chunks(ids, chunk)):
        if job.cancelled:
            stopped = True
            break

        def work(session, part=part):
            attempt = _Tally()  # a retried chunk starts its tally again
            return _accept_chunk(session, part, user, seen_versions, attempt), attempt

        results, attempt = d.transaction(db, work)
        decided += results
        for reason, skipped in attempt.skipped.items():
            tally.skipped.setdefault(reason, []).extend(skipped)
        tally.first_by.update(attempt.first_by)
        job.progress(min((n + 1) * chunk, len(ids)), max(len(ids), 1), "Accepting")
    return BulkAcceptResult(len(ids), tuple(decided), tally.frozen(), dict(tally.first_by), stopped)


def undo_many(db: Database, results: Sequence[d.DecisionResult], user: User, job: Job = NO_JOB,
              chunk: int = CHUNK) -> BulkUndoResult:
    """Undo these decisions (e.g. a bulk accept's), each only while it is still the one standing at the
    version it left: a conviction a colleague decided since keeps their decision (NOT_STANDING)."""
    if not user.can_decide:
        raise d.DecisionRefused("Clerks cannot undo decisions.")
    wanted = {r.conviction_id: r for r in results}
    undone: list[d.UndoResult] = []
    tally = _Tally()
    stopped = False
    job.progress(0, max(len(wanted), 1), "Taking back")
    for n, part in enumerate(chunks(sorted(wanted), chunk)):
        if job.cancelled:
            stopped = True
            break

        def work(session, part=part):
            attempt, out = _Tally(), []
            reviews = lock_reviews(session, part)
            audit, now = AuditLog(session, deferred=True), datetime.now()
            for cid in part:
                review, result = reviews.get(cid), wanted[cid]
                if review is None or review.decision_id != result.decision_id or review.version != result.version:
                    attempt.skip(SkipReason.NOT_STANDING, cid)
                else:
                    out.append(d.undo_locked(session, audit, review, user, now))
            session.flush()
            audit.write_pending()
            return out, attempt

        out, attempt = d.transaction(db, work)
        undone += out
        for reason, skipped in attempt.skipped.items():
            tally.skipped.setdefault(reason, []).extend(skipped)
        job.progress(min((n + 1) * chunk, len(wanted)), max(len(wanted), 1), "Taking back")
    return BulkUndoResult(len(wanted), tuple(undone), tally.frozen(), stopped)
