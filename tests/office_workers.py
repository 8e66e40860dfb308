"""Work run in separate processes by the shared-office tests (each opens its own database connection)."""
from __future__ import annotations

from datetime import date

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, Role


def bulk_accept(start, url: str, ids: list[int], name: str, chunk: int = 25) -> dict:
    from reviewer.services import deciding
    from reviewer.store.database import Database

    db = Database(url, migrate=False)
    try:
        start.wait(30)
        result = deciding.accept_many(db, ids, User(name, Role.ATTORNEY, "123456"), chunk=chunk)
        return {"decided": {r.conviction_id: r.decision_id for r in result.decided},
                "skipped": {k.value: list(v) for k, v in result.skipped.items()},
                "first_by": dict(result.decided_first_by), "requested": result.requested}
    finally:
        db.dispose()


def overrides(start, url: str, ids: list[int], name: str) -> dict:
    """An attorney overriding each conviction with the version shown (0: pending when the queue was read)."""
    from reviewer.services import deciding
    from reviewer.store.database import Database

    db = Database(url, migrate=False)
    done, conflicts = {}, []
    try:
        start.wait(30)
        for cid in ids:
            try:
                r = deciding.decide(db, cid, User(name, Role.ATTORNEY, "654321"), DecisionKind.OVERRIDE,
                                    Outcome.CHALLENGE_NOT_ELIGIBLE, "Prior record found in the court file.",
                                    expected_version=0)
                done[cid] = r.decision_id
            except deciding.ConflictError as exc:
                assert "their decision stands" in str(exc)
                conflicts.append(cid)
        return {"decided": done, "conflicts": conflicts}
    finally:
        db.dispose()


def reevaluate(start, url: str, county: str) -> int:
    from reviewer.services.evaluating import evaluate, resolve_policy
    from reviewer.store.database import Database

    db = Database(url, migrate=False)
    try:
        start.wait(30)
        return evaluate(db, county, date(2020, 1, 31), resolve_policy("los-angeles-pilot-2019"), user="admin").run_id
    finally:
        db.dispose()


def import_same(start, url: str, path: str) -> str:
    from reviewer.services.importing import import_file
    from reviewer.store.database import Database

    db = Database(url, migrate=False)
    try:
        start.wait(30)
        report = import_file(db, path, user="clerk")
        return "imported" if report.imported else report.message
    finally:
        db.dispose()
