"""``mockinspect training trainees|add|due|progress|drill|credit``, and the training parts of
``session new|answer|show`` (a training session's answers are scored)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from mockinspect.cli import UsageError, wants_json
from mockinspect.cli.common import catalogue, open_services, resolve_session, session_help, when
from mockinspect.cli.output import echo, print_fields, print_json, print_table
from mockinspect.domain import training as scoring
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.services import Services
from mockinspect.services.inspection import plain
from mockinspect.services.training import MAX_SILENCE, AnswerResult, TrainingScores, scores_json


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(tr("'{v}' is not a date like 2027-03-01", v=text)) from None


def credit_value(text: str) -> float:
    value = {"0": 0.0, "0.5": 0.5, ".5": 0.5, "1": 1.0, "1.0": 1.0, "0.0": 0.0}.get(text.strip())
    if value is None:
        raise argparse.ArgumentTypeError(tr("'{v}' is not a credit: give 0, 0.5 or 1", v=text))
    return value


def rating_value(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if not 0 <= value <= 5:
        raise argparse.ArgumentTypeError(tr("'{v}' is not a rating: give 1 to 5 (0 clears it)", v=text))
    return value


def self_rating_value(text: str) -> int:
    value = rating_value(text)
    if value == 0:
        raise argparse.ArgumentTypeError(tr("'{v}' is not a self-rating: give 1 to 5", v=text))
    return value


def silence_value(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SILENCE:
        raise argparse.ArgumentTypeError(tr("'{v}' is not 0 (off) to {n} seconds", v=text, n=MAX_SILENCE))
    return value


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    training = sub.add_parser("training", parents=[common], help=tr("trainees, their review schedule and progress"))
    training.set_defaults(handler=lambda args: (training.print_help(), 0)[1])
    t_sub = training.add_subparsers(dest="training_command", metavar="COMMAND")

    trainees = t_sub.add_parser("trainees", parents=[common], help=tr("the trainees in the database"))
    trainees.set_defaults(handler=cmd_trainees)

    add = t_sub.add_parser("add", parents=[common], help=tr("add a trainee, or fill in a trainee's profile"))
    add.add_argument("name", metavar="NAME", help=tr("the trainee's name"))
    add_profile_options(add)
    add.set_defaults(handler=cmd_add)

    due = t_sub.add_parser("due", parents=[common], help=tr("what the review schedule says is due"))
    due.add_argument("--trainee", required=True, metavar="NAME", help=tr("the trainee"))
    due.add_argument("--today", type=iso_date, metavar="DATE", help=tr("the day to look from (default: today)"))
    due.set_defaults(handler=cmd_due)

    progress = t_sub.add_parser("progress", parents=[common], help=tr("a trainee's sessions and weakest areas"))
    progress.add_argument("--trainee", required=True, metavar="NAME", help=tr("the trainee"))
    progress.add_argument("--scenario", metavar="ID", help=tr("only the attempts at this scenario"))
    progress.set_defaults(handler=cmd_progress)

    drill = t_sub.add_parser(
        "drill", parents=[common], help=tr("the next drill: what is due, then what was missed most")
    )
    drill.add_argument("--trainee", required=True, metavar="NAME", help=tr("the trainee"))
    drill.add_argument("--today", type=iso_date, metavar="DATE", help=tr("the day to look from (default: today)"))
    drill.add_argument("--size", type=int, default=8, metavar="N", help=tr("at most this many questions"))
    drill.add_argument("--start", action="store_true", help=tr("start it as a training session; prints its id"))
    drill.add_argument("--scenario", metavar="ID", help=tr("the scenario to run it under (default: the latest one)"))
    drill.set_defaults(handler=cmd_drill)

    rescore = t_sub.add_parser(
        "rescore", parents=[common], help=tr("score a session's answers again with today's scorer (stores nothing)")
    )
    rescore.add_argument("id", metavar="ID", help=session_help())
    rescore.set_defaults(handler=cmd_rescore)

    assign = t_sub.add_parser("assign", parents=[common], help=tr("say who a training session is for"))
    assign.add_argument("id", metavar="ID", help=session_help())
    assign.add_argument("--trainee", required=True, metavar="NAME", help=tr("the trainee (added if new)"))
    assign.add_argument(
        "--inspection-date",
        type=iso_date,
        metavar="DATE",
        help=tr("the inspection prepared for (caps review intervals)"),
    )
    assign.add_argument("--assessor", metavar="NAME", help=tr("who reviews the scores"))
    assign.set_defaults(handler=cmd_assign)

    credit = t_sub.add_parser(
        "credit", parents=[common], help=tr("confirm or override the credit of a key point (kept in the audit trail)")
    )
    credit.add_argument("id", metavar="ID", help=session_help())
    credit.add_argument("question", metavar="QUESTION_ID", help=tr("as 'session questions' lists it"))
    credit.add_argument("key_point", metavar="KEY_POINT", help=tr("the key point's id"))
    credit.add_argument("credit", type=credit_value, metavar="CREDIT", help=tr("0, 0.5 or 1"))
    credit.add_argument("--reason", help=tr("why (needed when the credit changes; kept in the audit trail)"))
    credit.set_defaults(handler=cmd_credit)

    rate = t_sub.add_parser(
        "rate", parents=[common], help=tr("the assessor's optional 1-5 global rating of a drill (audited)")
    )
    rate.add_argument("id", metavar="ID", help=session_help())
    rate.add_argument("rating", type=rating_value, metavar="N", help=tr("1 to 5, or 0 to clear it"))
    rate.add_argument("--comment", help=tr('what a checklist misses ("" clears it)'))
    rate.add_argument("--reason", help=tr("kept in the audit trail"))
    rate.set_defaults(handler=cmd_rate)

    silence = t_sub.add_parser(
        "silence", parents=[common], help=tr("the inspector's silence after each answer in a drill")
    )
    silence.add_argument("id", metavar="ID", help=session_help())
    silence.add_argument("seconds", type=silence_value, metavar="SECONDS", help=tr("1 to 30, or 0 for off"))
    silence.add_argument("--reason", help=tr("kept in the audit trail"))
    silence.set_defaults(handler=cmd_silence)


def add_profile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--employee-id", metavar="ID", help=tr("the trainee's employee id"))
    parser.add_argument("--department", metavar="NAME", help=tr("the trainee's department"))
    parser.add_argument("--role", metavar="NAME", help=tr("the trainee's role"))


def add_session_options(new: argparse.ArgumentParser) -> None:
    """The options ``session new`` takes for a training session."""
    new.add_argument("--trainee", metavar="NAME", help=tr("who rehearses (a training session; added if new)"))
    add_profile_options(new)
    new.add_argument(
        "--inspection-date",
        type=iso_date,
        metavar="DATE",
        help=tr("the inspection prepared for (caps review intervals)"),
    )
    new.add_argument("--assessor", metavar="NAME", help=tr("who reviews the scores (default: --lead)"))
    new.add_argument(
        "--silence",
        type=silence_value,
        metavar="SECONDS",
        help=tr("the inspector stays silent this long after each answer (the window; off by default)"),
    )


def add_answer_options(answer: argparse.ArgumentParser) -> None:
    """The options ``session answer`` takes for a training answer."""
    answer.add_argument(
        "--self-rating",
        type=self_rating_value,
        metavar="N",
        help=tr("a training answer: how good you think it is, 1 to 5, before the score is shown"),
    )


# -- session new / answer / show for a training session ------------------------------------------


def new_training_session(args: argparse.Namespace, scenario: Any, banks: Any) -> int:
    with open_services(args, "write") as services:
        session = services.training.start_session(
            scenario,
            banks,
            trainee=args.trainee,
            site=args.site,
            inspection_date=args.inspection_date,
            assessor=args.assessor or args.lead,
            seed=args.seed,
            employee_id=args.employee_id,
            department=args.department,
            role=args.role,
            silence_seconds=args.silence or None,
        )
    if wants_json(args):
        print_json(plain(session))
    else:
        echo(session.id)
    return 0


def answer_training(args: argparse.Namespace, services: Services, sid: str) -> int:
    """``session answer`` in a training session: score the text and print the score with its reasons."""
    if args.status is not None or args.key_point:
        raise UsageError(
            tr("session answer: a training answer is scored, not given a status or key points; "
               "use 'training credit' to confirm or override a key point")
        )  # fmt: skip
    if args.text is None:
        raise UsageError(tr("session answer: a training session scores --text TEXT"))
    if args.evidence or args.notes is not None or args.answered_by is not None:
        raise UsageError(tr("session answer: a training answer takes --text, --seconds and --reason only"))
    found = catalogue(args)
    available = {q.id: q for bank in found.banks.values() for q in bank.questions}
    result = services.training.answer(
        sid,
        args.question,
        args.text,
        seconds=args.seconds,
        available=available,
        banks=list(found.banks.values()),
        reason=args.reason,
        self_rating=args.self_rating,
    )
    if wants_json(args):
        print_json(answer_json(result))
        return 0
    print_answer(result)
    return 0


def answer_json(result: AnswerResult) -> dict[str, Any]:
    return {
        "question_id": result.attempt.question_id,
        "attempt": result.attempt.attempt,
        "score": result.score.to_json(),
        "scorer_version": result.attempt.scorer_version,
        "lexicon_version": result.attempt.lexicon_version,
        "self_rating": result.attempt.self_rating,
        "calibration": None if (cal := _calibration(result)) is None else {"earned": cal.earned, "kind": cal.kind},
        "response": plain(result.response),
        "probes_added": [p.question_id for p in result.probes_added],
        "schedule": plain(result.schedule),
    }


def _calibration(result: AnswerResult) -> Any:
    rating = result.attempt.self_rating
    return None if rating is None or result.score.not_applicable else scoring.calibration(rating, result.score)


def _credit_text(value: float) -> str:
    return {0.0: "0", 0.5: "½", 1.0: "1"}.get(value, f"{value:g}")


def print_answer(result: AnswerResult) -> None:
    item = result.score
    verdict = tr("passed") if item.passed else tr("not passed")
    if item.critical:
        verdict = tr("not passed: critical flag")
    echo(
        tr("{qid}: {s:.0f}/100, {verdict} (quality {q} of 5, attempt {n})", qid=item.question_id, s=item.score,
           verdict=verdict, q=item.quality, n=result.attempt.attempt)
    )  # fmt: skip
    for d in item.dimensions:
        echo(f"  {d.key} {d.name} {d.score}/3 ({d.weight:.0%}): {d.reason}")
    echo(tr("Key points:"))
    cal = _calibration(result)
    if cal is not None:
        echo(tr("Self-rating: {r}/5 ({kind}): {reason}", r=cal.self_rating, kind=cal.kind, reason=cal.reason))
    for kp in item.key_points:
        extra = tr(" (negated)") if kp.negated else ""
        echo(f"  {kp.key_point_id} {_credit_text(kp.credit)}{extra}: {kp.reason}")
    if item.flags:
        echo(tr("Flags:"))
        for flag in item.flags:
            mark = tr(" CRITICAL") if flag.critical else ""
            echo(f'  {flag.kind}{mark} "{flag.phrase}": {flag.reason}')
    for reason in item.reasons:
        echo(f"- {reason}")
    for probe in result.probes_added:
        echo(tr("follow-up probe {qid} added to the script: {prompt}", qid=probe.question_id, prompt=probe.prompt))
    if result.schedule is not None:
        echo(tr("next review: {due} (every {n} day(s))", due=result.schedule.due.isoformat(),
                n=result.schedule.interval_days))  # fmt: skip


def print_scores(scores: TrainingScores) -> None:
    """The training part of ``session show``."""
    r = scores.result
    who = scores.trainee.name if scores.trainee else tr("not recorded")
    print_fields(
        [
            (tr("Trainee"), who),
            (
                tr("Inspection"),
                scores.link.inspection_date.isoformat() if scores.link and scores.link.inspection_date else "-",
            ),
            (tr("Scored"), tr("{a} of {q}", a=len(scores.questions), q=len(scores.questions) + len(scores.unanswered))),
            (tr("Mean score"), f"{r.mean_score:.0f}/100"),
            (tr("Pass rate"), f"{r.pass_rate:.0%}"),
            (tr("Critical flags"), r.critical),
            (tr("Result"), scores.outcome),
            (tr("Trainer's rating"), _trainer_rating(scores)),
        ]
    )
    for reason in r.reasons:
        echo(f"- {reason}")
    if scores.questions:
        print()
        print_table(
            [tr("QUESTION"), tr("AREA"), tr("SCORE"), tr("PASS"), tr("Q"), tr("TRIES"), tr("SELF"), tr("MISSED")],
            [
                (
                    q.entry.question_id,
                    q.entry.area,
                    f"{q.score.score:.0f}",
                    tr("yes") if q.score.passed else (tr("CRITICAL") if q.score.critical else tr("no")),
                    q.score.quality,
                    q.attempts,
                    "-" if q.attempt.self_rating is None else f"{q.attempt.self_rating}/5",
                    ", ".join(k.key_point_id for k in q.score.key_points if k.credit < 1) or "-",
                )
                for q in scores.questions
            ],
        )


def _trainer_rating(scores: TrainingScores) -> str:
    link = scores.link
    if link is None or (link.trainer_rating is None and not link.trainer_comment):
        return "-"
    rating = "-" if link.trainer_rating is None else f"{link.trainer_rating}/5"
    by = tr(" by {who}", who=link.rated_by) if link.rated_by else ""
    return f"{rating}{by}" + (f": {link.trainer_comment}" if link.trainer_comment else "")


# -- training commands ------------------------------------------------------------------------------


def cmd_trainees(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        people = services.training.trainees()
    if wants_json(args):
        print_json(plain(people))
        return 0
    print_table(
        [tr("NAME"), tr("EMPLOYEE ID"), tr("DEPARTMENT"), tr("ROLE"), tr("SINCE")],
        [(p.name, p.employee_id or "-", p.department or "-", p.role or "-", when(p.created_at)) for p in people],
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        person = services.training.ensure_trainee(
            args.name, employee_id=args.employee_id, department=args.department, role=args.role
        )
    if wants_json(args):
        print_json(plain(person))
    else:
        echo(tr("trainee {name} ({id})", name=person.name, id=person.id))
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        items = services.training.due(args.trainee, args.today)
    if wants_json(args):
        print_json(plain(items))
        return 0
    if not items:
        echo(tr("nothing is due"))
        return 0
    print_table(
        [tr("QUESTION"), tr("AREA"), tr("DUE"), tr("OVERDUE"), tr("LAST Q"), tr("PROMPT")],
        [(d.question_id, d.area, d.due.isoformat(), d.days_overdue, d.last_quality, d.prompt) for d in items],
    )
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        person = services.training.trainee(args.trainee)
        history = services.training.history(person.id, scenario_id=args.scenario)
        areas = services.training.weakest_areas(person.id)
        due = services.training.due(person.id)
    if wants_json(args):
        print_json({"trainee": plain(person), "sessions": plain(history), "areas": plain(areas), "due": len(due)})
        return 0
    print_fields(
        [
            (tr("Trainee"), person.name),
            (tr("Employee id"), person.employee_id or "-"),
            (tr("Department"), person.department or "-"),
            (tr("Role"), person.role or "-"),
            (tr("Due now"), len(due)),
        ]
    )
    print()
    print_table(
        [tr("STARTED"), tr("SCENARIO"), tr("ANSWERED"), tr("MEAN"), tr("PASS RATE"), tr("RESULT"), tr("SESSION")],
        [
            (
                when(h.started_at),
                h.scenario_id,
                f"{h.answered}/{h.questions}",
                "-" if h.mean_score is None else f"{h.mean_score:.0f}",
                "-" if h.pass_rate is None else f"{h.pass_rate:.0%}",
                h.result or "-",
                h.session_id,
            )
            for h in history
        ],
    )
    if areas:
        print()
        print_table(
            [tr("AREA"), tr("MEAN"), tr("PASS RATE"), tr("ANSWERS"), tr("KEY POINTS MISSED")],
            [(a.title, f"{a.mean_score:.0f}", f"{a.pass_rate:.0%}", a.attempts, a.missed_key_points) for a in areas],
        )
    return 0


def cmd_drill(args: argparse.Namespace) -> int:
    if not 1 <= args.size <= 50:
        raise UsageError(tr("training drill: --size must be from 1 to 50"))
    with open_services(args, "write" if args.start else "read") as services:
        plan = services.training.next_drill(args.trainee, args.today, size=args.size)
        session_id = None
        if args.start:
            if not plan.question_ids:
                raise UserError(tr("nothing to drill yet: {name} has no scored answers", name=args.trainee))
            scenario_id = args.scenario or plan.scenario_id
            if scenario_id is None:
                raise UserError(tr("give --scenario: {name} has no training session yet", name=args.trainee))
            found = catalogue(args)
            scenario = found.scenario(scenario_id)
            link = services.training.latest_link(args.trainee)
            session_id = services.training.start_session(
                scenario,
                list(found.banks.values()),
                trainee=args.trainee,
                question_ids=plan.question_ids,
                inspection_date=None if link is None else link.inspection_date,
                assessor=None if link is None else link.assessor,
            ).id
    if wants_json(args):
        print_json({**plain(plan), "session_id": session_id})
        return 0
    if not plan.question_ids:
        echo(tr("nothing to drill yet"))
        return 0
    print_table([tr("QUESTION"), tr("WHY")], [(q, plan.reasons[q]) for q in plan.question_ids])
    if session_id:
        echo(session_id)
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        rows = services.training.rescore(resolve_session(services, args.id))
    data: list[dict[str, Any]] = [
        {
            "question_id": row.entry.question_id,
            "stored": {"score": row.score.score, "passed": row.score.passed, "quality": row.score.quality,
                       "scorer_version": row.attempt.scorer_version, "lexicon_version": row.attempt.lexicon_version},
            "now": {"score": again.score, "passed": again.passed, "quality": again.quality,
                    "scorer_version": again.scorer_version, "lexicon_version": again.lexicon_version},
        }
        for row, again in rows
    ]  # fmt: skip
    if wants_json(args):
        print_json(data)
        return 0
    print_table(
        [tr("QUESTION"), tr("STORED"), tr("NOW"), tr("CHANGE"), tr("VERSIONS (STORED -> NOW)")],
        [
            (
                d["question_id"],
                f"{d['stored']['score']:.0f} {'pass' if d['stored']['passed'] else 'fail'}",
                f"{d['now']['score']:.0f} {'pass' if d['now']['passed'] else 'fail'}",
                f"{d['now']['score'] - d['stored']['score']:+.0f}",
                f"{d['stored']['scorer_version']}/{d['stored']['lexicon_version']} -> "
                f"{d['now']['scorer_version']}/{d['now']['lexicon_version']}",
            )
            for d in data
        ],
    )
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        sid = resolve_session(services, args.id)
        link = services.training.link_trainee(
            sid, args.trainee, inspection_date=args.inspection_date, assessor=args.assessor
        )
        person = services.training.trainee(link.trainee_id)
    if wants_json(args):
        print_json(plain(link))
    else:
        echo(tr("session {id} is {name}'s training", id=sid, name=person.name))
    return 0


def cmd_credit(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        sid = resolve_session(services, args.id)
        row = services.training.set_credit(sid, args.question, {args.key_point: args.credit}, reason=args.reason)
    if wants_json(args):
        print_json({"question_id": args.question, "attempt": row.attempt.attempt, "score": row.score.to_json()})
        return 0
    item = row.score
    echo(
        tr("{qid}: {kp} credit {c}; now {s:.0f}/100, {verdict}", qid=args.question, kp=args.key_point,
           c=_credit_text(args.credit), s=item.score, verdict=tr("passed") if item.passed else tr("not passed"))
    )  # fmt: skip
    return 0


def cmd_rate(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        sid = resolve_session(services, args.id)
        link = services.training.rate_session(sid, args.rating or None, comment=args.comment, reason=args.reason)
    if wants_json(args):
        print_json(plain(link))
        return 0
    if link.trainer_rating is None:
        echo(tr("session {id}: no trainer's rating", id=sid))
    else:
        echo(tr("session {id}: rated {n}/5 by {who}", id=sid, n=link.trainer_rating, who=link.rated_by or "-"))
    return 0


def cmd_silence(args: argparse.Namespace) -> int:
    with open_services(args, "write") as services:
        sid = resolve_session(services, args.id)
        link = services.training.set_silence(sid, args.seconds or None, reason=args.reason)
    if wants_json(args):
        print_json(plain(link))
        return 0
    if link.silence_seconds is None:
        echo(tr("session {id}: the inspector does not wait in silence", id=sid))
    else:
        echo(tr("session {id}: the inspector waits {n} s after each answer", id=sid, n=link.silence_seconds))
    return 0


__all__ = [
    "add_answer_options",
    "add_session_options",
    "answer_training",
    "new_training_session",
    "print_scores",
    "register",
    "scores_json",
]
