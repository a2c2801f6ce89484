"""TrainingService: training mode's use cases, for the window, the command line and the tests.

A training session is an ordinary session (mode ``training``) whose answers are also scored:
the answer is saved through the inspection service as usual, scored by the domain's scorer
(``domain.training.score_answer``) against the session's FROZEN question, stored with the
scorer and lexicon versions, and the probes for what it missed are added to the script so
they come next, as an inspector digs into a weak answer. The first scored attempt at a
question in a session also moves the trainee's review schedule (SM-2, capped by the date of
the inspection being prepared for); a "rewind and retry" does not.

Scores are advisory: a trainee or trainer confirms or overrides each key point's credit,
the item is scored again with that credit, and every override is kept (who, when, from,
to, why) in the audit trail. The GUI and the CLI call the same methods, so they never
score differently.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from mockinspect.domain import training as scoring
from mockinspect.domain.bank import Bank, Question, ResponseStatus
from mockinspect.domain.frozen import FrozenQuestion
from mockinspect.domain.scenario import AgendaSection, Scenario
from mockinspect.domain.session import (
    UNSET,
    Mode,
    Participant,
    Response,
    ResponsePatch,
    ScriptEntry,
    Session,
    SessionSnapshot,
)
from mockinspect.domain.trainee import KeyPointOverride, ScoredAttempt, StoredSchedule, Trainee, TrainingLink
from mockinspect.domain.training import ItemScore, Lexicon, Schedule, SessionResult
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.resources import resource
from mockinspect.services.base import ServiceBase, user_errors
from mockinspect.services.inspection import InspectionService
from mockinspect.services.validation import clean_text, kept_text
from mockinspect.services.validation import session_id as check_session_id
from mockinspect.store import Database, TrainingRepository

MAX_ATTEMPTS = 3  # ...at most this many times in all, so a drill always ends
SILENCE_SECONDS = 7  # the inspector's silence when it is on (training brief §1: 6-8 s)
MAX_SILENCE = 30
DRILL_SIZE = 8


@cache
def _bundled_lexicon() -> Lexicon:
    path = resource("training", "lexicon.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(tr("cannot read the training lexicon {path}: {error}", path=path, error=exc)) from exc
    try:
        return scoring.lexicon_from_data(data)
    except ValueError as exc:
        raise UserError(tr("the training lexicon {path} is not valid: {error}", path=path, error=exc)) from exc


def load_lexicon() -> Lexicon:
    """The bundled hedge, red-flag and positive-phrase lexicon (read once)."""
    return _bundled_lexicon()


# -- what the service returns -----------------------------------------------------------------


@dataclass(frozen=True)
class AnswerResult:
    """What submitting one answer did: the score with its reasons, the answer saved, the
    probes added to the script for what it missed, and the trainee's new review schedule."""

    attempt: ScoredAttempt
    score: ItemScore
    response: Response
    probes_added: tuple[ScriptEntry, ...] = ()
    schedule: Schedule | None = None


@dataclass(frozen=True)
class QuestionScore:
    """The latest scored attempt at one question of a session."""

    entry: ScriptEntry
    question: FrozenQuestion | None
    score: ItemScore
    attempt: ScoredAttempt
    attempts: int

    @property
    def calibration(self) -> scoring.Calibration | None:
        """The trainee's self-rating against the score (None: skipped, or not applicable)."""
        rating = self.attempt.self_rating
        if rating is None or self.score.not_applicable:
            return None
        return scoring.calibration(rating, self.score)


@dataclass(frozen=True)
class TrainingScores:
    """A training session's scores by question, by area and overall, and its result."""

    session: Session
    link: TrainingLink | None
    trainee: Trainee | None
    questions: tuple[QuestionScore, ...]  # in script order, answered ones only
    unanswered: tuple[ScriptEntry, ...]
    result: SessionResult
    overrides: tuple[KeyPointOverride, ...]
    area_titles: Mapping[str, str] = field(default_factory=dict)

    def question(self, question_id: str) -> QuestionScore | None:
        return next((q for q in self.questions if q.entry.question_id == question_id), None)

    @property
    def outcome(self) -> str:
        """The session's result as the training record states it: "not-assessed" before any
        scored answer, "incomplete" while questions are open and the answers so far would pass
        (competence is shown by every question, answered or N/A), else the result."""
        if not self.result.items:
            return "not-assessed"
        if self.unanswered and self.result.competent:
            return "incomplete"
        return self.result.result


@dataclass(frozen=True)
class DueItem:
    """A question the trainee's schedule says is due."""

    question_id: str
    area: str
    prompt: str
    due: date
    days_overdue: int
    interval_days: int
    repetitions: int
    last_quality: int
    ease: float


