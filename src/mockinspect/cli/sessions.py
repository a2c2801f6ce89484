"""``mockinspect session new|list|show|questions|answer``, ``finding add`` and ``trail verify``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from mockinspect.cli import extra_bank_dirs, resolve_db, wants_json
from mockinspect.cli.output import print_json, print_table
from mockinspect.domain.bank import Grade, ResponseStatus
from mockinspect.domain.session import Mode
from mockinspect.i18n import tr
from mockinspect.services.inspection import InspectionService, TrailService, parse_evidence_argument


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    session = sub.add_parser("session", parents=[common], help=tr("mock-inspection sessions"))
    session.set_defaults(handler=lambda args: (session.print_help(), 0)[1])
    session_sub = session.add_subparsers(dest="session_command", metavar="COMMAND")

    new = session_sub.add_parser("new", parents=[common], help=tr("start a session from a scenario; prints its id"))
    new.add_argument("--scenario", required=True, metavar="ID", help=tr("the scenario to run"))
    new.add_argument("--site", required=True, metavar="NAME", help=tr("the site inspected"))
    new.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.AUDIT.value)
    new.add_argument("--lead", metavar="NAME", help=tr("the lead auditor or trainee"))
    new.add_argument("--seed", type=int, metavar="N", help=tr("random seed for drawing questions"))
    new.add_argument("--address", metavar="TEXT", help=tr("the site's address"))
    new.set_defaults(handler=cmd_new)

    listing = session_sub.add_parser("list", parents=[common], help=tr("sessions in the database"))
    listing.set_defaults(handler=cmd_list)

    show = session_sub.add_parser("show", parents=[common], help=tr("a session's summary"))
    show.add_argument("id", metavar="ID")
    show.set_defaults(handler=cmd_show)

    questions = session_sub.add_parser("questions", parents=[common], help=tr("the interview script, in order"))
    questions.add_argument("id", metavar="ID")
    questions.set_defaults(handler=cmd_questions)

    answer = session_sub.add_parser("answer", parents=[common], help=tr("record or change the answer to a question"))
    answer.add_argument("id", metavar="ID")
    answer.add_argument("question", metavar="QUESTION_ID")
    answer.add_argument("--status", required=True, help=", ".join(s.value for s in ResponseStatus))
    answer.add_argument("--text", help=tr("the answer as given"))
    answer.add_argument("--notes", help=tr("the auditor's notes"))
    answer.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="PATH_OR_URL",
        help=tr("a file, a URL, or doc:ID[@VERSION] (repeatable)"),
    )
    answer.add_argument("--reason", help=tr("why it was changed (kept in the audit trail)"))
    answer.set_defaults(handler=cmd_answer)

    finding = sub.add_parser("finding", parents=[common], help=tr("findings of a session"))
    finding.set_defaults(handler=lambda args: (finding.print_help(), 0)[1])
    finding_sub = finding.add_subparsers(dest="finding_command", metavar="COMMAND")
    add = finding_sub.add_parser("add", parents=[common], help=tr("raise a finding; prints its id"))
    add.add_argument("id", metavar="ID", help=tr("the session"))
    add.add_argument("--title", required=True, help=tr("the observation, in one sentence"))
    add.add_argument("--grade", required=True, help=", ".join(g.value for g in Grade))
    add.add_argument("--severity", type=int, metavar="N", help=tr("1-5"))
    add.add_argument("--occurrence", type=int, metavar="N", help=tr("1-5"))
    add.add_argument("--detectability", type=int, metavar="N", help=tr("1-5"))
    add.add_argument("--question", action="append", default=[], metavar="QID", help=tr("a linked answer (repeatable)"))
    add.add_argument("--text", help=tr("the details: 'Specifically, ...'"))
    add.add_argument("--citation", action="append", default=[], metavar="TEXT", help=tr("repeatable"))
    add.add_argument("--capa", metavar="TEXT", help=tr("the recommended CAPA"))
    add.add_argument("--root-cause", metavar="TEXT", help=tr("the root-cause category"))
    add.add_argument("--repeat-of", type=int, metavar="FINDING_ID", help=tr("the same finding in an earlier session"))
    add.set_defaults(handler=cmd_finding_add)

    trail = sub.add_parser("trail", parents=[common], help=tr("the audit trail"))
    trail.set_defaults(handler=lambda args: (trail.print_help(), 0)[1])
    trail_sub = trail.add_subparsers(dest="trail_command", metavar="COMMAND")
    verify = trail_sub.add_parser(
        "verify", parents=[common], help=tr("check the hash chain and that the data matches the trail")
    )
    verify.add_argument("id", nargs="?", metavar="ID", help=tr("only this session's data"))
    verify.set_defaults(handler=cmd_trail_verify)


# -- helpers -------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """Domain objects as JSON-ready values: enums by value, datetimes in ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@contextmanager
def _open(args: argparse.Namespace, kind: type, mode: Literal["write", "read"]) -> Iterator[Any]:
    service = kind.open(resolve_db(args), mode=mode)
    try:
        for notice in service.notices:
            print(f"mockinspect: {notice}", file=sys.stderr)
        yield service
    finally:
        service.close()


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


