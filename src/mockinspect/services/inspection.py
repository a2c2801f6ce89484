"""InspectionService: the use cases of a mock inspection.

What the window, the CLI and the tests call. Each method is one user action, checks its
input first (a ``UserError`` changes nothing), then makes one store call, which is one
transaction with its audit-trail records. Everything returned is a domain object.

Session ids are full ids (``SessionId``); only the CLI resolves a shortened one. Changes are
typed patches (``ResponsePatch``, ``FindingPatch``...): a field left ``UNSET`` is kept, a
field set to None is cleared. Typing is saved as a draft (``save_draft``, unaudited, within
a second); the audited record is written at commit points (``record_response``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mockinspect.domain.bank import Bank, FdaSystem, Grade, Question, ResponseStatus
from mockinspect.domain.engine import build_script, follow_ups_for
from mockinspect.domain.frozen import FrozenQuestion, canonical_json, content_key
from mockinspect.domain.outcome import FindingFacts
from mockinspect.domain.scenario import Scenario
from mockinspect.domain.session import (
    UNSET,
    DocumentRequest,
    DocumentRequestStatus,
    Draft,
    DraftPatch,
    EvidenceCheck,
    EvidenceInput,
    EvidenceKind,
    EvidenceLink,
    EvidenceState,
    Finding,
    FindingPatch,
    FindingStatus,
    Mode,
    Participant,
    RequestPatch,
    Response,
    ResponsePatch,
    ScriptEntry,
    Session,
    SessionCounts,
    SessionListItem,
    SessionPatch,
    SessionSnapshot,
    SessionState,
    SessionSummary,
)
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.services import rules
from mockinspect.services.base import ServiceBase, user_errors
from mockinspect.services.validation import (
    citations as check_citations,
)
from mockinspect.services.validation import (
    clean_text,
    enum_value,
    evidence_values,
    file_digest,
    hash_evidence,
    kept_text,
    parse_evidence_argument,
    rating,
    regular_file,
    seed_value,
)
from mockinspect.services.validation import (
    question_id as check_question_id,
)
from mockinspect.services.validation import (
    session_id as check_session_id,
)

MIN_ID_PREFIX = 4


def _freeze(value: Any) -> tuple[str, str]:
    text = canonical_json(value)
    return content_key(text), text


def _aware(moment: datetime | None, what: str) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise UserError(tr("{what} needs a time zone", what=what))
    return moment


class InspectionService(ServiceBase):
    """Run a mock inspection: sessions, answers and drafts, probes, evidence, document
    requests, findings, the snapshot the window and the report read."""

    # -- sessions -----------------------------------------------------------------------

    def create_session(
        self,
        scenario: Scenario,
        banks: Sequence[Bank],
        *,
        site: str,
        mode: Mode | str = Mode.AUDIT,
        lead: str | None = None,
        seed: int | None = None,
        address: str | None = None,
        participants: Sequence[Participant] = (),
        reason: str | None = None,
    ) -> Session:
        """Draw the script and freeze it, with the full content of every question and the scenario."""
        site_name = clean_text(site, tr("the site name"), required=True)
        run_mode = enum_value(Mode, mode, tr("mode"))
        use_seed = seed_value(scenario.draw.seed if seed is None else seed)
        script = build_script(scenario, banks, use_seed)
        if not script:
            raise UserError(tr("scenario '{id}' draws no questions from the banks given", id=scenario.id))
        people = []
        for person in participants:
            people.append(
                {
                    "name": clean_text(person.name, tr("a participant's name"), required=True),
                    "role": clean_text(person.role, tr("a participant's role")),
                    "organisation": clean_text(person.organisation, tr("a participant's organisation")),
                }
            )
        by_id = {q.id: q for bank in banks for q in bank.questions}
        frozen: dict[str, tuple[str, str]] = {}
        items = []
        for item in script:
            key, text = _freeze(by_id[item.question_id].model_dump(mode="json", exclude_defaults=True))
            frozen[key] = ("question", text)
            items.append(
                {
                    "position": item.position,
                    "section": item.section,
                    "area": item.area,
                    "question_id": item.question_id,
                    "bank_id": item.bank_id,
                    "bank_version": item.bank_version,
                    "content_hash": key,
                    "prompt": item.prompt,
                }
            )
        scenario_key, scenario_text = _freeze(self._scenario_content(scenario, banks))
        frozen[scenario_key] = ("scenario", scenario_text)
        values = {
            "site": site_name,
            "address": clean_text(address, tr("the site's address")),
            "mode": run_mode.value,
            "scenario_id": scenario.id,
            "scenario_version": scenario.version,
            "scenario_title": scenario.title,
            "scenario_hash": scenario_key,
            "persona": scenario.persona.value,
            "lead": clean_text(lead, tr("the lead's name")),
            "seed": use_seed,
        }
        with user_errors():
            return self.repo.create_session(values, items, people, frozen, who=self.user_name, reason=reason)

    @staticmethod
    def _scenario_content(scenario: Scenario, banks: Sequence[Bank]) -> dict[str, Any]:
        try:
            persona_title = rules.persona_rules(scenario.persona.value).title
        except UserError:
            persona_title = scenario.persona.value
        return {
            "scenario": scenario.model_dump(mode="json", by_alias=True),
            "persona_title": persona_title,
            "areas": {area.id: area.title for bank in banks for area in bank.areas},
            "banks": [{"id": b.id, "title": b.title, "version": b.version} for b in banks],
            "documents": {doc.id: doc.title for bank in banks for doc in bank.documents},
        }

    def sessions(self) -> list[SessionListItem]:
        with user_errors():
            return self.repo.list_sessions()

    def session_ids_starting(self, prefix: str) -> list[str]:
        """Up to 10 session ids starting with ``prefix`` (for a command line that accepts short ids)."""
        value = prefix.strip().lower()
        if not value.isascii():
            return []  # ids are hex digits
        with user_errors():
            return self.repo.session_ids_starting(value)

    def session(self, session_id: str) -> Session:
        with user_errors():
            return self.repo.get_session(check_session_id(session_id))

    def script(self, session_id: str) -> list[ScriptEntry]:
        with user_errors():
            return self.repo.script(check_session_id(session_id))

    def snapshot(self, session_id: str) -> SessionSnapshot:
        """Everything about one session, read in one transaction: for the interview screen,
        its header and the report."""
        with user_errors():
            return self.repo.snapshot(check_session_id(session_id))

    def update_session(self, session_id: str, patch: SessionPatch, *, reason: str | None = None) -> Session:
        sid = check_session_id(session_id)
        changes: dict[str, Any] = {}
        if patch.site is not UNSET:
            changes["site"] = clean_text(patch.site, tr("the site name"), required=True)
        if patch.address is not UNSET:
            changes["address"] = clean_text(patch.address, tr("the site's address"))
        if patch.lead is not UNSET:
            changes["lead"] = clean_text(patch.lead, tr("the lead's name"))
        with user_errors():
            return self.repo.update_session(sid, changes, who=self.user_name, reason=reason)

    def finish_session(self, session_id: str, *, reason: str | None = None) -> Session:
        """Close the session; later changes need a reason (kept in the trail). Finishing a
        finished session changes nothing."""
        sid = check_session_id(session_id)
        with user_errors():
            current = self.repo.get_session(sid)
            if current.state is SessionState.FINISHED:
                return current
            return self.repo.update_session(
                sid,
                {"state": SessionState.FINISHED.value, "finished_at": datetime.now(UTC)},
                who=self.user_name,
                reason=clean_text(reason, tr("the reason")),
            )

    def reopen_session(self, session_id: str, *, reason: str) -> Session:
        sid = check_session_id(session_id)
        reason_text = clean_text(reason, tr("a reason for reopening"), required=True)
        with user_errors():
            return self.repo.update_session(
                sid, {"state": SessionState.OPEN.value, "finished_at": None}, who=self.user_name, reason=reason_text
            )

    # -- drafts and responses -------------------------------------------------------------

    def save_draft(
        self, session_id: str, question_id: str, patch: DraftPatch, *, origin: object | None = None
    ) -> Draft:
        """Save typing as a draft (unaudited, crash-safe): what the window calls within a second."""
        sid = check_session_id(session_id)
        question_id = check_question_id(question_id)
        fields: dict[str, Any] = {}
        for name in ("text", "notes"):
            value = getattr(patch, name)
            if value is not UNSET:
                fields[name] = kept_text(value)
        if patch.answered_by is not UNSET:
            fields["answered_by"] = clean_text(patch.answered_by, tr("who answered"))
        with user_errors():
            return self.repo.save_draft(sid, question_id, fields, origin=origin)

    def drafts(self, session_id: str) -> list[Draft]:
        """Typing not yet committed (offer it back when a session is reopened after a crash)."""
        with user_errors():
            return self.repo.drafts(check_session_id(session_id))

    def discard_draft(self, session_id: str, question_id: str) -> bool:
        with user_errors():
            return self.repo.discard_draft(check_session_id(session_id), question_id)

    def record_response(
        self,
        session_id: str,
        question_id: str,
        patch: ResponsePatch,
        *,
        evidence: Sequence[EvidenceInput] = (),
        reason: str | None = None,
        origin: object | None = None,
    ) -> Response:
        """Commit the answer to one question (audited): the status chosen, a field left, the
        question left, the session closed. Fields left ``UNSET`` keep their value; an answer
        may be saved before it has a status. The question's draft is dropped in the same
        transaction, and evidence given here is linked to the answer."""
        sid = check_session_id(session_id)
        question_id = check_question_id(question_id)
        fields: dict[str, Any] = {}
        if patch.status is not UNSET:
            fields["status"] = None if patch.status is None else enum_value(ResponseStatus, patch.status, tr("status")).value
        for name in ("text", "notes"):
            value = getattr(patch, name)
            if value is not UNSET:
                fields[name] = kept_text(value)
        if patch.answered_by is not UNSET:
            fields["answered_by"] = clean_text(patch.answered_by, tr("who answered"))
        if patch.key_points_hit is not UNSET:
            if isinstance(patch.key_points_hit, str):
                raise UserError(tr("key points hit must be a list of key-point ids"))
            fields["key_points_hit"] = list(dict.fromkeys(str(k) for k in patch.key_points_hit))
        if patch.seconds_taken is not UNSET:
            seconds = patch.seconds_taken
            if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0):
                raise UserError(tr("the time taken must be a whole number of seconds, 0 or more"))
            fields["seconds_taken"] = seconds
        links = [evidence_values(item) for item in evidence]
        with user_errors():
            response, _ = self.repo.record_response(
                sid, question_id, fields, links, who=self.user_name, reason=reason, origin=origin
            )
        return response

    def response(self, session_id: str, question_id: str) -> Response | None:
        with user_errors():
            return self.repo.get_response(check_session_id(session_id), question_id)

    def responses(self, session_id: str) -> list[Response]:
        with user_errors():
            return self.repo.responses(check_session_id(session_id))

    def delete_response(self, session_id: str, question_id: str, *, reason: str | None = None) -> Response:
        """Remove an answer (audited; undo records it again as a new create)."""
        with user_errors():
            return self.repo.delete_response(check_session_id(session_id), question_id, who=self.user_name, reason=reason)

    # -- follow-up probes ---------------------------------------------------------------------

    def add_probe(
        self,
        session_id: str,
        parent_question_id: str,
        probe: Question,
        *,
        bank: Bank | None = None,
        reason: str | None = None,
    ) -> ScriptEntry:
        """Add a follow-up probe to the script (audited), after the drawn questions, with the
        question that triggered it; its content is frozen like the rest. ``bank`` is the bank
        the probe comes from (left out: the parent's). A probe already asked is returned as it is."""
        sid = check_session_id(session_id)
        key, text = _freeze(probe.model_dump(mode="json", exclude_defaults=True))
        item = {
            "area": probe.area,
            "question_id": probe.id,
            "bank_id": "" if bank is None else bank.id,
            "bank_version": "" if bank is None else bank.version,
            "content_hash": key,
            "prompt": probe.prompt,
        }
        with user_errors():
            entry, _ = self.repo.add_probe(
                sid, parent_question_id, item, {key: ("question", text)}, who=self.user_name, reason=reason
            )
        return entry

    def triggered_probes(
        self, session_id: str, question_id: str, available: Mapping[str, Question]
    ) -> list[Question]:
        """The probes the saved answer to ``question_id`` triggers, by the frozen question's
        rules, found among ``available`` (the banks' questions); those already asked are left out."""
        snap = self.snapshot(session_id)
        entry = snap.entry(question_id)
        if entry is None:
            raise UserError(tr("question {qid} is not in the script of this session", qid=question_id))
        frozen = snap.question(entry)
        response = snap.responses.get(question_id)
        if frozen is None or response is None:
            return []
        try:
            parent = Question.model_validate(dict(frozen.raw))
            ids = follow_ups_for(parent, response.status, response.key_points_hit)
        except ValueError:  # frozen by an older bank format: ask every probe it lists
            ids = list(frozen.probe_ids)
        asked = {e.question_id for e in snap.script}
        return [available[i] for i in dict.fromkeys(ids) if i in available and i not in asked]

    def add_triggered_probes(
        self,
        session_id: str,
        question_id: str,
        available: Mapping[str, Question],
        *,
        banks: Sequence[Bank] = (),
        reason: str | None = None,
    ) -> list[ScriptEntry]:
        """Add every probe the saved answer triggers (the engine's rules) to the script; each
        records the bank among ``banks`` that holds it (else its parent's bank)."""
        home = {q.id: b for b in banks for q in b.questions}
        return [
            self.add_probe(session_id, question_id, probe, bank=home.get(probe.id), reason=reason)
            for probe in self.triggered_probes(session_id, question_id, available)
        ]

    # -- evidence -----------------------------------------------------------------------

    @staticmethod
    def hash_evidence(item: EvidenceInput) -> EvidenceInput:
        """Hash a file link (no database: run it on a worker for a big file)."""
        return hash_evidence(item)

    def attach_evidence(
        self,
        session_id: str,
        item: EvidenceInput,
        *,
        question_id: str | None = None,
        reason: str | None = None,
        origin: object | None = None,
    ) -> EvidenceLink:
        """Link evidence to the session, or to the answer to ``question_id``. ``origin`` is
        passed to the change listeners (a view skips the change it made itself)."""
        sid = check_session_id(session_id)
        values = evidence_values(item)
        with user_errors():
            response_id = None
            if question_id is not None:
                response_id = self.repo.response_ids(sid, [question_id]).get(question_id)
                if response_id is None:
                    raise UserError(tr("question {qid} has no answer in this session yet", qid=question_id))
            return self.repo.add_evidence(sid, response_id, values, who=self.user_name, reason=reason, origin=origin)

    def detach_evidence(
        self, evidence_id: int, *, reason: str | None = None, origin: object | None = None
    ) -> EvidenceLink:
        with user_errors():
            return self.repo.remove_evidence(evidence_id, who=self.user_name, reason=reason, origin=origin)

    def evidence_link(self, evidence_id: int) -> EvidenceLink:
        with user_errors():
            return self.repo.get_evidence(evidence_id)

    def evidence(self, session_id: str) -> list[EvidenceLink]:
        with user_errors():
            return self.repo.evidence(check_session_id(session_id))

    def check_evidence(self, session_id: str) -> list[EvidenceCheck]:
        """Re-hash every linked file: which are unchanged, changed or gone since they were linked.

        File work only after one read, so a window can run it on a worker thread."""
        return check_links(self.evidence(session_id))

    # -- document requests --------------------------------------------------------------

    def request_document(
        self,
        session_id: str,
        description: str,
        *,
        question_id: str | None = None,
        due_minutes: int | None = None,
        reason: str | None = None,
        origin: object | None = None,
    ) -> DocumentRequest:
        sid = check_session_id(session_id)
        what = clean_text(description, tr("what is requested"), required=True)
        if question_id is not None and question_id not in {e.question_id for e in self.script(sid)}:
            raise UserError(tr("question {qid} is not in the script of this session", qid=question_id))
        now = datetime.now(UTC)
        due = None
        if due_minutes is not None:
            if isinstance(due_minutes, bool) or not isinstance(due_minutes, int) or not 1 <= due_minutes <= 60 * 24 * 30:
                raise UserError(tr("the time allowed must be a whole number of minutes from 1 to 43200"))
            due = now + timedelta(minutes=due_minutes)
        values = {"description": what, "question_id": question_id, "requested_at": now, "due_at": due}
        with user_errors():
            return self.repo.add_document_request(sid, values, who=self.user_name, reason=reason, origin=origin)

    def update_document_request(
        self, request_id: int, patch: RequestPatch, *, reason: str | None = None, origin: object | None = None
    ) -> DocumentRequest:
        changes: dict[str, Any] = {}
        if patch.description is not UNSET:
            changes["description"] = clean_text(patch.description, tr("what is requested"), required=True)
        if patch.status is not UNSET:
            state = enum_value(DocumentRequestStatus, patch.status, tr("document request status"))
            changes["status"] = state.value
            if state in (DocumentRequestStatus.DELIVERED, DocumentRequestStatus.LATE) and patch.delivered_at is UNSET:
                changes["delivered_at"] = datetime.now(UTC)
            if state is DocumentRequestStatus.OPEN and patch.delivered_at is UNSET:
                changes["delivered_at"] = None
        if patch.notes is not UNSET:
            changes["notes"] = kept_text(patch.notes)
        if patch.due_at is not UNSET:
            changes["due_at"] = _aware(patch.due_at, tr("the due time"))
        if patch.delivered_at is not UNSET:
            changes["delivered_at"] = _aware(patch.delivered_at, tr("the delivery time"))
        with user_errors():
            return self.repo.update_document_request(
                request_id, changes, who=self.user_name, reason=reason, origin=origin
            )

    def delete_document_request(
        self, request_id: int, *, reason: str | None = None, origin: object | None = None
    ) -> DocumentRequest:
        with user_errors():
            return self.repo.delete_document_request(request_id, who=self.user_name, reason=reason, origin=origin)

    def document_request(self, request_id: int) -> DocumentRequest:
        with user_errors():
            return self.repo.get_document_request(request_id)

    def document_requests(self, session_id: str) -> list[DocumentRequest]:
        with user_errors():
            return self.repo.document_requests(check_session_id(session_id))

    # -- findings -----------------------------------------------------------------------

    @staticmethod
    def _ratings(severity: Any, occurrence: Any, detectability: Any) -> dict[str, int | None]:
        values = {
            "severity": rating(tr("severity"), severity),
            "occurrence": rating(tr("occurrence"), occurrence),
            "detectability": rating(tr("detectability"), detectability),
        }
        given = [v is not None for v in values.values()]
        if any(given) and not all(given):
            raise UserError(tr("give severity, occurrence and detectability together (each 1-5), or none of them"))
        return values

    def _response_links(self, sid: str, question_ids: Sequence[str]) -> list[int]:
        if isinstance(question_ids, str):
            raise UserError(tr("linked questions must be a list of question ids"))
        if not question_ids:
            return []
        in_script = {e.question_id for e in self.repo.script(sid)}
        unknown = [q for q in question_ids if q not in in_script]
        if unknown:
            raise UserError(tr("question {qid} is not in the script of this session", qid=unknown[0]))
        found = self.repo.response_ids(sid, question_ids)
        unanswered = [q for q in question_ids if q not in found]
        if unanswered:
            raise UserError(tr("question {qid} has no answer in this session yet; answer it first", qid=unanswered[0]))
        return [found[q] for q in dict.fromkeys(question_ids)]

    def raise_finding(
        self,
        session_id: str,
        *,
        title: str,
        grade: Grade | str,
        text: str | None = None,
        severity: int | None = None,
        occurrence: int | None = None,
        detectability: int | None = None,
        citations: Sequence[str] = (),
        capa: str | None = None,
        root_cause: str | None = None,
        question_ids: Sequence[str] = (),
        evidence_ids: Sequence[int] = (),
        repeat_of: int | None = None,
        systemic: bool = False,
        reason: str | None = None,
        origin: object | None = None,
    ) -> Finding:
        sid = check_session_id(session_id)
        if not isinstance(systemic, bool):
            raise UserError(tr("systemic must be true or false"))
        values = {
            "title": clean_text(title, tr("the finding's title"), required=True),
            "grade": enum_value(Grade, grade, tr("grade")).value,
            "text": kept_text(text),
            **self._ratings(severity, occurrence, detectability),
            "citations": check_citations(citations),
            "capa": kept_text(capa),
            "root_cause": clean_text(root_cause, tr("the root-cause category")),
            "repeat_of_id": repeat_of,
            "systemic": systemic,
        }
        with user_errors():
            response_ids = self._response_links(sid, question_ids)
            return self.repo.add_finding(
                sid, values, response_ids, list(evidence_ids), who=self.user_name, reason=reason, origin=origin
            )

    def edit_finding(
        self,
        finding_id: int,
        patch: FindingPatch,
        *,
        question_ids: Sequence[str] | None = None,
        evidence_ids: Sequence[int] | None = None,
        reason: str | None = None,
        origin: object | None = None,
    ) -> Finding:
        """Change the fields the patch sets and, if given, the linked answers and evidence."""
        with user_errors():
            current = self.repo.get_finding(finding_id)
        clean: dict[str, Any] = {}
        if patch.title is not UNSET:
            clean["title"] = clean_text(patch.title, tr("the finding's title"), required=True)
        if patch.grade is not UNSET:
            clean["grade"] = enum_value(Grade, patch.grade, tr("grade")).value
        if patch.status is not UNSET:
            clean["status"] = enum_value(FindingStatus, patch.status, tr("finding status")).value
        for name in ("text", "capa"):
            value = getattr(patch, name)
            if value is not UNSET:
                clean[name] = kept_text(value)
        if patch.root_cause is not UNSET:
            clean["root_cause"] = clean_text(patch.root_cause, tr("the root-cause category"))
        if patch.citations is not UNSET:
            clean["citations"] = check_citations(patch.citations)
        if patch.repeat_of_id is not UNSET:
            if patch.repeat_of_id == finding_id:
                raise UserError(tr("a finding cannot be a repeat of itself"))
            clean["repeat_of_id"] = patch.repeat_of_id
        if patch.systemic is not UNSET:
            if not isinstance(patch.systemic, bool):
                raise UserError(tr("systemic must be true or false"))
            clean["systemic"] = patch.systemic
        rating_keys = ("severity", "occurrence", "detectability")
        if any(getattr(patch, k) is not UNSET for k in rating_keys):
            merged = {k: getattr(current, k) if getattr(patch, k) is UNSET else getattr(patch, k) for k in rating_keys}
            clean.update(self._ratings(**merged))
        with user_errors():
            response_ids = None if question_ids is None else self._response_links(current.session_id, question_ids)
            return self.repo.update_finding(
                finding_id,
                clean,
                response_ids=response_ids,
                evidence_ids=None if evidence_ids is None else list(evidence_ids),
                who=self.user_name,
                reason=reason,
                origin=origin,
            )

    def set_finding_status(
        self, finding_id: int, status: FindingStatus | str, *, reason: str | None = None
    ) -> Finding:
        """Open, corrected during the inspection, or closed."""
        return self.edit_finding(
            finding_id, FindingPatch(status=enum_value(FindingStatus, status, tr("finding status"))), reason=reason
        )

    def delete_finding(self, finding_id: int, *, reason: str | None = None, origin: object | None = None) -> Finding:
        with user_errors():
            return self.repo.delete_finding(finding_id, who=self.user_name, reason=reason, origin=origin)

    def finding(self, finding_id: int) -> Finding:
        with user_errors():
            return self.repo.get_finding(finding_id)

    def findings(self, session_id: str) -> list[Finding]:
        """The session's findings in order of significance: grade, then risk priority, then id."""
        with user_errors():
            found = self.repo.findings(check_session_id(session_id))
        return sort_by_significance(found)

    # -- summary and export ---------------------------------------------------------------

    def summary(self, session_id: str) -> SessionSummary:
        """What the window's session header and the report's executive summary show."""
        with user_errors():
            session, counts, found, where = self.repo.summary_parts(check_session_id(session_id))
        return summarise(session, counts, found, where)

    def export(self, session_id: str) -> dict[str, Any]:
        """Everything stored about a session as plain JSON-ready data (for scripts)."""
        snap = self.snapshot(session_id)
        checks = {c.link.id: c for c in check_links(snap.evidence)}
        where = {e.question_id: (e.area, _fda_system(snap.question(e))) for e in snap.script}
        summary = summarise(snap.session, snap.counts, snap.findings, where)
        return {
            "format": 1,
            "session": plain(snap.session),
            "scenario": None if snap.scenario is None else dict(snap.scenario.raw),
            "script": [
                {
                    **plain(e),
                    "question": None if snap.question(e) is None else dict(snap.question(e).raw),  # type: ignore[union-attr]
                }
                for e in snap.script
            ],
            "responses": [plain(r) for r in snap.responses.values()],
            "drafts": [plain(d) for d in snap.drafts.values()],
            "evidence": [{**plain(link), "state": checks[link.id].state.value} for link in snap.evidence],
            "document_requests": [plain(r) for r in snap.requests],
            "findings": [plain(f) for f in sort_by_significance(snap.findings)],
            "counts": plain(snap.counts),
            "outcome": {"id": summary.outcome, "label": summary.outcome_label, "note": summary.outcome_note},
            "trail": {"records": snap.session_trail.records, "last": snap.session_trail.hash},
        }


def plain(value: Any) -> Any:
    """Domain objects as JSON-ready values: enums by value, datetimes in ISO 8601."""
    import dataclasses
    from enum import Enum

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def check_links(links: Sequence[EvidenceLink]) -> list[EvidenceCheck]:
    """Re-hash each linked file: unchanged, changed, missing (or not a file: URL, document)."""
    checks = []
    for link in links:
        if link.kind is not EvidenceKind.FILE or not link.path:
            checks.append(EvidenceCheck(link, EvidenceState.NOT_A_FILE))
            continue
        if not regular_file(Path(link.path)):  # gone, or a folder, pipe or device now
            checks.append(EvidenceCheck(link, EvidenceState.MISSING))
            continue
        try:
            size, sha = file_digest(Path(link.path))
        except OSError:  # gone, a folder now, or unreadable: it is not the file that was linked
            checks.append(EvidenceCheck(link, EvidenceState.MISSING))
            continue
        same = size == link.size and sha == link.sha256
        checks.append(EvidenceCheck(link, EvidenceState.UNCHANGED if same else EvidenceState.CHANGED, size, sha))
    return checks


def _fda_system(question: FrozenQuestion | None) -> str | None:
    value = None if question is None else question.raw.get("fda_system")
    return value if isinstance(value, str) else None


def finding_facts(
    findings: Sequence[Finding], where: Mapping[str, tuple[str, str | None]]
) -> list[FindingFacts]:
    """What the persona rules need of each finding, numbered F-1, F-2... in order of significance:
    its grade, the area and FDA system of its first linked question, systemic, repeat."""
    facts = []
    for n, f in enumerate(sort_by_significance(findings), start=1):
        area, system = where.get(f.question_ids[0], ("", None)) if f.question_ids else ("", None)
        try:
            fda_system = FdaSystem(system) if system else None
        except ValueError:
            fda_system = None
        facts.append(
            FindingFacts(
                grade=f.grade,
                area=area,
                system=fda_system,
                systemic=f.systemic,
                repeat=f.repeat_of_id is not None,
                ref=f"F-{n}",
            )
        )
    return facts


def summarise(
    session: Session,
    counts: SessionCounts,
    findings: Sequence[Finding],
    where: Mapping[str, tuple[str, str | None]] | None = None,
) -> SessionSummary:
    """Rank the findings, rate their risk, and give the persona's indicative outcome from the
    findings themselves (grade, systemic, repeat, area), with the prompts its rules raise."""
    found = sort_by_significance(findings)
    matrix = rules.risk_matrix()
    levels = {
        f.id: matrix.level(f.severity, f.occurrence).id
        for f in found
        if f.severity is not None and f.occurrence is not None
    }
    persona = rules.persona_rules(session.persona)
    assessment = persona.assess(finding_facts(found, where or {}))
    outcome = assessment.outcome
    return SessionSummary(
        session=session,
        counts=counts,
        findings=tuple(found),
        outcome=outcome.outcome,
        outcome_label=outcome.label,
        outcome_note=outcome.indicative_note,
        risk_levels=levels,
        outcome_prompts=tuple(assessment.prompts),
    )


_GRADE_ORDER = {g: i for i, g in enumerate((Grade.CRITICAL, Grade.MAJOR, Grade.MINOR, Grade.RECOMMENDATION))}


def sort_by_significance(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (_GRADE_ORDER[f.grade], -(f.priority or 0), f.id))


# Kept importable from here for callers written before the split.
from mockinspect.services.trail import TrailService  # noqa: E402

__all__ = [
    "InspectionService",
    "TrailService",
    "check_links",
    "file_digest",
    "hash_evidence",
    "parse_evidence_argument",
    "plain",
    "sort_by_significance",
    "summarise",
]
