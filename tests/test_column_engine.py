"""One engine, two ways of running it (issue 14): the rules over a whole county at once (joins and group-bys
across every person, as `reviewer evaluate` and the one-pass import run them) against the same rules over
each person's record alone (as an attorney's answer re-evaluates one person): the same suggestions, reasons,
questions (with where each answer leads), sentence status and flags, conviction by conviction. A rule that
read another person's rows, or that depended on which rows share a frame, shows here.

The records: every hand-made statute case (tests/test_statute_cases.py), each again with every answer
to each of its questions, persons of a generated county's file and gogen's fixtures; under the statute
alone and under each shipped county policy (and gogen's own policy file). What each case must come to is
held by the law, in test_statute_cases.py and the gogen fixtures; this file holds the two ways together.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from test_statute_cases import AS_OF, CASES

from reviewer.domain.records import PersonRecord
from reviewer.engine.columns import evaluate as columns
from reviewer.engine.evaluate import evaluate_record, evaluate_records
from reviewer.resources import shipped_policies
from reviewer.services.evaluating import resolve_policy

COUNTY = "SACRAMENTO"


def _answered_forms(record: PersonRecord) -> list[PersonRecord]:
    """The record, and the record with each answer to each question its evaluations carry."""
    forms = [record]
    for ev in evaluate_records([record], COUNTY, AS_OF):
        for question in ev.questions:
            for answer in question.answers:
                forms.append(PersonRecord(record.person, record.convictions,
                                          {**record.answers, (ev.conviction_id, question.key): answer.value}))
    return forms


def _differences(records: list[PersonRecord], county: str = COUNTY, policy=None, alone=None) -> list[str]:
    """Each of `alone` (default: every record) evaluated by itself, against all `records` at once."""
    expected = {ev.conviction_id: ev for record in (records if alone is None else alone)
                for ev in evaluate_record(record, county, AS_OF, policy)}
    found = {ev.conviction_id: ev for ev in evaluate_records(records, county, AS_OF, policy)}
    if alone is not None:
        mine = {c.id for record in alone for c in record.convictions}
        found = {cid: ev for cid, ev in found.items() if cid in mine}
    problems = [f"{cid}: missing" for cid in expected.keys() - found.keys()]
    problems += [f"{cid}: extra" for cid in found.keys() - expected.keys()]
    for cid in sorted(expected.keys() & found.keys()):
        a, b = expected[cid], found[cid]
        for name in ("suggestion", "reasons", "sentence_status", "disqualified", "flagged", "statute_suggestion",
                     "policy_reason", "questions"):
            if getattr(a, name) != getattr(b, name):
                problems.append(f"{cid} {name}:\n  alone:     {getattr(a, name)}\n  at once:   {getattr(b, name)}")
    return problems


def _renumbered(record: PersonRecord, offset: int) -> PersonRecord:
    """The record with every conviction id moved by `offset`, answers with it (keys name priors by id), so
    that forms of one case can be evaluated side by side."""
    convictions = tuple(replace(c, id=c.id + offset) for c in record.convictions)

    def key(k: str) -> str:
        found = _PRIOR_KEY.match(k)
        return f"{found[1]}-{int(found[2]) + offset}" if found else k

    return PersonRecord(record.person, convictions, {(cid + offset, key(k)): v for (cid, k), v in record.answers.items()})


_PRIOR_KEY = re.compile(r"^(prior|qualifier|counts|separate)-(\d+)$")


POLICIES = [None, *sorted(shipped_policies())]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p or "statute")
def test_every_statute_case_and_its_answered_forms_read_the_same_alone_and_at_once(policy):
    """All at once, as a county is evaluated: each form a person of its own; under the statute alone and
    under each shipped county policy."""
    forms = [form for case in CASES for form in _answered_forms(case.build())]
    assert len(forms) > 150
    records = [_renumbered(form, 1_000_000 * (n + 1)) for n, form in enumerate(forms)]
    assert _differences(records, policy=resolve_policy(policy)) == []


def test_the_engine_is_the_column_engine():
    """The product's entry points run the rules over columns: there is no second engine to drift apart."""
    from reviewer.engine import statute

    case = CASES[0].build()
    assert evaluate_record(case, COUNTY, AS_OF) == columns.evaluate_records([case], COUNTY, AS_OF)
    assert not hasattr(statute, "assess") and not hasattr(statute, "StatuteResult")


def _sample(records: list[PersonRecord], every: int = 40, busiest: int = 40) -> list[PersonRecord]:
    """Every `every`-th person, and the `busiest` persons with the most convictions (priors, other counties,
    several counts of a case: where a join across persons would go wrong first)."""
    chosen = {id(r): r for r in records[::every]}
    chosen.update((id(r), r) for r in sorted(records, key=lambda r: -len(r.convictions))[:busiest])
    return list(chosen.values())


def _imported(tmp_path, doj) -> list[PersonRecord]:
    from reviewer.services.importing import import_file
    from reviewer.store.database import Database
    from reviewer.store.records import records_in_county

    db = Database(tmp_path / "r.db")
    try:
        import_file(db, doj)
        with db.engine.connect() as conn:
            return {county: list(records_in_county(conn, county)) for county in ("LOS ANGELES", "SACRAMENTO")}
    finally:
        db.dispose()


def test_a_generated_county_file_of_100k_rows_reads_the_same_alone_and_at_once(tmp_path):
    """The demo generator's records as the import stores them: thousands of persons with priors in other
    counties, counts at several court steps, post-AUMA convictions, data problems. All of them at once,
    against a sample of them each alone (one person at a time costs a run of the rules each)."""
    from reviewer.ingest.synthetic import write_demo_file

    doj = tmp_path / "doj.csv"
    write_demo_file(doj, 100_000, "LOS ANGELES", seed=3)
    records = _imported(tmp_path, doj)["LOS ANGELES"]
    assert len(records) > 5000
    alone = _sample(records)
    assert len(alone) > 150
    for policy in (None, "los-angeles-pilot-2019"):
        assert _differences(records, "LOS ANGELES", resolve_policy(policy), alone) == [], policy