# -- commands ------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from mockinspect.services.banks import BankService

    catalogue = BankService(extra_bank_dirs(args)).catalogue()
    scenario = catalogue.scenario(args.scenario)
    banks = catalogue.banks_for(scenario)
    with _open(args, InspectionService, "write") as service:
        session = service.create_session(
            scenario, banks, site=args.site, mode=args.mode, lead=args.lead, seed=args.seed, address=args.address
        )
    if wants_json(args):
        print_json(plain(session))
    else:
        print(session.id)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _open(args, InspectionService, "read") as service:
        items = service.sessions()
    if wants_json(args):
        print_json(plain(items))
        return 0
    print_table(
        [tr("ID"), tr("STARTED"), tr("MODE"), tr("STATE"), tr("SCENARIO"), tr("ANSWERED"), tr("FINDINGS"), tr("SITE")],
        [
            (
                i.id,
                _when(i.started_at),
                i.mode.value,
                i.state.value,
                i.scenario_id,
                f"{i.answered}/{i.questions}",
                i.findings,
                i.site,
            )
            for i in items
        ],
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with _open(args, InspectionService, "read") as service:
        summary = service.summary(args.id)
    if wants_json(args):
        print_json(plain(summary))
        return 0
    s, c = summary.session, summary.counts
    lines = [
        (tr("Session"), s.id),
        (tr("Site"), s.site + (f", {s.address}" if s.address else "")),
        (tr("Scenario"), f"{s.scenario_title} ({s.scenario_id} {s.scenario_version})"),
        (tr("Persona"), s.persona),
        (tr("Mode"), s.mode.value),
        (tr("Lead"), s.lead or "-"),
        (tr("State"), s.state.value),
        (tr("Started"), _when(s.started_at)),
        (tr("Finished"), _when(s.finished_at)),
        (tr("Answered"), f"{c.answered} of {c.questions}"),
        (tr("By status"), ", ".join(f"{k} {v}" for k, v in sorted(c.by_status.items())) or "-"),
        (tr("Findings"), ", ".join(f"{k} {v}" for k, v in sorted(c.findings_by_grade.items())) or "-"),
        (tr("Outcome"), f"{summary.outcome} - {summary.outcome_label} (indicative)"),
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        print(f"{key.ljust(width)}  {value}")
    if summary.findings:
        print()
        print_table(
            [tr("ID"), tr("GRADE"), tr("RISK"), tr("STATUS"), tr("TITLE")],
            [
                (
                    f.id,
                    f.grade.value,
                    f"{summary.risk_levels.get(f.id, '-')} ({f.priority})" if f.priority else "-",
                    f.status.value,
                    f.title,
                )
                for f in summary.findings
            ],
        )
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    with _open(args, InspectionService, "read") as service:
        script = service.script(args.id)
        answers = {r.question_id: r for r in service.responses(args.id)}
    if wants_json(args):
        print_json(
            [
                {**plain(e), "status": answers[e.question_id].status.value if e.question_id in answers else None}
                for e in script
            ]
        )
        return 0
    print_table(
        [tr("#"), tr("AREA"), tr("QUESTION"), tr("STATUS"), tr("PROMPT")],
        [
            (
                e.position,
                e.area,
                e.question_id,
                answers[e.question_id].status.value if e.question_id in answers else "-",
                e.prompt,
            )
            for e in script
        ],
    )
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    evidence = [parse_evidence_argument(item) for item in args.evidence]
    with _open(args, InspectionService, "write") as service:
        sid = service.resolve_session_id(args.id)
        kwargs: dict[str, Any] = {"status": args.status, "evidence": evidence, "reason": args.reason}
        if args.text is not None:
            kwargs["text"] = args.text
        if args.notes is not None:
            kwargs["notes"] = args.notes
        response = service.record_response(sid, args.question, **kwargs)
    if wants_json(args):
        print_json(plain(response))
    else:
        print(
            tr(
                "{qid}: {status} (response {id})",
                qid=response.question_id,
                status=response.status.value,
                id=response.id,
            )
        )
    return 0


def cmd_finding_add(args: argparse.Namespace) -> int:
    with _open(args, InspectionService, "write") as service:
        finding = service.raise_finding(
            args.id,
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
        )
    if wants_json(args):
        print_json(plain(finding))
    else:
        print(finding.id)
    return 0


def cmd_trail_verify(args: argparse.Namespace) -> int:
    with _open(args, TrailService, "read") as service:
        report = service.verify(args.id)
    if wants_json(args):
        print_json({**plain(report), "ok": report.ok})
    elif report.ok:
        print(
            tr(
                "audit trail ok: {n} records, chain unbroken; {m} records of data match it",
                n=report.records,
                m=report.entities,
            )
        )
    if report.problem is not None:
        if not wants_json(args):
            print(f"mockinspect: {report.problem.message}", file=sys.stderr)
        return 1
    return 0
