"""Build DOJ research-file rows field by field for ingest tests."""
from __future__ import annotations

import csv
import io

from reviewer.ingest.doj_format import DOJ_COLUMNS

INDEX = {name: i for i, name in enumerate(DOJ_COLUMNS)}


def row(**fields: str) -> list[str]:
    out = [""] * len(DOJ_COLUMNS)
    defaults = {"SUBJECT_ID": "100", "CII_NUMBER": "A100", "PRI_NAME": "DOE,JANE", "PRI_DOB": "19700101",
                "STP_TYPE_DESCR": "COURT ACTION", "STP_ORI_CNTY_NAME": "SACRAMENTO", "CNT_ORDER": "101001001000"}
    for name, value in {**defaults, **fields}.items():
        out[INDEX[name]] = value
    return out


def conviction(**fields: str) -> list[str]:
    base = {"STP_EVENT_DATE": "20100101", "DISP_DESCR": "CONVICTED-PROBATION", "CONV_STAT_DESCR": "FELONY",
            "OFFENSE_DESCR": "11359 HS-POSSESS FOR SALE", "OFN": "SC100"}
    return row(**{**base, **fields})


def text(rows: list[list[str]], header: bool = False) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(DOJ_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue()
