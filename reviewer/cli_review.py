"""Subcommands for the review queue: `gui` (the desktop app) and `accept` (bulk accept without a screen)."""
from __future__ import annotations

from reviewer.cli import UsageError, register
from reviewer.domain.vocabulary import Level, Role, Suggestion


def build_gui(sub, user: str) -> None:
    p = sub.add_parser("gui", help="open the review queue (the default when no command is given)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--db", help="SQLite file path or SQLAlchemy URL (default: your database)")
    where.add_argument("--demo", action="store_true", help="open the demo database (built on first use)")
    p.add_argument("--user", help="reviewer's name; with it, nobody is asked who is there")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.ATTORNEY.value)
    p.add_argument("--bar-number", default="", dest="bar_number", help="State Bar number recorded with decisions")


def cmd_gui(args) -> int:
    from reviewer.ui.app import run

    return run(
        db=getattr(args, "db", None),
        demo=getattr(args, "demo", False),
        user=getattr(args, "user", None),
        role=getattr(args, "role", Role.ATTORNEY.value),
        bar_number=getattr(args, "bar_number", ""),
    )


def build_accept(sub, user: str) -> None:
    p = sub.add_parser("accept", help="accept the suggestion for every pending evaluated conviction that matches")
    p.add_argument("--db", required=True, help="SQLite file path or SQLAlchemy URL")
    p.add_argument("--user", required=True, default=user, help="the attorney accepting (recorded on each decision)")
    p.add_argument("--bar-number", default="", dest="bar_number")
    p.add_argument("--suggestion", choices=[s.value for s in Suggestion if s is not Suggestion.NEEDS_REVIEW])
    p.add_argument("--section", help="code section, e.g. 11359 or HS 11359")
    p.add_argument("--level", choices=[lv.value for lv in Level], help="F felony, M misdemeanor, I infraction")


def cmd_accept(args) -> int:
    from reviewer.services import deciding
    from reviewer.services.identity import IdentityError, signed_in_user
    from reviewer.services.queue import open_database

    name = (args.user or "").strip()
    if not name:
        raise UsageError("--user must name the attorney accepting")
    section = None
    if args.section:
        section = args.section.upper().replace("HS", "").strip()
        if not section.isdigit():
            raise UsageError(f"--section {args.section!r} is not a code section such as 11359")
    db = open_database(args.db)
    try:
        user = signed_in_user(db, name, Role.ATTORNEY, args.bar_number)  # PostgreSQL: the connection's role
        ids = deciding.pending_ids(db, suggestion=args.suggestion, section=section, level=args.level)
        result = deciding.accept_many(db, ids, user)
    except (deciding.DecisionRefused, IdentityError) as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.dispose()
    text = f"accepted {result.accepted} of {len(ids)} pending convictions"
    by_hand = result.skipped_count(deciding.SkipReason.NEEDS_OUTCOME)
    if by_hand:
        text += f"; {by_hand} need an outcome chosen by hand (suggestion NEEDS_REVIEW) and stay pending"
    others = result.skipped_count(deciding.SkipReason.DECIDED_BY_OTHER)
    if others:
        who = ", ".join(f"{name} {n}" for name, n in sorted(result.decided_first_by.items()))
        text += f"; {others} were decided by someone else first ({who}) and were left as they were"
    print(text)
    by_outcome = result.by_outcome()
    if by_outcome:
        print("decided: " + ", ".join(f"{o.value} {n}" for o, n in sorted(by_outcome.items(), key=lambda i: i[0].value)))
    return 0


def build_questions(sub, user: str) -> None:
    p = sub.add_parser("questions", help="list the engine's open questions (what decides a NEEDS_REVIEW)")
    p.add_argument("--db", required=True, help="SQLite file path or SQLAlchemy URL")
    p.add_argument("--county", help="only convictions of this county")
    p.add_argument("--conviction", type=int, metavar="ID", help="only this conviction")


def cmd_questions(args) -> int:
    from reviewer.services.answering import open_questions
    from reviewer.services.queue import open_database

    db = open_database(args.db)
    try:
        found = open_questions(db, county=args.county, conviction_id=args.conviction)
    finally:
        db.dispose()
    for item in found:  # no names: conviction id, court case and code section identify the count
        q = item.question
        print(f"conviction {item.conviction_id}  court case {item.court_case or '(none)'}  "
              f"{item.code_section or '(no code section)'}  question {q.key}")
        print(f"  {q.text}" + (f" [{q.citation}]" if q.citation else ""))
        for a in q.answers:
            print(f"    --answer {a.value}: {a.label} -> {a.suggestion.value}" + (f" [{a.citation}]" if a.citation else ""))
    print(f"{len(found)} open question{'' if len(found) == 1 else 's'}" + (
        "; answer with: reviewer answer --db DB --conviction ID --question KEY --answer VALUE "
        "--user NAME --bar-number N" if found else ""))
    return 0


def build_answer(sub, user: str) -> None:
    p = sub.add_parser("answer", help="an attorney answers one of the engine's questions about a conviction")
    p.add_argument("--db", required=True, help="SQLite file path or SQLAlchemy URL")
    p.add_argument("--conviction", required=True, type=int, metavar="ID")
    p.add_argument("--question", required=True, metavar="KEY", help="the question's key, as `reviewer questions` lists it")
    p.add_argument("--answer", required=True, metavar="VALUE")
    p.add_argument("--user", required=True, default=user, help="the attorney answering (recorded in the audit log)")
    p.add_argument("--bar-number", default="", dest="bar_number", help="State Bar number (only attorneys answer)")


def cmd_answer(args) -> int:
    from reviewer.services.answering import AnswerRefused, answer_question
    from reviewer.services.identity import IdentityError, signed_in_user
    from reviewer.services.queue import open_database

    name = (args.user or "").strip()
    if not name:
        raise UsageError("--user must name the attorney answering")
    if not (args.bar_number or "").strip():
        raise UsageError("only an attorney can answer: give --bar-number")
    db = open_database(args.db)
    try:
        user = signed_in_user(db, name, Role.ATTORNEY, args.bar_number)  # PostgreSQL: the connection's role
        evaluation = answer_question(db, args.conviction, args.question, args.answer, user)
    except (AnswerRefused, IdentityError) as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.dispose()
    print(f"recorded: conviction {args.conviction} {args.question} = {args.answer} (by {name})")
    print(f"suggestion: {evaluation.suggestion.value}")
    if evaluation.reasons:
        print(f"reason: {evaluation.reasons[0]}")
    used = next((r for r in evaluation.reasons[1:] if r.rule == f"answer:{args.question.strip()}"), None)
    if used is not None:
        print(f"answer: {used}")
    return 0


register("gui", build_gui, cmd_gui)
register("accept", build_accept, cmd_accept)
register("questions", build_questions, cmd_questions)
register("answer", build_answer, cmd_answer)

__all__ = ["cmd_accept", "cmd_answer", "cmd_gui", "cmd_questions"]
