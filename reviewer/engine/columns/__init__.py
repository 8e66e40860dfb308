"""The engine (issue 14): a county's convictions as one polars frame, each rule a column expression with
its citation and reason template, the record-wide facts (priors, the same court case) by joins and
group-bys instead of a loop per person. The same rules run over one person's rows alone (an attorney's
answer, engine.evaluate.evaluate_record); tests/test_column_engine.py holds the two ways together.
"""
