"""Command line: the same use cases as the app, without a screen.

Exit codes: 0 done, 2 input rejected or a usage problem (message on stderr), 1 unexpected
failure (a one-line message; the traceback only with REVIEWER_DEBUG=1).
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from reviewer import __version__


class UsageError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _as_of(text: str) -> date:
    """--as-of: a date an evaluation can be made as of (domain.as_of)."""
    from reviewer.domain.as_of import as_of_problem

    day = _date(text)
    problem = as_of_problem(day, date.today())
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return day


def _open(db_arg: str):
    from reviewer.store.database import Database

    return Database(db_arg)


def cmd_import(args) -> int:
    from reviewer.services.gc_pause import cycle_collector_paused

    with cycle_collector_paused():  # (the modules it loads and the rows it reads die by reference counting)
        return _import(args)


def _import(args) -> int:
    evaluating = args.county is not None
    if evaluating and args.as_of is None:
        raise UsageError("--county needs --as-of DATE: the date the evaluation is made as of")
    if not evaluating and (args.as_of is not None or args.policy is not None):
        raise UsageError("--as-of and --policy evaluate after the import: give --county NAME too")
    reading = _read_ahead(args)
    from reviewer.ingest.problems import FileRejected  # (loaded once the read has started: SQLAlchemy and all)
    from reviewer.services.importing import import_file

    policy = _policy(args.policy) if evaluating else None  # a bad policy stops before anything is written
    db = _open(args.db)
    if evaluating and reading is not None:
        return _import_and_evaluate(db, args, policy, reading)
    status = 0
    for path in args.files:
        try:
            if args.mapping:
                from reviewer.services.generic_import import import_mapped_file

                report = import_mapped_file(db, path, args.mapping, user=args.user)
            else:
                report = import_file(db, path, user=args.user, reading=reading)
        except FileRejected as exc:
            print(f"rejected: {exc}", file=sys.stderr)
            status = 2
            continue
        _print_import(report, args)
    if evaluating:
        if status:
            print("not evaluated: a file was rejected (evaluate once it is corrected and imported)", file=sys.stderr)
            return status
        _evaluate(db, args, policy)
    return status


def _read_ahead(args):
    """A single DOJ file starts being read (ingest.doj_reader.read_ahead) before the rest loads and the
    database opens; None otherwise (each file is read as it is imported)."""
    if len(args.files) != 1 or args.mapping:
        return None
    from reviewer.ingest.doj_reader import read_ahead

    return read_ahead(args.files[0], date.today())


def _print_import(report, args) -> None:
    print(report.summary())
    for line in report.problems[: args.show_problems]:
        print(f"  flagged: {line}")
    if len(report.problems) > args.show_problems:
        print(f"  ... and {len(report.problems) - args.show_problems} more flagged rows (see the import report)")


def _import_and_evaluate(db, args, policy, reading) -> int:
    """One file imported and the county evaluated in one pass (services/one_pass.py): what the import
    and then `reviewer evaluate` print."""
    from reviewer.ingest.problems import FileRejected
    from reviewer.services.counties import UnknownCounty
    from reviewer.services.evaluating import EvaluationConflict
    from reviewer.services.one_pass import import_and_evaluate

    workers = max(1, min(args.workers, os.cpu_count() or 1))
    try:
        _, evaluation = import_and_evaluate(db, args.files[0], args.county, args.as_of, policy,
                                            user=args.user, workers=workers,
                                            imported=lambda report: _print_import(report, args),
                                            reading=reading)
    except FileRejected as exc:
        print(f"rejected: {exc}", file=sys.stderr)
        print("not evaluated: a file was rejected (evaluate once it is corrected and imported)", file=sys.stderr)
        return 2
    except (UnknownCounty, EvaluationConflict) as exc:
        raise UsageError(str(exc)) from None
    print(evaluation.summary())
    return 0


def _policy(spec):
    from reviewer.engine.conditions import PolicyError
    from reviewer.services.evaluating import resolve_policy

    try:
        return resolve_policy(spec)
    except PolicyError as exc:
        raise UsageError(str(exc)) from None


def _evaluate(db, args, policy) -> None:
    """The county's cannabis convictions evaluated and stored, as `reviewer evaluate` does."""
    from reviewer.services.counties import UnknownCounty, require_county
    from reviewer.services.evaluating import EvaluationConflict, evaluate

    workers = max(1, min(args.workers, os.cpu_count() or 1))
    try:
        require_county(db, args.county)  # a typo would otherwise evaluate nothing and say "Evaluated 0"
        report = evaluate(db, args.county, args.as_of, policy, user=args.user, workers=workers)
    except (UnknownCounty, EvaluationConflict) as exc:
        raise UsageError(str(exc)) from None
    print(report.summary())


