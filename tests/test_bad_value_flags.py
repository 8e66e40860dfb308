"""A bad value is flagged on its line and field, quoted only up to 40 characters; a CYC_AGE that is not an age is
flagged, not dropped unseen (the age rules would have read the conviction as of an unknown age)."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.doj_rows import conviction, text

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def test_bad_values_are_flagged_and_quoted_short(tmp_path):
    rows = [conviction(SUBJECT_ID="1", STP_EVENT_DATE="2" * 5000),
            conviction(SUBJECT_ID="2", CYC_AGE="abc"), conviction(SUBJECT_ID="3", CYC_AGE="150"),
            conviction(SUBJECT_ID="4", CYC_AGE="34"), conviction(SUBJECT_ID="5", CYC_AGE="-3")]
    doj = tmp_path / "doj.csv"
    doj.write_text(text(rows), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reviewer", "import", str(doj), "--db", str(tmp_path / "r.db")],
                          capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert "4 flagged rows" in said
    assert "line 1, STP_EVENT_DATE:" in said and "(5,000 characters) is not a valid date" in said
    assert "2" * 41 not in said and len(said) < 2000
    for line, value in ((2, "'abc'"), (3, "'150'"), (5, "'-3'")):
        assert f"line {line}, CYC_AGE: {value} is not an age" in said
    assert "line 4," not in said
