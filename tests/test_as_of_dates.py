"""An as-of date before AUMA took effect, or more than a year ahead, is refused on every command that takes one."""
from __future__ import annotations

from datetime import date

import pytest

from reviewer.domain.as_of import EARLIEST_AS_OF, as_of_problem, latest_as_of
from tests.small_demo import cli, small_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return small_demo(tmp_path_factory.mktemp("as-of"))


@pytest.mark.parametrize("day,words", [("0001-01-01", "before 2016-11-09"), ("2016-11-08", "before 2016-11-09"),
                                       ("9999-12-31", "more than a year")])
@pytest.mark.parametrize("command", ["evaluate", "import", "whatif"])
def test_an_as_of_date_out_of_range_is_refused_and_nothing_is_written(demo, day, words, command):
    doj, db = demo
    before = db.read_bytes()
    args = {"evaluate": ["evaluate", "--db", str(db), "--county", "SACRAMENTO"],
            "import": ["import", str(doj), "--db", str(db), "--county", "SACRAMENTO"],
            "whatif": ["whatif", "--db", str(db), "--policy", "statute-alone"]}[command]
    done = cli(*args, "--as-of", day)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert db.read_bytes() == before


def test_the_range_itself():
    today = date(2026, 12, 2)
    assert as_of_problem(EARLIEST_AS_OF, today) is None
    assert as_of_problem(latest_as_of(today), today) is None
    assert as_of_problem(date(2019, 11, 11), today) is None


def test_the_windows_date_fields_keep_to_the_range(qtbot):
    from reviewer.ui.policy_options import PolicyOptions

    today = date.today()
    options = PolicyOptions(None, today)
    qtbot.addWidget(options)
    assert options.as_of.minimumDate().toPython() == EARLIEST_AS_OF
    assert options.as_of.maximumDate().toPython() == latest_as_of(today)
