"""`reviewer policy new|show` (an office's policy file) and `reviewer whatif` (what a policy would change)."""
from __future__ import annotations

from reviewer import cli

STATUTE_ALONE = "statute-alone"


def cmd_policy(args) -> int:
    from reviewer.engine.conditions import PolicyError
    from reviewer.engine.policy import load_policy
    from reviewer.engine.policy_words import policy_words
    from reviewer.services import policy_files

    try:
        if args.action == "new":
            document = policy_files.new_policy_document(policy_files.base_document(args.source), args.name,
                                                        args.version)
            policy = policy_files.write_policy_file(document, args.out, overwrite=args.force)
            print(f"wrote {args.out}: {policy.identity}, {len(policy.rules)} rules, based on {document['based_on']}")
            print(f"edit it, read it back with `reviewer policy show {args.out}`, and see what it would change with "
                  f"`reviewer whatif --db DB --policy {args.out}`")
            return 0
        print("\n".join(policy_words(load_policy(args.file))))
        return 0
    except PolicyError as exc:
        raise cli.UsageError(str(exc)) from None


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def cmd_whatif(args) -> int:
    from reviewer.engine.conditions import PolicyError
    from reviewer.services.counties import UnknownCounty
    from reviewer.services.evaluating import resolve_policy
    from reviewer.services.whatif import check_county, suggestion_label, what_if, write_csv

    try:
        policy = None if args.policy == STATUTE_ALONE else resolve_policy(args.policy)
    except PolicyError as exc:
        raise cli.UsageError(str(exc)) from None
    db = cli._open(args.db)
    try:
        check_county(db, args.county)
        result = what_if(db, policy, args.county, args.as_of)
    except (UnknownCounty, ValueError) as exc:
        raise cli.UsageError(str(exc)) from None
    finally:
        db.dispose()
    if args.csv:
        n = write_csv(result, args.csv)
        print(f"wrote {n} changed convictions to {args.csv}")
    header = ("person", "CII", "court case", "section", "level", "convicted", "now", "with the change", "decided")
    rows = [header] + [
        (c.standing.name, c.standing.cii, c.standing.court_case, c.standing.code_section, c.standing.level,
         c.standing.disposition_date, suggestion_label(c.standing.suggestion), suggestion_label(c.proposed),
         f"yes: {c.standing.outcome} by {c.standing.decided_by}" if c.decided else "no")
        for c in result.changes]
    if not args.csv or args.table:
        print(_table(rows) if result.changes else "no conviction's suggestion would change")
    print(result.summary())
    return 0


def _policy_parser(sub, user) -> None:
    p = sub.add_parser("policy", help="write an office policy file from a shipped one, or show a policy in plain words")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="write a new policy file starting from a shipped policy or another file")
    new.add_argument("--from", dest="source", required=True, metavar="POLICY",
                     help="shipped policy name (los-angeles-pilot-2019, sacramento-configurable-2019, "
                          "statute-with-challenges) or a Reviewer policy file")
    new.add_argument("--out", required=True, metavar="FILE.json")
    new.add_argument("--name", default="", help="the new policy's name (default: the base's name, office copy)")
    new.add_argument("--version", default="1", help="its version (default 1)")
    new.add_argument("--force", action="store_true", help="replace FILE if it exists")
    show = actions.add_parser("show", help="a policy file in plain words: each rule, in the order tried")
    show.add_argument("file", metavar="FILE")


def _whatif_parser(sub, user) -> None:
    p = sub.add_parser("whatif", help="which people and decided convictions a policy would change (writes nothing)")
    p.add_argument("--db", required=True)
    p.add_argument("--policy", required=True,
                   help=f"policy file, shipped policy name, or {STATUTE_ALONE} (no county policy)")
    p.add_argument("--county", help="default: the county of the newest evaluation")
    p.add_argument("--as-of", type=cli._as_of, dest="as_of", help="default: the current run's as-of date")
    p.add_argument("--csv", metavar="FILE.csv", help="write the changed convictions as CSV")
    p.add_argument("--table", action="store_true", help="with --csv, print the table too")


cli.register("policy", _policy_parser, cmd_policy)
cli.register("whatif", _whatif_parser, cmd_whatif)
