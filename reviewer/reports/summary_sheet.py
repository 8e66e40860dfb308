"""The register's first sheet: the figures an office reports, as labelled tables."""
from __future__ import annotations

from datetime import datetime

from openpyxl.utils import get_column_letter

from reviewer.domain.vocabulary import Outcome, Suggestion
from reviewer.reports.cells import BOLD, TITLE_FONT, fit_to_width, header_row, safe, styled
from reviewer.reports.figures import LEVEL_NAMES, LEVELS, RECENT_YEARS, SECTIONS, Figures

TITLE = "Proposition 64 review: summary"
PEOPLE = (
    ("Persons with an evaluated conviction", None),
    ("Will no longer have a felony", "no_felony"),
    ("Will have no conviction at all", "no_conviction"),
    (f"Will have no conviction in the last {RECENT_YEARS} years", "no_recent_conviction"),
)


def summary_rows(ws, figures: Figures, generated: datetime) -> list[list]:
    f = figures
    rows: list[list] = [
        [styled(ws, TITLE, TITLE_FONT)],
        ["County", safe(ws, f.county) or "(nothing evaluated yet)"],
        ["Evaluated as of", f.as_of],
        ["Policy", safe(ws, f.policy)],
        ["Generated", generated.replace(microsecond=0)],
        [],
        [styled(ws, "Convictions evaluated, by section and level", BOLD)],
        header_row(ws, ["Section"] + [LEVEL_NAMES[lv] for lv in LEVELS] + ["Total"]),
    ]
    sections = list(SECTIONS) + sorted(s for s in f.section_level if s not in SECTIONS)
    for section in sections:
        counts = f.section_level.get(section, {})
        label = f"HS {section}" if section in SECTIONS else f"Other ({section})"
        rows.append([label] + [counts.get(lv, 0) for lv in LEVELS] + [sum(counts.values())])
    rows.append([styled(ws, "Total", BOLD)] + [f.level_total(lv) for lv in LEVELS] + [f.evaluated])
    rows += [[], [styled(ws, "Suggestions", BOLD)], header_row(ws, ["Suggestion", "Convictions"])]
    rows += [[s.label, f.suggestions.get(s.value, 0)] for s in Suggestion]
    rows.append([styled(ws, "Total", BOLD), f.evaluated])
    rows += [[], [styled(ws, "Decisions", BOLD)], header_row(ws, ["Outcome", "Convictions"])]
    rows += [[o.label, f.decisions.get(o.value, 0)] for o in Outcome]
    rows.append(["Pending (no decision yet)", f.pending])
    rows.append([styled(ws, "Total", BOLD), f.evaluated])
    rows += [[], [styled(ws, "People", BOLD)],
             header_row(ws, ["Figure", "Projected", "Decided so far"])]
    for label, attr in PEOPLE:
        if attr is None:
            rows.append([label, f.persons, f.persons])
        else:
            rows.append([label, getattr(f.projected, attr), getattr(f.confirmed, attr)])
    rows.append(["Projected: the decision where one is recorded, else the suggestion as if accepted. "
                 "A felony counts as relieved when dismissed or redesignated; \"no conviction\" counts dismissals only."])
    rows += [[], [styled(ws, "Queue", BOLD)], header_row(ws, ["Figure", "Convictions"])]
    rows += [
        ["Flagged felonies (the attorneys' queue)", f.flagged],
        ["Flagged felonies decided", f.flagged_decided],
        ["Flagged felonies pending", f.flagged_pending],
        ["Pending that need attention first", f.attention_pending],
        ["Progress", styled(ws, f.progress, number_format="0.0%")],
        ["All evaluated convictions decided", f.decided],
        ["All evaluated convictions pending", f.pending],
        ["Decided, suggestion changed since (the decision stands)", f.changed],
    ]
    return rows


def write_summary_sheet(ws, figures: Figures, generated: datetime) -> None:
    for index, width in enumerate((44, 24, 24, 12, 12, 10), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    fit_to_width(ws)
    for row in summary_rows(ws, figures, generated):
        ws.append(row)
