"""Office details (county, court, district attorney, signing deputy...) kept in the database settings.

Seeded from the example in resources/office/default_office.json the first time they are read;
replaced with `save_office`. Documents receive them as a plain `Office`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reviewer.documents.model import FILING_STYLES, Office
from reviewer.resources import resource_path
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.printing import get_setting, put_setting

SETTING_KEY = "office"
REQUIRED = ("county", "court_name", "district_attorney", "deputy_name", "deputy_bar_number", "office_address",
            "phone", "email")
LINES = ("court_address", "office_address", "public_defender_address")


# Fields an office must replace: while one still holds the shipped example's value, the details are an example.
EXAMPLE_CHECKED = ("county", "court_address", "district_attorney", "deputy_name", "deputy_bar_number",
                   "office_address", "phone", "email", "public_defender", "public_defender_address", "city")


class OfficeError(Exception):
    """The office details are incomplete or malformed; the message names the field."""


def default_office_document() -> dict[str, Any]:
    return json.loads(resource_path("office", "default_office.json").read_text(encoding="utf-8"))


def example_fields(doc: dict[str, Any]) -> list[str]:
    """The fields that still hold the shipped example's value."""
    example = default_office_document()
    return [k for k in EXAMPLE_CHECKED if doc.get(k) and doc.get(k) == example.get(k)]


def office_document_problems(doc: dict[str, Any]) -> list[str]:
    problems = [f"{name}: required" for name in REQUIRED if not doc.get(name)]
    for name in LINES:
        if name in doc and not (isinstance(doc[name], list) and all(isinstance(x, str) for x in doc[name])):
            problems.append(f"{name}: a list of address lines")
    style = doc.get("filing_style", "per-case")
    if style not in FILING_STYLES:
        problems.append(f"filing_style: {style!r} is not one of " + ", ".join(
            f"{name!r} ({what})" for name, what in FILING_STYLES.items()))
    return problems


def office_from_document(doc: dict[str, Any]) -> Office:
    problems = office_document_problems(doc)
    if problems:
        raise OfficeError("office details: " + "; ".join(problems))
    fields = {k: (tuple(v) if k in LINES else v) for k, v in doc.items() if k in Office.__dataclass_fields__}
    # details that still hold any of the shipped example's values are example details, whatever "example" says
    return Office(**fields, is_example=bool(doc.get("example", False)) or bool(example_fields(doc)))


def load_office_document(db: Database) -> dict[str, Any]:
    with db.engine.connect() as conn:
        stored = get_setting(conn, SETTING_KEY)
    if stored is not None:
        return json.loads(stored)
    doc = default_office_document()
    with db.session() as session:
        put_setting(session, SETTING_KEY, json.dumps(doc, sort_keys=True))
    return doc


def load_office(db: Database) -> Office:
    return office_from_document(load_office_document(db))


def save_office(db: Database, doc: dict[str, Any], user: str) -> Office:
    """Validate and store the office details (audited)."""
    doc = {k: v for k, v in doc.items() if not k.startswith("_")}
    office = office_from_document(doc)
    with db.session() as session:
        before = put_setting(session, SETTING_KEY, json.dumps(doc, sort_keys=True))
        AuditLog(session).record(user or "system", "settings.office", "setting", None,
                                 json.loads(before) if before else None, doc)
    return office


def read_office_file(path: str | Path) -> dict[str, Any]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OfficeError(f"cannot read {path}: {exc}") from None
    if not isinstance(doc, dict):
        raise OfficeError(f"{path}: expected a JSON object")
    return doc


def load_wording() -> dict[str, Any]:
    return json.loads(resource_path("templates", "documents.json").read_text(encoding="utf-8"))
