"""`reviewer print`, `reviewer office`, `reviewer sentence`, `reviewer filed`: court papers from the command line."""
from __future__ import annotations

import json
import sys

from reviewer import cli


def _key(text: str) -> tuple[int, str]:
    person, _, case_key = text.partition(":")
    if not person.isdigit() or not case_key:
        raise cli.UsageError(f"{text!r}: give a court case as PERSON_ID:CASE_KEY (as `reviewer print` lists them)")
    return int(person), case_key


def _user(args):
    from reviewer.domain.people import User
    from reviewer.domain.vocabulary import Role

    role = Role.ATTORNEY if getattr(args, "bar_number", "") else Role.CLERK
    return User(args.user or "unknown", role, getattr(args, "bar_number", "") or "")


def cmd_print(args) -> int:
    from reviewer.services.office import OfficeError
    from reviewer.services.printing import PrintRefused, print_batch

    db = cli._open(args.db)
    keys = [_key(k) for k in args.case] if args.case else None
    try:
        report = print_batch(db, args.out, _user(args), scope=args.cases, keys=keys, workers=args.workers)
    except (PrintRefused, OfficeError) as exc:
        raise cli.UsageError(str(exc)) from None
    except KeyboardInterrupt:
        print("interrupted: cases already recorded as printed have their complete PDF; run again to print the rest",
              file=sys.stderr)
        return 130
    print(report.summary())
    return 0


def cmd_office(args) -> int:
    from reviewer.services.office import OfficeError, load_office_document, read_office_file, save_office

    db = cli._open(args.db)
    try:
        if args.load:
            office = save_office(db, read_office_file(args.load), args.user)
            print(f"office details saved: {office.district_attorney}, County of {office.county}")
            return 0
        print(json.dumps(load_office_document(db), indent=2, ensure_ascii=False))
        return 0
    except OfficeError as exc:
        raise cli.UsageError(str(exc)) from None


def cmd_sentence(args) -> int:
    from reviewer.domain.vocabulary import SentenceStatus
    from reviewer.services.printing import PrintRefused, answer_sentence

    if not args.bar_number:
        raise cli.UsageError("only an attorney can answer: give --bar-number")
    try:
        n = answer_sentence(cli._open(args.db), _key(args.case), SentenceStatus(args.status.upper()), _user(args),
                            counts=args.count)
    except PrintRefused as exc:
        raise cli.UsageError(str(exc)) from None
    print(f"recorded: sentence {args.status} for {n} count{'s' if n != 1 else ''} of court case {args.case}")
    return 0


def cmd_filed(args) -> int:
    from reviewer.services.printing import PrintRefused, mark_filed

    if not args.case:
        raise cli.UsageError("give at least one --case PERSON_ID:CASE_KEY")
    try:
        n = mark_filed(cli._open(args.db), [_key(k) for k in args.case], args.on, _user(args))
    except PrintRefused as exc:
        raise cli.UsageError(str(exc)) from None
    print(f"recorded {n} court cases as filed on {args.on.isoformat()}")
    return 0


def cmd_case_number(args) -> int:
    from reviewer.services.printing import PrintRefused, enter_case_number

    try:
        number = enter_case_number(cli._open(args.db), _key(args.case), args.number, _user(args))
    except PrintRefused as exc:
        raise cli.UsageError(str(exc)) from None
    print(f"recorded: court case {args.case} is case number {number}; print its papers again to carry it")
    return 0


def _build_case_number(sub, user: str) -> None:
    p = sub.add_parser("case-number", help="enter the court case number of a case whose DOJ record has none")
    p.add_argument("--db", required=True)
    p.add_argument("--case", required=True, metavar="PERSON_ID:CASE_KEY")
    p.add_argument("--number", required=True, help="the court's case number, as on its docket")
    p.add_argument("--user", default=user)


def _build_print(sub, user: str) -> None:
    p = sub.add_parser("print", help="print court papers: one PDF per court case, a combined PDF, a bulk motion")
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True, help="folder for the PDFs (created if needed)")
    p.add_argument("--cases", choices=["not-printed", "all-decided"], default="not-printed",
                   help="decided cases not printed yet (default), or every decided case (reprint)")
    p.add_argument("--case", action="append", metavar="PERSON_ID:CASE_KEY", help="print (or reprint) only these")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: by batch size and cores)")
    p.add_argument("--user", default=user)


def _build_office(sub, user: str) -> None:
    p = sub.add_parser("office", help="show or set the office details printed on court papers")
    p.add_argument("--db", required=True)
    p.add_argument("--load", metavar="FILE", help="JSON file with the office details (see resources/office)")
    p.add_argument("--user", default=user)


def _build_sentence(sub, user: str) -> None:
    p = sub.add_parser("sentence", help="an attorney says whether a case's sentence is still served")
    p.add_argument("--db", required=True)
    p.add_argument("--case", required=True, metavar="PERSON_ID:CASE_KEY")
    p.add_argument("--status", required=True, choices=["serving", "completed"])
    p.add_argument("--count", action="append", metavar="N",
                   help="the count this answer is for (repeatable); default: every count the record leaves unknown")
    p.add_argument("--user", default=user)
    p.add_argument("--bar-number", dest="bar_number", default="")


def _build_filed(sub, user: str) -> None:
    p = sub.add_parser("filed", help="record that printed court cases were filed")
    p.add_argument("--db", required=True)
    p.add_argument("--case", action="append", metavar="PERSON_ID:CASE_KEY")
    p.add_argument("--on", required=True, type=cli._date, help="filing date YYYY-MM-DD")
    p.add_argument("--user", default=user)


cli.register("print", _build_print, cmd_print)
cli.register("office", _build_office, cmd_office)
cli.register("sentence", _build_sentence, cmd_sentence)
cli.register("filed", _build_filed, cmd_filed)
cli.register("case-number", _build_case_number, cmd_case_number)
