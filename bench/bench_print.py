"""Benchmark `print_batch`: seconds, cases per second and peak memory at 1k, 5k and 10k court cases.

Builds (once, cached under bench/out/) a SQLite database from a synthetic DOJ file: import,
evaluate, accept every acceptable suggestion, and decide the rest by hand (relief for most,
a challenge on the ground of not eligible or of public safety for some). Then each batch size
runs in a fresh process (`--one N`) so that its peak RSS is its own:

    /work/venv/bin/python bench/bench_print.py [--sizes 1000,5000,10000] [--rows 220000]

Peak RSS is reported for the main process and, separately, for the largest worker process;
cpu_s is the CPU time of the batch (main process and workers), which tells the cost on a
machine shared with other work, where wall time does not.
Not a test: run it by hand; the figures go in the report.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = Path(os.environ.get("REVIEWER_BENCH_OUT", ROOT / "bench" / "out"))
COUNTY = "SAN JOAQUIN"


def build(rows: int) -> Path:
    from sqlalchemy import text

    from reviewer.domain.people import User
    from reviewer.domain.vocabulary import DecisionKind, Outcome, Role
    from reviewer.ingest.synthetic import write_demo_file
    from reviewer.services import deciding
    from reviewer.services.evaluating import evaluate
    from reviewer.services.importing import import_file
    from reviewer.store.database import Database

    db_path = OUT / f"bench-{rows}.db"
    if db_path.exists():
        return db_path
    OUT.mkdir(parents=True, exist_ok=True)
    demo = OUT / f"demo-{rows}.csv"
    write_demo_file(demo, rows=rows, county=COUNTY, seed=7)
    db = Database(str(db_path) + ".part")
    import_file(db, demo, user="bench")
    evaluate(db, COUNTY, date(2019, 11, 11), None, user="bench")
    attorney = User("Bench Deputy", Role.ATTORNEY, "100000")
    deciding.accept_many(db, deciding.pending_ids(db), attorney)
    with db.engine.connect() as conn:
        status = dict(conn.execute(text("SELECT conviction_id, sentence_status FROM evaluation WHERE current")).all())
    with db.engine.connect() as conn:
        levels = dict(conn.execute(text("SELECT id, level FROM conviction")).all())
    for i, cid in enumerate(deciding.pending_ids(db)):
        relief = Outcome.REDESIGNATE_MISDEMEANOR if levels[cid] == "F" else Outcome.DISMISS_AND_SEAL
        outcome, reason = relief, "Reviewed the court file: relief is due."
        if i % 10 == 3:
            outcome, reason = Outcome.CHALLENGE_NOT_ELIGIBLE, "Court file shows sale to a minor."
        elif i % 10 == 7 and status[cid] != "COMPLETED":
            outcome, reason = Outcome.CHALLENGE_PUBLIC_SAFETY, "Probation report of 06/01/2019: threatened to kill his neighbor with a firearm."
        deciding.decide(db, cid, attorney, DecisionKind.OVERRIDE, outcome, reason)
    with db.engine.connect() as conn:  # unknown sentences answered so that every case can print
        conn.execute(text(
            "INSERT INTO sentence_answer (conviction_id, status, answered_by, answered_at) "
            "SELECT conviction_id, 'COMPLETED', 'bench', CURRENT_TIMESTAMP FROM evaluation "
            "WHERE current AND sentence_status = 'UNKNOWN'"))
        conn.commit()
    db.dispose()
    Path(str(db_path) + ".part").rename(db_path)
    return db_path


def one(db_path: Path, size: int, workers: int | None, style: str) -> dict:
    from reviewer.services.office import load_office_document, save_office
    from reviewer.services.printing import list_cases, print_batch
    from reviewer.store.database import Database

    db = Database(db_path)
    save_office(db, {**load_office_document(db), "filing_style": style}, "bench")
    keys = [c.key for c in list_cases(db, "all-decided") if not c.held and c.documents][:size]
    if len(keys) < size:
        raise SystemExit(f"only {len(keys)} printable cases in {db_path.name}; use a larger --rows")
    out = OUT / f"batch-{size}"
    shutil.rmtree(out, ignore_errors=True)
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = own.ru_utime + own.ru_stime
    started = time.perf_counter()
    report = print_batch(db, out, "bench", scope="all-decided", keys=keys, workers=workers)
    seconds = time.perf_counter() - started
    kb = 1024
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime - cpu_before
    size_mb = sum(p.stat().st_size for p in out.rglob("*.pdf")) / kb / kb
    return {
        "cases": report.printed, "pages": report.pages, "seconds": round(seconds, 1),
        "cases_per_s": round(report.printed / seconds, 1), "cpu_s": round(cpu, 1),
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kb, 1),
        "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kb, 1),
        "combined_mb": round(report.combined.stat().st_size / kb / kb, 1),
        "bulk_mb": round(report.bulk.stat().st_size / kb / kb, 1) if report.bulk else 0, "all_pdfs_mb": round(size_mb, 1),
        "style": style,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--rows", type=int, default=220000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--style", default="per-case", choices=["per-case", "bulk", "both"],
                        help="the office's filing style for the batch (per-case papers, bulk motion, or both)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    db_path = build(args.rows)
    if args.one:
        print(json.dumps(one(db_path, args.one, args.workers, args.style)))
        return
    print(f"database: {db_path.name}")
    for size in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(size), "--rows", str(args.rows), "--style", args.style]
        if args.workers is not None:
            cmd += ["--workers", str(args.workers)]
        result = subprocess.run(cmd, capture_output=True, text=True, check=True)
        print(json.dumps({"size": size, **json.loads(result.stdout.strip().splitlines()[-1])}))


if __name__ == "__main__":
    main()
