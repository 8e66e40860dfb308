"""Benchmark: the engine (engine/columns) on one county of an imported database, phase by phase, as
`reviewer evaluate` runs it (issue 14), and a check that the rows it stores are the rows the Evaluation
path (an answer's re-evaluation: services.evaluating.evaluation_row) would store.

    python bench/bench_columns.py DB [--county "LOS ANGELES"] [--policy los-angeles-pilot-2019]

DB: a database `bench/bench_import.py` left (e.g. /tmp/bench-demo-1000000.db). Prints, in one process:
the column path's phases (read the county's frames, the rules, the stored rows), then the Evaluation
path (read the records back as objects, the same rules, one row per Evaluation) and whether every row
and shared reason is the same. Nothing is written.
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
from reviewer.engine.evaluate import evaluate_records
from reviewer.services.column_rows import stored_rows
from reviewer.services.county_frames import county_frames
from reviewer.services.evaluating import evaluation_row, resolve_policy
from reviewer.store.database import Database
from reviewer.store.records import records_in_county


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
    print(f"columns: read {read:5.2f} s + rules {rules:5.2f} s + rows {written:5.2f} s = {read + rules + written:6.2f} s"
          f"  {len(found):,} evaluations")
    start = time.perf_counter()
    with db.engine.connect() as conn:
        records = list(records_in_county(conn, args.county))
    shared: dict[str, str] = {}
    expected = sorted(evaluation_row(ev, shared) for ev in evaluate_records(records, args.county, as_of, policy))
    print(f"Evaluation path (records read back as objects, the rules, a row each): {time.perf_counter() - start:6.2f} s")
    same = [tuple(r) for r in expected] == found and shared == found_shared
    print(f"identical rows and shared reasons: {same} ({len(found):,} rows, {len(found_shared):,} shared reasons)")
    db.dispose()
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
