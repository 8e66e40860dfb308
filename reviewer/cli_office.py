"""Subcommands for a shared office: `audit verify`, `audit seal`, `office-db setup`, `office-db add`."""
from __future__ import annotations

import sys

from reviewer.cli import UsageError, register


def build_audit(sub, user: str) -> None:
    p = sub.add_parser("audit", help="verify the audit log end to end, or seal its head in a file")
    what = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = what.add_parser("verify", help="check the chain and the tables it describes (exit 0 only when all holds)")
    v.add_argument("--db", required=True, help="SQLite file path or SQLAlchemy URL")
    v.add_argument("--seal", help="a seal file written by `reviewer audit seal` (finds a cut tail, a re-hashed chain)")
    s = what.add_parser("seal", help="write the log's current head to a file kept outside the database")
    s.add_argument("--db", required=True)
    s.add_argument("--out", required=True, help="where to write the seal (JSON)")


def cmd_audit(args) -> int:
    from reviewer.services.auditing import SealError, seal, verify
    from reviewer.services.queue import open_database

    db = open_database(args.db)
    try:
        if args.audit_command == "seal":
            sealed = seal(db, args.out)
            print(f"sealed entry {sealed.entry_id} of {sealed.entries} (hash {sealed.hash}) in {args.out}")
            return 0
        report = verify(db, args.seal)
    except SealError as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.dispose()
    for finding in report.findings:
        print(finding)
    print(report.line(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def build_office_db(sub, user: str) -> None:
    p = sub.add_parser("office-db", help="shared PostgreSQL database: roles for attorneys, clerks and administrators")
    what = p.add_subparsers(dest="office_command", metavar="ACTION", required=True)
    s = what.add_parser("setup", help="create reviewer_attorney, reviewer_clerk, reviewer_admin and their grants")
    s.add_argument("--db", required=True, help="PostgreSQL URL, connecting as the database's owner")
    a = what.add_parser("add", help="make a person's own database login a member of an office role")
    a.add_argument("--db", required=True)
    a.add_argument("login", help="the person's PostgreSQL login role (password, Kerberos or LDAP: the server's)")
    a.add_argument("--role", required=True, choices=["attorney", "clerk", "admin"])
    a.add_argument("--create", action="store_true", help="create the login role if it does not exist")


def cmd_office_db(args) -> int:
    from reviewer.services.office_db import OfficeSetupError, add_person, setup

    try:
        if args.office_command == "setup":
            grants = setup(args.db)
            print(f"office roles ready: reviewer_attorney, reviewer_clerk, reviewer_admin ({len(grants)} grants)")
            print("add people with: reviewer office-db add --db URL LOGIN --role attorney|clerk|admin")
            return 0
        role = add_person(args.db, args.login, args.role, args.create)
        print(f"{args.login} is now a member of {role}")
        return 0
    except OfficeSetupError as exc:
        raise UsageError(str(exc)) from None


register("audit", build_audit, cmd_audit)
register("office-db", build_office_db, cmd_office_db)

__all__ = ["cmd_audit", "cmd_office_db"]