@pytest.mark.parametrize("workbook,county,policy", [
    ("configurable_flow.xlsx", "SACRAMENTO", "eligibility_options.json"),
    ("configurable_flow.xlsx", "SACRAMENTO", "sacramento-configurable-2019"),
    ("los_angeles.xlsx", "LOS ANGELES", "los-angeles-pilot-2019"),
])
def test_the_gogen_fixtures_read_the_same_alone_and_at_once(tmp_path, gogen_dir, workbook, county, policy):
    from tests.gogen_workbooks import workbook_to_doj

    doj = tmp_path / "doj.csv"
    workbook_to_doj(gogen_dir / workbook, doj)
    records = _imported(tmp_path, doj)[county]
    assert records
    alone = _sample(records, every=4)
    assert _differences(records, county, alone=alone) == []
    spec = gogen_dir / policy if policy.endswith(".json") else policy
    assert _differences(records, county, resolve_policy(spec), alone) == []


def test_the_rows_evaluate_stores_are_the_rows_an_answer_stores(tmp_path):
    """What the database would hold: every evaluation row (reasons JSON with shared references, questions
    JSON, priority, flags) and the shared reasons, character for character, as `reviewer evaluate` writes
    them (services/column_rows over the frames read back from SQLite) and as an answer's re-evaluation
    writes them (services.evaluating.evaluation_row of each Evaluation)."""
    from reviewer.ingest.synthetic import write_demo_file
    from reviewer.services.evaluating import county_rows, evaluation_row
    from reviewer.services.importing import import_file
    from reviewer.store.database import Database
    from reviewer.store.records import records_in_county

    doj = tmp_path / "doj.csv"
    write_demo_file(doj, 50_000, "LOS ANGELES", seed=5)
    db = Database(tmp_path / "r.db")
    try:
        import_file(db, doj)
        for name in (None, "los-angeles-pilot-2019"):
            policy = resolve_policy(name)
            with db.engine.connect() as conn:
                records = list(records_in_county(conn, "LOS ANGELES"))
            shared: dict[str, str] = {}
            expected = sorted(evaluation_row(ev, shared) for ev in evaluate_records(records, "LOS ANGELES", AS_OF,
                                                                                     policy))
            rows, found_shared = county_rows(db, "LOS ANGELES", AS_OF, policy)  # (ADBC: no connection open)
            assert len(expected) > 3000
            assert expected == rows, name
            assert shared == found_shared
    finally:
        db.dispose()


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p or "statute")
def test_the_statute_cases_are_stored_alike_by_evaluate_and_by_an_answer(policy):
    """The stored row of every statute case and answered form (and of a count without a level), character for
    character: services/column_rows over the engine's frame (`reviewer evaluate`, the one-pass import) and
    services.evaluating.evaluation_row of its Evaluations (an answer's re-evaluation)."""
    from reviewer.engine.columns.frame import from_records
    from reviewer.services.column_rows import stored_rows
    from reviewer.services.evaluating import evaluation_row
    from tests.records import conv, record

    forms = [form for case in CASES for form in _answered_forms(case.build())]
    forms.append(record(conv("11359 HS", "2012-01-01", level="")))  # no level: a data problem, not flagged
    records = [_renumbered(form, 1_000_000 * (n + 1)) for n, form in enumerate(forms)]
    rules = resolve_policy(policy)
    shared: dict[str, str] = {}
    expected = sorted(evaluation_row(ev, shared) for ev in evaluate_records(records, COUNTY, AS_OF, rules))
    done = columns.evaluate_frames(*from_records(records), COUNTY, AS_OF, rules)
    rows, found_shared = stored_rows(done, AS_OF)
    assert rows.rows() == [tuple(r) for r in expected]
    assert found_shared == shared


def test_reasons_written_from_columns_are_written_as_from_evaluations_whatever_their_characters(monkeypatch):
    """column_rows's reasons JSON (printable ASCII over columns, the rest by Python's json, shared reasons as
    references), slice by slice, against services.evaluating.stored_reasons: quotes, backslashes, tabs, accents,
    emoji and empty texts, in plain and shared reasons alike."""
    import polars as pl

    from reviewer.domain.records import Reason
    from reviewer.engine.columns.rules import PART, SEP
    from reviewer.services import column_rows
    from reviewer.services.evaluating import stored_reasons

    monkeypatch.setattr(column_rows, "REASON_ROWS", 3)  # several slices
    texts = ["plain words", 'a "quoted" word', "back\\slash \\\"both\\\"", "tab\there", "CASTAÑEDA", "emoji \U0001F600",
             "", "ends with a backslash\\"]
    rows = [(n, (Reason("same-case", "HS 11357(b)", text), Reason("statute-alone", "HS 11361.8", f"county: {text}"),
                 Reason("policy:rule-2", 'policy "P" v1', text), Reason("no-felony-exception", "HS 11361.8(e)", "none")))
            for n, text in enumerate(texts)]
    frame = pl.DataFrame({"conviction_id": [n for n, _ in rows],
                          "all": [SEP.join(PART.join((r.rule, r.citation, r.text)) for r in reasons)
                                  for _, reasons in rows]})
    got, got_shared = column_rows._reasons_in_slices(frame)
    shared: dict[str, str] = {}
    assert got.sort("conviction_id").rows() == [(n, stored_reasons(reasons, shared)) for n, reasons in rows]
    assert got_shared == shared and len(shared) > len(texts)