def cmd_evaluate(args) -> int:
    policy = _policy(args.policy)
    _evaluate(_open(args.db), args, policy)
    return 0


def cmd_export(args) -> int:
    db = _open(args.db)
    if args.what == "results":
        from reviewer.services.exporting import export_results

        n = export_results(db, args.out)
        print(f"wrote {n} rows to {args.out}")
        return 0
    if args.what == "register":
        from reviewer.services.registering import export_register

        n = export_register(db, args.out)
        print(f"wrote {n} rows to {args.out}")
        return 0
    if args.what == "gogen":
        from reviewer.services.gogen_export import export_gogen

        files = export_gogen(db, args.out, raw=args.raw)
        print("wrote " + ", ".join(str(f) for f in files))
        return 0
    raise UsageError(f"unknown export {args.what!r}")


def cmd_demo_data(args) -> int:
    from reviewer.ingest.synthetic import write_demo_file

    stats = write_demo_file(args.out, rows=args.rows, county=args.county.upper(), seed=args.seed)
    print(
        f"wrote {stats.rows} rows ({stats.persons} persons, {stats.convictions} convictions, "
        f"{stats.cannabis_convictions} cannabis convictions) to {args.out}"
    )
    return 0


def cmd_about(args) -> int:
    """What this installation runs on, for a support request."""
    import sqlite3

    import pyarrow

    from reviewer.store.staging import driver_version

    adbc = driver_version()
    print(f"reviewer {__version__}")
    print(f"python {sys.version.split()[0]}; sqlite {sqlite3.sqlite_version}; pyarrow {pyarrow.__version__}")
    print(f"sqlite bulk import: ADBC driver {adbc}" if adbc else
          "sqlite bulk import: row by row (the ADBC SQLite driver is not available)")
    return 0


COMMANDS = {"import": cmd_import, "evaluate": cmd_evaluate, "export": cmd_export, "demo-data": cmd_demo_data,
            "about": cmd_about}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reviewer", description="Clear Proposition 64 cannabis convictions.")
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    user = os.environ.get("REVIEWER_USER", os.environ.get("USER", ""))

    p = sub.add_parser("import", help="import DOJ research files (or mapped case exports)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--db", required=True, help="SQLite file path or SQLAlchemy URL")
    p.add_argument("--mapping", help="column mapping JSON for a case-management export")
    p.add_argument("--user", default=user)
    p.add_argument("--show-problems", type=int, default=20, metavar="N", help="flagged rows to print (default 20)")
    p.add_argument("--county", help="then evaluate this county's cannabis convictions, in the same process")
    p.add_argument("--as-of", type=_as_of, dest="as_of", help="with --county: the evaluation's date")
    p.add_argument("--policy", help="with --county: policy JSON file or shipped policy name (default: statute only)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="kept for scripts: the evaluation runs on every core in one process")

    p = sub.add_parser("evaluate", help="evaluate a county's cannabis convictions")
    p.add_argument("--db", required=True)
    p.add_argument("--county", required=True)
    p.add_argument("--as-of", required=True, type=_as_of, dest="as_of")
    p.add_argument("--policy", help="policy JSON file (Reviewer or gogen format) or a shipped policy name")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="kept for scripts: the evaluation runs on every core in one process")
    p.add_argument("--user", default=user)

    p = sub.add_parser("export", help="export results")
    p.add_argument("what", choices=["results", "register", "gogen"])
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--raw", action="store_true",
                   help="gogen: repeat the DOJ cells byte for byte (to compare with gogen's own files); "
                        "by default a cell a spreadsheet would run as a formula is written as text")

    sub.add_parser("about", help="versions of Reviewer and what it runs on (for support)")

    p = sub.add_parser("demo-data", help="write a synthetic DOJ research file (fabricated people)")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--county", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)

    for extra in _EXTRA_PARSERS:
        extra(sub, user)
    return parser


_EXTRA_PARSERS: list = []


