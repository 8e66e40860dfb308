"""The schema. Change it only together with a migration in store/migrations/versions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text,
)
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
        # Cannabis convictions only (a third of them): what evaluation and reports look up by county. With the
        # person (migration 0009): the county's persons come in person order, a fourth of the time.
        Index("ix_conviction_cannabis_county", "county", "person_id", sqlite_where=text("is_cannabis IS 1"),
              postgresql_where=text("is_cannabis IS true")),
        # Possible plea bargains (a cannabis arrest, only a related non-cannabis count convicted): few.
        Index("ix_conviction_arrest_county", "county", "person_id", sqlite_where=text("cannabis_arrest IS NOT NULL"),
              postgresql_where=text("cannabis_arrest IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
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
    offense_date: Mapped[date | None] = mapped_column(Date)  # arrest date of the cycle (or CYC_DATE)
    cycle_age: Mapped[int | None] = mapped_column(Integer)  # CYC_AGE
    sentence_kind: Mapped[str] = mapped_column(String(12), default="", server_default="")  # prison/jail/probation
    cannabis_arrest: Mapped[str | None] = mapped_column(String(400))  # see migration 0005


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
        # At most one current evaluation per conviction, whatever runs at once (migration 0006).
        Index("ux_evaluation_one_current", "conviction_id", unique=True, sqlite_where=text("current IS 1"),
              postgresql_where=text("current IS true")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("evaluation_run.id"), index=True)
    conviction_id: Mapped[int] = mapped_column(ForeignKey("conviction.id"))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    suggestion: Mapped[str] = mapped_column(String(40))
    statute_suggestion: Mapped[str] = mapped_column(String(40))
    policy_reason: Mapped[str] = mapped_column(Text, default="")  # a policy rule's reason: any length
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of {rule, citation, text}
    sentence_status: Mapped[str] = mapped_column(String(12))
    disqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=1)  # 0 = needs attention first
    questions: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON list of Question.as_dict()


class SharedReason(Base):
    """A reason many evaluations carry word for word, stored once; an evaluation's reasons name it by
    `ref` (store/shared_reasons.py)."""

    __tablename__ = "shared_reason"

    ref: Mapped[str] = mapped_column(String(16), primary_key=True)  # start of the SHA-256 of `reason`
    reason: Mapped[str] = mapped_column(Text)  # {"rule", "citation", "text"} as compact JSON


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
    account: Mapped[str] = mapped_column(String(200), default="", server_default="")  # OS user or database role
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


class ImportSource(Base):
    """The imported file itself, compressed (zstd), in parts: peer-compatible exports repeat its rows.

    Kept so that `export gogen` works from the database alone (a shared PostgreSQL queue,
    another machine, a file moved since). The parts hold everything the file held, including
    columns Reviewer does not otherwise keep (SSN, driver licence): `forget_sources` deletes them.
    """

    __tablename__ = "import_source"

    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    codec: Mapped[str] = mapped_column(String(10))
    raw_size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PrintJob(Base):
    """One print batch: who started it, when, where the files went and how it ended."""

    __tablename__ = "print_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    user_name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(40))
    out_dir: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(12), default="running")  # running/completed/cancelled/failed
    cases_total: Mapped[int] = mapped_column(Integer, default=0)
    cases_printed: Mapped[int] = mapped_column(Integer, default=0)
    combined_path: Mapped[str | None] = mapped_column(String(1000))
    bulk_path: Mapped[str | None] = mapped_column(String(1000))
    owner: Mapped[str | None] = mapped_column(String(200))  # the running process (reviewer.scratch), see 0007


class PrintedCase(Base):
    """A court case's PDF written completely by a print job (reprints add rows)."""

    __tablename__ = "printed_case"
    __table_args__ = (Index("ix_printed_case_case", "person_id", "case_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("print_job.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    case_key: Mapped[str] = mapped_column(String(20))
    file_path: Mapped[str] = mapped_column(String(1000))
    documents: Mapped[str] = mapped_column(String(80))
    pages: Mapped[int] = mapped_column(Integer)
    decisions: Mapped[str] = mapped_column(Text)  # the decision ids printed, "12,15": a later decision makes it stale
    printed_at: Mapped[datetime] = mapped_column(DateTime)
    printed_by: Mapped[str] = mapped_column(String(200))


class CaseNumberEntry(Base):
    """A court case number entered by hand for a court case whose DOJ record has none (the latest stands)."""

    __tablename__ = "case_number_entry"
    __table_args__ = (Index("ix_case_number_entry_case", "person_id", "case_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    case_key: Mapped[str] = mapped_column(String(20))
    court_case: Mapped[str] = mapped_column(String(40))
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(DateTime)


class CaseFiling(Base):
    """The clerk's record that a court case's papers were filed, and on which day."""

    __tablename__ = "case_filing"
    __table_args__ = (Index("ix_case_filing_case", "person_id", "case_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    case_key: Mapped[str] = mapped_column(String(20))
    filed_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class SentenceAnswer(Base):
    """An attorney's answer where the record does not show whether the sentence is still served."""

    __tablename__ = "sentence_answer"

    conviction_id: Mapped[int] = mapped_column(ForeignKey("conviction.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    answered_by: Mapped[str] = mapped_column(String(200))
    answered_at: Mapped[datetime] = mapped_column(DateTime)


class QuestionAnswer(Base):
    """An attorney's answer to one of the engine's questions about a conviction (latest stands)."""

    __tablename__ = "question_answer"
    __table_args__ = (Index("ix_question_answer_conviction", "conviction_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conviction_id: Mapped[int] = mapped_column(ForeignKey("conviction.id"))
    question_key: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(String(40))
    answered_by: Mapped[str] = mapped_column(String(200))
    bar_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    answered_at: Mapped[datetime] = mapped_column(DateTime)
