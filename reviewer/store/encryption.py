"""Optional encryption at rest of the SQLite database: SQLCipher, with the key in the OS keyring.

For offices without full-disk encryption. `reviewer encrypt --db FILE` rewrites a database as an
encrypted copy (SQLCipher's `sqlcipher_export`) under a new random 256-bit key, which is kept in
the operating system's keyring (Windows Credential Manager, macOS Keychain, the Secret Service on
Linux) under the database file's full path; it is never written to a file nor shown. From then on
opening that file finds the key there: an encrypted file reads as noise, the WAL too.

Needs the optional wheels `sqlcipher3-binary` and `keyring` (`pip install reviewer[encryption]`).
The bulk import's scratch stage (plain SQLite, in the temporary folder) is not used for an
encrypted database: rows are written by the driver, through the key.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

SERVICE = "Reviewer database key"
PLAIN_HEADER = b"SQLite format 3\x00"


class EncryptionUnavailable(Exception):
    """SQLCipher or the keyring is missing, or holds no key for this database; the message says which."""


def is_encrypted(path: str | Path) -> bool:
    """A database file whose first bytes are not SQLite's plain header (an empty or new file is plain)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(PLAIN_HEADER))
    except OSError:
        return False
    return len(head) == len(PLAIN_HEADER) and head != PLAIN_HEADER


def _account(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def _keyring():
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        raise EncryptionUnavailable("encryption needs the keyring package (pip install reviewer[encryption])") from None
    if isinstance(keyring.get_keyring(), NoKeyring):
        raise EncryptionUnavailable("this computer has no keyring to keep the database key in (on Linux: a Secret "
                                    "Service such as GNOME Keyring or KWallet)")
    return keyring


def sqlcipher_module():
    try:
        import sqlcipher3.dbapi2 as dbapi
    except ImportError:
        raise EncryptionUnavailable("opening an encrypted database needs the sqlcipher3-binary package "
                                    "(pip install reviewer[encryption])") from None
    return dbapi


def key_for(path: str | Path) -> str:
    key = _keyring().get_password(SERVICE, _account(path))
    if not key:
        raise EncryptionUnavailable("this computer's keyring holds no key for it (keys are kept per user and per "
                                    "file path: a moved or copied database needs its key set again)")
    return key


def key_pragma(key: str) -> str:
    """The raw 256-bit key (no passphrase derivation: the key is random, and opening stays fast)."""
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise EncryptionUnavailable("the key in the keyring is not a Reviewer database key")
    return f"PRAGMA key = \"x'{key}'\""


def encrypt_file(path: str | Path) -> None:
    """Rewrite a plain database as an encrypted one, in place; its new key goes to the keyring first."""
    path = Path(path)
    if is_encrypted(path):
        raise EncryptionUnavailable(f"{path.name} is encrypted already")
    dbapi = sqlcipher_module()
    keyring = _keyring()
    key = secrets.token_hex(32)
    keyring.set_password(SERVICE, _account(path), key)
    target = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        conn = dbapi.connect(str(path), isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key}'\"", (str(target),))
            conn.execute("SELECT sqlcipher_export('encrypted')")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            conn.execute("DETACH DATABASE encrypted")
        finally:
            conn.close()
        os.replace(target, path)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    except BaseException:
        target.unlink(missing_ok=True)
        keyring.delete_password(SERVICE, _account(path))
        raise
