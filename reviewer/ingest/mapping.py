"""Column mappings for case-management exports: which column of the file holds what.

A mapping is plain JSON, saved per source (in the database or as a file the user keeps):

    {
      "reviewer_mapping": 1,
      "source": "County DA case system",
      "columns": {"person_id": "Defendant ID", "offense": "Charge", ...},
      "county": "SACRAMENTO",
      "date_format": "%m/%d/%Y",
      "convicted": ["CONVICTED", "GUILTY"],
      "levels": {"FEL": "F"},
      "sheet": "Cases",
      "id_namespace": "CMS"
    }

Only "source" and "columns" are required. Loading validates every key and says what is
wrong, field by field.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.ingest.problems import FileRejected

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    required: bool
    hint: str = ""


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("person_id", "Person ID", True, "one person across rows (case-system person number, or DOJ SUBJECT_ID)"),
    FieldSpec("name", "Name", False, "LAST,FIRST"),
    FieldSpec("dob", "Date of birth", False),
    FieldSpec("cii", "CII number", False),
    FieldSpec("court_case", "Court case number", True),
    FieldSpec("count", "Count number", False, "tells counts of one case apart"),
    FieldSpec("offense", "Charge / code section", True, "for example 11359(b) HS"),
    FieldSpec("level", "Level", True, "felony, misdemeanor or infraction (F, M, I)"),
    FieldSpec("disposition_date", "Disposition date", True, "date of conviction"),
    FieldSpec("disposition", "Disposition", False, "when given, only convicted rows are convictions"),
    FieldSpec("county", "County", False, "required unless the mapping names one county for the whole file"),
    FieldSpec("sentence_length", "Sentence length", False, "a number"),
    FieldSpec("sentence_unit", "Sentence unit", False, "D, M or Y (days, months, years)"),
    FieldSpec("deceased", "Deceased", False, "yes / no"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
REQUIRED = tuple(f.name for f in FIELDS if f.required)
SPEC = {f.name: f for f in FIELDS}

DEFAULT_CONVICTED = ("CONVICTED", "CONVICTION", "GUILTY", "PLED GUILTY", "PLEAD GUILTY", "NOLO")
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d")
LEVEL_WORDS = {
    "F": "F", "FEL": "F", "FELONY": "F",
    "M": "M", "MISD": "M", "MISDEMEANOR": "M", "MISDEMEANANT": "M",
    "I": "I", "INF": "I", "INFR": "I", "INFRACTION": "I",
}
_KEYS = {"reviewer_mapping", "source", "columns", "county", "date_format", "convicted", "levels", "sheet",
         "id_namespace"}


class MappingError(FileRejected):
    """The mapping itself is unusable, or does not fit the file; nothing is imported."""


@dataclass(frozen=True)
class Mapping:
    source: str
    columns: dict[str, str]
    county: str = ""
    date_format: str = ""
    convicted: tuple[str, ...] = DEFAULT_CONVICTED
    levels: dict[str, str] = field(default_factory=dict)
    sheet: str = ""
    id_namespace: str | None = None

    @property
    def namespace(self) -> str:
        """Prefix for person ids, so a case system's numbers never merge with DOJ subject ids."""
        if self.id_namespace is not None:
            return self.id_namespace
        slug = re.sub(r"[^A-Z0-9]", "", self.source.upper())
        return slug[:10] or "CMS"

    def missing_required(self) -> list[str]:
        missing = [name for name in REQUIRED if not self.columns.get(name)]
        if not self.columns.get("county") and not self.county:
            missing.append("county")
        return missing

    def level_words(self) -> dict[str, str]:
        words = dict(LEVEL_WORDS)
        words.update({k.strip().upper(): v for k, v in self.levels.items()})
        return words

    def as_dict(self) -> dict:
        out: dict = {"reviewer_mapping": FORMAT_VERSION, "source": self.source,
                     "columns": {k: self.columns[k] for k in FIELD_NAMES if self.columns.get(k)}}
        if self.county:
            out["county"] = self.county
        if self.date_format:
            out["date_format"] = self.date_format
        if tuple(self.convicted) != DEFAULT_CONVICTED:
            out["convicted"] = list(self.convicted)
        if self.levels:
            out["levels"] = dict(self.levels)
        if self.sheet:
            out["sheet"] = self.sheet
        if self.id_namespace is not None:
            out["id_namespace"] = self.id_namespace
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)


