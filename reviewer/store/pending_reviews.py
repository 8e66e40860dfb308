"""The statement that gives each conviction of an evaluation run a pending review, shared by both writers
of a run (services/evaluating.py through SQLAlchemy, store/first_evaluation.py by ADBC). A module of its
own: the evaluation service imports it without Arrow, which the ADBC writer needs."""

# A pending review for each conviction of run ? that has none yet.
PENDING_REVIEWS = ("INSERT INTO review (conviction_id, status, version) SELECT conviction_id, 'pending', 0 "
                   "FROM evaluation WHERE run_id = ? ON CONFLICT (conviction_id) DO NOTHING")
