"""``mockinspect session new|list|show|questions|answer|export|finish|reopen``."""

from __future__ import annotations

import argparse
import sys

from mockinspect.cli import UsageError, training, wants_json
from mockinspect.cli.common import catalogue, emit, open_services, positive_int, resolve_session, session_help, when
from mockinspect.cli.output import echo, print_fields, print_json, print_table
from mockinspect.domain.bank import ResponseStatus
from mockinspect.domain.session import UNSET, Mode, ResponsePatch, SessionSnapshot
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.services.inspection import parse_evidence_argument, plain


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    session = sub.add_parser("session", parents=[common], help=tr("mock-inspection sessions"))
    session.set_defaults(handler=lambda args: (session.print_help(), 0)[1])
    session_sub = session.add_subparsers(dest="session_command", metavar="COMMAND")

    new = session_sub.add_parser("new", parents=[common], help=tr("start a session from a scenario; prints its id"))
    new.add_argument("--scenario", required=True, metavar="ID", help=tr("the scenario to run"))
    new.add_argument("--site", metavar="NAME", help=tr("the site inspected (a training session: optional)"))
    new.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.AUDIT.value)
    new.add_argument("--lead", metavar="NAME", help=tr("the lead auditor or trainee"))
    new.add_argument("--seed", type=positive_int, metavar="N", help=tr("random seed for drawing questions"))
    new.add_argument("--address", metavar="TEXT", help=tr("the site's address"))
    training.add_session_options(new)
    new.set_defaults(handler=cmd_new)

    listing = session_sub.add_parser("list", parents=[common], help=tr("sessions in the database"))
    listing.set_defaults(handler=cmd_list)

    for name, handler, text in (
        ("show", cmd_show, tr("a session's summary")),
        ("questions", cmd_questions, tr("the interview script, in order (probes after the questions)")),
        ("export", cmd_export, tr("everything stored about a session, as JSON")),
    ):
        command = session_sub.add_parser(name, parents=[common], help=text)
        command.add_argument("id", metavar="ID", help=session_help())
        command.set_defaults(handler=handler)

    answer = session_sub.add_parser("answer", parents=[common], help=tr("record or change the answer to a question"))
    answer.add_argument("id", metavar="ID", help=session_help())
    answer.add_argument("question", metavar="QUESTION_ID", help=tr("as 'session questions' lists it"))
    answer.add_argument("--status", help=", ".join(s.value for s in ResponseStatus))
    answer.add_argument("--text", help=tr("the answer as given"))
    answer.add_argument("--notes", help=tr("the auditor's notes"))
    answer.add_argument("--answered-by", metavar="NAME", help=tr("who answered"))
    answer.add_argument("--seconds", type=positive_int, metavar="N", help=tr("time taken to answer, in seconds"))
    answer.add_argument(
        "--key-point",
        action="append",
        metavar="ID",
        help=tr("a key point the answer covered (repeatable; replaces those recorded)"),
    )
    answer.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="PATH_OR_URL",
        help=tr("a file, a URL, or doc:ID[@VERSION] (repeatable)"),
    )
    answer.add_argument("--reason", help=tr("why it was changed (kept in the audit trail)"))
    training.add_answer_options(answer)
    answer.set_defaults(handler=cmd_answer)

    finish = session_sub.add_parser("finish", parents=[common], help=tr("close a session; later changes need a reason"))
    finish.add_argument("id", metavar="ID", help=session_help())
    finish.add_argument("--reason", help=tr("kept in the audit trail"))
    finish.set_defaults(handler=cmd_finish)

    reopen = session_sub.add_parser("reopen", parents=[common], help=tr("open a finished session again"))
    reopen.add_argument("id", metavar="ID", help=session_help())
    reopen.add_argument("--reason", required=True, help=tr("why (kept in the audit trail)"))
    reopen.set_defaults(handler=cmd_reopen)


