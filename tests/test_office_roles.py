"""Shared PostgreSQL office: `reviewer office-db setup` creates the roles; the database itself refuses a
clerk's decision and anyone's change to the audit log; Reviewer reads who is there from the connection."""
from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Role
from reviewer.services import deciding
from reviewer.services.evaluating import evaluate
from reviewer.services.identity import IdentityError, normalise_bar_number, os_account, signed_in_user
from reviewer.services.importing import import_file
from reviewer.store.database import Database


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def office(db_url, gogen_dir):
    if not db_url.startswith("postgresql"):
        pytest.skip("database roles are PostgreSQL's")
    db = Database(db_url)
    import_file(db, gogen_dir / "no_headers.csv", user="admin")
    evaluate(db, "SAN JOAQUIN", date(2019, 11, 11), None, user="admin")
    db.dispose()
    # Two setups at once (two administrators, or a retry) both succeed: roles are cluster-wide.
    both = [subprocess.Popen([sys.executable, "-m", "reviewer", "office-db", "setup", "--db", db_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in both:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "office roles ready" in out
    logins = {role: f"h13_{role}_{uuid.uuid4().hex[:8]}" for role in ("attorney", "clerk")}
    for role, login in logins.items():
        added = run_cli("office-db", "add", "--db", db_url, login, "--role", role, "--create")
        assert added.returncode == 0, added.stderr
    urls = {role: make_url(db_url).set(username=login).render_as_string(hide_password=False)
            for role, login in logins.items()}
    yield db_url, urls, logins
    owner = sa.create_engine(db_url)
    with owner.begin() as conn:
        for login in logins.values():
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{login}"'))
    owner.dispose()


def test_a_clerks_decision_is_refused_by_the_database_itself(office):
    _, urls, _ = office
    clerk_db = Database(urls["clerk"])
    try:
        cid = deciding.pending_ids(clerk_db)[0]
        # Even when the program is told the clerk is an attorney, the database refuses.
        with pytest.raises(deciding.DecisionRefused, match="your database role is not allowed"):
            deciding.decide(clerk_db, cid, User("pretends", Role.ATTORNEY), DecisionKind.ACCEPT)
        with clerk_db.engine.connect() as conn:
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(sa.text("INSERT INTO decision (conviction_id, evaluation_id, kind, outcome, reason, "
                                     "user_name, bar_number, role, account, decided_at) "
                                     "VALUES (:c, 1, 'ACCEPT', 'DISMISS_AND_SEAL', '', 'x', '', 'attorney', '', now())"),
                             {"c": cid})
        with clerk_db.engine.connect() as conn:
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(sa.text("UPDATE review SET status = 'accepted'"))
    finally:
        clerk_db.dispose()


def test_identity_comes_from_the_connection(office):
    _, urls, logins = office
    attorney_db, clerk_db = Database(urls["attorney"]), Database(urls["clerk"])
    try:
        attorney = signed_in_user(attorney_db, "typed name is not trusted", Role.ATTORNEY, "SBN 123456")
        assert (attorney.name, attorney.role, attorney.bar_number, attorney.account) == (
            logins["attorney"], Role.ATTORNEY, "123456", logins["attorney"])
        clerk = signed_in_user(clerk_db, "Attorney Impostor", Role.ATTORNEY)
        assert clerk.role is Role.CLERK and clerk.name == logins["clerk"]
        cid = deciding.pending_ids(attorney_db, suggestion="REDESIGNATE_MISDEMEANOR")[0]  # (one to accept)
        result = deciding.decide(attorney_db, cid, attorney, DecisionKind.ACCEPT, expected_version=0)
        with attorney_db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT user_name, account FROM decision WHERE id = :d"),
                               {"d": result.decision_id}).one()
        assert tuple(row) == (logins["attorney"], logins["attorney"])
    finally:
        attorney_db.dispose()
        clerk_db.dispose()


def test_no_office_role_may_change_the_audit_log(office):
    _, urls, _ = office
    for role in ("attorney", "clerk"):
        engine = sa.create_engine(urls[role])
        for statement in ("UPDATE audit_log SET user_name = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
            with engine.connect() as conn:
                with pytest.raises(DBAPIError, match="permission denied"):
                    conn.execute(sa.text(statement))
        engine.dispose()


def test_setup_on_a_sqlite_file_is_a_plain_message(tmp_path):
    done = run_cli("office-db", "setup", "--db", str(tmp_path / "one.db"))
    assert done.returncode == 2 and "PostgreSQL" in done.stderr and "Traceback" not in done.stderr


def test_sqlite_records_the_os_user_beside_the_typed_name(tmp_path):
    db = Database(tmp_path / "one.db")
    user = signed_in_user(db, "A. Deputy", Role.ATTORNEY, "123456")
    db.dispose()
    assert (user.name, user.account) == ("A. Deputy", os_account()) and user.account


@pytest.mark.parametrize("typed, stored", [("123456", "123456"), ("SBN 123456", "123456"), (" 98765 ", "98765"),
                                           ("CSB #204512", "204512"), ("", "")])
def test_state_bar_numbers_of_the_right_form(typed, stored):
    assert normalise_bar_number(typed) == stored


@pytest.mark.parametrize("typed", ["1234567", "12-3456", "abc", "000000", "SBN"])
def test_state_bar_numbers_of_another_form_are_refused(typed):
    with pytest.raises(IdentityError, match="is not a State Bar number"):
        normalise_bar_number(typed)


def test_cli_accept_signs_in_as_the_connections_role(office):
    _, urls, logins = office
    refused = run_cli("accept", "--db", urls["clerk"], "--user", "Typed Attorney", "--bar-number", "123456")
    assert refused.returncode == 2 and "Clerks" in refused.stderr and "Traceback" not in refused.stderr
    done = run_cli("accept", "--db", urls["attorney"], "--user", "Typed Name", "--bar-number", "SBN 123456")
    assert done.returncode == 0, done.stderr
    engine = sa.create_engine(urls["attorney"])
    with engine.connect() as conn:
        who = set(conn.execute(sa.text("SELECT DISTINCT user_name || '|' || account || '|' || bar_number FROM decision")).scalars())
    engine.dispose()
    assert who == {f"{logins['attorney']}|{logins['attorney']}|123456"}
    bad = run_cli("accept", "--db", urls["attorney"], "--user", "X", "--bar-number", "12-34")
    assert bad.returncode == 2 and "is not a State Bar number" in bad.stderr


def test_a_clerk_may_print_and_mark_filed(office):
    from reviewer.services.printing import mark_filed
    from reviewer.store.printing import record_printed, start_job

    _, urls, logins = office
    clerk_db = Database(urls["clerk"])
    try:
        clerk = signed_in_user(clerk_db, "", Role.CLERK)
        with clerk_db.engine.connect() as conn:
            key = tuple(conn.execute(sa.text(
                "SELECT c.person_id, c.case_key FROM conviction c JOIN evaluation e ON e.conviction_id = c.id "
                "AND e.current LIMIT 1")).one())
        with clerk_db.session() as s:  # the clerk records a print job and its papers (what printing writes)
            job = start_job(s, clerk.name, "selected", "/tmp", 1)
            record_printed(s, job.id, clerk.name, [(key, "x.pdf", "motion", 2, "")])
        assert mark_filed(clerk_db, [key], date(2020, 1, 2), clerk) == 1
        with clerk_db.engine.connect() as conn:
            who = conn.execute(sa.text("SELECT user_name FROM audit_log WHERE action = 'print.filed'")).scalar()
        assert who == logins["clerk"]
    finally:
        clerk_db.dispose()


def test_a_database_that_cannot_be_opened_is_named_without_its_sql(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL server's refusal")
    url = db_url.split("?")[0] + "?options=-csearch_path%3Dno_such_schema_h13"
    done = run_cli("accept", "--db", url, "--user", "A. Deputy")
    assert done.returncode == 2 and "cannot open the database: InvalidSchemaName" in done.stderr
    assert "CREATE TABLE" not in done.stderr and "[SQL" not in done.stderr and "Traceback" not in done.stderr
