"""The statute's rules over columns (issue 14): a county's convictions as one polars frame, each rule of
engine/statute.py a column expression with its citation and reason template, the record-wide facts
(priors, the same court case) by joins and group-bys instead of a loop per person.

Under construction: the per-record engine (engine/statute.py, engine/evaluate.py) is still the one the
product runs, and tests/test_column_engine.py holds the two to the same suggestions, reasons and
questions on every record it covers (see `covered`).
"""
