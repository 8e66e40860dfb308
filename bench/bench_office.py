"""Load test: 4 attorneys deciding and 1 bulk accept on one PostgreSQL queue of ~20,000 flagged felonies.

For `--seconds` (60) each attorney process goes round the flagged felonies in its own random
order, reads the case as the screen does (its review version) and decides with that version: it
accepts a pending one (overrides it where the suggestion needs review) and overrides one decided
already (a colleague's or the bulk's); every tenth step it undoes its last decision with the
version that decision left. Meanwhile one bulk accept works through every flagged felony in chunks.
Then the database is checked: every decision reported saved is stored once, none is doubled
(one standing decision per conviction at most), each review points at its latest standing
decision, and the audit log verifies end to end.

    python bench/bench_office.py [--url postgresql+psycopg2://postgres@127.0.0.1:5432/test_h13]
                                 [--rows 460000] [--seconds 60] [--attorneys 4]

Prints the figures as JSON: decisions per second, p95 latency of one decision and of one bulk
chunk, conflicts reported, skipped by reason, lost and doubled decisions, machine load.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = os.environ.get("REVIEWER_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/test_h13")


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def build(url: str, rows: int) -> tuple[str, str]:
    """A fresh schema with the synthetic queue (import + evaluate through the CLI)."""
    import sqlalchemy as sa

    schema = f"bench_office_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    target = f"{url}?options=-csearch_path%3D{schema}"
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "queue.csv"
        run = lambda *a: subprocess.run([sys.executable, "-m", "reviewer", *a], check=True, cwd=ROOT,  # noqa: E731
                                        stdout=subprocess.DEVNULL)
        run("demo-data", "--rows", str(rows), "--county", "LOS ANGELES", "--seed", "7", "--out", str(data))
        run("import", str(data), "--db", target, "--show-problems", "0")
        run("evaluate", "--db", target, "--county", "LOS ANGELES", "--as-of", "2020-01-31",
            "--policy", "los-angeles-pilot-2019", "--workers", "1")
    return target, schema


def flagged_ids(target: str) -> list[int]:
    import sqlalchemy as sa

    engine = sa.create_engine(target)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.text(
            "SELECT conviction_id FROM evaluation WHERE current AND flagged ORDER BY priority, conviction_id"))]
    engine.dispose()
    return ids


def attorney(target: str, ids: list[int], name: str, seconds: float, start, seed: int) -> dict:
    import sqlalchemy as sa

    from reviewer.domain.people import User
    from reviewer.domain.vocabulary import DecisionKind, Outcome, Role
    from reviewer.services import deciding
    from reviewer.store.database import Database

    db = Database(target, migrate=False)
    user = User(name, Role.ATTORNEY, "123456", account=name)
    order = list(ids)
    random.Random(seed).shuffle(order)
    latencies, saved, conflicts, undone, refused = [], [], 0, [], 0
    state = sa.text("SELECT r.version, r.status, e.suggestion FROM review r JOIN evaluation e "
                    "ON e.conviction_id = r.conviction_id AND e.current WHERE r.conviction_id = :c")
    start.wait(60)
    end = time.monotonic() + seconds
    last = None
    n = 0
    while time.monotonic() < end:  # round and round the queue until the time is up
        cid = order[n % len(order)]
        n += 1
        with db.engine.connect() as conn:  # what the screen shows
            version, status, suggestion = conn.execute(state, {"c": cid}).one()
        t0 = time.perf_counter()
        try:
            if n % 10 == 9 and last is not None:
                r = deciding.undo(db, last.conviction_id, user, expected_version=last.version,
                                  decision_id=last.decision_id)
                undone.append(r.undone_decision_id)
                last = None
            elif suggestion == "NEEDS_REVIEW" or status != "pending":  # decided already: the attorney overrides
                last = deciding.decide(db, cid, user, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                                       "Reviewed the court file.", expected_version=version)
                saved.append(last.decision_id)
            else:
                last = deciding.decide(db, cid, user, DecisionKind.ACCEPT, expected_version=version)
                saved.append(last.decision_id)
        except deciding.ConflictError:
            conflicts += 1
        except deciding.DecisionRefused:
            refused += 1
        latencies.append(time.perf_counter() - t0)
    db.dispose()
    return {"name": name, "latencies": latencies, "saved": saved, "undone": undone, "conflicts": conflicts,
            "refused": refused}


def bulk(target: str, ids: list[int], seconds: float, start) -> dict:
    from reviewer.domain.people import User
    from reviewer.domain.vocabulary import Role
    from reviewer.services import deciding
    from reviewer.services.jobs import Job
    from reviewer.store.database import Database

    db = Database(target, migrate=False)
    chunk_times: list[float] = []
    marks = [time.perf_counter()]

    def progress(done, total, what):
        now = time.perf_counter()
        chunk_times.append(now - marks[-1])
        marks.append(now)

    job = Job(on_progress=progress)
    start.wait(60)
    timer = threading.Timer(seconds, job.cancel)
    timer.start()
    marks[0] = time.perf_counter()
    result = deciding.accept_many(db, ids, User("Bulk Deputy", Role.ATTORNEY, "234567", account="bulk"), job=job)
    timer.cancel()
    db.dispose()
    return {"saved": [r.decision_id for r in result.decided], "chunk_times": chunk_times[1:],
            "skipped": {k.value: len(v) for k, v in result.skipped.items()}, "stopped": result.stopped,
            "first_by": dict(result.decided_first_by)}


def check(target: str, results: list[dict]) -> dict:
    import sqlalchemy as sa

    from reviewer.services.auditing import verify
    from reviewer.store.database import Database

    engine = sa.create_engine(target)
    with engine.connect() as conn:
        stored = {r[0]: r for r in conn.execute(sa.text("SELECT id, conviction_id, undone_at FROM decision"))}
        # Doubled: two changes made from the same version of one conviction (one silently replaced the other).
        seen, doubled = set(), 0
        for entity, before in conn.execute(sa.text(
                "SELECT entity_id, before FROM audit_log WHERE action LIKE 'decision.%'")):
            key = (entity, json.loads(before)["version"])
            doubled += key in seen
            seen.add(key)
        versions_off = conn.execute(sa.text(
            "SELECT count(*) FROM review r WHERE r.version <> (SELECT count(*) FROM audit_log a "
            "WHERE a.entity = 'conviction' AND a.entity_id = r.conviction_id AND a.action LIKE 'decision.%')")).scalar()
        wrong_review = conn.execute(sa.text(
            "SELECT count(*) FROM review r WHERE r.decision_id IS DISTINCT FROM (SELECT max(d.id) FROM decision d "
            "WHERE d.conviction_id = r.conviction_id AND d.undone_at IS NULL)")).scalar()
        audited = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE action LIKE 'decision.%'")).scalar()
    engine.dispose()
    reported = [d for r in results for d in r["saved"]]
    undone = {d for r in results for d in r.get("undone", [])}
    db = Database(target, migrate=False)
    report = verify(db)
    db.dispose()
    return {
        "decisions_reported": len(reported), "decisions_stored": len(stored),
        "lost": len(set(reported) - set(stored)), "phantom": len(set(stored) - set(reported)),
        "reported_twice": len(reported) - len(set(reported)), "doubled": doubled,
        "review_versions_not_matching_audit": versions_off,
        "undone_reported": len(undone), "undone_stored": sum(1 for r in stored.values() if r[2] is not None),
        "reviews_not_at_latest_decision": wrong_review,
        "audit_entries_for_decisions": audited, "audit_expected": len(stored) + len(undone),
        "audit_verified": report.ok, "audit_findings": [str(f) for f in report.findings[:5]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, default=460_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--attorneys", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = parser.parse_args()
    t0 = time.monotonic()
    target, schema = build(args.url, args.rows)
    ids = flagged_ids(target)
    print(f"built {schema}: {len(ids):,} flagged felonies in {time.monotonic() - t0:.0f} s", flush=True)
    ctx = multiprocessing.get_context("spawn")
    try:
        with ctx.Manager() as manager:
            start = manager.Event()
            with ctx.Pool(args.attorneys + 1) as pool:
                jobs = [pool.apply_async(attorney, (target, ids, f"Attorney {k + 1}", args.seconds, start, k))
                        for k in range(args.attorneys)]
                jobs.append(pool.apply_async(bulk, (target, ids, args.seconds, start)))
                time.sleep(3)  # all processes up and waiting
                began = time.monotonic()
                start.set()
                results = [j.get(args.seconds * 10 + 300) for j in jobs]
                elapsed = time.monotonic() - began
        attorneys, bulk_result = results[:-1], results[-1]
        latencies = [x for r in attorneys for x in r["latencies"]]
        committed = sum(len(r["saved"]) + len(r["undone"]) for r in attorneys) + len(bulk_result["saved"])
        figures = {
            "flagged_felonies": len(ids), "seconds": round(elapsed, 1),
            "decisions_per_second": round(committed / elapsed, 1),
            "attorney_decisions": sum(len(r["saved"]) for r in attorneys),
            "attorney_undos": sum(len(r["undone"]) for r in attorneys),
            "attorney_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "attorney_p95_ms": round(p95(latencies) * 1000, 1),
            "attorney_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
            "conflicts_reported": sum(r["conflicts"] for r in attorneys),
            "refused": sum(r["refused"] for r in attorneys),
            "bulk_accepted": len(bulk_result["saved"]), "bulk_skipped": bulk_result["skipped"],
            "bulk_first_by": bulk_result["first_by"], "bulk_stopped_at_time_limit": bulk_result["stopped"],
            "bulk_chunk_p95_ms": round(p95(bulk_result["chunk_times"]) * 1000, 1),
            "check": check(target, results),
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        }
    finally:
        if not args.keep:
            import sqlalchemy as sa

            engine = sa.create_engine(args.url)
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()
    print(json.dumps(figures, indent=2))
    ok = figures["check"]["lost"] == 0 and figures["check"]["doubled"] == 0 and figures["check"]["audit_verified"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
