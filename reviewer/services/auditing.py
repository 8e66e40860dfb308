"""`reviewer audit verify` and `reviewer audit seal`: the audit log checked by the product itself.

A seal is a small JSON file kept outside the database (printed, mailed, on another machine):
the head entry's id and hash when it was written. A later verify with that file finds a tail
cut since, and a chain rewritten and hashed again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from reviewer.store import audit_verify
from reviewer.store.audit_verify import Finding, Head
from reviewer.store.database import Database

SEAL_FORMAT = "reviewer-audit-seal/1"


class SealError(Exception):
    """The seal file cannot be read (message names the file and what is wrong)."""


@dataclass(frozen=True)
class Seal:
    entry_id: int
    hash: str
    entries: int
    sealed_at: str
    database: str


@dataclass(frozen=True)
class VerifyReport:
    findings: tuple[Finding, ...]
    head: Head
    seal: Seal | None

    @property
    def ok(self) -> bool:
        return not self.findings

    def line(self) -> str:
        """One line for the About box, the dashboard and the summary PDF."""
        if self.ok:
            sealed = f"; matches the seal of {self.seal.sealed_at}" if self.seal else ""
            return (f"Audit log verified: {self.head.entries:,} entries, head {self.head.entry_id} "
                    f"({self.head.hash[:12]}){sealed}")
        kinds = sorted({f.kind for f in self.findings})
        return f"Audit log NOT verified: {len(self.findings)} problem(s): {', '.join(kinds)}"


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a file path, not a URL
        return url


def read_seal(path: str | Path) -> Seal:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SealError(f"cannot read the seal file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise SealError(f"{path} is not a seal written by `reviewer audit seal` (line {exc.lineno}: not JSON)") from None
    if not isinstance(data, dict) or data.get("format") != SEAL_FORMAT:
        raise SealError(f"{path} is not a seal written by `reviewer audit seal` (no format {SEAL_FORMAT!r})")
    try:
        return Seal(int(data["entry"]), str(data["hash"]), int(data["entries"]), str(data["sealed_at"]),
                    str(data.get("database", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise SealError(f"{path}: field {exc} is missing or not valid") from None


def current_head(db: Database) -> Head:
    with db.engine.connect() as conn, Session(bind=conn) as session:
        return audit_verify.head(session)


def seal(db: Database, path: str | Path, at: datetime | None = None) -> Seal:
    """Write the log's current head to `path` (verify first: a seal over a broken chain would vouch for it)."""
    report = verify(db)
    if not report.ok:
        raise SealError("the audit log does not verify; it cannot be sealed: " + str(report.findings[0]))
    head = report.head
    result = Seal(head.entry_id, head.hash, head.entries, (at or datetime.now()).isoformat(timespec="seconds"),
                  safe_url(db.url))
    Path(path).write_text(json.dumps({"format": SEAL_FORMAT, "entry": result.entry_id, "hash": result.hash,
                                      "entries": result.entries, "sealed_at": result.sealed_at,
                                      "database": result.database}, indent=2) + "\n", encoding="utf-8")
    return result


def verify(db: Database, seal_path: str | Path | None = None) -> VerifyReport:
    sealed = read_seal(seal_path) if seal_path else None
    with db.engine.connect() as conn, Session(bind=conn) as session:
        findings, head = audit_verify.verify(
            session, (sealed.entry_id, sealed.hash, sealed.sealed_at) if sealed else None)
    return VerifyReport(tuple(findings), head, sealed)
