"""The command line of PRODUCT.md, a stable contract that scripts and tests rely on.

Every command takes ``--db PATH`` and ``--json``. Exit 0 on success; 1 on a user error
with one line on stderr, never a traceback. Commands call services only.

Command groups live in modules of this package; each has ``register(subparsers)`` that
adds its parsers and sets ``handler`` (a function of the parsed args returning an exit code).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from mockinspect import __version__
from mockinspect.cli.output import safe, surrogates, tolerant_streams
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.paths import default_db_path


def common_options() -> _Parser:
    """Options every command accepts, before or after the sub-command."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help=tr("the database file (default: MOCKINSPECT_DB, else the user data folder)"),
    )
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=tr("machine-readable output"))
    common.add_argument(
        "--bank-dir",
        type=Path,
        action="append",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help=tr("also read banks and scenarios from DIR (repeatable)"),
    )
    return common


MAX_ERROR_CHARS = 300


class UsageError(UserError):
    """A command line argparse could not read: printed once as ``mockinspect: <command>: ...``."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 1."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("mockinspect").strip()
        raise UsageError(f"{command}: {message}" if command else message)


def build_parser() -> argparse.ArgumentParser:
    from mockinspect.cli import banks, scenarios

    common = common_options()
    parser = _Parser(
        prog="mockinspect",
        description=tr("GMP mock-inspection simulator: question banks, interviews, findings, reports."),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"mockinspect {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (banks, scenarios, *_optional_groups()):
        module.register(sub, common)
    sub.add_parser("gui", parents=[common], help=tr("start the desktop app (also: mockinspect with no arguments)"))
    return parser


def _optional_groups() -> list[Any]:
    """Command groups that arrive with later layers (sessions, reports)."""
    import importlib

    groups = []
    for name in ("sessions", "findings", "evidence", "trail", "reports", "training"):
        try:
            groups.append(importlib.import_module(f"mockinspect.cli.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"mockinspect.cli.{name}":
                raise
    return groups


def resolve_db(args: argparse.Namespace) -> Path:
    db = getattr(args, "db", None)
    if db is None:
        return default_db_path()
    if not str(db).strip():
        raise UserError(tr("--db is empty: give the database file to use"))
    return Path(db)


def extra_bank_dirs(args: argparse.Namespace) -> list[Path]:
    return list(getattr(args, "bank_dir", None) or [])


def wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def main(argv: Sequence[str] | None = None, *, gui: Callable[[list[str]], int] | None = None) -> int:
    """Run the command line; ``gui`` starts the window (``mockinspect gui``, given by app.py)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    tolerant_streams()
    try:
        for arg in argv:
            if surrogates(arg):
                raise UsageError(tr("'{arg}' is not UTF-8 text; if it names a file or folder, rename it", arg=arg))
        parser = build_parser()
        args, extras = parser.parse_known_args(argv)
        if extras:
            command = " ".join(_command_words(args))
            message = tr("unrecognized arguments: {args}", args=" ".join(extras))
            raise UsageError(f"{command}: {message}" if command else message)
        if args.command == "gui" or (args.command is None and not argv):
            if gui is None:
                parser.print_help()
                return 0
            return gui(argv)
        handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 0
        return handler(args)
    except UserError as exc:
        print(f"mockinspect: {safe(exc)}", file=sys.stderr)
        return 1
    except SystemExit as exc:  # --help and --version: argparse exits after printing
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        print(tr("mockinspect: interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); silence the flush at exit
        with contextlib.suppress(OSError, ValueError):  # no descriptor to redirect (stdout replaced in-process)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last line of defence: one line, the details in a log file
        return _internal_error(exc)


def _command_words(args: argparse.Namespace) -> list[str]:
    """The command and sub-command parsed (``["trail", "verify"]``), to name them in a message."""
    words = [args.command] if getattr(args, "command", None) else []
    words += [v for k, v in vars(args).items() if k.endswith("_command") and isinstance(v, str)]
    return words


def _internal_error(exc: BaseException) -> int:
    import traceback
    from datetime import UTC, datetime

    from mockinspect.paths import user_log_dir

    detail = "".join(traceback.format_exception(exc))
    where = ""
    try:
        logs = user_log_dir()
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"error-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}.log"
        log.write_text(detail, encoding="utf-8")
        where = tr(" (details in {log})", log=log)
    except OSError:
        pass
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if len(first) > MAX_ERROR_CHARS:  # an SQL statement or a whole value: the log has it all
        first = first[: MAX_ERROR_CHARS - 3] + "..."
    print(tr("mockinspect: unexpected error: {error}{where}", error=safe(first), where=where), file=sys.stderr)
    return 2
