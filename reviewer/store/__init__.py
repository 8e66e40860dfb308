"""Persistence: SQLAlchemy 2 models, sessions, migrations, audit log and queue queries."""
