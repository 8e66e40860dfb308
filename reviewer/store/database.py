"""Open a database by file path or URL, bring its schema up to date, hand out sessions."""
from __future__ import annotations

import os
import time
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from reviewer.store import encryption, file_gate

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration's revision. A database already there opens without loading Alembic
# (a fifth of a second on every command); tests check this against the migration scripts.
SCHEMA_HEAD = "0009"


class DatabaseError(Exception):
    """The database cannot be opened or is newer than this version of Reviewer."""


# The PostgreSQL driver Reviewer ships (psycopg2): a plain postgresql:// or postgres:// URL means it,
# not SQLAlchemy's default for that name (psycopg 3, not installed).
_PG_SCHEMES = ("postgresql://", "postgres://")


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL stays as is (a plain PostgreSQL URL gets the driver we ship); anything else is a
    SQLite file path."""
    text = str(target)
    for scheme in _PG_SCHEMES:
        if text.startswith(scheme):
            return "postgresql+psycopg2://" + text.removeprefix(scheme)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (0600), unless it exists. SQLite gives the WAL
    and shared-memory files the database file's permissions."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        pass  # e.g. a folder that does not exist: SQLite's own error says so


def _url_problem(exc: Exception) -> str:
    if isinstance(exc, ModuleNotFoundError):
        return f"its driver ({exc.name}) is not part of Reviewer"
    if "Can't load plugin" in str(exc):
        return "Reviewer does not know that kind of database"
    return "that is not a database URL"


# Every engine a Database of this process made, with its SQLite file (close_all). The engines, not the
# Databases: a Database no longer referenced can leave its engine behind until the cycle collector runs.
_ENGINES: weakref.WeakKeyDictionary[Engine, str | None] = weakref.WeakKeyDictionary()


def close_all() -> bool:
    """Close the idle connections of every engine this process made (SQLite folds a WAL journal back into
    its file as the last connection closes); whether none of theirs is left open (one checked out, or, for a
    SQLite file, any connection store.file_gate still counts)."""
    made = list(_ENGINES.items())
    for engine, _file in made:
        engine.dispose()
    return all(engine.pool.checkedout() == 0 and (file is None or file_gate.open_connections(file) == 0)
               for engine, file in made)


class Database:
    """One engine and its session factory; the services own the transactions."""

    def __init__(self, target: str | Path, migrate: bool = True) -> None:
        self.url = database_url(target)
        self.is_sqlite = self.url.startswith("sqlite")
        self.encrypted = False
        self.file: str | None = None  # the SQLite file's real path (None: PostgreSQL or in memory)
        key_pragma = None
        kwargs: dict = {"connect_args": {"timeout": 30}} if self.is_sqlite else {"pool_pre_ping": True}
        if self.is_sqlite and self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            path = Path(self.url.removeprefix("sqlite:///"))
            create_private_file(path)
            self.file = file_gate.key(path)
            if encryption.is_encrypted(path):  # SQLCipher, the key from the OS keyring (store/encryption.py)
                try:
                    kwargs["module"] = encryption.sqlcipher_module()
                    key_pragma = encryption.key_pragma(encryption.key_for(path))
                except encryption.EncryptionUnavailable as exc:
                    raise DatabaseError(f"cannot open the database: {path.name} is not a plain SQLite database; "
                                        f"if it was encrypted (reviewer encrypt): {exc}") from None
                self.encrypted = True
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except Exception as exc:  # an unknown dialect or driver, a malformed URL (never echoed: it may hold a password)
            raise DatabaseError(f"cannot open the database: {_url_problem(exc)} (a SQLite file path, or a URL such "
                                "as postgresql://user@host/database)") from None
        if key_pragma is not None:
            event.listen(self.engine, "connect", lambda conn, _record: conn.execute(key_pragma))  # before any other
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if self.file is not None:
            _count_connections(self.engine, self.file)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        _ENGINES[self.engine] = self.file
        if migrate:
            self.upgrade()

    def upgrade(self) -> None:
        if self._at_head():
            return
        from alembic import command
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = _alembic_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        try:
            with self.engine.begin() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
                if current == head:
                    return
                known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
                if current is not None and current not in known:
                    raise DatabaseError(
                        f"this database was written by a newer Reviewer (schema {current}); update Reviewer"
                    )
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except DatabaseError:
            raise
        except Exception as exc:  # driver errors: bad URL, server down, unreadable file
            orig = getattr(exc, "orig", None) or exc  # the driver's words, first line: never the SQL
            said = (str(orig).strip().splitlines() or [""])[0]
            raise DatabaseError(f"cannot open the database: {type(orig).__name__}: {said}") from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def staged_session(self, tables: dict) -> Iterator[tuple[Session, str | None]]:
        """A session as `session()`, with Arrow `tables` readable as `<stage>.<table>` on SQLite (see
        staging.py). The stage's name is None when they are not; the caller then writes row by row."""
        if not self.is_sqlite or self.encrypted:  # (a stage would be a plain copy of the rows)
            with self.session() as session:
                yield session, None
            return
        from reviewer.store.staging import stage_tables  # pyarrow: only where a stage is made (not evaluate)

        with self.engine.connect() as conn:
            with stage_tables(conn.connection.dbapi_connection, tables) as staged:
                with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                    yield session, staged

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def file_to_itself(self) -> Iterator[str | None]:
        """The SQLite file's path while no sqlite3 connection of this process has it open (this engine's
        idle connections are closed first; new ones wait until the block ends), for a bulk load by ADBC's
        own SQLite (store.file_gate). None when that is not possible: PostgreSQL, an encrypted or
        in-memory database, or a connection still open (checked out here, or another Database's)."""
        if self.file is None or self.encrypted or getattr(self.engine.pool, "checkedout", lambda: 1)():
            yield None  # (disposing would leave a checked-out connection open, and uncounted on return)
            return
        self.engine.dispose()
        with file_gate.sole_use(self.file) as free:
            yield self.file if free else None

    def _at_head(self) -> bool:
        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        except Exception:  # noqa: BLE001 - no version table yet, or no database: upgrade() says why
            return False


def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _count_connections(engine: Engine, path: str) -> None:
    """Every connection the engine opens to the file is counted in store.file_gate until it is closed."""

    def do_connect(dialect, _record, cargs, cparams):
        file_gate.opening(path)  # waits while a bulk load has the file to itself
        try:
            return dialect.connect(*cargs, **cparams)
        except BaseException:
            file_gate.closed(path)
            raise

    event.listen(engine, "do_connect", do_connect)
    event.listen(engine, "close", lambda _dbapi, _record: file_gate.closed(path))
    event.listen(engine, "close_detached", lambda _dbapi: file_gate.closed(path))


WAL_SWITCH_SECONDS = 30  # as long as a connection waits for a lock (connect_args timeout)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MB: bulk imports touch several indexes at once
    cursor.close()


def _switch_to_wal(cursor) -> None:
    """PRAGMA journal_mode=WAL, waiting while another process holds the write lock of a file in rollback
    mode (a first load switches to it): SQLite answers "database is locked" at once there, without waiting
    (this connection's read lock would deadlock the writer's commit), so the switch is tried again, the read
    lock let go in between, for as long as a connection waits for any lock."""
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:  # the driver's OperationalError (sqlite3 or SQLCipher's)
            if "database is locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.05)
