"""Every hostile file gets a clear answer through `reviewer import` (a subprocess, as a user runs it), on
SQLite and PostgreSQL: rejected with exit 2 naming the file (and line), or imported with exactly the
expected rows flagged; no traceback; a rejected file changes nothing."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict

import sqlalchemy as sa

from tests.hostile_corpus import MAPPING, special_files, write_corpus

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def reviewer(*args: str, tmp) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("REVIEWER_DEBUG", None)
    # the timeout only stops a hang (a FIFO read would block for ever); it is not what the test measures
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)


def answers(done: subprocess.CompletedProcess) -> tuple[dict[str, str], dict[str, set]]:
    """(file -> rejection message, file -> flagged (line, field) of an imported file)."""
    rejected = {}
    for line in done.stderr.splitlines():
        match = re.match(r"rejected: ([^:]+): (.*)", line)
        assert match, f"unexpected stderr line: {line!r}"
        rejected[match.group(1)] = match.group(2)
    flagged: dict[str, set] = defaultdict(set)
    for line in done.stdout.splitlines():
        if match := re.match(r"  flagged: (\S+) line (\d+), ([^:]+):", line):
            flagged[match.group(1)].add((int(match.group(2)), match.group(3)))
        elif match := re.match(r"(\S+): \d+ rows, ", line):
            flagged.setdefault(match.group(1), set())
    return rejected, flagged


def check(expects, done) -> set[str]:
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr
    rejected, imported = answers(done)
    for e in expects:
        if e.rejected:
            assert e.name in rejected, f"{e.name} should be rejected; stdout: {done.stdout}"
            message = rejected[e.name]
            assert e.says in message, f"{e.name}: {message}"
            if e.line is not None:
                assert message.startswith(f"line {e.line}: "), f"{e.name}: {message}"
        else:
            assert e.name in imported, f"{e.name} should import; stderr: {rejected.get(e.name)}"
            assert imported[e.name] == set(e.flagged), e.name
    return {e.name for e in expects if not e.rejected}


def engine_for(url: str) -> sa.Engine:
    return sa.create_engine(url if "://" in url else f"sqlite:///{url}")


def imported_files(url: str) -> set[str]:
    engine = engine_for(url)
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(sa.text("SELECT file_name FROM import_batch"))}
    engine.dispose()
    return names


def test_every_hostile_file_gets_its_answer(db_url, tmp_path):
    folder = tmp_path / "corpus"
    expects = write_corpus(folder)
    extra, keep = special_files(folder)
    try:
        doj = [e for e in expects if not e.mapping] + extra
        done = reviewer("import", *[str(folder / e.name) for e in doj], str(folder / "missing.csv"),
                        "--db", db_url, "--show-problems", "100", tmp=tmp_path)
    finally:
        for handle in keep:
            handle.close()
    assert done.returncode == 2
    assert "missing.csv: cannot be read" in done.stderr
    accepted = check(doj, done)

    (tmp_path / "mapping.json").write_text(json.dumps(MAPPING))
    cases = [e for e in expects if e.mapping]
    done = reviewer("import", *[str(folder / e.name) for e in cases], "--mapping", str(tmp_path / "mapping.json"),
                    "--db", db_url, "--show-problems", "100", tmp=tmp_path)
    assert done.returncode == 2
    accepted |= check(cases, done)
    assert imported_files(db_url) == accepted  # no rejected file is recorded as imported


def test_poisoned_values_do_not_break_evaluate_or_the_names(db_url, tmp_path):
    folder = tmp_path / "corpus"
    write_corpus(folder)
    assert reviewer("import", str(folder / "mixed_encoding.csv"), str(folder / "poison_values.csv"),
                    "--db", db_url, tmp=tmp_path).returncode == 0
    done = reviewer("evaluate", "--db", db_url, "--county", "SACRAMENTO", "--as-of", "2020-01-01", "--workers", "1",
                    tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    engine = engine_for(db_url)
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(sa.text("SELECT name FROM person"))}
        keys = {r[0] for r in conn.execute(sa.text("SELECT case_key FROM conviction"))}
        flagged = conn.execute(sa.text(
            "SELECT c.source_line, e.suggestion FROM conviction c JOIN evaluation e ON e.conviction_id = c.id "
            "WHERE c.source_file = 'poison_values.csv' AND e.current")).all()
    engine.dispose()
    assert {"GARC\u00cdA,ANA", "MU\u00d1OZ,JOS\u00c9"} <= names  # both encodings read right
    assert not any("/" in k for k in keys)
    assert {line: s for line, s in flagged if line in (2, 3, 4, 5, 6)} == {
        line: "NEEDS_REVIEW" for line in (2, 3, 4, 5, 6)}


def test_a_mapping_that_reads_nothing_is_not_saved(tmp_path):
    folder = tmp_path / "corpus"
    write_corpus(folder)
    db = str(tmp_path / "r.db")
    (tmp_path / "mapping.json").write_text(json.dumps(MAPPING))
    done = reviewer("import", str(folder / "case_reads_nothing.csv"), "--mapping", str(tmp_path / "mapping.json"),
                    "--db", db, tmp=tmp_path)
    assert done.returncode == 2 and "DOE" not in done.stderr and "1970" not in done.stderr
    assert reviewer("mapping", "--db", db, tmp=tmp_path).stdout.strip() == "no saved mappings"
    assert imported_files(db) == set()
    done = reviewer("import", str(folder / "case_no_header.csv"), "--mapping", str(tmp_path / "mapping.json"),
                    "--db", db, tmp=tmp_path)
    assert done.returncode == 2 and "DOE" not in done.stderr and "1970" not in done.stderr


def test_a_flagged_key_and_name_still_print_once_decided(tmp_path):
    """A `/` in CNT_ORDER and a 200,000-character name no longer break the print batch (issue 15 point 2)."""
    from reviewer.domain.people import User
    from reviewer.domain.vocabulary import DecisionKind, Outcome, Role, SentenceStatus
    from reviewer.services import deciding, printing
    from reviewer.services.office import save_office
    from reviewer.store.database import Database
    from tests.sample_office import OFFICE_DOCUMENT

    folder = tmp_path / "corpus"
    write_corpus(folder)
    db_path = str(tmp_path / "r.db")
    for args in (("import", str(folder / "poison_values.csv"), str(folder / "long_name.csv")),
                 ("evaluate", "--county", "SACRAMENTO", "--as-of", "2020-01-01", "--workers", "1")):
        done = reviewer(*args, "--db", db_path, tmp=tmp_path)
        assert done.returncode == 0, done.stderr
    db = Database(db_path)
    save_office(db, OFFICE_DOCUMENT, "tester")
    attorney = User("A. Deputy", Role.ATTORNEY, "123456")
    for cid in deciding.pending_ids(db):
        deciding.decide(db, cid, attorney, DecisionKind.OVERRIDE, Outcome.REDESIGNATE_MISDEMEANOR, "Checked the file.")
    for case in printing.list_cases(db, "all-decided"):
        if case.held:
            printing.answer_sentence(db, case.key, SentenceStatus.COMPLETED, attorney)
    db.dispose()
    done = reviewer("print", "--db", db_path, "--out", str(tmp_path / "out"), "--workers", "0", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    pdfs = list((tmp_path / "out" / "cases").glob("*.pdf"))
    assert len(pdfs) >= 10 and all(p.parent == tmp_path / "out" / "cases" for p in pdfs)
