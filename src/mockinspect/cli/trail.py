"""``mockinspect trail verify [ID] [--anchor HASH]`` and ``mockinspect trail head``."""

from __future__ import annotations

import argparse
import sys

from mockinspect.cli import wants_json
from mockinspect.cli.common import open_services, resolve_session
from mockinspect.cli.output import echo, print_json
from mockinspect.i18n import tr
from mockinspect.services.inspection import plain


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    trail = sub.add_parser("trail", parents=[common], help=tr("the audit trail"))
    trail.set_defaults(handler=lambda args: (trail.print_help(), 0)[1])
    trail_sub = trail.add_subparsers(dest="trail_command", metavar="COMMAND")
    verify = trail_sub.add_parser(
        "verify",
        parents=[common],
        help=tr("check the file, the hash chain, the data against it, and the anchors"),
    )
    verify.add_argument("id", nargs="?", metavar="ID", help=tr("only this session's data"))
    verify.add_argument("--anchor", metavar="HASH", help=tr("a trail head hash printed on a report"))
    verify.set_defaults(handler=cmd_verify)
    head = trail_sub.add_parser("head", parents=[common], help=tr("the trail's length and head hash"))
    head.set_defaults(handler=cmd_head)


def cmd_verify(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        sid = None if args.id is None else resolve_session(services, args.id)
        report = services.trail.verify(sid, anchor=args.anchor)
    if wants_json(args):
        print_json({**plain(report), "ok": report.ok})
    elif report.ok:
        echo(
            tr(
                "audit trail ok: {n} records, chain unbroken; {m} records of data match it",
                n=report.records,
                m=report.entities,
            )
        )
    if report.problem is not None:
        if not wants_json(args):
            echo(f"mockinspect: {report.problem.message}", file=sys.stderr)
        return 1
    return 0


def cmd_head(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        head = services.trail.head()
    if wants_json(args):
        print_json({"records": head.records, "hash": head.hash})
    else:
        echo(tr("{n} records, head {hash}", n=head.records, hash=head.hash))
    return 0
