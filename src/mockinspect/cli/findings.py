"""``mockinspect finding add|edit|close|list``."""

from __future__ import annotations

import argparse

from mockinspect.cli import UsageError, wants_json
from mockinspect.cli.common import emit, open_services, positive_int, resolve_session, session_help
from mockinspect.cli.output import print_json, print_table
from mockinspect.domain.bank import Grade
from mockinspect.domain.session import UNSET, FindingPatch, FindingStatus
from mockinspect.i18n import tr
from mockinspect.services.inspection import plain


def _rating_options(parser: argparse.ArgumentParser) -> None:
    for name in ("severity", "occurrence", "detectability"):
        parser.add_argument(f"--{name}", type=positive_int, metavar="N", help=tr("1-5"))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    finding = sub.add_parser("finding", parents=[common], help=tr("findings of a session"))
    finding.set_defaults(handler=lambda args: (finding.print_help(), 0)[1])
    finding_sub = finding.add_subparsers(dest="finding_command", metavar="COMMAND")

    add = finding_sub.add_parser("add", parents=[common], help=tr("raise a finding; prints its id"))
    add.add_argument("id", metavar="ID", help=session_help())
    add.add_argument("--title", required=True, help=tr("the observation, in one sentence"))
    add.add_argument("--grade", required=True, help=", ".join(g.value for g in Grade))
    _rating_options(add)
    add.add_argument("--question", action="append", default=[], metavar="QID", help=tr("a linked answer (repeatable)"))
    add.add_argument("--text", help=tr("the details: 'Specifically, ...'"))
    add.add_argument("--citation", action="append", default=[], metavar="TEXT", help=tr("repeatable"))
    add.add_argument("--capa", metavar="TEXT", help=tr("the recommended CAPA"))
    add.add_argument("--root-cause", metavar="TEXT", help=tr("the root-cause category"))
    add.add_argument("--repeat-of", type=positive_int, metavar="FINDING_ID", help=tr("the same finding in an earlier session"))
    add.add_argument("--reason", help=tr("kept in the audit trail"))
    add.set_defaults(handler=cmd_add)

    edit = finding_sub.add_parser("edit", parents=[common], help=tr("change a finding; options left out keep their value"))
    edit.add_argument("finding", type=positive_int, metavar="FINDING_ID", help=tr("as 'finding list' shows it"))
    edit.add_argument("--title")
    edit.add_argument("--grade", help=", ".join(g.value for g in Grade))
    _rating_options(edit)
    edit.add_argument("--text")
    edit.add_argument("--citation", action="append", metavar="TEXT", help=tr("replaces the citations (repeatable)"))
    edit.add_argument("--capa", metavar="TEXT")
    edit.add_argument("--root-cause", metavar="TEXT")
    edit.add_argument("--status", help=", ".join(s.value for s in FindingStatus))
    edit.add_argument("--question", action="append", metavar="QID", help=tr("replaces the linked answers (repeatable)"))
    edit.add_argument("--reason", help=tr("kept in the audit trail"))
    edit.set_defaults(handler=cmd_edit)

    close = finding_sub.add_parser("close", parents=[common], help=tr("close a finding (or mark it corrected)"))
    close.add_argument("finding", type=positive_int, metavar="FINDING_ID", help=tr("as 'finding list' shows it"))
    close.add_argument(
        "--status", default=FindingStatus.CLOSED.value, choices=[FindingStatus.CLOSED.value, FindingStatus.CORRECTED.value]
    )
    close.add_argument("--reason", help=tr("kept in the audit trail"))
    close.set_defaults(handler=cmd_close)

    listing = finding_sub.add_parser("list", parents=[common], help=tr("a session's findings, most significant first"))
    listing.add_argument("id", metavar="ID", help=session_help())
    listing.set_defaults(handler=cmd_list)


def cmd_add(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        finding = services.inspection.raise_finding(
            resolve_session(services, args.id),
            title=args.title,
            grade=args.grade,
            text=args.text,
            severity=args.severity,
            occurrence=args.occurrence,
            detectability=args.detectability,
            citations=args.citation,
            capa=args.capa,
            root_cause=args.root_cause,
            question_ids=args.question,
            repeat_of=args.repeat_of,
            reason=args.reason,
        )
    emit(args, finding, str(finding.id))
    return 0


def _given(value: object) -> object:
    return UNSET if value is None else value


def cmd_edit(args: argparse.Namespace) -> int:
    patch = FindingPatch(
        title=_given(args.title),  # type: ignore[arg-type]
        grade=_given(args.grade),  # type: ignore[arg-type]
        severity=_given(args.severity),  # type: ignore[arg-type]
        occurrence=_given(args.occurrence),  # type: ignore[arg-type]
        detectability=_given(args.detectability),  # type: ignore[arg-type]
        text=_given(args.text),  # type: ignore[arg-type]
        citations=UNSET if args.citation is None else tuple(args.citation),
        capa=_given(args.capa),  # type: ignore[arg-type]
        root_cause=_given(args.root_cause),  # type: ignore[arg-type]
        status=_given(args.status),  # type: ignore[arg-type]
    )
    if not patch and args.question is None:
        raise UsageError(tr("finding edit: nothing to change; give at least one option (see --help)"))
    with open_services(args, "write") as services:
        finding = services.inspection.edit_finding(args.finding, patch, question_ids=args.question, reason=args.reason)
    emit(args, finding, tr("finding {id} saved", id=finding.id))
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        finding = services.inspection.set_finding_status(args.finding, args.status, reason=args.reason)
    emit(args, finding, tr("finding {id} {status}", id=finding.id, status=finding.status.value))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        summary = services.inspection.summary(resolve_session(services, args.id))
    if wants_json(args):
        print_json(plain(list(summary.findings)))
        return 0
    print_table(
        [tr("ID"), tr("GRADE"), tr("RISK"), tr("STATUS"), tr("QUESTIONS"), tr("TITLE")],
        [
            (f.id, f.grade.value, f"{summary.risk_levels.get(f.id, '-')} ({f.priority})" if f.priority else "-",
             f.status.value, ", ".join(f.question_ids) or "-", f.title)
            for f in summary.findings
        ],
    )
    return 0
