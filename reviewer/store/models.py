"""The schema. Change it only together with a migration in store/migrations/versions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    encoding: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="doj")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(200), default="")
    rows: Mapped[int] = mapped_column(Integer)
    persons: Mapped[int] = mapped_column(Integer)
    convictions: Mapped[int] = mapped_column(Integer)
    flagged_rows: Mapped[int] = mapped_column(Integer)
    problems: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {line, field, problem}


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(40), unique=True)
    cii: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(300), default="")
    dob: Mapped[date | None] = mapped_column(Date)
    deceased: Mapped[bool] = mapped_column(Boolean, default=False)
    pc290_registration: Mapped[bool] = mapped_column(Boolean, default=False)
    registration_date: Mapped[date | None] = mapped_column(Date)


class Conviction(Base):
    __tablename__ = "conviction"
    __table_args__ = (
        UniqueConstraint("person_id", "count_order", name="uq_conviction_person_count"),
        Index("ix_conviction_county_cannabis", "county", "is_cannabis"),
        Index("ix_conviction_case", "person_id", "case_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    source_file: Mapped[str] = mapped_column(String(400))
    source_line: Mapped[int] = mapped_column(Integer)
    count_order: Mapped[str] = mapped_column(String(40))
    case_key: Mapped[str] = mapped_column(String(20))
    court_case: Mapped[str] = mapped_column(String(200), default="")
    county: Mapped[str] = mapped_column(String(80))
    disposition_date: Mapped[date | None] = mapped_column(Date)
    offense_text: Mapped[str] = mapped_column(String(400))
    code_section: Mapped[str] = mapped_column(String(80), default="")
    section: Mapped[str | None] = mapped_column(String(20))
    subsection: Mapped[str] = mapped_column(String(40), default="")
    code: Mapped[str] = mapped_column(String(8), default="")
    attempt: Mapped[bool] = mapped_column(Boolean, default=False)
    is_cannabis: Mapped[bool] = mapped_column(Boolean, default=False)
    level: Mapped[str | None] = mapped_column(String(1))
    has_sentence: Mapped[bool] = mapped_column(Boolean, default=False)
    sentence_end: Mapped[date | None] = mapped_column(Date)
    issues: Mapped[str | None] = mapped_column(Text)


class EvaluationRun(Base):
    __tablename__ = "evaluation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    county: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[date] = mapped_column(Date)
    engine_version: Mapped[str] = mapped_column(String(20))
    policy_name: Mapped[str] = mapped_column(String(200))
    policy_version: Mapped[str] = mapped_column(String(80))
    policy_digest: Mapped[str] = mapped_column(String(64))
    policy_document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    evaluated: Mapped[int] = mapped_column(Integer, default=0)


class Evaluation(Base):
    __tablename__ = "evaluation"
    __table_args__ = (
        Index("ix_evaluation_current", "conviction_id", "current"),
        Index("ix_evaluation_queue", "current", "flagged", "priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("evaluation_run.id"), index=True)
    conviction_id: Mapped[int] = mapped_column(ForeignKey("conviction.id"))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    suggestion: Mapped[str] = mapped_column(String(40))
    statute_suggestion: Mapped[str] = mapped_column(String(40))
    policy_reason: Mapped[str] = mapped_column(String(400), default="")
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of {rule, citation, text}
    sentence_status: Mapped[str] = mapped_column(String(12))
    disqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=1)  # 0 = needs attention first


class Review(Base):
    """Where each evaluated conviction stands in the queue; `version` guards concurrent reviewers."""

    __tablename__ = "review"
    __table_args__ = (Index("ix_review_status", "status"),)

    conviction_id: Mapped[int] = mapped_column(ForeignKey("conviction.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    outcome: Mapped[str | None] = mapped_column(String(40))
    decision_id: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)


class Decision(Base):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    conviction_id: Mapped[int] = mapped_column(ForeignKey("conviction.id"), index=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"))
    kind: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    user_name: Mapped[str] = mapped_column(String(200))
    bar_number: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[str] = mapped_column(String(20), default="attorney")
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(200))


class AuditEntry(Base):
    """Append-only; each entry's hash covers the previous entry's hash."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """Office details and other shared settings (key/value, JSON values)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
