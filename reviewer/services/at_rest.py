"""Personal data at rest: encrypting the SQLite database (optional; see store/encryption.py)."""
from __future__ import annotations

from pathlib import Path

from reviewer.store import encryption
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database, DatabaseError

EncryptionUnavailable = encryption.EncryptionUnavailable


def encrypt_database(path: str | Path, user: str = "") -> None:
    """Encrypt a SQLite database file in place (created first if it does not exist), its key kept in the
    OS keyring; recorded in the audit log. Nobody else may have it open meanwhile."""
    path = Path(path)
    if "://" in str(path):
        raise EncryptionUnavailable("only a SQLite database file can be encrypted (PostgreSQL: encrypt the server's "
                                    "storage)")
    db = Database(path)  # brings the schema up to date, or creates it
    db.dispose()
    encryption.encrypt_file(path)
    db = Database(path)
    try:
        with db.session() as session:
            AuditLog(session).record(user or "system", "database.encrypt", "database", None,
                                     after={"cipher": "SQLCipher", "key": "OS keyring"})
    finally:
        db.dispose()


__all__ = ["DatabaseError", "EncryptionUnavailable", "encrypt_database"]
