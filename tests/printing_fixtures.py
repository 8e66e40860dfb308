"""Shared print-test databases: the gogen fixture and a synthetic county, every count decided."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, Role
from reviewer.ingest.synthetic import write_demo_file
from reviewer.services import deciding
from reviewer.services.evaluating import evaluate
from reviewer.services.importing import import_file
from reviewer.services.office import save_office
from reviewer.store.database import Database
from tests.sample_office import OFFICE_DOCUMENT

ATTORNEY = User("A. Deputy", Role.ATTORNEY, "123456")
OFFICE = OFFICE_DOCUMENT


def decide_everything(db: Database) -> None:
    deciding.accept_many(db, deciding.pending_ids(db), ATTORNEY)
    with db.engine.connect() as conn:
        levels = dict(conn.execute(text("SELECT id, level FROM conviction")).all())
    for i, cid in enumerate(deciding.pending_ids(db)):
        # relief that is lesser than the conviction (a felony becomes a misdemeanor; anything else is dismissed)
        relief = Outcome.REDESIGNATE_MISDEMEANOR if levels[cid] == "F" else Outcome.DISMISS_AND_SEAL
        outcome = Outcome.CHALLENGE_NOT_ELIGIBLE if i % 4 == 1 else relief
        deciding.decide(db, cid, ATTORNEY, DecisionKind.OVERRIDE, outcome,
                        "Reviewed the court file: it shows a sale to a minor on 05/01/2012." if i % 4 == 1
                        else "Reviewed the court file.")


@pytest.fixture(scope="session")
def gogen_template(tmp_path_factory, gogen_dir) -> Path:
    path = tmp_path_factory.mktemp("gogen") / "template.db"
    db = Database(path)
    import_file(db, gogen_dir / "no_headers.csv", user="tester")
    evaluate(db, "SAN JOAQUIN", date(2019, 11, 11), None, user="tester")
    decide_everything(db)
    save_office(db, OFFICE, "tester")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def synthetic_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    write_demo_file(folder / "demo.csv", rows=9000, county="SAN JOAQUIN", seed=3)
    db = Database(folder / "template.db")
    import_file(db, folder / "demo.csv", user="tester")
    evaluate(db, "SAN JOAQUIN", date(2019, 11, 11), None, user="tester")
    decide_everything(db)
    save_office(db, OFFICE, "tester")
    db.dispose()
    return folder / "template.db"


def copy_db(template: Path, tmp_path: Path) -> Database:
    target = tmp_path / "reviewer.db"
    shutil.copy(template, target)
    return Database(target)


@pytest.fixture
def gogen_db(gogen_template, tmp_path):
    db = copy_db(gogen_template, tmp_path)
    yield db
    db.dispose()


