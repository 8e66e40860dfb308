"""A county written with extra blanks is the county `--county` names; a conviction with no county is flagged,
not left where no evaluation reaches it."""
from __future__ import annotations

import csv
from datetime import date

from sqlalchemy import select

from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.evaluating import evaluate
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store.database import Database


def test_blanks_in_a_county_name_and_a_missing_county(tmp_path):
    demo, edited = tmp_path / "demo.csv", tmp_path / "edited.csv"
    write_demo_file(demo, 1500, "LOS ANGELES", seed=4)
    with open(demo, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    county, step, conv = (header.index(n) for n in ("STP_ORI_CNTY_NAME", "STP_TYPE_DESCR", "DISP_DESCR"))
    courts = [i for i, r in enumerate(body) if r[step] == "COURT ACTION" and r[county] == "LOS ANGELES"
              and r[conv].startswith("CONVICTED")]
    spaced, blank = courts[0], courts[-1]
    body[spaced][county] = " Los  Angeles "
    body[blank][county] = ""
    with open(edited, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *body])
    db = Database(tmp_path / "r.db")
    report = import_file(db, edited)
    blank_line = blank + 2  # the header is line 1
    assert any(f"line {blank_line}" in p and "STP_ORI_CNTY_NAME" in p and "county missing" in p
               for p in report.problems), report.problems
    with db.engine.connect() as conn:
        stored = {r[0] for r in conn.execute(select(m.Conviction.county))}
        spaced_county = conn.execute(select(m.Conviction.county).where(
            m.Conviction.source_line == spaced + 2)).scalars().all()
    assert "LOS  ANGELES" not in stored and "" in stored
    assert spaced_county and set(spaced_county) == {"LOS ANGELES"}
    evaluate(db, "LOS ANGELES", date(2019, 11, 11))
    db.dispose()