def cmd_new(args: argparse.Namespace) -> int:
    training_mode = args.mode == Mode.TRAINING.value
    if not training_mode and args.trainee:
        raise UsageError(tr("session new: --trainee is for a training session (--mode training)"))
    if args.silence and not (training_mode and args.trainee):
        raise UsageError(tr("session new: --silence is for a training session with a --trainee"))
    if not args.site and not (training_mode and args.trainee):
        raise UsageError(tr("session new: the following arguments are required: --site"))
    found = catalogue(args)
    scenario = found.scenario(args.scenario)
    banks = found.banks_for(scenario)
    if training_mode and args.trainee:  # without one, 'training assign' names the trainee later
        return training.new_training_session(args, scenario, banks)
    with open_services(args, "write") as services:
        session = services.inspection.create_session(
            scenario, banks, site=args.site, mode=args.mode, lead=args.lead, seed=args.seed, address=args.address
        )
    emit(args, session, session.id)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        items = services.inspection.sessions()
    if wants_json(args):
        print_json(plain(items))
        return 0
    print_table(
        [tr("ID"), tr("STARTED"), tr("MODE"), tr("STATE"), tr("SCENARIO"), tr("ANSWERED"), tr("FINDINGS"), tr("SITE")],
        [
            (
                i.id,
                when(i.started_at),
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
    with open_services(args, "read") as services:
        summary = services.inspection.summary(resolve_session(services, args.id))
        drafts = services.inspection.drafts(summary.session.id)
        scores = services.training.scores(summary.session.id) if summary.session.mode is Mode.TRAINING else None
    if wants_json(args):
        extra = {} if scores is None else {"training": training.scores_json(scores)}
        print_json({**plain(summary), "drafts": len(drafts), **extra})
        return 0
    s, c = summary.session, summary.counts
    lines: list[tuple[str, object]] = [
        (tr("Session"), s.id),
        (tr("Site"), s.site + (f", {s.address}" if s.address else "")),
        (tr("Scenario"), f"{s.scenario_title} ({s.scenario_id} {s.scenario_version})"),
        (tr("Persona"), s.persona),
        (tr("Mode"), s.mode.value),
        (tr("Lead"), s.lead or "-"),
        (tr("State"), s.state.value),
        (tr("Started"), when(s.started_at)),
        (tr("Finished"), when(s.finished_at)),
        (tr("Answered"), tr("{a} of {q}", a=c.answered, q=c.questions)),
        (tr("By status"), ", ".join(f"{k} {v}" for k, v in sorted(c.by_status.items())) or "-"),
        (tr("Findings"), ", ".join(f"{k} {v}" for k, v in sorted(c.findings_by_grade.items())) or "-"),
        (tr("Outcome"), f"{summary.outcome} - {summary.outcome_label} (indicative)"),
    ]
    if drafts:
        lines.append((tr("Drafts"), tr("{n} answer(s) typed but not saved", n=len(drafts))))
    print_fields(lines)
    if scores is not None:
        print()
        training.print_scores(scores)
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
    with open_services(args, "read") as services:
        snap = services.inspection.snapshot(resolve_session(services, args.id))
    answers = snap.responses

    def status(qid: str) -> str | None:
        found = answers.get(qid)
        return None if found is None or found.status is None else found.status.value

    if wants_json(args):
        print_json(
            [{**plain(e), "status": status(e.question_id), "draft": e.question_id in snap.drafts} for e in snap.script]
        )
        return 0
    print_table(
        [tr("#"), tr("AREA"), tr("QUESTION"), tr("STATUS"), tr("PROMPT")],
        [
            (
                e.position,
                e.area,
                e.question_id + (f" <- {e.parent_question_id}" if e.parent_question_id else ""),
                status(e.question_id) or ("draft" if e.question_id in snap.drafts else "-"),
                e.prompt,
            )
            for e in snap.script
        ],
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        data = services.inspection.export(resolve_session(services, args.id))
    print_json(data)
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    evidence = [parse_evidence_argument(item) for item in args.evidence]
    patch = ResponsePatch(
        status=UNSET if args.status is None else args.status,
        text=UNSET if args.text is None else args.text,
        notes=UNSET if args.notes is None else args.notes,
        answered_by=UNSET if args.answered_by is None else args.answered_by,
        seconds_taken=UNSET if args.seconds is None else args.seconds,
        key_points_hit=UNSET if args.key_point is None else tuple(args.key_point),
    )
    if not patch and not evidence:
        raise UsageError(
            tr("session answer: give at least one of --status, --text, --notes, --answered-by, --seconds, "
               "--key-point, --evidence")
        )  # fmt: skip
    with open_services(args, "write") as services:
        sid = resolve_session(services, args.id)
        if services.inspection.session(sid).mode is Mode.TRAINING:
            return training.answer_training(args, services, sid)
        if args.self_rating is not None:
            raise UsageError(tr("session answer: --self-rating is for a training session"))
        found = catalogue(args)
        if args.key_point:
            _check_key_points(services.inspection.snapshot(sid), args.question, args.key_point)
        response = services.inspection.record_response(sid, args.question, patch, evidence=evidence, reason=args.reason)
        probes = []
        if response.status is not None:  # text typed before a status triggers nothing yet
            available = {q.id: q for bank in found.banks.values() for q in bank.questions}
            probes = services.inspection.add_triggered_probes(
                sid, args.question, available, banks=list(found.banks.values()), reason=args.reason
            )
    if wants_json(args):
        print_json({**plain(response), "probes_added": [p.question_id for p in probes]})
        return 0
    echo(
        tr(
            "{qid}: {status} (response {id})",
            qid=response.question_id,
            status=response.status.value if response.status else tr("no status yet"),
            id=response.id,
        )
    )
    for probe in probes:
        echo(tr("follow-up probe {qid} added to the script: {prompt}", qid=probe.question_id, prompt=probe.prompt))
    return 0


def _check_key_points(snap: SessionSnapshot, question_id: str, given: list[str]) -> None:
    """Refuse a key point the question (as the session froze it) does not have: a typo would
    otherwise be kept and the probes it should have stopped would be asked."""
    entry = snap.entry(question_id)
    frozen = None if entry is None else snap.question(entry)
    if frozen is None:
        return  # not in the script: record_response says so
    known = [k.id for k in frozen.key_points]
    unknown = [k for k in given if k not in known]
    if unknown:
        raise UserError(
            tr("question {qid} has no key point '{kp}' (its key points: {known})", qid=question_id, kp=unknown[0],
               known=", ".join(known) or tr("none"))
        )  # fmt: skip


def cmd_finish(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        session = services.inspection.finish_session(resolve_session(services, args.id), reason=args.reason)
        drafts = services.inspection.drafts(session.id)
    if drafts and not wants_json(args):
        echo(
            tr("mockinspect: warning: {n} answer(s) were typed but never saved: {ids}", n=len(drafts),
               ids=", ".join(d.question_id for d in drafts)),
            file=sys.stderr,
        )  # fmt: skip
    emit(args, session, tr("session {id} finished", id=session.id))
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        session = services.inspection.reopen_session(resolve_session(services, args.id), reason=args.reason)
    emit(args, session, tr("session {id} reopened", id=session.id))
    return 0