def mapping_from_dict(data, where: str = "mapping") -> Mapping:
    """Validate a decoded mapping document; MappingError names the first problem."""
    def bad(problem: str) -> MappingError:
        return MappingError(where, None, problem)

    if not isinstance(data, dict):
        raise bad("a mapping is a JSON object with \"source\" and \"columns\"")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise bad(f"unknown key {unknown[0]!r} (known keys: {', '.join(sorted(_KEYS))})")
    version = data.get("reviewer_mapping", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise bad(f"\"reviewer_mapping\" is {version!r}; this Reviewer reads version {FORMAT_VERSION}")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise bad("\"source\" must name where the files come from (for example \"County DA case system\")")
    if len(source.strip()) > 80:
        raise bad("\"source\" is longer than 80 characters")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise bad("\"columns\" must map Reviewer fields to column names of the file")
    for key, value in columns.items():
        if key not in SPEC:
            raise bad(f"\"columns\" names an unknown field {key!r} (fields: {', '.join(FIELD_NAMES)})")
        if not isinstance(value, str):
            raise bad(f"\"columns\".{key} must be a column name (text)")
    for key in ("county", "date_format", "sheet"):
        if key in data and not isinstance(data[key], str):
            raise bad(f"\"{key}\" must be text")
    if data.get("date_format") and "%" not in data["date_format"]:
        raise bad("\"date_format\" uses strftime codes, for example \"%m/%d/%Y\"")
    convicted = data.get("convicted", list(DEFAULT_CONVICTED))
    if not isinstance(convicted, list) or not convicted or not all(isinstance(v, str) and v.strip() for v in convicted):
        raise bad("\"convicted\" must be a list of words that start a convicted disposition")
    levels = data.get("levels", {})
    if not isinstance(levels, dict) or any(v not in ("F", "M", "I") for v in levels.values()):
        raise bad("\"levels\" maps words of the file to F, M or I")
    namespace = data.get("id_namespace")
    if namespace is not None and (not isinstance(namespace, str) or len(namespace) > 10):
        raise bad("\"id_namespace\" must be text of at most 10 characters (\"\" keeps the ids as they are)")
    mapping = Mapping(
        source=source.strip(),
        columns={k: v.strip() for k, v in columns.items() if v.strip()},
        county=" ".join(data.get("county", "").upper().split()),
        date_format=data.get("date_format", ""),
        convicted=tuple(v.strip().upper() for v in convicted),
        levels=dict(levels),
        sheet=data.get("sheet", ""),
        id_namespace=namespace,
    )
    missing = mapping.missing_required()
    if missing:
        raise bad(_missing_message(missing))
    return mapping


def _missing_message(missing: list[str]) -> str:
    described = ", ".join(f"{name} ({SPEC[name].label.lower()})" for name in missing)
    return f"the mapping misses required field(s) {described}: map a column of the file to each"


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingError(path.name, None, f"cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(path.name, exc.lineno, f"not valid JSON ({exc.msg})") from None
    return mapping_from_dict(data, path.name)


def parse_mapping(text: str, where: str = "mapping") -> Mapping:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(where, exc.lineno, f"not valid JSON ({exc.msg})") from None
    return mapping_from_dict(data, where)


def normalise_header(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").split()).casefold()


def resolve_columns(mapping: Mapping, header: list[str], file: str) -> dict[str, int]:
    """Field -> column index in this file; MappingError when a mapped column is not there."""
    missing = mapping.missing_required()
    if missing:
        raise MappingError(file, None, _missing_message(missing))
    index = {}
    for i, name in enumerate(header):
        index.setdefault(normalise_header(name), i)
    out = {}
    missing = []
    for fld, column in mapping.columns.items():
        found = index.get(normalise_header(column))
        if found is None:
            missing.append((fld, column))
        else:
            out[fld] = found
    if not missing:
        return out
    fld, column = missing[0]
    what = f"column {column!r} (mapped to {fld}, {SPEC[fld].label.lower()}) is not in the header"
    if not out and _looks_like_data(header):  # no header at all: never echo the row, it may hold names
        raise MappingError(file, 1, f"{what}; the first line holds no mapped column and looks like a data row: "
                                    "the first line must be the header naming the columns")
    shown = ", ".join(repr(str(h)[:40]) for h in header[:30] if str(h).strip())
    raise MappingError(file, 1, f"{what}; the file's columns are: {shown}")


def _looks_like_data(header: list[str]) -> bool:
    """A first line with a date or a long number in it is a record, not column names."""
    return any(re.search(r"\d{3}|\d{1,2}/\d{1,2}/", str(h)) for h in header)


_GUESSES = {
    "person_id": ("person id", "subject id", "subject_id", "defendant id", "party id", "person number", "defendant number"),
    "name": ("name", "defendant", "defendant name", "full name", "pri_name"),
    "dob": ("dob", "date of birth", "birth date", "birthdate", "pri_dob"),
    "cii": ("cii", "cii number", "cii_number", "cii no"),
    "court_case": ("court case", "case number", "case no", "case", "docket", "court case number", "ofn"),
    "count": ("count", "count number", "count no", "cnt"),
    "offense": ("charge", "offense", "code section", "statute", "offense description", "charge code", "offense_descr"),
    "level": ("level", "charge level", "degree", "severity", "class", "conv_stat_descr", "offense level"),
    "disposition_date": ("disposition date", "disp date", "conviction date", "date of conviction", "sentence date"),
    "disposition": ("disposition", "disp", "disposition description", "outcome", "disp_descr"),
    "county": ("county", "court county", "county name"),
    "sentence_length": ("sentence length", "sentence", "sent length", "term"),
    "sentence_unit": ("sentence unit", "unit", "sent unit", "term unit"),
    "deceased": ("deceased", "dead", "is deceased"),
}


def guess_columns(header: list[str]) -> dict[str, str]:
    """A first guess of the mapping from the header's names (the user confirms it)."""
    by_norm = {normalise_header(h): h for h in header if str(h).strip()}
    out: dict[str, str] = {}
    for fld, names in _GUESSES.items():
        for name in names:
            if name in by_norm and by_norm[name] not in out.values():
                out[fld] = by_norm[name]
                break
    return out
