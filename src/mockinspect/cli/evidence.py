"""``mockinspect evidence list|check`` and ``mockinspect request add|update|list``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from mockinspect.cli import UsageError, wants_json
from mockinspect.cli.common import emit, open_services, positive_int, resolve_session, session_help, when
from mockinspect.cli.output import echo, print_json, print_table
from mockinspect.domain.session import UNSET, DocumentRequest, DocumentRequestStatus, EvidenceState, RequestPatch
from mockinspect.i18n import tr
from mockinspect.services.inspection import plain


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    evidence = sub.add_parser("evidence", parents=[common], help=tr("evidence linked in a session"))
    evidence.set_defaults(handler=lambda args: (evidence.print_help(), 0)[1])
    evidence_sub = evidence.add_subparsers(dest="evidence_command", metavar="COMMAND")
    listing = evidence_sub.add_parser("list", parents=[common], help=tr("the evidence links of a session"))
    listing.add_argument("id", metavar="ID", help=session_help())
    listing.set_defaults(handler=cmd_evidence_list)
    check = evidence_sub.add_parser(
        "check", parents=[common], help=tr("re-hash linked files: changed or missing since they were linked (exit 1)")
    )
    check.add_argument("id", metavar="ID", help=session_help())
    check.set_defaults(handler=cmd_evidence_check)

    request = sub.add_parser("request", parents=[common], help=tr("document requests of a session"))
    request.set_defaults(handler=lambda args: (request.print_help(), 0)[1])
    request_sub = request.add_subparsers(dest="request_command", metavar="COMMAND")
    add = request_sub.add_parser("add", parents=[common], help=tr("request a document; prints the request id"))
    add.add_argument("id", metavar="ID", help=session_help())
    add.add_argument("description", metavar="WHAT", help=tr("the record requested"))
    add.add_argument("--question", metavar="QID", help=tr("the question it belongs to"))
    add.add_argument("--due-minutes", type=positive_int, metavar="N", help=tr("minutes allowed"))
    add.add_argument("--reason", help=tr("kept in the audit trail"))
    add.set_defaults(handler=cmd_request_add)
    update = request_sub.add_parser("update", parents=[common], help=tr("mark a request delivered, late or not provided"))
    update.add_argument("request", type=positive_int, metavar="REQUEST_ID", help=tr("as 'request list' shows it"))
    update.add_argument("--status", choices=[s.value for s in DocumentRequestStatus])
    update.add_argument("--notes")
    update.add_argument("--reason", help=tr("kept in the audit trail"))
    update.set_defaults(handler=cmd_request_update)
    rlist = request_sub.add_parser("list", parents=[common], help=tr("a session's document requests"))
    rlist.add_argument("id", metavar="ID", help=session_help())
    rlist.set_defaults(handler=cmd_request_list)


def cmd_evidence_list(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        sid = resolve_session(services, args.id)
        links = services.inspection.evidence(sid)
        questions = {r.id: r.question_id for r in services.inspection.responses(sid)}
    if wants_json(args):
        print_json([{**plain(e), "question_id": questions.get(e.response_id or -1)} for e in links])
        return 0
    print_table(
        [tr("ID"), tr("KIND"), tr("QUESTION"), tr("SIZE"), tr("SHA-256"), tr("WHAT")],
        [
            (
                e.id,
                e.kind.value,
                questions.get(e.response_id or -1, "-"),
                e.size if e.size is not None else "-",
                (e.sha256 or "-")[:16],
                e.label,
            )
            for e in links
        ],
    )
    return 0


def cmd_evidence_check(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        checks = services.inspection.check_evidence(resolve_session(services, args.id))
    if wants_json(args):
        print_json([{**plain(c.link), "state": c.state.value, "size_now": c.size, "sha256_now": c.sha256} for c in checks])
    else:
        print_table(
            [tr("ID"), tr("STATE"), tr("WHAT")], [(c.link.id, c.state.value, c.link.label) for c in checks]
        )
    changed = sum(c.state is EvidenceState.CHANGED for c in checks)
    missing = sum(c.state is EvidenceState.MISSING for c in checks)
    if not changed and not missing:
        return 0
    if not wants_json(args):
        echo(
            tr("mockinspect: {changed} file(s) changed and {missing} missing since they were linked",
               changed=changed, missing=missing),
            file=sys.stderr,
        )  # fmt: skip
    return 1


def cmd_request_add(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        made = services.inspection.request_document(
            resolve_session(services, args.id),
            args.description,
            question_id=args.question,
            due_minutes=args.due_minutes,
            reason=args.reason,
        )
    emit(args, made, str(made.id))
    return 0


def cmd_request_update(args: argparse.Namespace) -> int:
    patch = RequestPatch(
        status=UNSET if args.status is None else DocumentRequestStatus(args.status),
        notes=UNSET if args.notes is None else args.notes,
    )
    if not patch:
        raise UsageError(tr("request update: nothing to change; give --status or --notes"))
    with open_services(args, "write") as services:
        done = services.inspection.update_document_request(args.request, patch, reason=args.reason)
    emit(args, done, tr("request {id}: {status}", id=done.id, status=done.status.value))
    return 0


def cmd_request_list(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        requests = services.inspection.document_requests(resolve_session(services, args.id))
    if wants_json(args):
        print_json(plain(requests))
        return 0
    now = datetime.now(UTC)

    def state(r: DocumentRequest) -> str:
        overdue = r.status is DocumentRequestStatus.OPEN and r.due_at is not None and r.due_at < now
        return r.status.value + (" (overdue)" if overdue else "")

    print_table(
        [tr("ID"), tr("STATUS"), tr("REQUESTED"), tr("DUE"), tr("DELIVERED"), tr("QUESTION"), tr("WHAT")],
        [(r.id, state(r), when(r.requested_at), when(r.due_at), when(r.delivered_at), r.question_id or "-",
          r.description) for r in requests],
    )
    return 0
