"""`reviewer accept`: bulk accept from the command line, each decision audited on its own."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from reviewer import cli
from reviewer.services.demo import build_demo_database
from reviewer.store import models as m
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("accept") / "base.db"
    build_demo_database(path, rows=3000)
    return path


@pytest.fixture
def db_path(base_db, tmp_path):
    path = tmp_path / "review.db"
    shutil.copy(base_db, path)
    return str(path)


def pending_by(db_path, **where):
    db = Database(db_path, migrate=False)
    C, E, R = m.Conviction, m.Evaluation, m.Review
    query = (select(C.section, C.level, E.suggestion, R.status)
             .join(E, (E.conviction_id == C.id) & E.current.is_(True)).join(R, R.conviction_id == C.id))
    with db.session() as s:
        rows = s.execute(query).all()
    db.dispose()
    return rows


def test_accept_by_section_prints_how_many_and_audits_each(db_path, capsys):
    rows = pending_by(db_path)
    wanted = [r for r in rows if r.section == "11359" and r.status == "pending"]
    acceptable = [r for r in wanted if r.suggestion != "NEEDS_REVIEW"]
    assert acceptable
    assert cli.main(["accept", "--db", db_path, "--user", "A. Deputy", "--section", "HS 11359"]) == 0
    out = capsys.readouterr().out
    assert f"accepted {len(acceptable)} of {len(wanted)} pending convictions" in out
    after = pending_by(db_path)
    assert sum(1 for r in after if r.section == "11359" and r.status == "accepted") == len(acceptable)
    assert all(r.status == "pending" for r in after if r.section != "11359")
    db = Database(db_path, migrate=False)
    with db.session() as s:
        audited = s.scalar(select(func.count()).where(m.AuditEntry.action == "decision.accept",
                                                      m.AuditEntry.user_name == "A. Deputy"))
        assert audited == len(acceptable)
        assert verify_chain(s) is None
    db.dispose()


def test_accept_by_suggestion_and_level(db_path, capsys):
    rows = pending_by(db_path)
    wanted = [r for r in rows if r.suggestion == "DISMISS_AND_SEAL" and r.level == "F"]
    assert cli.main(["accept", "--db", db_path, "--user", "A. Deputy", "--suggestion", "DISMISS_AND_SEAL",
                     "--level", "F"]) == 0
    assert f"accepted {len(wanted)} of {len(wanted)}" in capsys.readouterr().out
    # Running it again finds nothing pending that matches.
    assert cli.main(["accept", "--db", db_path, "--user", "A. Deputy", "--suggestion", "DISMISS_AND_SEAL",
                     "--level", "F"]) == 0
    assert "accepted 0 of 0" in capsys.readouterr().out


def test_accept_usage_errors(db_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["accept", "--db", db_path])  # --user is required
    assert exc.value.code == 2
    assert cli.main(["accept", "--db", db_path, "--user", "A", "--section", "eleven"]) == 2
    assert "not a code section" in capsys.readouterr().err
