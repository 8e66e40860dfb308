"""Benchmark: where the time and the memory of a one-pass import go (issue 14), phase by phase.

    python bench/bench_phases.py FILE [--county "LOS ANGELES"] [--policy los-angeles-pilot-2019] [--db PATH]

Runs `reviewer import FILE --county --as-of --policy` in a child process that times its own phases
(the module imports, opening the database, parsing the file, working out the rows, building the load's
tables, the load's SQLite writes, the column engine in its thread, writing the evaluation, the commit)
and samples its resident memory every 10 ms; prints each phase's seconds and the highest memory seen
while it ran, then the whole run's time and peak (os.wait4) beside csv.reader's time on the same file.
The database (default: a new file beside FILE) is replaced first.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

# (bench/ is on the path: the script's own folder)
from bench_import import csv_reader_seconds

# The child: wraps the phases' functions (by module attribute, as the code calls them) with timers.
CHILD = r"""
import functools, json, os, sys, threading, time
T0 = time.perf_counter()
PAGE = os.sysconf("SC_PAGE_SIZE")
spans, peak = [], {"now": 0.0}
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 1e6
def sample():
    while True:
        peak["now"] = max(peak["now"], rss())
        time.sleep(0.01)
threading.Thread(target=sample, daemon=True).start()
def timed(owner, name, label):
    original = getattr(owner, name)
    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        start, peak["now"] = time.perf_counter(), rss()
        try:
            return original(*args, **kwargs)
        finally:
            spans.append((label, start - T0, time.perf_counter() - T0, peak["now"], threading.current_thread().name))
    setattr(owner, name, wrapper)
start = time.perf_counter()
from reviewer import cli
from reviewer.ingest import doj_reader
from reviewer.services import one_pass
from reviewer.store import database, first_evaluation, first_load
spans.append(("module imports", start - T0, time.perf_counter() - T0, rss(), "MainThread"))
timed(database.Database, "__init__", "open the database (schema)")
timed(doj_reader, "_parse_blocks", "parse the file, keep the rows that matter")
timed(doj_reader, "_extract", "work out persons and convictions")
timed(first_load, "_people", "the load's tables: persons")
timed(first_load, "_counts", "the load's tables: convictions")
timed(one_pass, "_pieces", "column engine: the county's frames, cut")
timed(one_pass, "_evaluated", "column engine: one part")
timed(first_evaluation, "write", "write the evaluation")
cursor = None
import adbc_driver_manager.dbapi as dbapi
original_ingest = dbapi.Cursor.adbc_ingest
def ingest(self, table_name, data, *args, **kwargs):
    start = time.perf_counter()
    try:
        return original_ingest(self, table_name, data, *args, **kwargs)
    finally:
        if getattr(data, "num_rows", 0) > 1000:
            spans.append((f"SQLite writes {table_name}", start - T0, time.perf_counter() - T0, peak["now"], "MainThread"))
dbapi.Cursor.adbc_ingest = ingest
try:
    status = cli.main(sys.argv[1:])
finally:
    spans.append(("whole command", 0.0, time.perf_counter() - T0, peak["now"], "MainThread"))
    print("PHASES " + json.dumps(spans), file=sys.stderr)
sys.exit(status)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--county", default="LOS ANGELES")
    parser.add_argument("--policy", default="los-angeles-pilot-2019")
    parser.add_argument("--as-of", default="2019-11-11")
    parser.add_argument("--db")
    args = parser.parse_args()
    data = Path(args.file)
    db = Path(args.db or data.with_suffix(".phases.db"))
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    reader = csv_reader_seconds(data)
    load = os.getloadavg()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, "import", str(data), "--db", str(db), "--show-problems", "0",
                             "--county", args.county, "--as-of", args.as_of, "--policy", args.policy],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # (the only child)
    if proc.returncode:
        sys.exit(f"failed:\n{err}")
    spans = json.loads(next(line for line in err.splitlines() if line.startswith("PHASES "))[7:])
    print(f"file: {data} ({data.stat().st_size / 1e6:.0f} MB), cpus {os.cpu_count()}, load {load[0]:.2f} {load[1]:.2f}")
    print("   ", out.strip().splitlines()[-1][:150])
    print(f"{'phase':44s} {'from':>6s} {'to':>6s} {'seconds':>8s} {'peak MB':>8s}  thread")
    for label, begin, end, high, thread in sorted(spans, key=lambda s: (s[1], -s[2])):
        print(f"{label:44s} {begin:6.2f} {end:6.2f} {end - begin:8.2f} {high:8.0f}  {thread}")
    print(f"csv.reader alone: {reader:.2f} s; the command, start to exit: {wall:.2f} s = {wall / reader:.2f}x "
          f"(issue 14's target: at most 1.50x); peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
