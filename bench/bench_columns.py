"""Benchmark: the column engine (engine/columns) against the per-record engine on one county of an
imported database (issue 14), and a check that both give the same stored rows.

    python bench/bench_columns.py DB [--county "LOS ANGELES"] [--policy los-angeles-pilot-2019]

DB: a database `bench/bench_import.py` left (e.g. /tmp/bench-demo-1000000.db). Prints, in one process:
the per-record path (read the records back, evaluate, write the rows' JSON: what `reviewer evaluate
--workers 1` computes before storing), and the column path's phases (read the county's frames, the
rules, the stored rows); then whether every row and shared reason is the same. Nothing is written.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reviewer.engine.columns.evaluate import evaluate_frames
from reviewer.services.column_rows import stored_rows
from reviewer.services.county_frames import county_frames
from reviewer.services.evaluating import per_record_rows, resolve_policy
from reviewer.store.database import Database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--county", default="LOS ANGELES")
    parser.add_argument("--policy", default="los-angeles-pilot-2019", help='a shipped policy, a file, or ""')
    parser.add_argument("--as-of", default="2019-11-11")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    policy = resolve_policy(args.policy or None)
    db = Database(args.db, migrate=False)
    print(f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.2f}; {args.county}, {args.policy or 'statute only'}")
    with db.engine.connect() as conn:
        start = time.perf_counter()
        shared: dict[str, str] = {}
        expected = sorted(per_record_rows(conn, args.county, as_of, policy, shared))
        per_record = time.perf_counter() - start
    start = time.perf_counter()
    frames = county_frames(db, args.county)
    read = time.perf_counter() - start
    start = time.perf_counter()
    done = evaluate_frames(*frames, args.county, as_of, policy)
    rules = time.perf_counter() - start
    start = time.perf_counter()
    rows, found_shared = stored_rows(done, as_of)
    written = time.perf_counter() - start
    found = rows.rows()
    print(f"per record (read back, evaluate, rows): {per_record:6.2f} s  {len(expected):,} evaluations")
    print(f"columns: read {read:5.2f} s + rules {rules:5.2f} s + rows {written:5.2f} s = {read + rules + written:6.2f} s")
    same = [tuple(r) for r in expected] == found and shared == found_shared
    print(f"identical rows and shared reasons: {same} ({len(found):,} rows, {len(found_shared):,} shared reasons)")
    db.dispose()
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
