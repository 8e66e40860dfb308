"""Benchmark: import + evaluate a generated DOJ research file into SQLite (issue: headless core).

Prints rows per second, seconds and peak memory of `reviewer import` + `reviewer evaluate`
(each a fresh process, as a user runs them), and the time Python's csv.reader alone takes to
read the same file, for the ratio.

    python bench/bench_import.py [--rows 1000000] [--county "LOS ANGELES"] [--shape gogen]

`--shape gogen` measures the same rows widened to the shape of gogen's generator output (all 95
columns filled, about 800 MB for a million rows; bench/gogen_shaped.py).
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one CLI process (its own peak: os.wait4 reports per child)."""
    seconds, peak, _cpu, out = measured(args)
    print("   ", out.strip().splitlines()[0][:160])
    return seconds, peak


def measured(args: list[str], env: dict | None = None) -> tuple[float, float, float, str]:
    """(seconds, peak RSS in MB, CPU seconds of user and system, stdout) of one `reviewer` process, run with
    `env` (default: this one's)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: reviewer {' '.join(args)}\n{err}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out


def csv_reader_seconds(path: Path) -> float:
    start = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as fh:
        for _ in csv.reader(fh):
            pass
    return time.perf_counter() - start


def pyarrow_parse_seconds(path: Path) -> float:
    """For reference: the columnar parse alone (both cores), the fastest way here to read the file.
    In a child process: a gigabyte of parsed table here would count in the next child's peak
    memory (a forked child starts from its parent's)."""
    code = ("import sys, time, pyarrow.csv as c; t = time.perf_counter(); "
            "c.read_csv(sys.argv[1], read_options=c.ReadOptions(block_size=8 << 20)); "
            "print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return float(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--county", default="LOS ANGELES")
    parser.add_argument("--dir", default=os.environ.get("BENCH_DIR", tempfile.gettempdir()))
    parser.add_argument("--one-pass", action="store_true",
                        help="also time `reviewer import FILE --county --as-of --policy` (one process) into a new file")
    parser.add_argument("--shape", choices=("demo", "gogen"), default="demo",
                        help="gogen: every column filled, as gogen's generator writes (bench/gogen_shaped.py)")
    args = parser.parse_args()
    folder = Path(args.dir)
    data = folder / f"doj-{args.rows}.csv"
    if not data.exists():
        print(f"generating {data} ...")
        subprocess.run([sys.executable, "-m", "reviewer", "demo-data", "--rows", str(args.rows), "--county",
                        args.county, "--seed", "1", "--out", str(data)], check=True)
    if args.shape == "gogen":
        narrow, data = data, folder / f"gogen-{args.rows}.csv"
        if not data.exists():
            print(f"widening {narrow} to {data} ...")
            from gogen_shaped import widen
            widen(narrow, data)
    db = folder / f"bench-{args.shape}-{args.rows}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    print(f"file: {data} ({data.stat().st_size / 1e6:.0f} MB, {args.rows:,} rows), cpus: {os.cpu_count()}")
    reader = min(csv_reader_seconds(data) for _ in range(2))
    print(f"csv.reader alone:   {reader:6.2f} s  ({args.rows / reader:,.0f} rows/s)")
    parse = min(pyarrow_parse_seconds(data) for _ in range(2))
    print(f"pyarrow parse alone:{parse:6.2f} s  (reference: reading only, no rows kept)")
    print("reviewer import:")
    t_import, m_import = run(["import", str(data), "--db", str(db), "--show-problems", "0"])
    print("reviewer evaluate:")
    t_eval, m_eval = run(["evaluate", "--db", str(db), "--county", args.county, "--as-of", "2019-11-11",
                          "--policy", "los-angeles-pilot-2019"])
    total = t_import + t_eval
    print(f"import:             {t_import:6.2f} s   peak {m_import:7.0f} MB")
    print(f"evaluate:           {t_eval:6.2f} s   peak {m_eval:7.0f} MB  (one process, every core)")
    print(f"import + evaluate:  {total:6.2f} s  = {args.rows / total:,.0f} rows/s")
    peak = max(m_import, m_eval)
    print(f"against csv.reader: {total / reader:.2f}x its time (issue 14's target: at most 1.50x) "
          f"{'ok' if total <= 1.5 * reader else 'MISSED'}; peak of every process {peak:.0f} MB "
          f"(target under 1024 MB) {'ok' if peak < 1024 else 'MISSED'}")
    if args.one_pass:
        one = folder / f"bench-{args.shape}-{args.rows}-one-pass.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{one}{suffix}").unlink(missing_ok=True)
        print("reviewer import --county --as-of --policy (one process):")
        t_one, m_one = run(["import", str(data), "--db", str(one), "--show-problems", "0", "--county", args.county,
                            "--as-of", "2019-11-11", "--policy", "los-angeles-pilot-2019"])
        print(f"one pass:           {t_one:6.2f} s   peak {m_one:7.0f} MB  = {args.rows / t_one:,.0f} rows/s, "
              f"{t_one / reader:.2f}x csv.reader's time")


if __name__ == "__main__":
    main()
