"""Export evaluated convictions as CSV (one row per evaluated conviction)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from reviewer.reports.private_files import open_private_text
from reviewer.services.safe_text import safe_row, spreadsheet_safe
from reviewer.store.database import Database
from reviewer.store.queries import answered_questions, current_results

RESULT_COLUMNS = (
    "source_file", "source_line", "subject_id", "cii", "name", "dob", "county", "court_case", "code_section",
    "level", "disposition_date", "suggestion", "policy_reason", "reasons", "sentence_status", "flagged_felony",
    "disqualified", "review_status", "decision_outcome", "decided_by", "decided_at", "as_of", "engine_version",
    "policy", "questions", "suggestion_changed",
)


def open_questions_text(questions_json: str | None, conviction_id: int, answered: set[tuple[int, str]]) -> str:
    """Keys and texts of the evaluation's questions nobody has answered yet, "; "-joined."""
    if not questions_json or questions_json == "[]":
        return ""
    return "; ".join(f"{q['key']}: {q['text']}" for q in json.loads(questions_json)
                     if (conviction_id, q["key"]) not in answered)


def export_results(db: Database, out: str | Path) -> int:
    """Write the results CSV; returns the number of rows written."""
    count = 0
    with db.engine.connect() as conn, open_private_text(out) as fh:
        writer = csv.writer(fh)
        writer.writerow(RESULT_COLUMNS)
        answered = answered_questions(conn)
        for r in current_results(conn):
            reasons = " | ".join(
                f"{x['text']} [{x['citation']}]" if x["citation"] else x["text"] for x in json.loads(r[13])
            )
            writer.writerow(safe_row((  # every text cell: input data, decision reasons, the policy's words
                r[0], r[1], r[2], spreadsheet_safe(r[3]), spreadsheet_safe(r[4]), r[5] or "", r[6],
                spreadsheet_safe(r[7]), r[8], r[9] or "", r[10] or "", r[11], spreadsheet_safe(r[12]),
                spreadsheet_safe(reasons), r[14], "yes" if r[15] else "no", "yes" if r[16] else "no",
                r[17] or "", r[18] or "", spreadsheet_safe(r[19] or ""), r[20] or "", r[22], r[23],
                f"{r[24]} v{r[25]} ({r[26][:12]})" if r[26] else r[24],
                spreadsheet_safe(open_questions_text(r[27], r[21], answered)), "yes" if r[28] else "no",
            )))
            count += 1
    return count
