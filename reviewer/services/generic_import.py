"""Import case-management exports (CSV/XLSX) through a column mapping saved per source.

Same guarantees as DOJ files, through the same store path (services.importing.store_extract):
a file that cannot be read, or a mapping that misses a required column, is refused and
nothing is written; bad values are flagged and their convictions go to review; importing a
file twice, or records already on file, adds nothing twice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from reviewer.ingest.doj_format import FIELD_COUNT
from reviewer.ingest.doj_reader import read_doj_file
from reviewer.ingest.generic_reader import ZIP_MAGIC, preview_file, read_mapped_file
from reviewer.ingest.mapping import (
    FIELDS, REQUIRED, FieldSpec, Mapping, MappingError, guess_columns, load_mapping, mapping_from_dict, parse_mapping,
)
from reviewer.ingest.problems import FileRejected
from reviewer.ingest.raw_text import first_line_fields, refuse_special_file
from reviewer.services.importing import ImportReport, import_file, store_extract
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store import models as m
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database

SETTING_PREFIX = "import.mapping:"
KIND = "case-export"

__all__ = [
    "FIELDS", "REQUIRED", "FieldSpec", "FileRejected", "ImportReport", "Mapping", "MappingError", "Validation",
    "delete_mapping", "detect_kind", "guess_columns", "import_any", "import_mapped_file",
    "import_with_mapping", "list_mappings", "load_mapping", "mapping_from_dict", "parse_mapping", "preview",
    "resolve_mapping", "save_mapping", "validate", "write_mapping_file",
]


@dataclass
class Validation:
    """What a file would import, read without writing anything."""

    file: str
    rows: int
    persons: int
    convictions: int
    cannabis_convictions: int
    flagged_rows: int
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.file}: {self.rows} rows, {self.persons} persons, {self.convictions} convictions "
                f"({self.cannabis_convictions} HS 11357-11360), {self.flagged_rows} flagged rows")


def detect_kind(path: str | Path) -> str:
    """"doj" for a DOJ research file (95 columns), "case" for anything else (needs a mapping)."""
    refuse_special_file(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise FileRejected(Path(path).name, None, f"cannot be read ({exc.strerror})") from None
    if head[:4] == ZIP_MAGIC:
        return "case"
    fields = [f.strip().upper() for f in first_line_fields(head)]
    if fields and fields[-1] == "" and len(fields) == FIELD_COUNT + 1:
        fields = fields[:-1]
    if len(fields) == FIELD_COUNT or "SUBJECT_ID" in fields and "CNT_ORDER" in fields:
        return "doj"
    return "case"


def preview(path: str | Path, sheet: str = "", rows: int = 10) -> tuple[list[str], list[list[str]], list[str]]:
    """(header, first rows, sheet names) for the mapping step."""
    return preview_file(path, sheet, rows)


def validate(path: str | Path, mapping: Mapping | None) -> Validation:
    """Read the file as an import would (a mapping, or None for a DOJ research file); write nothing."""
    extract = read_mapped_file(path, mapping) if mapping is not None else read_doj_file(path)
    cannabis = sum(extract.convictions.column("is_cannabis").to_pylist())
    return Validation(
        extract.source_file, extract.rows, extract.persons.num_rows, extract.convictions.num_rows, cannabis,
        extract.flagged_rows, [p.describe(extract.source_file) for p in extract.problems],
    )


def import_with_mapping(db: Database, path: str | Path, mapping: Mapping, user: str = "", job: Job = NO_JOB,
                        remember: bool = True, today: date | None = None) -> ImportReport:
    """Import one file; the mapping is saved under its source for next time when the import succeeds (a
    mapping that reads no conviction from the file is refused, MappingError: neither saved nor imported)."""
    job.progress(0, 4, f"Reading {Path(path).name}")
    extract = read_mapped_file(path, mapping, today or date.today())
    job.check()
    report = store_extract(db, extract, user, job, kind=KIND)
    if remember and report.imported:
        save_mapping(db, mapping, user)
    return report


def import_any(db: Database, path: str | Path, mapping: Mapping | None, user: str = "", job: Job = NO_JOB) -> ImportReport:
    """A DOJ research file (mapping None) or a mapped case export: what the import wizard runs."""
    if mapping is None:
        return import_file(db, path, user, job)
    return import_with_mapping(db, path, mapping, user, job)


def import_mapped_file(db: Database, path: str | Path, mapping_path: str | Path, user: str = "",
                       job: Job = NO_JOB) -> ImportReport:
    """The CLI's `reviewer import FILE --mapping MAPPING`: a mapping JSON file, or a saved source's name."""
    return import_with_mapping(db, path, resolve_mapping(db, mapping_path), user, job)


def resolve_mapping(db: Database, spec: str | Path) -> Mapping:
    path = Path(spec)
    if path.exists():
        return load_mapping(path)
    saved = {mp.source: mp for mp in list_mappings(db)}
    if str(spec) in saved:
        return saved[str(spec)]
    known = ", ".join(sorted(saved)) or "none saved yet"
    raise MappingError(str(spec), None, f"no such mapping file, and no saved mapping of that name (saved: {known})")


# --- saved mappings (setting table) ----------------------------------------------------------

def _key(source: str) -> str:
    return (SETTING_PREFIX + source)[:100]


def list_mappings(db: Database) -> list[Mapping]:
    with db.session() as session:
        rows = session.execute(
            select(m.Setting.key, m.Setting.value).where(m.Setting.key.startswith(SETTING_PREFIX)).order_by(m.Setting.key)
        ).all()
    out = []
    for key, value in rows:
        try:
            out.append(parse_mapping(value, key))
        except MappingError:
            continue  # an unreadable saved mapping is skipped, not fatal
    return out


def save_mapping(db: Database, mapping: Mapping, user: str = "") -> None:
    value = mapping.to_json()
    with db.session() as session:
        row = session.get(m.Setting, _key(mapping.source))
        before = row.value if row is not None else None
        if before == value:
            return
        if row is None:
            session.add(m.Setting(key=_key(mapping.source), value=value))
        else:
            row.value = value
        AuditLog(session).record(user or "system", "mapping.save", "setting", None,
                                 before=json.loads(before) if before else None, after=mapping.as_dict())


def delete_mapping(db: Database, source: str, user: str = "") -> bool:
    with db.session() as session:
        row = session.get(m.Setting, _key(source))
        if row is None:
            return False
        AuditLog(session).record(user or "system", "mapping.delete", "setting", None, before=json.loads(row.value))
        session.delete(row)
    return True


def write_mapping_file(mapping: Mapping, path: str | Path) -> None:
    Path(path).write_text(mapping.to_json() + "\n", encoding="utf-8")