@dataclass(frozen=True)
class AreaStanding:
    """How a trainee does in one area over all attempts: mean S, pass rate, key points missed."""

    area: str
    title: str
    mean_score: float
    pass_rate: float
    attempts: int
    missed_key_points: int


@dataclass(frozen=True)
class SessionHistory:
    """One training session of a trainee, summed up."""

    session_id: str
    scenario_id: str
    scenario_title: str
    started_at: datetime
    finished: bool
    answered: int
    questions: int
    mean_score: float | None
    pass_rate: float | None
    result: str | None  # TrainingScores.outcome: competent, further-practice, incomplete; None before any answer


@dataclass(frozen=True)
class DrillPlan:
    """The questions of the next drill and why each is in it."""

    question_ids: tuple[str, ...]
    reasons: Mapping[str, str]
    scenario_id: str | None  # the scenario of the trainee's latest session, to draw the drill from


# -- helpers ------------------------------------------------------------------------------------


def _schedule_from(stored: StoredSchedule | None) -> Schedule | None:
    if stored is None:
        return None
    return Schedule(stored.ease, stored.interval_days, stored.repetitions, stored.due, stored.last_quality)


def _schedule_from_data(data: Mapping[str, Any] | None) -> Schedule | None:
    return Schedule.from_json(data) if data else None


def stored_score(attempt: ScoredAttempt) -> ItemScore:
    """The ItemScore an attempt stored; one that cannot be read is a one-line error, not a traceback."""
    try:
        return ItemScore.from_json(attempt.score)
    except ValueError as exc:
        raise UserError(
            tr("the stored score of {qid} (attempt {n}) cannot be read: {error}", qid=attempt.question_id,
               n=attempt.attempt, error=exc)
        ) from exc  # fmt: skip


def _status_for(item: ItemScore) -> ResponseStatus:
    """The inspection status the saved answer gets from its score."""
    if item.not_applicable:
        return ResponseStatus.NOT_APPLICABLE
    if item.passed:
        return ResponseStatus.COMPLIANT
    if not item.critical and item.score >= 50:
        return ResponseStatus.OBSERVATION
    return ResponseStatus.DEFICIENT


