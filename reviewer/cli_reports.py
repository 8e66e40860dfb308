"""`reviewer summary`, `reviewer mapping`, `reviewer forget-sources`; and user-facing refusals for exports.

`reviewer export register|gogen` and `reviewer import --mapping` are dispatched by cli.py
itself; this module only makes their refusals exit with code 2 and a one-line message.
"""
from __future__ import annotations

from reviewer import cli


def _refusals_are_usage_errors(handler):
    def wrapped(args) -> int:
        from reviewer.services.gogen_export import ExportRefused

        try:
            return handler(args)
        except ExportRefused as exc:
            raise cli.UsageError(str(exc)) from None

    return wrapped


def cmd_summary(args) -> int:
    from reviewer.services.summary import export_summary_pdf, figures_text, summary_figures

    db = cli._open(args.db)
    figures = summary_figures(db)
    print(figures_text(figures))
    if args.pdf:
        export_summary_pdf(db, args.pdf, figures)
        print(f"wrote {args.pdf}")
    return 0


def cmd_mapping(args) -> int:
    from reviewer.services import generic_import as gi

    db = cli._open(args.db)
    try:
        if args.save:
            mapping = gi.load_mapping(args.save)
            gi.save_mapping(db, mapping, args.user)
            print(f"saved the mapping for {mapping.source!r}")
            return 0
        if args.delete:
            if not gi.delete_mapping(db, args.delete, args.user):
                raise cli.UsageError(f"no saved mapping for {args.delete!r}")
            print(f"deleted the mapping for {args.delete!r}")
            return 0
        if args.show:
            mapping = gi.resolve_mapping(db, args.show)
            if args.out:
                gi.write_mapping_file(mapping, args.out)
                print(f"wrote {args.out}")
            else:
                print(mapping.to_json())
            return 0
    except gi.MappingError as exc:
        raise cli.UsageError(str(exc)) from None
    saved = gi.list_mappings(db)
    if not saved:
        print("no saved mappings")
    for mapping in saved:
        print(f"{mapping.source}: " + ", ".join(f"{k} <- {v!r}" for k, v in mapping.columns.items()))
    return 0


def cmd_forget_sources(args) -> int:
    from reviewer.services.gogen_export import SpaceNotErased, forget_kept_files

    try:
        count = forget_kept_files(cli._open(args.db), args.batch or None, args.user)
    except SpaceNotErased as exc:
        raise cli.UsageError(str(exc)) from None
    print(f"deleted the kept copy of {count} imported file(s); `export gogen` can no longer repeat their rows")
    return 0


def cmd_encrypt(args) -> int:
    from reviewer.services.at_rest import EncryptionUnavailable, encrypt_database

    try:
        encrypt_database(args.db, args.user)
    except EncryptionUnavailable as exc:
        raise cli.UsageError(str(exc)) from None
    print(f"encrypted {args.db} (SQLCipher); its key is in this computer's keyring, for this user: back the "
          "database up only together with a way to restore that key")
    return 0


def _encrypt_parser(sub, user) -> None:
    p = sub.add_parser("encrypt", help="encrypt a SQLite database at rest (SQLCipher, key in the OS keyring)")
    p.add_argument("--db", required=True, help="SQLite database file")
    p.add_argument("--user", default=user)


def _summary_parser(sub, user) -> None:
    p = sub.add_parser("summary", help="print the summary figures (and write the one-page PDF)")
    p.add_argument("--db", required=True)
    p.add_argument("--pdf", metavar="FILE.pdf", help="also write the dashboard as a one-page PDF")


def _mapping_parser(sub, user) -> None:
    p = sub.add_parser("mapping", help="list, save, show or delete column mappings for case-management exports")
    p.add_argument("--db", required=True)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--save", metavar="MAPPING.json", help="save a mapping file under its source name")
    group.add_argument("--show", metavar="SOURCE", help="print a saved mapping (or write it with --out)")
    group.add_argument("--delete", metavar="SOURCE", help="delete a saved mapping")
    p.add_argument("--out", metavar="MAPPING.json")
    p.add_argument("--user", default=user)


def _forget_parser(sub, user) -> None:
    p = sub.add_parser("forget-sources", help="delete the copies of imported files kept for gogen exports")
    p.add_argument("--db", required=True)
    p.add_argument("--batch", type=int, action="append", metavar="ID", help="only this import (repeatable)")
    p.add_argument("--user", default=user)


cli.register("summary", _summary_parser, cmd_summary)
cli.register("mapping", _mapping_parser, cmd_mapping)
cli.register("forget-sources", _forget_parser, cmd_forget_sources)
cli.register("encrypt", _encrypt_parser, cmd_encrypt)
cli.COMMANDS["export"] = _refusals_are_usage_errors(cli.COMMANDS["export"])
