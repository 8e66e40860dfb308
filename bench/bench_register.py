"""Benchmark: `export register` (Excel, openpyxl write-only) at several sizes; memory must stay flat.

Builds one SQLite database with --max evaluated convictions by bulk insert (values sampled
from a real import + evaluation of a synthetic DOJ file, so texts have realistic lengths;
a third of them decided, some printed and filed), then for each size marks that many
evaluations current and runs the export in a fresh process, printing rows, seconds,
rows/s and the process's peak RSS.

    python bench/bench_register.py [--sizes 100000,250000,500000,1000000] [--dir /tmp]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

CHILD = """
import json, resource, sys, time
from reviewer.services.registering import export_register
from reviewer.store.database import Database
db = Database(sys.argv[1], migrate=False)
start = time.perf_counter()
rows = export_register(db, sys.argv[2])
seconds = time.perf_counter() - start
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def sample_rows(folder: Path):
    """Real persons, convictions and evaluations from a small synthetic import, to copy values from."""
    from reviewer.ingest.synthetic import write_demo_file
    from reviewer.services.evaluating import evaluate, resolve_policy
    from reviewer.services.importing import import_file
    from reviewer.store.database import Database

    seed = folder / "seed.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{seed}{suffix}").unlink(missing_ok=True)
    write_demo_file(folder / "seed.csv", rows=20000, county="SACRAMENTO", seed=3)
    db = Database(seed)
    import_file(db, folder / "seed.csv")
    evaluate(db, "SACRAMENTO", date(2019, 11, 11), resolve_policy("sacramento-configurable-2019"))
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.name, p.dob, p.cii, c.court_case, c.count_order, c.offense_text, c.code_section, c.section, "
            "c.subsection, c.code, c.level, c.disposition_date, c.sentence_end, e.suggestion, e.statute_suggestion, "
            "e.policy_reason, e.reasons, e.sentence_status, e.disqualified, e.flagged, e.priority "
            "FROM evaluation e JOIN conviction c ON c.id = e.conviction_id JOIN person p ON p.id = c.person_id"
        ).all()
    db.dispose()
    return rows


def build(path: Path, total: int, folder: Path) -> None:
    from reviewer.store import bulk
    from reviewer.store.database import Database

    samples = sample_rows(folder)
    rng = random.Random(1)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database(path)
    now = datetime(2020, 3, 1, 9, 0)
    with db.session() as session:
        conn = session.connection()
        conn.exec_driver_sql(
            "INSERT INTO import_batch (id, file_name, sha256, encoding, kind, imported_at, imported_by, rows, persons, "
            "convictions, flagged_rows, problems) VALUES (1, 'bench.csv', 'x', 'utf-8', 'doj', '2020-01-01', 'bench', "
            f"{total}, {total // 3}, {total}, 0, '[]')")
        conn.exec_driver_sql(
            "INSERT INTO evaluation_run (id, county, as_of, engine_version, policy_name, policy_version, policy_digest, "
            "policy_document, created_at, created_by, evaluated) VALUES (1, 'SACRAMENTO', '2019-11-11', 'bench', "
            f"'Sacramento configurable flow', '2019.1', 'x', '{{}}', '2020-01-01', 'bench', {total})")
        persons = max(total // 3, 1)
        bulk.insert_rows(conn, "person", ("id", "subject_id", "cii", "name", "dob", "deceased", "pc290_registration"),
                         ((i, f"S{i}", s[2], s[0], s[1], False, False)
                          for i, s in ((i, samples[i % len(samples)]) for i in range(1, persons + 1))))
        picks = [samples[rng.randrange(len(samples))] for _ in range(4096)]

        def convictions():
            for i in range(1, total + 1):
                s = picks[i % 4096]
                yield (i, 1 + (i - 1) % persons, 1, "bench.csv", i + 1, f"{i:09d}001", f"{i:06d}", s[3], "SACRAMENTO",
                       s[11], s[5], s[6], s[7], s[8] or "", s[9] or "", False, True, s[10], bool(s[12]), s[12])

        bulk.insert_rows(conn, "conviction", (
            "id", "person_id", "batch_id", "source_file", "source_line", "count_order", "case_key", "court_case",
            "county", "disposition_date", "offense_text", "code_section", "section", "subsection", "code", "attempt",
            "is_cannabis", "level", "has_sentence", "sentence_end"), convictions())
        bulk.insert_rows(conn, "evaluation", (
            "id", "run_id", "conviction_id", "current", "suggestion", "statute_suggestion", "policy_reason", "reasons",
            "sentence_status", "disqualified", "flagged", "priority"),
            ((i, 1, i, True, s[13], s[14], s[15], s[16], s[17], s[18], s[19], s[20])
             for i, s in ((i, picks[i % 4096]) for i in range(1, total + 1))))
        decided = [i for i in range(1, total + 1) if i % 3 == 0]
        bulk.insert_rows(conn, "decision", (
            "id", "conviction_id", "evaluation_id", "kind", "outcome", "reason", "user_name", "bar_number", "role",
            "decided_at"), ((n, i, i, "ACCEPT", "DISMISS_AND_SEAL", "", "A. Deputy", "1", "attorney",
                             now + timedelta(seconds=i)) for n, i in enumerate(decided, start=1)))
        decision_of = {i: n for n, i in enumerate(decided, start=1)}
        bulk.insert_rows(conn, "review", ("conviction_id", "status", "outcome", "decision_id", "decided_by", "decided_at",
                                          "version"),
                         ((i, "accepted", "DISMISS_AND_SEAL", decision_of[i], "A. Deputy", now + timedelta(seconds=i), 1)
                          if i in decision_of else (i, "pending", None, None, None, None, 0) for i in range(1, total + 1)))
        conn.exec_driver_sql("INSERT INTO print_job (id, started_at, user_name, scope, out_dir, status, cases_total, "
                             "cases_printed) VALUES (1, '2020-03-02', 'clerk', 'all', '/tmp', 'completed', 0, 0)")
        bulk.insert_rows(conn, "printed_case", ("job_id", "person_id", "case_key", "file_path", "documents", "pages",
                                                "decisions", "printed_at", "printed_by"),
                         ((1, 1 + (i - 1) % persons, f"{i:06d}", "x.pdf", "motion", 2, "", now, "clerk")
                          for i in range(6, total + 1, 6)))
        bulk.insert_rows(conn, "case_filing", ("person_id", "case_key", "filed_on", "recorded_by", "recorded_at"),
                         ((1 + (i - 1) % persons, f"{i:06d}", date(2020, 3, 9), "clerk", now)
                          for i in range(12, total + 1, 12)))
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,250000,500000,1000000")
    parser.add_argument("--dir", default=os.environ.get("BENCH_DIR", tempfile.gettempdir()))
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"register-bench-{sizes[-1]}.db"
    if args.rebuild or not path.exists():
        start = time.perf_counter()
        print(f"building {path} with {sizes[-1]:,} evaluated convictions ...", flush=True)
        build(path, sizes[-1], folder)
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
    import sqlite3

    print(f"{'rows':>10} {'seconds':>8} {'rows/s':>8} {'peak RSS MB':>12} {'file MB':>8}")
    for size in sizes:
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE evaluation SET current = (id <= ?)", (size,))
        out = folder / f"register-{size}.xlsx"
        done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(out)], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(done.stderr)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{r['rows']:>10,} {r['seconds']:>8.1f} {r['rows'] / r['seconds']:>8,.0f} {r['peak_mb']:>12.0f} "
              f"{out.stat().st_size / 1e6:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