def _seconds(value: float | int | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != value:
        raise UserError(tr("the time taken must be a number of seconds, 0 or more"))
    return float(value)


def _rating(value: object, what: str) -> int | None:
    """A 1-5 rating, or None (skipped / cleared)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise UserError(tr("{what} is a whole number from 1 to 5, not {v}", what=what, v=value))
    return value


def _silence(value: object) -> int | None:
    """The inspector's silence after each answer: None or 0 (off), else 1 to 30 seconds."""
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SILENCE:
        raise UserError(tr("the inspector's silence is 0 (off) to {n} seconds, not {v}", n=MAX_SILENCE, v=value))
    return value


def _credit(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or float(value) not in (0.0, 0.5, 1.0):
        raise UserError(tr("a key point's credit is 0, 0.5 or 1, not {v}", v=value))
    return float(value)


class TrainingService(ServiceBase):
    """Training mode: trainees, scored answers, overrides, results, the review schedule and drills."""

    def __init__(
        self,
        db: Database,
        *,
        user_name: str,
        inspection: InspectionService | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        super().__init__(db, user_name=user_name)
        self.inspection = inspection or InspectionService(db, user_name=user_name)
        self.training = TrainingRepository(db)
        self._lexicon = lexicon

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = load_lexicon()
        return self._lexicon

    # -- trainees ------------------------------------------------------------------------------

    def trainees(self) -> list[Trainee]:
        with user_errors():
            return self.training.trainees()

    def trainee(self, name_or_id: str | int) -> Trainee:
        """A trainee by id, or by name ignoring case."""
        with user_errors():
            if isinstance(name_or_id, int) and not isinstance(name_or_id, bool):
                return self.training.get_trainee(name_or_id)
            name = clean_text(str(name_or_id), tr("the trainee's name"), required=True)
            assert name is not None
            found = self.training.find_trainee(name)
        if found is None:
            raise UserError(tr("no trainee called '{name}'", name=name))
        return found

    def add_trainee(
        self,
        name: str,
        *,
        employee_id: str | None = None,
        department: str | None = None,
        role: str | None = None,
        reason: str | None = None,
    ) -> Trainee:
        values = {
            "name": clean_text(name, tr("the trainee's name"), required=True),
            "employee_id": clean_text(employee_id, tr("the employee id")),
            "department": clean_text(department, tr("the department")),
            "role": clean_text(role, tr("the role")),
        }
        with user_errors():
            return self.training.add_trainee(values, who=self.user_name, reason=reason)

    def update_trainee(self, trainee_id: int, *, reason: str | None = None, **changes: str | None) -> Trainee:
        labels = {
            "name": tr("the trainee's name"),
            "employee_id": tr("the employee id"),
            "department": tr("the department"),
            "role": tr("the role"),
        }
        unknown = set(changes) - set(labels)
        if unknown:
            raise UserError(tr("a trainee has no field {name}", name=sorted(unknown)[0]))
        clean = {k: clean_text(v, labels[k], required=k == "name") for k, v in changes.items()}
        with user_errors():
            return self.training.update_trainee(trainee_id, clean, who=self.user_name, reason=reason)

    def ensure_trainee(
        self,
        name: str,
        *,
        employee_id: str | None = None,
        department: str | None = None,
        role: str | None = None,
    ) -> Trainee:
        """The trainee called ``name``, added if new; profile fields given fill in the blanks."""
        clean = clean_text(name, tr("the trainee's name"), required=True)
        assert clean is not None
        with user_errors():
            found = self.training.find_trainee(clean)
        if found is None:
            return self.add_trainee(clean, employee_id=employee_id, department=department, role=role)
        given = {"employee_id": employee_id, "department": department, "role": role}
        changes = {k: v for k, v in given.items() if v and v.strip() and v.strip() != getattr(found, k)}
        return self.update_trainee(found.id, **changes) if changes else found

    # -- training sessions ----------------------------------------------------------------------

    def start_session(
        self,
        scenario: Scenario,
        banks: Sequence[Bank],
        *,
        trainee: str,
        site: str | None = None,
        inspection_date: date | None = None,
        assessor: str | None = None,
        seed: int | None = None,
        question_ids: Sequence[str] = (),
        employee_id: str | None = None,
        department: str | None = None,
        role: str | None = None,
        silence_seconds: int | None = None,
        address: str | None = None,
        participants: Sequence[Participant] = (),
    ) -> Session:
        """Start a training session for ``trainee`` (added if new). ``question_ids``: a drill
        of exactly these questions (e.g. ``next_drill``), drawn from the scenario's banks.
        ``silence_seconds``: the inspector waits this long after each answer (None: off).
        ``participants``: others present (a trainer, an observer), after the trainee."""
        silence = _silence(silence_seconds)
        person = self.ensure_trainee(trainee, employee_id=employee_id, department=department, role=role)
        run = self._drill_scenario(scenario, banks, question_ids) if question_ids else scenario
        session = self.inspection.create_session(
            run,
            banks,
            site=site or person.department or tr("Training"),
            mode=Mode.TRAINING,
            lead=assessor,
            seed=seed,
            participants=[
                Participant(person.name, "trainee", person.department),
                *(p for p in participants if p.name.casefold() != person.name.casefold()),
            ],
            address=address,
        )
        self._link(session.id, person, inspection_date, assessor, silence)
        return session

    def link_trainee(
        self,
        session_id: str,
        trainee: str,
        *,
        inspection_date: date | None = None,
        assessor: str | None = None,
        silence_seconds: int | None = None,
    ) -> TrainingLink:
        """Say who a training session (started without one, e.g. from the new-session dialog) is for."""
        session = self.inspection.session(session_id)
        if session.mode is not Mode.TRAINING:
            raise UserError(tr("session {id} is not a training session", id=session.id))
        silence = _silence(silence_seconds)
        person = self.ensure_trainee(trainee)
        return self._link(session.id, person, inspection_date, assessor, silence)

    def _link(
        self, session_id: str, person: Trainee, when: date | None, assessor: str | None, silence: int | None = None
    ) -> TrainingLink:
        if when is not None and not isinstance(when, date):
            raise UserError(tr("the inspection date must be a date"))
        values = {
            "inspection_date": when,
            "assessor": clean_text(assessor, tr("the assessor's name")),
            "silence_seconds": silence,
        }
        with user_errors():
            return self.training.link_session(session_id, person.id, values, who=self.user_name)

    def latest_link(self, trainee: str | int) -> TrainingLink | None:
        """The trainee's most recent training session (its inspection date and assessor carry over)."""
        person = self.trainee(trainee)
        with user_errors():
            links = self.training.trainee_sessions(person.id)
        return links[-1] if links else None

    def link(self, session_id: str) -> TrainingLink | None:
        with user_errors():
            return self.training.training_link(check_session_id(session_id))

    def _require_link(self, session_id: str) -> str:
        sid = check_session_id(session_id)
        self._training_snapshot(sid)
        if self.link(sid) is None:
            raise UserError(tr("session {id} has no trainee yet: say who it is for first", id=sid))
        return sid

    def set_silence(self, session_id: str, seconds: int | None, *, reason: str | None = None) -> TrainingLink:
        """Turn the inspector's silence after each answer on (``seconds``, 1-30) or off (None or 0)."""
        silence = _silence(seconds)
        sid = self._require_link(session_id)
        with user_errors():
            return self.training.update_link(sid, {"silence_seconds": silence}, who=self.user_name, reason=reason)

    def rate_session(
        self, session_id: str, rating: int | None, *, comment: str | None = None, reason: str | None = None
    ) -> TrainingLink:
        """The assessor's optional global rating (1-5, None clears it) and comment on a training
        session (training brief §2: it captures nuance a checklist misses). Kept in the audit
        trail with who and when; a finished drill takes it, as the assessment follows the drill.
        ``comment``: None leaves it as it is, "" clears it."""
        value = _rating(rating, tr("the trainer's rating"))
        sid = self._require_link(session_id)
        changes: dict[str, Any] = {"trainer_rating": value}
        if comment is not None:  # None leaves the comment as it is; "" clears it
            changes["trainer_comment"] = clean_text(comment, tr("the trainer's comment"))
        with user_errors():
            return self.training.update_link(sid, changes, who=self.user_name, reason=reason)

    @staticmethod
    def _drill_scenario(scenario: Scenario, banks: Sequence[Bank], question_ids: Sequence[str]) -> Scenario:
        """``scenario`` narrowed to exactly ``question_ids``, in one agenda section."""
        by_id = {q.id: q for bank in banks for q in bank.questions}
        wanted = list(dict.fromkeys(question_ids))
        missing = [q for q in wanted if q not in by_id]
        if missing:
            raise UserError(tr("question {qid} is not in the banks available", qid=missing[0]))
        areas = list(dict.fromkeys(by_id[q].area for q in wanted))
        minutes = max(5, min(600, round(len(wanted) * scenario.training.seconds_per_question / 60) + 5))
        section = AgendaSection.model_validate({"title": tr("Drill"), "day": 1, "areas": areas, "minutes": minutes})
        draw = scenario.draw.model_copy(
            update={"banks": [], "include": wanted, "tags": ["-drill-only-"], "exclude": []}
        )
        return scenario.model_copy(update={"agenda": [section], "draw": draw, "applicability": []})

    # -- answering ------------------------------------------------------------------------------

    def _training_snapshot(self, session_id: str) -> SessionSnapshot:
        snap = self.inspection.snapshot(session_id)
        if snap.session.mode is not Mode.TRAINING:
            raise UserError(
                tr("session {id} is an audit, not a training session: its answers are not scored", id=snap.session.id)
            )
        return snap

    @staticmethod
    def _frozen(snap: SessionSnapshot, question_id: str) -> tuple[ScriptEntry, FrozenQuestion]:
        entry = snap.entry(question_id)
        if entry is None:
            raise UserError(tr("question {qid} is not in the script of this session", qid=question_id))
        frozen = snap.question(entry)
        if frozen is None:
            raise UserError(
                tr("question {qid} has no frozen content in this session, so it cannot be scored", qid=question_id)
            )
        return entry, frozen

    def time_limit(self, session_id: str) -> int | None:
        """Seconds per question from the scenario the session ran (None: no clock)."""
        snap = self.inspection.snapshot(session_id)
        return None if snap.scenario is None else snap.scenario.seconds_per_question

    def answer(
        self,
        session_id: str,
        question_id: str,
        text: str,
        *,
        seconds: float | None = None,
        available: Mapping[str, Question] | None = None,
        banks: Sequence[Bank] = (),
        today: date | None = None,
        reason: str | None = None,
        origin: object | None = None,
        self_rating: int | None = None,
    ) -> AnswerResult:
        """Save, score and store one answer; add the probes for what it missed; move the
        review schedule (first attempt in the session only). ``available``: the banks'
        questions the probes are found among (none given: no probes are added).
        ``self_rating``: the trainee's own 1-5 given before the score was shown (None: skipped)."""
        rated = _rating(self_rating, tr("the self-rating"))
        sid = check_session_id(session_id)
        answer_text = kept_text(text)
        if answer_text is None or not answer_text.strip():
            raise UserError(tr("type an answer before it is scored"))
        took = _seconds(seconds)
        snap = self._training_snapshot(sid)
        _entry, frozen = self._frozen(snap, question_id)
        limit = None if snap.scenario is None else snap.scenario.seconds_per_question
        item = scoring.score_answer(
            frozen, answer_text, lexicon=self.lexicon, seconds=took, time_limit=None if limit is None else float(limit)
        )
        response = self._save_response(sid, question_id, item, answer_text, took, reason, origin)
        with user_errors():
            link = self.training.training_link(sid)
            first = not [a for a in self.training.scores(sid) if a.question_id == question_id]
        schedule = None
        schedule_row = None
        if link is not None and first:
            previous = self._stored_schedule(link.trainee_id, question_id)
            day = today or datetime.now(UTC).date()
            schedule = scoring.schedule_next(_schedule_from(previous), item.quality, day, link.inspection_date)
            schedule_row = self._schedule_row(link, question_id, schedule, _schedule_from(previous), sid)
        values = {
            "text": answer_text,
            "seconds": took,
            "score": item.to_json(),
            "confirmed": {},
            "scorer_version": item.scorer_version,
            "lexicon_version": item.lexicon_version or self.lexicon.version,
            "self_rating": rated,
        }
        with user_errors():
            attempt = self.training.add_score(
                sid, question_id, values, schedule=schedule_row, who=self.user_name, reason=reason, origin=origin
            )
        probes: list[ScriptEntry] = []
        if available:
            probes = self.inspection.add_triggered_probes(sid, question_id, available, banks=banks, reason=reason)
        return AnswerResult(attempt, item, response, tuple(probes), schedule)

    def not_applicable(
        self, session_id: str, question_id: str, *, reason: str | None = None, origin: object | None = None
    ) -> AnswerResult:
        """Mark a question not applicable to the trainee (e.g. outside their area): it is kept
        in the record and never lowers a score; the review schedule is left alone."""
        sid = check_session_id(session_id)
        snap = self._training_snapshot(sid)
        self._frozen(snap, question_id)
        item = scoring.not_applicable_score(question_id)
        response = self._save_response(sid, question_id, item, "", None, reason, origin)
        values = {
            "text": "",
            "seconds": None,
            "score": item.to_json(),
            "confirmed": {},
            "scorer_version": item.scorer_version,
            "lexicon_version": self.lexicon.version,
        }
        with user_errors():
            attempt = self.training.add_score(
                sid, question_id, values, who=self.user_name, reason=reason, origin=origin
            )
        return AnswerResult(attempt, item, response)

    def _save_response(
        self,
        sid: str,
        question_id: str,
        item: ItemScore,
        text: str,
        seconds: float | None,
        reason: str | None,
        origin: object | None,
    ) -> Response:
        hit = scoring.key_points_hit(item)
        patch = ResponsePatch(
            status=_status_for(item),
            text=text or None,
            key_points_hit=hit,
            seconds_taken=UNSET if seconds is None else round(seconds),
        )
        return self.inspection.record_response(sid, question_id, patch, reason=reason, origin=origin)

    def _stored_schedule(self, trainee_id: int, question_id: str) -> StoredSchedule | None:
        with user_errors():
            return self.training.schedule_entry(trainee_id, question_id)

    @staticmethod
    def _schedule_row(
        link: TrainingLink, question_id: str, schedule: Schedule, previous: Schedule | None, session_id: str
    ) -> dict[str, Any]:
        return {
            "trainee_id": link.trainee_id,
            "question_id": question_id,
            "ease": schedule.ease,
            "interval_days": schedule.interval_days,
            "repetitions": schedule.repetitions,
            "due": schedule.due,
            "last_quality": schedule.last_quality,
            "last_session_id": session_id,
            "previous": None if previous is None else previous.to_json(),
        }

    def set_credit(
        self,
        session_id: str,
        question_id: str,
        credits: Mapping[str, float],
        *,
        reason: str | None = None,
        attempt: int | None = None,
        origin: object | None = None,
    ) -> QuestionScore:
        """Confirm or override key points' credit (0, 0.5 or 1) on an attempt (the latest if
        not given): the item is scored again with it, each key point's from/to is kept with
        who, when and why, and the saved answer and the review schedule follow. Changing a
        credit needs a reason; confirming the suggested one does not."""
        sid = check_session_id(session_id)
        snap = self._training_snapshot(sid)
        entry, frozen = self._frozen(snap, question_id)
        with user_errors():
            attempts = [a for a in self.training.scores(sid) if a.question_id == question_id]
        if not attempts:
            raise UserError(tr("question {qid} has no scored answer in this session yet", qid=question_id))
        target = attempts[-1] if attempt is None else next((a for a in attempts if a.attempt == attempt), None)
        if target is None:
            raise UserError(tr("question {qid} has no attempt {n}", qid=question_id, n=attempt))
        current = stored_score(target)
        suggested = {k.key_point_id: k.credit for k in current.key_points}
        known = [k.id for k in frozen.key_points]
        given = {}
        for key, value in credits.items():
            if key not in known:
                raise UserError(
                    tr("question {qid} has no key point '{kp}' (its key points: {known})", qid=question_id, kp=key,
                       known=", ".join(known) or tr("none"))
                )  # fmt: skip
            given[key] = _credit(value)
        why = clean_text(reason, tr("the reason"))
        changed = [k for k, v in given.items() if v != suggested.get(k, 0.0)]
        if changed and not why:
            raise UserError(
                tr("give a reason for changing the credit of {kp} (it is kept in the audit trail)", kp=changed[0])
            )
        confirmed = {**target.confirmed, **given}
        limit = None if snap.scenario is None else snap.scenario.seconds_per_question
        item = scoring.score_answer(
            frozen,
            target.text,
            lexicon=self.lexicon,
            seconds=target.seconds,
            time_limit=None if limit is None else float(limit),
            confirmed=confirmed,
        )
        overrides = [
            {"key_point_id": k, "from_credit": suggested.get(k, 0.0), "to_credit": v, "reason": why}
            for k, v in given.items()
        ]
        schedule_row = None
        with user_errors():
            link = self.training.training_link(sid)
        if link is not None and target.attempt == 1:
            stored = self._stored_schedule(link.trainee_id, question_id)
            if stored is not None and stored.session_id == sid:  # this review moved it: redo it from the same start
                previous = _schedule_from_data(stored.previous)
                # the day that review was made for (``answer(today=...)``), not the wall clock: due = day + interval
                day = stored.due - timedelta(days=stored.interval_days)
                again = scoring.schedule_next(previous, item.quality, day, link.inspection_date)
                schedule_row = self._schedule_row(link, question_id, again, previous, sid)
        with user_errors():
            updated, _made = self.training.override_score(
                target.id,
                {
                    "score": item.to_json(),
                    "confirmed": confirmed,
                    "scorer_version": item.scorer_version,
                    "lexicon_version": item.lexicon_version or self.lexicon.version,
                },
                overrides,
                schedule=schedule_row,
                who=self.user_name,
                reason=why,
                origin=origin,
            )
        if target is attempts[-1]:
            self._save_response(sid, question_id, item, target.text, target.seconds, why, origin)
        return QuestionScore(entry, frozen, item, updated, len(attempts))

    # -- scores and results -----------------------------------------------------------------

    def attempts(self, session_id: str, question_id: str | None = None) -> list[ScoredAttempt]:
        with user_errors():
            found = self.training.scores(check_session_id(session_id))
        return [a for a in found if question_id is None or a.question_id == question_id]

    def overrides(self, session_id: str) -> list[KeyPointOverride]:
        with user_errors():
            return self.training.overrides(check_session_id(session_id))

    def scores(self, session_id: str) -> TrainingScores:
        """Scores by question (latest attempt), by area and overall, and the session result."""
        sid = check_session_id(session_id)
        snap = self.inspection.snapshot(sid)
        with user_errors():
            found = self.training.scores(sid)
            link = self.training.training_link(sid)
            trainee = None if link is None else self.training.get_trainee(link.trainee_id)
            overrides = self.training.overrides(sid)
        latest: dict[str, ScoredAttempt] = {}
        counts: dict[str, int] = defaultdict(int)
        for a in found:
            latest[a.question_id] = a
            counts[a.question_id] += 1
        titles = dict(snap.scenario.area_titles) if snap.scenario is not None else {}
        rows: list[QuestionScore] = []
        unanswered: list[ScriptEntry] = []
        for e in snap.script:
            got = latest.get(e.question_id)
            if got is None:
                unanswered.append(e)
                continue
            rows.append(QuestionScore(e, snap.question(e), stored_score(got), got, counts[e.question_id]))
        items = {q.entry.question_id: q.score for q in rows}
        areas = {q.entry.question_id: q.entry.area for q in rows}
        result = scoring.session_result(items, areas)
        return TrainingScores(
            snap.session, link, trainee, tuple(rows), tuple(unanswered), result, tuple(overrides), titles
        )

    def rescore(self, session_id: str) -> list[tuple[QuestionScore, ItemScore]]:
        """Each question's latest stored score beside what today's scorer and lexicon make of
        the same answer, frozen question and confirmed credit (nothing is stored): how a change
        of the lexicon or scorer would move a filed record."""
        scores = self.scores(session_id)
        snap = self.inspection.snapshot(scores.session.id)
        limit = None if snap.scenario is None else snap.scenario.seconds_per_question
        out = []
        for row in scores.questions:
            if row.question is None:
                continue
            if row.score.not_applicable:
                again = scoring.not_applicable_score(row.entry.question_id)
            else:
                again = scoring.score_answer(
                    row.question,
                    row.attempt.text,
                    lexicon=self.lexicon,
                    seconds=row.attempt.seconds,
                    time_limit=None if limit is None else float(limit),
                    confirmed=row.attempt.confirmed or None,
                )
            out.append((row, again))
        return out

    def next_question(self, session_id: str) -> ScriptEntry | None:
        """What the inspector asks next: a probe raised by a weak answer first, then the next
        question not yet answered, then a failed item again ("rewind and retry") until it is
        graded 4 or has had its attempts; None when the drill is done."""
        sid = check_session_id(session_id)
        snap = self.inspection.snapshot(sid)
        with user_errors():
            found = self.training.scores(sid)
        latest: dict[str, ScoredAttempt] = {}
        for a in found:
            latest[a.question_id] = a
        answered = set(snap.responses) | set(latest)
        probes = [e for e in snap.script if e.is_probe and e.question_id not in answered]
        if probes:
            return probes[0]
        fresh = [e for e in snap.script if e.question_id not in answered]
        if fresh:
            return fresh[0]
        for e in snap.script:
            last = latest.get(e.question_id)
            if last is None or last.attempt >= MAX_ATTEMPTS:
                continue
            if scoring.needs_retry(stored_score(last)):
                return e
        return None

    # -- progress -------------------------------------------------------------------------------

    def history(self, trainee: str | int, *, scenario_id: str | None = None) -> list[SessionHistory]:
        """The trainee's training sessions (of one scenario, if given), newest first, each summed up."""
        person = self.trainee(trainee)
        with user_errors():
            links = self.training.trainee_sessions(person.id)
        out = []
        for link in links:
            scores = self.scores(link.session_id)
            s = scores.session
            if scenario_id is not None and s.scenario_id != scenario_id:
                continue
            answered = len(scores.questions)
            out.append(
                SessionHistory(
                    session_id=s.id,
                    scenario_id=s.scenario_id,
                    scenario_title=s.scenario_title,
                    started_at=s.started_at,
                    finished=s.finished_at is not None,
                    answered=answered,
                    questions=answered + len(scores.unanswered),
                    mean_score=scores.result.mean_score if answered else None,
                    pass_rate=scores.result.pass_rate if answered else None,
                    result=scores.outcome if answered else None,
                )
            )
        return sorted(out, key=lambda h: h.started_at, reverse=True)

    def _latest_items(self, person: Trainee) -> list[tuple[ScoredAttempt, ItemScore]]:
        """Every question's latest attempt in each of the trainee's sessions."""
        with user_errors():
            found = self.training.trainee_scores(person.id)
        latest: dict[tuple[str, str], ScoredAttempt] = {}
        for a in found:
            latest[(a.session_id, a.question_id)] = a
        return [(a, stored_score(a)) for a in latest.values()]

    def weakest_areas(self, trainee: str | int, *, limit: int | None = None) -> list[AreaStanding]:
        """The trainee's areas from weakest (lowest mean S) to strongest."""
        person = self.trainee(trainee)
        with user_errors():
            asked = self.training.trainee_questions(person.id)
        by_area: dict[str, list[ItemScore]] = defaultdict(list)
        for attempt, item in self._latest_items(person):
            entry = asked.get(attempt.question_id)
            by_area[entry.area if entry else ""].append(item)
        titles = self._area_titles(person)
        rows = [
            AreaStanding(
                area=area,
                title=titles.get(area, area),
                mean_score=sum(i.score for i in items) / len(items),
                pass_rate=sum(1 for i in items if i.passed) / len(items),
                attempts=len(items),
                missed_key_points=sum(len(scoring.missed_key_points(i)) for i in items),
            )
            for area, items in by_area.items()
        ]
        rows.sort(key=lambda r: (r.mean_score, -r.missed_key_points, r.area))
        return rows if limit is None else rows[:limit]

    def _area_titles(self, person: Trainee) -> dict[str, str]:
        titles: dict[str, str] = {}
        with user_errors():
            links = self.training.trainee_sessions(person.id)
        for link in links[-5:]:  # the latest sessions name the areas as they are called now
            scenario = self.inspection.snapshot(link.session_id).scenario
            if scenario is not None:
                titles.update(scenario.area_titles)
        return titles

    def due(self, trainee: str | int, today: date | None = None) -> list[DueItem]:
        """What the trainee's review schedule says is due on ``today`` (or before), most overdue first."""
        person = self.trainee(trainee)
        day = today or datetime.now(UTC).date()
        with user_errors():
            entries = self.training.schedule(person.id)
            asked = self.training.trainee_questions(person.id)
        out = []
        for s in entries:
            if s.due > day:
                continue
            entry = asked.get(s.question_id)
            out.append(
                DueItem(
                    question_id=s.question_id,
                    area=entry.area if entry else "",
                    prompt=entry.prompt if entry else "",
                    due=s.due,
                    days_overdue=(day - s.due).days,
                    interval_days=s.interval_days,
                    repetitions=s.repetitions,
                    last_quality=s.last_quality,
                    ease=s.ease,
                )
            )
        out.sort(key=lambda d: (-d.days_overdue, d.last_quality, d.question_id))
        return out

    def schedule(self, trainee: str | int) -> list[StoredSchedule]:
        """The trainee's whole review schedule, soonest due first."""
        person = self.trainee(trainee)
        with user_errors():
            return self.training.schedule(person.id)

    def next_drill(self, trainee: str | int, today: date | None = None, *, size: int = DRILL_SIZE) -> DrillPlan:
        """The next drill: what the schedule says is due (most overdue first), then the
        questions whose key points were missed most, up to ``size`` questions."""
        person = self.trainee(trainee)
        chosen: dict[str, str] = {}
        for due in self.due(person.id, today):
            if len(chosen) >= size:
                break
            chosen[due.question_id] = (
                tr("due today") if due.days_overdue == 0 else tr("due {n} day(s) ago", n=due.days_overdue)
            )
        missed: dict[str, int] = defaultdict(int)
        scores: dict[str, list[float]] = defaultdict(list)
        for attempt, item in self._latest_items(person):
            missed[attempt.question_id] += len(scoring.missed_key_points(item))
            scores[attempt.question_id].append(item.score)
        ranked = sorted(
            (q for q in missed if missed[q] or min(scores[q]) < 70),
            key=lambda q: (-missed[q], sum(scores[q]) / len(scores[q]), q),
        )
        for qid in ranked:
            if len(chosen) >= size:
                break
            if qid not in chosen:
                chosen[qid] = (
                    tr("{n} key point(s) missed so far", n=missed[qid]) if missed[qid] else tr("scored below 70")
                )
        with user_errors():
            links = self.training.trainee_sessions(person.id)
        scenario_id = None
        if links:
            scenario_id = self.inspection.session(links[-1].session_id).scenario_id
        return DrillPlan(tuple(chosen), chosen, scenario_id)


def scores_json(scores: TrainingScores) -> dict[str, Any]:
    """A training session's scores as JSON-ready data: by question, by area, overall, the result."""
    r = scores.result
    return {
        "trainee": None
        if scores.trainee is None
        else {
            "name": scores.trainee.name,
            "employee_id": scores.trainee.employee_id,
            "department": scores.trainee.department,
            "role": scores.trainee.role,
        },
        "inspection_date": None
        if scores.link is None or scores.link.inspection_date is None
        else scores.link.inspection_date.isoformat(),
        "assessor": None if scores.link is None else scores.link.assessor,
        "silence_seconds": None if scores.link is None else scores.link.silence_seconds,
        "trainer_rating": None
        if scores.link is None or (scores.link.trainer_rating is None and scores.link.trainer_comment is None)
        else {
            "rating": scores.link.trainer_rating,
            "comment": scores.link.trainer_comment,
            "by": scores.link.rated_by,
            "at": None if scores.link.rated_at is None else scores.link.rated_at.isoformat(),
        },
        "questions": [
            {
                "question_id": q.entry.question_id,
                "area": q.entry.area,
                "probe_of": q.entry.parent_question_id,
                "attempts": q.attempts,
                "attempt": q.attempt.attempt,
                "scored_at": q.attempt.scored_at.isoformat(),
                "scorer_version": q.attempt.scorer_version,
                "lexicon_version": q.attempt.lexicon_version,
                "confirmed": dict(q.attempt.confirmed),
                **q.score.to_json(),
                "self_rating": q.attempt.self_rating,
                "calibration": None
                if (cal := q.calibration) is None
                else {"earned": cal.earned, "kind": cal.kind, "reason": cal.reason},
            }
            for q in scores.questions
        ],
        "unanswered": [e.question_id for e in scores.unanswered],
        "areas": [
            {
                "area": a.area,
                "title": scores.area_titles.get(a.area, a.area),
                "items": a.items,
                "not_applicable": a.not_applicable,
                "passed": a.passed,
                "mean_score": a.mean_score,
                "pass_rate": a.pass_rate,
                "critical": a.critical,
                "weakest": list(a.weakest),
            }
            for a in r.areas
        ],
        "overall": {
            "items": r.items,
            "not_applicable": r.not_applicable,
            "passed": r.passed,
            "mean_score": r.mean_score,
            "pass_rate": r.pass_rate,
            "critical": r.critical,
        },
        "result": scores.outcome,
        "reasons": list(r.reasons),
        "overrides": [
            {
                "question_id": o.question_id,
                "attempt": o.attempt,
                "key_point_id": o.key_point_id,
                "from": o.from_credit,
                "to": o.to_credit,
                "reason": o.reason,
                "who": o.who,
                "at": o.at.isoformat(),
            }
            for o in scores.overrides
        ],
    }


__all__ = [
    "MAX_SILENCE",
    "SILENCE_SECONDS",
    "AnswerResult",
    "AreaStanding",
    "DrillPlan",
    "DueItem",
    "QuestionScore",
    "SessionHistory",
    "TrainingScores",
    "TrainingService",
    "load_lexicon",
    "scores_json",
]
