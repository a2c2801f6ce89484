"""The command line of PRODUCT.md, a stable contract that scripts and tests rely on.

Every command takes ``--db PATH`` and ``--json``. Exit 0 on success; 1 on a user error
with one line on stderr, never a traceback. Commands call services only.

Command groups live in modules of this package; each has ``register(subparsers)`` that
adds its parsers and sets ``handler`` (a function of the parsed args returning an exit code).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mockinspect import __version__
from mockinspect.i18n import tr
from mockinspect.paths import default_db_path
from mockinspect.services.errors import UserError


def common_options() -> argparse.ArgumentParser:
    """Options every command accepts, before or after the sub-command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
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


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message}")


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
    return parser


def _optional_groups() -> list:
    """Command groups that arrive with later layers (sessions, reports, the window)."""
    import importlib

    groups = []
    for name in ("sessions", "reports", "gui"):
        try:
            groups.append(importlib.import_module(f"mockinspect.cli.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"mockinspect.cli.{name}":
                raise
    return groups


def resolve_db(args: argparse.Namespace) -> Path:
    db = getattr(args, "db", None)
    return Path(db) if db else default_db_path()


def extra_bank_dirs(args: argparse.Namespace) -> list[Path]:
    return list(getattr(args, "bank_dir", None) or [])


def wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
        if handler is None:
            if args.command is None and not argv:
                return _default_command(parser)
            parser.print_help()
            return 0
        return handler(args)
    except UserError as exc:
        print(f"mockinspect: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(tr("mockinspect: interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); silence the flush at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _default_command(parser: argparse.ArgumentParser) -> int:
    """``mockinspect`` alone starts the window once it exists; until then it shows the help."""
    gui = next((g for g in _optional_groups() if g.__name__.endswith(".gui")), None)
    if gui is not None:
        return gui.start([])
    parser.print_help()
    return 0
