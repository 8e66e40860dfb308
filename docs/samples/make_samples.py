"""Regenerate the sample page images in this folder (fabricated office and people).

    /work/venv/bin/python docs/samples/make_samples.py      # needs pdftoppm (poppler-utils)
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reviewer.documents.bulk import BulkSummary  # noqa: E402
from reviewer.documents.common import Wording  # noqa: E402
from reviewer.documents.fonts import register_fonts  # noqa: E402
from reviewer.documents.model import CaseFile, CountLine  # noqa: E402
from reviewer.documents.render import render_bulk, render_case  # noqa: E402
from reviewer.domain.vocabulary import Outcome as O, SentenceStatus as S  # noqa: E402
from reviewer.resources import resource_path  # noqa: E402
from reviewer.services.office import office_from_document  # noqa: E402
from tests.sample_office import OFFICE_DOCUMENT  # noqa: E402

OFFICE = office_from_document(OFFICE_DOCUMENT)
MIXED = CaseFile("阮,明", date(1970, 1, 1), "B98765432", "SC-2015-0042", "101001", (
    CountLine("1", "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.COMPLETED),
    CountLine("2", "HS 11357(a)", "Misdemeanor", date(2010, 5, 6), O.DISMISS_AND_SEAL, S.COMPLETED),
    CountLine("3", "HS 11360(a)", "Felony", date(2015, 1, 2), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED,
              ("prior conviction PC 187 on 1991-04-11 is listed in PC 667(e)(2)(C)(iv) [HS 11360(a)(3)(A)]",),
              "Prior homicide conviction confirmed in the court file."),
    CountLine("4", "HS 11359", "Felony", date(2016, 1, 2), O.CHALLENGE_PUBLIC_SAFETY, S.SERVING, (),
              "Threatened a witness with a firearm in 2016; see report 16-1234."),
), person_id=2)
NAMES = ["MUÑOZ,JOSÉ ANDRÉS", "SMITH,JOHN", "ИВАНОВ,ИВАН", "김,민준", "NGUYỄN,THỊ HOA", "حداد,علي"]


def bulk_cases() -> list[CaseFile]:
    outcomes = [O.DISMISS_AND_SEAL, O.REDESIGNATE_MISDEMEANOR, O.REDESIGNATE_INFRACTION]
    sections = ["HS 11359", "HS 11357(a)", "HS 11360(a)(2)"]
    return [CaseFile(
        NAMES[i % len(NAMES)], date(1960 + i % 30, 1 + i % 12, 1 + i % 27), f"A{10000000 + i}",
        f"SC{i:06d}" if i % 9 else "", "101001",
        tuple(CountLine(str(k + 1), sections[k % 3], "Felony", date(2000 + i % 16, 3, 4), outcomes[(i + k) % 3],
                        S.COMPLETED if i % 4 else S.SERVING) for k in range(1 + i % 3)), person_id=i)
        for i in range(40)]


def main() -> None:
    register_fonts(resource_path("fonts"))
    wording = Wording(json.loads(resource_path("templates", "documents.json").read_text()), OFFICE)
    here = Path(__file__).parent
    with tempfile.TemporaryDirectory() as tmp:
        motion_pdf, notice_pdf, bulk_pdf = (Path(tmp) / f"{n}.pdf" for n in ("motion", "notice", "bulk"))
        render_case(replace(MIXED, counts=MIXED.relief_counts), wording, motion_pdf)
        notice_pages = render_case(replace(MIXED, counts=MIXED.challenged_counts), wording, notice_pdf)
        cases = bulk_cases()
        render_bulk(cases, BulkSummary.of(cases), wording, bulk_pdf)
        for pdf, page, name in ((motion_pdf, 1, "motion-order-p1"), (motion_pdf, 2, "motion-order-p2"),
                                (notice_pdf, 1, "notice-of-challenge-p1"), (notice_pdf, notice_pages, "proof-of-service"),
                                (bulk_pdf, 1, "bulk-motion-p1"), (bulk_pdf, 5, "bulk-exhibit-a")):
            subprocess.run(["pdftoppm", "-png", "-gray", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdf), str(here / name)], check=True)

if __name__ == "__main__":
    main()
