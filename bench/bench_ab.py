"""Benchmark: the one-pass import of two versions of Reviewer, interleaved, on the same file.

    python bench/bench_ab.py FILE --base REV [--runs 4] [--county "LOS ANGELES"] [--policy los-angeles-pilot-2019]

On these 2-core machines the same code varies by a second from one run to the next, and the machine
itself speeds up and slows down over an hour, so one version measured after the other says little. Here
the base (a git revision, checked out into a temporary worktree) and the working tree take turns, the
order swapped every round (AB BA AB ...), each a fresh process into a new database, with csv.reader
timed once a round; the table gives every run (seconds, CPU seconds, peak) and the medians.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# (bench/ is on the path: the script's own folder)
from bench_import import csv_reader_seconds, measured

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--base", required=True, help="a git revision to compare the working tree with")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--county", default="LOS ANGELES")
    parser.add_argument("--policy", default="los-angeles-pilot-2019")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reviewer-ab-") as scratch:
        base = Path(scratch) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base], check=True,
                       capture_output=True)
        try:
            trees = {"base": base, "now": ROOT}
            results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
            readers = []
            print(f"file: {args.file} ({args.file.stat().st_size / 1e6:.0f} MB), base {args.base}, cpus {os.cpu_count()}")
            for round_ in range(args.runs):
                readers.append(csv_reader_seconds(args.file))
                for name in (("base", "now") if round_ % 2 == 0 else ("now", "base")):
                    db = Path(scratch) / f"{name}-{round_}.db"
                    seconds, peak, cpu, _ = measured(
                        ["import", str(args.file), "--db", str(db), "--show-problems", "0", "--county", args.county,
                         "--as-of", "2019-11-11", "--policy", args.policy],
                        env={**os.environ, "PYTHONPATH": str(trees[name])})
                    results[name].append((seconds, cpu, peak))
                    print(f"  round {round_ + 1} {name:4}: {seconds:5.2f} s, {cpu:5.2f} CPU-s, peak {peak:4.0f} MB "
                          f"({seconds / readers[-1]:.2f}x csv.reader's {readers[-1]:.2f} s)")
            reader = statistics.median(readers)
            for name, runs in results.items():
                seconds, cpu, peak = (statistics.median(values) for values in zip(*runs))
                print(f"{name:4} median: {seconds:5.2f} s = {seconds / reader:.2f}x csv.reader ({reader:.2f} s), "
                      f"{cpu:5.2f} CPU-s, peak {peak:4.0f} MB (highest {max(p for _, _, p in runs):.0f})")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False,
                           capture_output=True)  # (a worktree left behind is listed by git worktree list)


if __name__ == "__main__":
    sys.exit(main())
