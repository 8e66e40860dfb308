"""Evaluation workers start where the platform has no fork (Windows): spawned workers give the same results.

Our users run Windows desktops, where multiprocessing has only "spawn"; `reviewer evaluate` defaults to
one worker per core, so asking for a "fork" context there would fail on every run."""
from __future__ import annotations

import multiprocessing
import shutil
from datetime import date

from reviewer.ingest.synthetic import write_demo_file
from reviewer.services import evaluating
from reviewer.services.evaluating import evaluate, resolve_policy
from reviewer.services.importing import import_file
from reviewer.store.database import Database
from reviewer.store.queries import current_results

AS_OF = date(2019, 11, 11)


def _results(path) -> list[tuple]:
    db = Database(f"sqlite:///{path}")
    try:
        with db.engine.connect() as conn:
            # Each evaluation with its conviction, person and run (no run id or time among the fields).
            return [tuple(row) for row in current_results(conn)]
    finally:
        db.dispose()


def test_spawned_workers_evaluate_as_one_process_does(tmp_path, monkeypatch):
    source = tmp_path / "doj.csv"
    write_demo_file(source, rows=6000, county="SACRAMENTO", seed=11)
    first = tmp_path / "one.db"
    db = Database(f"sqlite:///{first}")
    import_file(db, source)
    db.dispose()
    second = tmp_path / "spawned.db"
    shutil.copyfile(first, second)
    policy = resolve_policy("los-angeles-pilot-2019")

    db = Database(f"sqlite:///{first}")
    one = evaluate(db, "SACRAMENTO", AS_OF, policy, workers=1)
    db.dispose()

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])  # as on Windows
    assert evaluating.worker_start_method() == "spawn"
    db = Database(f"sqlite:///{second}")
    spawned = evaluate(db, "SACRAMENTO", AS_OF, policy, workers=2)
    db.dispose()

    assert spawned.evaluated == one.evaluated > 300
    assert spawned.by_suggestion == one.by_suggestion
    assert _results(second) == _results(first)
