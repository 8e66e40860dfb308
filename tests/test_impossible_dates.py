"""A day past its month's end is no date: flagged on its line and field, never moved to the next month."""
from __future__ import annotations

import csv

from sqlalchemy import select

from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store.database import Database


def test_a_day_past_the_months_end_is_flagged_not_rolled_over(tmp_path):
    demo, edited = tmp_path / "demo.csv", tmp_path / "edited.csv"
    write_demo_file(demo, 1500, "LOS ANGELES", seed=4)
    with open(demo, newline="", encoding="utf-8") as fh:
        header, *body = list(csv.reader(fh))
    when, step, disp = (header.index(n) for n in ("STP_EVENT_DATE", "STP_TYPE_DESCR", "DISP_DESCR"))
    courts = [i for i, r in enumerate(body) if r[step] == "COURT ACTION" and r[disp].startswith("CONVICTED")]
    body[courts[0]][when] = "20190230"
    body[courts[1]][when] = "20200229"  # a leap day: a date
    with open(edited, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *body])
    db = Database(tmp_path / "r.db")
    report = import_file(db, edited)
    bad, leap = courts[0] + 2, courts[1] + 2  # file lines: the header is line 1
    assert any(f"line {bad}" in p and "STP_EVENT_DATE" in p and "'20190230' is not a valid date" in p
               for p in report.problems), report.problems
    assert not any(f"line {leap}:" in p for p in report.problems)
    with db.engine.connect() as conn:
        days = dict(conn.execute(select(m.Conviction.source_line, m.Conviction.disposition_date)
                                 .where(m.Conviction.source_line.in_([bad, leap]))).all())
    db.dispose()
    assert str(days[leap]) == "2020-02-29"
    assert days.get(bad) is None  # no 2019-03-02


def _as_written(text):
    """The reference reading: eight ASCII digits that Python reads back as the same calendar date."""
    from datetime import date, datetime

    if text is None or len(text) != 8 or not text.isascii() or not text.isdigit():
        return None
    try:
        day = datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None
    return (day - date(1970, 1, 1)).days


def test_dates_read_as_written_and_nothing_else():
    import pyarrow as pa

    from reviewer.ingest.doj_columns import _date

    values = ["20190230", "20200229", "21000229", "20000229", "19000229", "2019010", "201901011", " 20190101",
              "2019-01-01", "", "abcdefgh", "20191301", "20190100", "20190132", "+2019010", "-2019010", "20191231",
              "20190431", "19700101", "19691231", "18000101", "20191200", None, "２０１９０１０１", "2019 101",
              "00000000", "12345678", "00010101", "99991231", "1991\n011"]
    values += [f"{y:04d}{m:02d}{d:02d}" for y in (1899, 1968, 1999, 2016, 2024) for m in range(0, 14)
               for d in (0, 1, 28, 29, 30, 31, 32)]
    got = _date(pa.array(values, pa.string())).cast(pa.int32()).to_pylist()
    for text, days in zip(values, got):
        assert days == _as_written(text), text