def register(name, builder, handler) -> None:
    """Let a feature module add a subcommand (keeps this file small as features grow)."""
    _EXTRA_PARSERS.append(builder)
    COMMANDS[name] = handler


def _private_files() -> None:
    """Everything this process creates (database, its WAL, exports, PDFs, folders) is readable by the user
    only: 0600 files and 0700 folders on POSIX. (On Windows the user data folder's ACL is the profile's.)"""
    if os.name == "posix":
        os.umask(0o077)


def _sigterm_interrupts() -> None:
    """SIGTERM ends a command as Ctrl+C does: the open transaction rolls back, partial files are removed,
    a print job is marked interrupted (instead of dying with nothing cleaned up)."""
    import signal

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (main() called from a thread): leave it
        pass


def _clean_up_after_killed_processes() -> None:
    from reviewer.services.cleanup import at_start

    try:
        at_start()
    except Exception:  # noqa: BLE001 - cleaning up must never keep a command from running
        pass


def main(argv: list[str] | None = None) -> int:
    """The program (`argv` None: the command line's); called with `argv`, as tests do, the process goes on."""
    status = _main(argv)
    if argv is None:
        _skip_the_last_collections()
    return status


def _skip_the_last_collections() -> None:
    """The program is about to exit: its databases' connections are closed here, and if none is left open,
    what is alive is frozen out of the cycle collector. Its passes at exit took 0.4 s after a 1M-row import,
    freeing what the operating system takes back anyway. (With a connection left open, Python's own exit
    closes it, as before.)"""
    database = sys.modules.get("reviewer.store.database")
    try:
        if database is not None and not database.close_all():
            return
    except Exception:  # noqa: BLE001 - the ordinary exit then closes what is left
        return
    import gc

    gc.freeze()


def _main(argv: list[str] | None) -> int:
    _private_files()
    _load_feature_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    _clean_up_after_killed_processes()
    if args.command is None:
        return COMMANDS["gui"](args) if "gui" in COMMANDS else (parser.print_help() or 0)
    if args.command != "gui":
        _sigterm_interrupts()
    try:
        _refuse_writing_onto_the_database(args)
        _refuse_outputs_into_missing_folders(args)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder the operating system refused: its name and why, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing from the interrupted step was saved", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        from reviewer.store.database import DatabaseError

        if isinstance(exc, DatabaseError):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if os.environ.get("REVIEWER_DEBUG"):
            raise
        if hasattr(exc, "orig") and hasattr(exc, "statement"):  # a database error: never its SQL or values
            from reviewer.store.transactions import plain_message

            print(f"error: {plain_message(exc)}", file=sys.stderr)
            return 1
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


_OUTPUTS = ("out", "csv", "pdf")  # the options by which a command writes a file or folder


def _refuse_writing_onto_the_database(args) -> None:
    """An output given as the database file itself (or its journal) would destroy every decision and the
    audit log: refused before anything is opened."""
    db = getattr(args, "db", None)
    if not db or "://" in str(db):
        return
    base = str(Path(db).expanduser().resolve())
    database = {base, base + "-wal", base + "-shm", base + "-journal"}
    for name in _OUTPUTS:
        value = getattr(args, name, None)
        if value and str(Path(value).expanduser().resolve()) in database:
            raise UsageError(f"--{name} {value} is the database itself (--db): writing there would destroy it; "
                             "choose another file")


def _refuse_outputs_into_missing_folders(args) -> None:
    """An output file whose folder does not exist is refused before anything is opened or written (a
    command that writes a folder, such as `print --out`, creates it)."""
    for name in _OUTPUTS:
        value = getattr(args, name, None)
        if not value or (name == "out" and _writes_a_folder(args)):
            continue
        folder = Path(value).expanduser().parent
        if not folder.is_dir():
            what = f"{folder} is not a folder" if folder.exists() else f"the folder {folder} does not exist"
            raise UsageError(f"--{name} {value}: {what}; choose another place, or create the folder")


def _writes_a_folder(args) -> bool:
    return args.command == "print" or (args.command == "export" and getattr(args, "what", "") == "gogen")


def _load_feature_commands() -> None:
    """Subcommands defined next to their features (GUI and deciding, printing, reports)."""
    import reviewer.cli_office  # noqa: F401
    import reviewer.cli_print  # noqa: F401
    import reviewer.cli_policy  # noqa: F401
    import reviewer.cli_reports  # noqa: F401
    import reviewer.cli_review  # noqa: F401
