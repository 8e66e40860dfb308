"""Which paper asks for what: the office's filing style decides, so no conviction is ordered twice.

* per-case (San Francisco): each court case's own motion and order (and notice of challenge).
* bulk (Los Angeles, Alameda): every conviction granted relief goes in the bulk motion's Exhibit A;
  a court case's own file holds only its notice of challenge.
* both: a court case without a challenge goes in the bulk motion; a case with a challenge keeps its
  own motion, order and notice together, and is not in Exhibit A.
"""
from __future__ import annotations

from dataclasses import replace

from reviewer.documents.model import FILING_STYLES, CaseFile


def split(case: CaseFile, style: str) -> tuple[CaseFile | None, CaseFile | None]:
    """(what the case's own file holds, what the bulk motion lists); None where there is nothing."""
    if style not in FILING_STYLES:
        raise ValueError(f"unknown filing style {style!r}")
    relief, challenged = case.relief_counts, case.challenged_counts
    to_bulk = bool(relief) and (style == "bulk" or (style == "both" and not challenged))
    if not to_bulk:
        return (case if case.document_kinds else None), None
    in_bulk = replace(case, counts=relief)
    if not challenged:
        return None, in_bulk
    own = replace(case, counts=tuple(c for c in case.counts if not c.is_relief),
                  relief_in_bulk=tuple(c.count for c in relief))
    return own, in_bulk
