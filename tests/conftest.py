"""Shared fixtures: real SQLite files, the real PostgreSQL server, the gogen peer fixtures."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The peer fixtures ship with the tests (MIT, fabricated data); REVIEWER_FIXTURES points elsewhere.
FIXTURES = Path(os.environ.get("REVIEWER_FIXTURES", ROOT / "tests" / "fixtures" / "gogen"))
PG_URL = os.environ.get("REVIEWER_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def gogen_dir() -> Path:
    return FIXTURES


def _pg_available() -> str | None:
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh empty database: a SQLite file, or a private schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield str(tmp_path / "reviewer.db")
        return
    reason = _pg_available()
    if reason:
        pytest.skip(reason)
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    yield url
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture
def sqlite_path(tmp_path) -> str:
    return str(tmp_path / "reviewer.db")


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """Python's temporary files go to a folder of the test's own (scratch stages, spooled kept copies)."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder
