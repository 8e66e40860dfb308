"""Summary figures for the dashboard, the register's first sheet and the one-page PDF."""
from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from reviewer.reports.figures import LEVEL_NAMES, LEVELS, RECENT_YEARS, SECTIONS, Figures, Relief, compute_figures
from reviewer.reports.summary_pdf import write_summary_pdf
from reviewer.store.database import Database

__all__ = ["Figures", "LEVELS", "LEVEL_NAMES", "RECENT_YEARS", "Relief", "SECTIONS", "export_summary_pdf",
           "figures_text", "summary_figures"]


def summary_figures(db: Database) -> Figures:
    """All figures, computed in SQL over the current evaluations (read-only; safe from a worker thread)."""
    from reviewer.services.auditing import verify

    with db.engine.connect() as conn:
        figures = compute_figures(conn)
    return replace(figures, audit=verify(db).line())  # the dashboard and every summary PDF say it


def export_summary_pdf(db: Database, out: str | Path, figures: Figures | None = None,
                       generated: datetime | None = None) -> Path:
    out = Path(out)
    partial = out.with_name(out.name + ".part")
    try:
        write_summary_pdf(partial, figures or summary_figures(db), generated or datetime.now())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    return out


def figures_text(f: Figures) -> str:
    """The figures as plain text (the CLI's `reviewer summary`)."""
    if not f.evaluated:
        return "nothing evaluated yet"
    lines = [f"{f.county} as of {f.as_of}, {f.policy}: {f.evaluated} convictions evaluated, {f.persons} persons"]
    for section in list(SECTIONS) + sorted(set(f.section_level) - set(SECTIONS)):
        counts = f.section_level.get(section, {})
        parts = ", ".join(f"{LEVEL_NAMES[lv].lower()} {counts.get(lv, 0)}" for lv in LEVELS if counts.get(lv, 0))
        lines.append(f"  HS {section}: {sum(counts.values())} ({parts or 'none'})")
    lines.append("suggestions: " + ", ".join(f"{k} {v}" for k, v in f.suggestions.items() if v))
    lines.append("decisions: " + ", ".join(f"{k} {v}" for k, v in f.decisions.items() if v) + f"; pending {f.pending}")
    lines.append(f"queue: {f.flagged_decided} of {f.flagged} flagged felonies decided ({f.progress:.0%}), "
                 f"{f.attention_pending} pending need attention first")
    for label, r in (("if suggestions are accepted", f.projected), ("by decisions so far", f.confirmed)):
        lines.append(f"persons {label}: no felony {r.no_felony}, no conviction {r.no_conviction}, "
                     f"no conviction in the last {RECENT_YEARS} years {r.no_recent_conviction}")
    return "\n".join(lines)
