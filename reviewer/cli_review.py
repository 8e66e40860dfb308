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
    from reviewer.domain.people import User
    from reviewer.services import deciding
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
        ids = deciding.pending_ids(db, suggestion=args.suggestion, section=section, level=args.level)
        accepted = deciding.accept_many(db, ids, User(name, Role.ATTORNEY, args.bar_number))
    finally:
        db.dispose()
    left = len(ids) - accepted
    text = f"accepted {accepted} of {len(ids)} pending convictions"
    if left:
        text += f"; {left} need an outcome chosen by hand (suggestion NEEDS_REVIEW) and stay pending"
    print(text)
    return 0


register("gui", build_gui, cmd_gui)
register("accept", build_accept, cmd_accept)

__all__ = ["cmd_accept", "cmd_gui"]
