"""An output into a folder that does not exist is refused with its name (exit 2), never a traceback, and writes
nothing; a command that writes a folder creates it."""
from __future__ import annotations

import pytest

from tests.small_demo import cli, small_demo


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return small_demo(tmp_path_factory.mktemp("outputs"), "--county", "SACRAMENTO", "--as-of", "2019-11-11")[1]


@pytest.mark.parametrize("command", [
    ["export", "register", "--out", "{missing}/x.xlsx"], ["export", "results", "--out", "{missing}/x.csv"],
    ["summary", "--pdf", "{missing}/x.pdf"], ["whatif", "--policy", "statute-alone", "--csv", "{missing}/x.csv"],
    ["audit", "seal", "--out", "{missing}/s.json"],
], ids=lambda c: " ".join(c[:2]))
def test_an_output_into_a_missing_folder_is_refused_by_name(db, tmp_path, command):
    missing = tmp_path / "no such folder"
    args = [a.format(missing=missing) for a in command]
    done = cli(*args, "--db", str(db))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "does not exist" in done.stderr and str(missing) in done.stderr
    assert not missing.exists()


def test_a_file_given_as_the_folder_is_refused(db, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    done = cli("export", "results", "--db", str(db), "--out", str(a_file / "x.csv"))
    assert done.returncode == 2 and "is not a folder" in done.stderr and "Traceback" not in done.stderr


def test_print_creates_its_folder(db, tmp_path):
    out = tmp_path / "new" / "papers"
    done = cli("print", "--db", str(db), "--out", str(out), "--cases", "all-decided")
    assert done.returncode == 0, done.stderr
    assert out.is_dir()
