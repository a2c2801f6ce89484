"""Build a session's findings report (or training record) as plain data, and write it as PDF.

``build`` reads one snapshot and decides everything the report says: order and numbers, the
persona's words, risk levels, the indicative outcome, coverage, lateness, evidence hash
states. ``reporting.pdf.build_pdf`` only lays that out. ``export_pdf`` writes to a temporary
file beside the target and renames it, so a crash never leaves half a PDF.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from mockinspect import __version__
from mockinspect.domain import training as scoring
from mockinspect.domain.bank import Grade, ResponseStatus
from mockinspect.domain.frozen import FrozenQuestion
from mockinspect.domain.outcome import PersonaRules
from mockinspect.domain.risk import RiskMatrix
from mockinspect.domain.session import (
    DocumentRequestStatus,
    EvidenceCheck,
    EvidenceKind,
    EvidenceState,
    Finding,
    FindingStatus,
    Mode,
    ScriptEntry,
    SessionSnapshot,
)
from mockinspect.domain.trainee import StoredSchedule
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.reporting import model as m
from mockinspect.services import rules
from mockinspect.services.inspection import InspectionService, check_links, sort_by_significance, summarise
from mockinspect.services.training import QuestionScore, SessionHistory, TrainingScores, TrainingService

GRADES = (Grade.CRITICAL, Grade.MAJOR, Grade.MINOR, Grade.RECOMMENDATION)
STATUSES = ("compliant", "observation", "deficient", "not-applicable", "deferred", "unanswered")
PAPERS = ("a4", "letter")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")
THUMBNAIL_BUDGET = 6_000_000  # bytes of thumbnails in one report, at most

STATE_TEXT = {
    EvidenceState.UNCHANGED: "Unchanged: the file still matches the SHA-256 recorded when it was linked.",
    EvidenceState.CHANGED: "CHANGED since it was linked: the file no longer matches the SHA-256 recorded.",
    EvidenceState.MISSING: "MISSING: no file at this path any more.",
    EvidenceState.NOT_A_FILE: "Reference (no file to re-check).",
}
FINDING_STATUS_TEXT = {
    FindingStatus.OPEN: "Open",
    FindingStatus.CORRECTED: "Corrected during the inspection",
    FindingStatus.CLOSED: "Closed",
}
STATUS_TEXT = {
    "compliant": "Compliant",
    "observation": "Observation",
    "deficient": "Deficient",
    "not-applicable": "Not applicable",
    "deferred": "Deferred",
    "unanswered": "Not answered",
}
VERDICT_SCALE = (
    "Good: no critical and no major findings. Satisfactory: no critical and at most two major findings. "
    "Unsatisfactory: any critical finding, or three or more major findings. (The consultant's scale, after "
    "the PDA and TGA conventions; it is not an authority's classification.)"
)
DISCLAIMER = (
    "This is a mock inspection: a simulation run by consultants, not an inspection by a regulatory authority. "
    "An inspection samples; the observations listed are those made in the areas and records reviewed, are not "
    "an exhaustive list of every deficiency at the site, and do not represent a final determination of "
    "compliance. Any outcome stated is indicative only: the real outcome is decided by the authority."
)
CONFIDENTIALITY = (
    "CONFIDENTIAL. Prepared for the site named on the cover. Not to be copied or passed to third parties "
    "without the written consent of the site and the consultancy."
)


class ReportService:
    """The findings report of a session: the model (``build``) and the PDF (``export_pdf``)."""

    def __init__(self, inspection: InspectionService, *, company: str = "", logo: str | Path | None = None) -> None:
        self.inspection = inspection
        self.company = company
        self.logo: tuple[bytes, tuple[int, int]] | None = None
        self.warnings: list[str] = []  # said to the user, never printed in the client's report
        if logo:
            from mockinspect.reporting.images import thumbnail

            self.logo = thumbnail(Path(logo).expanduser())
            if self.logo is None:
                self.warnings.append(
                    tr("the company logo {path} could not be read as an image; the report has no logo", path=logo)
                )

    # -- the model -------------------------------------------------------------------------

    def build(self, session_id: str, *, draft: bool = False) -> m.ReportModel:
        snap = self.inspection.snapshot(session_id)
        inputs = _training_inputs(self.inspection, session_id) if snap.session.mode is Mode.TRAINING else None
        report = build_model(snap, self._repeats(snap.findings), company=self.company, draft=draft, training=inputs)
        if self.logo is not None:
            report = replace(report, company_logo=self.logo[0], company_logo_size=self.logo[1])
        return report

    def _repeats(self, findings: Sequence[Finding]) -> dict[int, str]:
        """For each repeat finding, what it repeats: the earlier finding's title and date."""
        out = {}
        for f in findings:
            if f.repeat_of_id is None:
                continue
            try:
                earlier = self.inspection.finding(f.repeat_of_id)
                session = self.inspection.session(earlier.session_id)
            except UserError:
                out[f.id] = f"Repeat of finding #{f.repeat_of_id} from an earlier session (no longer in this database)."
                continue
            out[f.id] = (
                f"The same condition was raised as \u201c{earlier.title}\u201d at the mock inspection of "
                f"{session.site} on {session.started_at:%d %B %Y}."
            )
        return out

    # -- the PDF ---------------------------------------------------------------------------

    def export_pdf(
        self, session_id: str, out: Path, *, paper: str = "a4", password: str | None = None, draft: bool = False
    ) -> m.ReportModel:
        """Write the report to ``out`` (a temporary file beside it, then renamed)."""
        if paper not in PAPERS:
            raise UserError(tr("paper must be one of: {papers}", papers=", ".join(PAPERS)))
        if password is not None and not password:
            raise UserError(tr("the password is empty"))
        report = self.build(session_id, draft=draft)
        write_pdf(report, out, paper=paper, password=password)
        return report


def write_pdf(report: m.ReportModel, out: Path, *, paper: str = "a4", password: str | None = None) -> None:
    from mockinspect.reporting.pdf import build_pdf, encrypt_pdf

    target = Path(out).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UserError(tr("{path} is a folder: give a file name ending in .pdf", path=target))
    if not folder.is_dir():
        raise UserError(tr("no folder {path} to write the report in", path=folder))
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(tr("cannot write in {path}: {error}", path=folder, error=exc.strerror or exc)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if password:
                from io import BytesIO

                plain = BytesIO()
                build_pdf(report, plain, paper=paper)
                handle.write(encrypt_pdf(plain.getvalue(), password))
            else:
                build_pdf(report, handle, paper=paper)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it private; a report is an ordinary file
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(tr("cannot write {path}: {error}", path=target, error=exc.strerror or exc)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- building the model ---------------------------------------------------------------------


def _text(value: str | None) -> str:
    return value or ""


def _doc_of(citation: str) -> str:
    return citation.split(" ", 1)[0].strip() if citation.strip() else ""


def _last_change(snap: SessionSnapshot) -> datetime:
    moments = [snap.session.started_at]
    moments += [r.updated_at for r in snap.responses.values()]
    moments += [f.updated_at or f.created_at for f in snap.findings if f.updated_at or f.created_at]  # type: ignore[misc]
    moments += [r.delivered_at or r.requested_at for r in snap.requests]
    return max(moments)


def _minutes(delta: timedelta) -> str:
    total = int(delta.total_seconds() // 60)
    if total < 60:
        return f"{total} min"
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d} min"


def _thumbnail(path: str, budget: int) -> tuple[bytes | None, tuple[int, int]]:
    if not path.lower().endswith(IMAGE_SUFFIXES) or budget <= 0:
        return None, (0, 0)
    from mockinspect.reporting.images import thumbnail

    made = thumbnail(Path(path))
    if made is None or len(made[0]) > budget:
        return None, (0, 0)
    return made


def build_model(
    snap: SessionSnapshot,
    repeats: Mapping[int, str] | None = None,
    *,
    company: str = "",
    draft: bool = False,
    training: TrainingInputs | None = None,
) -> m.ReportModel:
    """The report of ``snap``: a pure function of the snapshot and the rule files (and the
    evidence files, re-hashed for their state)."""
    session = snap.session
    scenario = snap.scenario
    persona = rules.persona_rules(session.persona)
    matrix = rules.risk_matrix()
    repeats = repeats or {}
    notes: list[str] = []
    if scenario is None:
        notes.append(
            "This session was recorded before mockinspect froze the scenario and question content with each "
            "session: area titles, the agenda, citations and key points are not available, and the areas are "
            "shown by their ids and the questions by the prompts stored in the script."
        )

    def area_title(area: str) -> str:
        return scenario.area_title(area) if scenario is not None else area

    questions: dict[str, FrozenQuestion | None] = {e.question_id: snap.question(e) for e in snap.script}
    entry_of = {e.question_id: e for e in snap.script}
    by_response_id = {r.id: r for r in snap.responses.values()}
    checks = {c.link.id: c for c in check_links(snap.evidence)}
    ordered = sort_by_significance(snap.findings)
    number_of = {f.id: n for n, f in enumerate(ordered, start=1)}
    closing = (session.finished_at or _last_change(snap)).date()

    findings = tuple(
        _finding(n, f, persona, matrix, snap, entry_of, by_response_id, checks, repeats, area_title, closing)
        for n, f in enumerate(ordered, start=1)
    )
    where: dict[str, tuple[str, str | None]] = {}
    for e in snap.script:
        system = questions[e.question_id].raw.get("fda_system") if questions.get(e.question_id) else None  # type: ignore[union-attr]
        where[e.question_id] = (e.area, system if isinstance(system, str) else None)
    summary_parts = summarise(session, snap.counts, snap.findings, where)
    counts = {g: sum(1 for f in findings if f.grade == g.value) for g in GRADES}
    grade_rows = tuple(
        m.GradeCount(g.value, persona.word(g), counts[g], persona.grade_definitions.get(g, "")) for g in GRADES
    )

    areas = _areas(snap, findings, area_title)
    strengths = tuple(
        f"{a.title}: {a.answered} question(s) answered, all compliant, and no findings."
        for a in areas
        if a.answered and a.findings == 0 and dict(a.by_status).get("compliant", 0) == a.answered
    )
    if not strengths:  # no area without findings: the best-answered areas instead
        ranked = sorted(
            (a for a in areas if a.answered), key=lambda a: (-dict(a.by_status)["compliant"] / a.answered, a.findings)
        )
        strengths = tuple(
            f"{a.title}: {dict(a.by_status)['compliant']} of {a.answered} answers compliant"
            f"{', no findings' if not a.findings else f', {a.findings} finding(s)'}."
            for a in ranked[:2]
            if dict(a.by_status)["compliant"]
        )
    top = tuple(
        f"Finding {f.number}{' (' + f.level.lower() + ' risk)' if f.level else ''}: {f.title}"
        for f in findings
        if not f.is_recommendation
    )[:3]
    verdict, reason = _verdict(counts)
    scope_areas = ", ".join(a.title for a in areas) or "none"
    scope = (
        f"A mock inspection of {session.site}, the lead auditor playing an {_persona_title(snap, persona)}"
        f"{' (a training run)' if session.mode is Mode.TRAINING else ''}, "
        f"following the scenario \u201c{session.scenario_title}\u201d. Areas covered: {scope_areas}. "
        f"{snap.counts.answered} of {snap.counts.questions} questions asked were answered."
    )
    summary = m.Summary(
        scope=scope,
        counts=grade_rows,
        verdict=verdict,
        verdict_scale=VERDICT_SCALE,
        verdict_reason=reason,
        outcome_label=f"{summary_parts.outcome} \u2013 {summary_parts.outcome_label}"
        if summary_parts.outcome and summary_parts.outcome_label and summary_parts.outcome != summary_parts.outcome_label
        else _text(summary_parts.outcome_label or summary_parts.outcome),
        outcome_description=_outcome_description(persona, summary_parts.outcome),
        outcome_note=_text(summary_parts.outcome_note) or persona.indicative_note,
        strengths=strengths,
        top_risks=top,
        prompts=summary_parts.outcome_prompts,
        questions=snap.counts.questions,
        answered=snap.counts.answered,
    )

    deadline = persona.deadline()
    due = persona.response_due(closing)
    response_deadline = (
        f"{deadline.days} {deadline.kind.value} days after the closing meeting of {closing:%d %B %Y}: "
        f"by {due:%d %B %Y}." + (f" {deadline.note}" if deadline.note else "")
    )
    reference = f"MI-{session.started_at:%Y%m%d}-{session.id[:6].upper()}"
    status = "Draft" if draft or session.finished_at is None else "Final"
    dates = f"{session.started_at:%d %B %Y}"
    if session.finished_at and session.finished_at.date() != session.started_at.date():
        dates = f"{session.started_at:%d %B %Y} to {session.finished_at:%d %B %Y}"
    team = [
        p
        for p in session.participants
        if (p.role or "").lower() not in ("trainee", "site", "recipient") and p.name != session.lead
    ]
    recipients = [p for p in session.participants if (p.role or "").lower() in ("recipient", "site")]
    identification = (
        m.Field("Report reference", reference),
        m.Field("Status", f"{status} (version 1)" if status == "Final" else f"{status}: not for distribution"),
        m.Field("Site", session.site),
        m.Field("Address", _text(session.address) or "Not recorded"),
        m.Field("Type of inspection", f"Mock inspection ({session.mode.value} mode), simulating an {_persona_title(snap, persona)}"),
        m.Field("Scenario", f"{session.scenario_title} ({session.scenario_id} {session.scenario_version})"),
        m.Field("Date(s) of inspection", dates),
        m.Field("Date issued", f"{closing:%d %B %Y}"),
        m.Field("Lead auditor", _text(session.lead) or "Not recorded"),
        m.Field(
            "Team",
            "; ".join(_person(p.name, p.role, p.organisation) for p in team) or "Lead auditor only",
        ),
        m.Field(
            "Report issued to",
            "; ".join(_person(p.name, p.role, p.organisation) for p in recipients) or f"Site management, {session.site}",
        ),
        m.Field("Session", session.id),
    )
    signatories = [m.SignOff(_text(session.lead) or "Lead auditor", "Lead auditor", company)]
    signatories += [m.SignOff(p.name, p.role or "Team member", p.organisation or "") for p in team]
    signatories += [m.SignOff(p.name, p.role or "Recipient", p.organisation or session.site) for p in recipients]
    record = _training(snap, questions, training) if session.mode is Mode.TRAINING else None
    return m.ReportModel(
        reference=reference,
        status=status,
        title="Training record" if record else "Mock GMP inspection report",
        subtitle=_persona_title(snap, persona),
        site=session.site,
        mode=session.mode.value,
        persona=session.persona,
        persona_title=_persona_title(snap, persona),
        scenario_title=session.scenario_title,
        issued=closing,
        created=session.finished_at or _last_change(snap),
        app_version=__version__,
        company=company,
        identification=identification,
        disclaimer=DISCLAIMER + " " + persona.indicative_note,
        confidentiality=CONFIDENTIALITY,
        summary=summary,
        findings=findings,
        grade_definitions=grade_rows,
        ordering_note=_text(getattr(persona, "ordering_note", "")),
        risk=_risk(matrix, findings, areas),
        agenda=_agenda(snap, area_title),
        areas=areas,
        documents=_documents(snap, questions, findings, number_of),
        not_covered=_not_covered(snap, area_title),
        requests=_requests(snap),
        questions=_question_rows(snap, questions, area_title, number_of),
        response_deadline=response_deadline,
        signatories=tuple(signatories),
        distribution=(
            f"Site management, {session.site} (recipient)",
            "Lead auditor and inspection team",
            f"{company or 'Consultancy'} project file",
        ),
        trail_records=snap.trail_head.records,
        trail_head=snap.trail_head.hash,
        session_trail_records=snap.session_trail.records,
        session_id=session.id,
        form483=session.persona == "fda" and bool(findings),
        training=record,
        notes=tuple(notes),
        keywords=("GMP", "mock inspection", session.persona.upper(), session.site),
    )


def _persona_title(snap: SessionSnapshot, persona: PersonaRules) -> str:
    if snap.scenario is not None and snap.scenario.persona_title:
        return snap.scenario.persona_title
    return persona.title


def _person(name: str, role: str | None, organisation: str | None) -> str:
    extra = ", ".join(x for x in (role, organisation) if x)
    return f"{name} ({extra})" if extra else name


def _outcome_description(persona: PersonaRules, outcome: str | None) -> str:
    return next((r.description for r in persona.outcomes if r.outcome == outcome), "")


def _verdict(counts: Mapping[Grade, int]) -> tuple[str, str]:
    crit, major = counts[Grade.CRITICAL], counts[Grade.MAJOR]
    words = f"{crit} critical, {major} major and {counts[Grade.MINOR]} minor finding(s)"
    if crit or major >= 3:
        return "Unsatisfactory", words
    if major:
        return "Satisfactory", words
    return "Good", words


def _finding(
    n: int,
    f: Finding,
    persona: PersonaRules,
    matrix: RiskMatrix,
    snap: SessionSnapshot,
    entry_of: Mapping[str, ScriptEntry],
    by_response_id: Mapping[int, object],
    checks: Mapping[int, EvidenceCheck],
    repeats: Mapping[int, str],
    area_title: object,
    closing: date,
) -> m.ReportFinding:
    level = colour = warning = ""
    if f.severity is not None and f.occurrence is not None:
        rated = matrix.level(f.severity, f.occurrence)
        level, colour = rated.label, rated.colour
        warning = matrix.grade_warning(f.grade, rated) or ""
    answers = []
    for qid in f.question_ids:
        entry = entry_of.get(qid)
        response = snap.responses.get(qid)
        answers.append(
            m.LinkedAnswer(
                question_id=qid,
                prompt=entry.prompt if entry else "",
                status=STATUS_TEXT[response.status.value] if response and response.status else "Not answered",
                answer=_text(response.text) if response else "",
                answered_by=_text(response.answered_by) if response else "",
            )
        )
    response_ids = {getattr(by_response_id.get(rid), "id", None) for rid in f.response_ids}
    linked = [
        c
        for c in checks.values()
        if c.link.id in f.evidence_ids or (c.link.response_id is not None and c.link.response_id in response_ids)
    ]
    evidence = tuple(_evidence(c, by_response_id) for c in sorted(linked, key=lambda c: c.link.id))
    area = ""
    if f.question_ids and f.question_ids[0] in entry_of:
        area = area_title(entry_of[f.question_ids[0]].area)  # type: ignore[operator]
    return m.ReportFinding(
        number=n,
        ref=str(n),
        title=f.title,
        text=_text(f.text),
        grade=f.grade.value,
        grade_word=persona.word(f.grade),
        status=FINDING_STATUS_TEXT.get(f.status, f.status.value),
        area=area,
        citations=f.citations,
        severity=f.severity,
        occurrence=f.occurrence,
        detectability=f.detectability,
        priority=f.priority,
        level=level,
        level_colour=colour,
        grade_warning=warning,
        repeat=repeats.get(f.id, ""),
        systemic=bool(getattr(f, "systemic", False)),
        capa=_text(f.capa),
        root_cause=_text(f.root_cause),
        response_due=persona.response_due(closing, f.grade),
        answers=tuple(answers),
        evidence=evidence,
    )


def _evidence(check: EvidenceCheck, by_response_id: Mapping[int, object]) -> m.ReportEvidence:
    link = check.link
    response = by_response_id.get(link.response_id) if link.response_id is not None else None
    thumb: bytes | None = None
    size = (0, 0)
    if link.kind is EvidenceKind.FILE and check.state is EvidenceState.UNCHANGED and link.path:
        thumb, size = _thumbnail(link.path, THUMBNAIL_BUDGET)
    return m.ReportEvidence(
        label=link.label,
        kind=link.kind.value,
        state=check.state.value,
        state_text=STATE_TEXT[check.state],
        description=_text(link.description),
        sha256=_text(link.sha256),
        shown_at=link.shown_at,
        question_id=_text(getattr(response, "question_id", "")),
        thumbnail=thumb,
        thumbnail_size=size,
    )


def _areas(snap: SessionSnapshot, findings: Sequence[m.ReportFinding], area_title: object) -> tuple[m.AreaCoverage, ...]:
    order: list[str] = []
    for e in snap.script:
        if e.area not in order:
            order.append(e.area)
    out = []
    for area in order:
        entries = [e for e in snap.script if e.area == area]
        statuses = dict.fromkeys(STATUSES, 0)
        for e in entries:
            r = snap.responses.get(e.question_id)
            statuses["unanswered" if r is None or r.status is None else r.status.value] += 1
        title = area_title(area)  # type: ignore[operator]
        answered = len(entries) - statuses["unanswered"]
        out.append(
            m.AreaCoverage(
                area=area,
                title=title,
                asked=len(entries),
                answered=answered,
                by_status=tuple(statuses.items()),
                findings=sum(1 for f in findings if f.area == title),
                covered=answered > 0,
            )
        )
    return tuple(out)


def _risk(matrix: RiskMatrix, findings: Sequence[m.ReportFinding], areas: Sequence[m.AreaCoverage]) -> m.RiskPicture:
    cells = []
    for s in range(5, 0, -1):
        for o in range(1, 6):
            level = matrix.level(s, o)
            cells.append(
                m.HeatCell(
                    s,
                    o,
                    level.label,
                    level.colour,
                    tuple(f.number for f in findings if f.severity == s and f.occurrence == o),
                )
            )
    sev = {x.value: x.label for x in matrix.severity}
    occ = {x.value: x.label for x in matrix.occurrence}
    det = {x.value: x.label for x in matrix.detectability}
    titles = [a.title for a in areas] + sorted({f.area for f in findings if f.area not in {a.title for a in areas}})
    by_area = tuple(
        (title or "No linked area", tuple(sum(1 for f in findings if f.area == title and f.grade == g.value) for g in GRADES))
        for title in titles
        if any(f.area == title for f in findings)
    )
    return m.RiskPicture(
        method=matrix.method,
        matrix_name=matrix.name,
        severity_label=matrix.label("severity"),
        occurrence_label=matrix.label("occurrence"),
        detectability_label=matrix.label("detectability"),
        cells=tuple(cells),
        scales=tuple(m.ScaleRow(v, sev.get(v, ""), occ.get(v, ""), det.get(v, "")) for v in range(1, 6)),
        levels=tuple((lv.label, lv.colour, lv.description) for lv in matrix.levels),
        unrated=tuple(f.number for f in findings if f.severity is None or f.occurrence is None),
        by_area=by_area,
    )


def _agenda(snap: SessionSnapshot, area_title: object) -> tuple[m.AgendaRow, ...]:
    if snap.scenario is None:
        return ()
    return tuple(
        m.AgendaRow(s.day, s.title, ", ".join(area_title(a) for a in s.areas), s.minutes)  # type: ignore[operator]
        for s in snap.scenario.agenda
    )


def _documents(
    snap: SessionSnapshot,
    questions: Mapping[str, FrozenQuestion | None],
    findings: Sequence[m.ReportFinding],
    number_of: Mapping[int, int],
) -> tuple[m.DocumentCoverage, ...]:
    titles = snap.scenario.document_titles if snap.scenario is not None else {}
    docs: dict[str, list[str]] = {}
    for qid, q in questions.items():
        for citation in q.citations if q else ():
            doc = _doc_of(citation)
            if doc and qid not in docs.setdefault(doc, []):
                docs[doc].append(qid)
    out = []
    for doc in sorted(docs):
        qids = docs[doc]
        answered = sum(1 for q in qids if (r := snap.responses.get(q)) is not None and r.status is not None)
        title = titles.get(doc, "")
        cited_by_findings = sum(
            1 for f in findings if any(_doc_of(c) == doc for c in f.citations) or any(a.question_id in qids for a in f.answers)
        )
        out.append(
            m.DocumentCoverage(
                document=f"{doc}: {title}" if title else doc,
                questions=len(qids),
                answered=answered,
                findings=cited_by_findings,
                covered=answered > 0,
            )
        )
    return tuple(out)


def _not_covered(snap: SessionSnapshot, area_title: object) -> tuple[m.NotCovered, ...]:
    out = []
    if snap.scenario is not None:
        asked = {e.area for e in snap.script}
        for area, title in sorted(snap.scenario.area_titles.items()):
            if area not in asked:
                out.append(m.NotCovered(title, "Not in this scenario's agenda: no questions were drawn from this area."))
    for e in snap.script:
        r = snap.responses.get(e.question_id)
        where = f"{e.question_id} ({area_title(e.area)})"  # type: ignore[operator]
        if r is None or r.status is None:
            out.append(m.NotCovered(where, "Asked but not answered before the session closed."))
        elif r.status is ResponseStatus.DEFERRED:
            out.append(m.NotCovered(where, "Deferred" + (f": {r.notes}" if r.notes else " at the site's request.")))
        elif r.status is ResponseStatus.NOT_APPLICABLE:
            out.append(m.NotCovered(where, "Not applicable" + (f": {r.text}" if r.text else ".")))
    return tuple(out)


def _requests(snap: SessionSnapshot) -> tuple[m.RequestRow, ...]:
    expected = snap.scenario.request_minutes if snap.scenario is not None else None
    end = snap.session.finished_at
    rows = []
    for n, r in enumerate(sorted(snap.requests, key=lambda r: (r.requested_at, r.id)), start=1):
        due = r.due_at or (r.requested_at + timedelta(minutes=expected) if expected else None)
        late = False
        if r.status is DocumentRequestStatus.NOT_PROVIDED:
            lateness, late = "Not provided", True
        elif r.delivered_at is not None:
            if due is not None and r.delivered_at > due:
                lateness, late = f"Late by {_minutes(r.delivered_at - due)}", True
            else:
                lateness = f"On time ({_minutes(r.delivered_at - r.requested_at)})"
        elif due is not None and end is not None and end > due:
            lateness, late = "Still open at close: overdue", True
        else:
            lateness = "Open"
        rows.append(
            m.RequestRow(
                number=n,
                description=r.description,
                question_id=_text(r.question_id),
                status=r.status.value.replace("-", " ").capitalize(),
                requested_at=r.requested_at,
                due_at=due,
                delivered_at=r.delivered_at,
                lateness=lateness,
                late=late or r.status is DocumentRequestStatus.LATE,
                notes=_text(r.notes),
            )
        )
    return tuple(rows)


def _question_rows(
    snap: SessionSnapshot,
    questions: Mapping[str, FrozenQuestion | None],
    area_title: object,
    number_of: Mapping[int, int],
) -> tuple[m.QuestionRow, ...]:
    numbers: dict[str, str] = {}
    probes: dict[str, int] = {}
    main = 0
    rows = []
    evidence_by_response: dict[int, list[str]] = {}
    for link in snap.evidence:
        if link.response_id is not None:
            evidence_by_response.setdefault(link.response_id, []).append(link.label)
    for e in sorted(snap.script, key=lambda e: e.position):
        if e.parent_question_id and e.parent_question_id in numbers:
            parent = numbers[e.parent_question_id]
            probes[parent] = probes.get(parent, 0) + 1
            number = f"{parent}.{probes[parent]}"
        else:
            main += 1
            number = str(main)
        numbers[e.question_id] = number
        r = snap.responses.get(e.question_id)
        status = "unanswered" if r is None or r.status is None else r.status.value
        rows.append(
            m.QuestionRow(
                number=number,
                question_id=e.question_id,
                area=area_title(e.area),  # type: ignore[operator]
                prompt=e.prompt,
                status=STATUS_TEXT[status],
                answer=_text(r.text) if r else "",
                answered_by=_text(r.answered_by) if r else "",
                notes=_text(r.notes) if r else "",
                probe_of=_text(e.parent_question_id),
                evidence=tuple(evidence_by_response.get(r.id, ())) if r else (),
                findings=tuple(sorted(number_of[f.id] for f in snap.findings if e.question_id in f.question_ids)),
            )
        )
    # the appendix reads in interview order with probes under their parent
    def key(row: m.QuestionRow) -> tuple[int, ...]:
        return tuple(int(x) for x in row.number.split("."))

    return tuple(sorted(rows, key=key))


TRAINING_FORM = ("MI-FORM-TR-01", "1.0")  # the controlled form this record is printed on
# Flags an assessor reads beside the score (besides the critical ones, printed on their own).
NOTED_FLAGS = (
    "hedge",
    "guess",
    "red-flag",
    "workaround",
    "too-terse",
    "over-answering",
    "volunteering",
    "bluffing",
    "negated",
    "honest-gap",
    "over-time",
)
RUBRIC_TEXT = {
    "A": "3: at least 90% of key points, figures as the SOP states; 0: under 35%, or wrong facts",
    "B": "3: answers what was asked, 15-120 words; 0: one word, or rambles over no key point",
    "C": "3: no hedging, or \"I don't know, I'll find out\"; 0: guesses a figure",
    "D": "3: names the SOP or record and offers to show it; 0: describes a workaround",
    "E": '3: calm, routes off-area questions to the owner; 0: blames, argues, "not my job"',
}


@dataclass(frozen=True)
class TrainingInputs:
    """What the training service has stored for a training session, for its record."""

    scores: TrainingScores | None
    history: Sequence[SessionHistory] = ()
    schedule: Sequence[StoredSchedule] = ()


def _training_inputs(inspection: InspectionService, session_id: str) -> TrainingInputs:
    service = TrainingService(inspection.db, user_name=inspection.user_name, inspection=inspection)
    scores = service.scores(session_id)
    if scores.trainee is None:
        return TrainingInputs(scores)
    return TrainingInputs(scores, service.history(scores.trainee.id), service.schedule(scores.trainee.id))


def _numbers(script: Sequence[ScriptEntry]) -> dict[str, str]:
    """Questions numbered 1, 2, ... in the order asked; probes 2.1, 2.2 under their question."""
    out: dict[str, str] = {}
    top = 0
    probes: dict[str, int] = {}
    for e in script:
        if e.parent_question_id and e.parent_question_id in out:
            parent = out[e.parent_question_id]
            probes[parent] = probes.get(parent, 0) + 1
            out[e.question_id] = f"{parent}.{probes[parent]}"
        else:
            top += 1
            out[e.question_id] = str(top)
    return out


def _credit_text(credit: float) -> str:
    return {1.0: "1", 0.5: "\u00bd", 0.0: "0"}.get(credit, f"{credit:g}")


def _training_item(number: str, e: ScriptEntry, q: FrozenQuestion | None, got: QuestionScore | None) -> m.TrainingItem:
    if got is None:
        return m.TrainingItem(number, e.question_id, e.area, e.prompt, tr("Not answered"), False, state="not-answered")
    item = got.score
    if item.not_applicable:
        return m.TrainingItem(
            number, e.question_id, e.area, e.prompt, tr("Not applicable"), False, attempts=got.attempts,
            state="not-applicable",
        )  # fmt: skip
    texts = {k.id: k.text for k in q.key_points} if q else {}
    critical = tuple(f.reason for f in item.flags if f.critical)
    notes = tuple(dict.fromkeys(f.reason for f in item.flags if f.kind in NOTED_FLAGS and not f.critical))
    return m.TrainingItem(
        number=number,
        question_id=e.question_id,
        area=e.area,
        prompt=e.prompt,
        result=tr("Pass") if item.passed else tr("Fail (critical)") if item.critical else tr("Fail"),
        state="pass" if item.passed else "critical" if item.critical else "fail",
        passed=item.passed,
        score=item.score,
        dimensions=tuple(d.score for d in item.dimensions),
        attempts=got.attempts,
        seconds=item.seconds,
        key_points=tuple(
            (texts.get(k.key_point_id) or k.text or k.key_point_id, k.credit, ", ".join(k.matched_words))
            for k in item.key_points
        ),
        critical=critical,
        notes=notes,
        answer=got.attempt.text,
        overridden=any(k.overridden for k in item.key_points),
        self_rating=""
        if (cal := got.calibration) is None
        else tr("Self-rating {r}/5 before the reveal, earned {e}/5: {kind}", r=cal.self_rating, e=cal.earned,
                kind=tr(cal.kind)),
    )  # fmt: skip


def _legacy_item(number: str, e: ScriptEntry, q: FrozenQuestion | None, snap: SessionSnapshot) -> m.TrainingItem:
    """A session without stored scores (recorded before training mode scored answers)."""
    r = snap.responses.get(e.question_id)
    if r is None:
        return m.TrainingItem(number, e.question_id, e.area, e.prompt, tr("Not answered"), False, state="not-answered")
    got = set(r.key_points_hit)
    points = tuple((k.text, 1.0 if k.id in got else 0.0, "") for k in (q.key_points if q else ()))
    return m.TrainingItem(
        number, e.question_id, e.area, e.prompt, tr("Not scored"), False, seconds=r.seconds_taken, key_points=points,
        answer=_text(r.text), attempts=1, state="not-scored",
    )  # fmt: skip


def _span_text(start: datetime, end: datetime) -> tuple[str, str]:
    times = (
        f"{start:%H:%M} \u2013 {end:%H:%M} UTC"
        if start.date() == end.date()
        else f"{start:%d %b %H:%M} \u2013 {end:%d %b %Y %H:%M} UTC"
    )
    return times, _minutes(end - start)


def _training(
    snap: SessionSnapshot,
    questions: Mapping[str, FrozenQuestion | None],
    inputs: TrainingInputs | None = None,
    *,
    app_version: str = __version__,
) -> m.TrainingRecord:
    """The training record (training brief §7) of a training session, from its stored scores."""
    session = snap.session
    scores = inputs.scores if inputs else None
    stored = {q.entry.question_id: q for q in scores.questions} if scores else {}
    numbers = _numbers(snap.script)
    items = tuple(
        sorted(
            (
                _training_item(numbers[e.question_id], e, questions.get(e.question_id), stored[e.question_id])
                if e.question_id in stored
                else _legacy_item(numbers[e.question_id], e, questions.get(e.question_id), snap)
                for e in snap.script
            ),
            key=lambda i: tuple(int(x) for x in i.number.split(".")),  # probes under their question
        )
    )

    def area_title(area: str) -> str:
        return snap.scenario.area_title(area) if snap.scenario is not None else area

    result_areas = {a.area: a for a in scores.result.areas} if scores else {}
    rows = []
    for area in dict.fromkeys(e.area for e in snap.script):
        mine = [i for i in items if i.area == area]
        missed = [f"{i.question_id}: {text}" for i in mine for text, credit, _ in i.key_points if credit < 1]
        seconds = round(sum(i.seconds or 0 for i in mine))
        got = result_areas.get(area)
        rows.append(
            m.TrainingArea(
                area=area_title(area),
                questions=len(mine),
                key_points=sum(len(i.key_points) for i in mine),
                hit=sum(1 for i in mine for _, credit, _ in i.key_points if credit >= 1),
                seconds=seconds,
                missed=tuple(missed),
                mean_score=got.mean_score if got and got.items else None,
                passed=got.passed if got else 0,
                scored=got.items if got else 0,
                critical=got.critical if got else 0,
            )
        )
    person = scores.trainee if scores else None
    link = scores.link if scores else None
    names = [p.name for p in session.participants if (p.role or "").lower() == "trainee"]
    trainee = person.name if person else ", ".join(names) or tr("Not recorded")
    assessor = (link.assessor if link else None) or _text(session.lead)
    attempts = [q.attempt for q in scores.questions] if scores else []
    end = max([a.scored_at for a in attempts] + [session.finished_at or session.started_at])
    times, duration = _span_text(session.started_at, end)
    answering = round(sum(i.seconds or 0 for i in items))
    if answering:
        spent = tr("{m} min {s:02d} s answering", m=answering // 60, s=answering % 60)
        # the clock of a session run faster than its stated answering times (an import, a test) says only those
        duration = f"{duration} ({spent})" if (end - session.started_at).total_seconds() >= answering else spent
    banks = (
        tuple(f"{b[0]} {b[2]}: {b[1]}" for b in snap.scenario.banks)
        if snap.scenario is not None and snap.scenario.banks
        else tuple(dict.fromkeys(f"{e.bank_id} {e.bank_version}" for e in snap.script))
    )
    docs = snap.scenario.document_titles if snap.scenario is not None else {}
    cited = dict.fromkeys(_doc_of(c) for q in questions.values() if q for c in q.citations)
    references = tuple(f"{d}: {docs[d]}" if docs.get(d) else d for d in cited if d)
    sops = tuple(
        dict.fromkeys(
            f.phrase for q in (scores.questions if scores else ()) for f in q.score.flags if f.kind == "sop-cited"
        )
    )
    result = scores.result if scores else None
    scored = result.items if result else 0
    open_items = [i for i in items if i.state in ("not-answered", "not-scored")]
    if result is None or not scored:
        state, outcome = "not-assessed", tr("Not assessed")
        reasons: tuple[str, ...] = (tr("No answer of this session has been scored."),)
    elif open_items and result.competent:
        # competence is not shown by the questions answered so far: every one counts, or is marked N/A
        state, outcome = "incomplete", tr("Incomplete")
        reasons = (
            tr(
                "{n} of {total} questions not answered: the outcome is decided when each is answered or marked "
                "not applicable",
                n=len(open_items),
                total=len(items),
            ),
            *result.reasons,
        )
    else:
        state = result.result
        outcome = tr("Competent") if result.competent else tr("Further practice required")
        reasons = result.reasons
    overrides = tuple(
        m.TrainingOverride(
            o.question_id,
            o.key_point_id,
            f"{_credit_text(o.from_credit)} \u2192 {_credit_text(o.to_credit)}",
            _text(o.reason) or tr("(confirmed as suggested)"),
            o.who,
            o.at,
        )
        for o in (scores.overrides if scores else ())
    )
    earlier = [h for h in (inputs.history if inputs else ()) if h.session_id != session.id and h.mean_score is not None]
    effectiveness = tuple(
        tr(
            "{when:%d %b %Y}, {title}: mean S {mean:.0f}, {rate:.0%} of items passed: {result}",
            when=h.started_at,
            title=h.scenario_title,
            mean=h.mean_score,
            rate=h.pass_rate or 0,
            result=tr("competent") if h.result == "competent" else tr("further practice"),
        )
        for h in earlier[:5]
    )
    if result is not None and scored and earlier:
        change = result.mean_score - (earlier[0].mean_score or 0)
        effectiveness = (
            tr("This session: mean S {mean:.0f} ({sign}{change:.0f} on the previous session).", mean=result.mean_score,
               sign="+" if change >= 0 else "\u2212", change=abs(change)),
            *effectiveness,
        )  # fmt: skip
    elif scored:
        effectiveness = (tr("First scored session of this trainee: no earlier result to compare with."),)
    asked = {e.question_id for e in snap.script}
    due = sorted((s for s in (inputs.schedule if inputs else ()) if s.question_id in asked), key=lambda s: s.due)
    next_review = ""
    if due:
        first = due[0].due
        same = sum(1 for s in due if s.due == first)
        next_review = tr("{day:%d %B %Y}: {n} question(s) due for review (SM-2 schedule", day=first, n=same)
        if link is not None and link.inspection_date is not None:
            next_review += tr(", intervals capped for the inspection of {day:%d %B %Y})", day=link.inspection_date)
        else:
            next_review += ")"
    remedial = tuple(
        tr(
            "{qid}: rehearse again; missed: {missed}",
            qid=i.question_id,
            missed="; ".join(t.rstrip(". ") for t, c, _ in i.key_points if c < 1) or tr("no key point"),
        )
        for i in items
        if i.score is not None and not i.passed
    ) + tuple(
        tr("{qid}: discuss with the assessor: {why}", qid=i.question_id, why="; ".join(i.critical))
        for i in items
        if i.critical
    )
    scorer_versions = sorted({a.scorer_version for a in attempts if a.scorer_version})
    lexicon_versions = sorted({a.lexicon_version for a in attempts if a.lexicon_version})
    versions = (
        m.Field(tr("Application"), f"mockinspect {app_version}"),
        m.Field(tr("Scorer"), ", ".join(scorer_versions) or scoring.SCORER_VERSION),
        m.Field(tr("Lexicon"), ", ".join(lexicon_versions) or tr("not recorded")),
        m.Field(tr("Rubric"), scoring.RUBRIC_VERSION),
    )
    rubric = tuple(
        m.Field(f"{key}  {tr(name)} ({weight:.0%})", tr(RUBRIC_TEXT[key])) for key, name, weight in scoring.DIMENSIONS
    )
    pass_criteria = (
        tr("Item score S = sum of weight \u00d7 (dimension score \u00f7 3) \u00d7 100."),
        tr("An item passes at S \u2265 {s:g} with no critical flag (a guessed or wrong figure, a contradiction of the "
           "SOP, an unapproved practice admitted, blame).", s=scoring.PASS_SCORE),
        tr("Competent: at least {rate:.0%} of items pass, mean S \u2265 {mean:g}, no critical flag. Items not "
           "applicable are left out.", rate=scoring.COMPETENT_PASS_RATE, mean=scoring.COMPETENT_MEAN),
    )  # fmt: skip
    signatures = (
        m.SignOff(trainee, tr("Trainee"), tr("I took part in this training and have read this record.")),
        m.SignOff(
            assessor or "",
            tr("Assessor"),
            tr("I reviewed the scores, confirmed or overrode them, and confirm the outcome."),
        ),
        m.SignOff("", tr("QA review"), tr("The record is complete and is filed as the site's SOP requires.")),
    )
    alcoa = (
        m.Field(tr("Attributable"), tr("Answers typed by the trainee in session {sid}; every override names who made it and why.", sid=session.id)),
        m.Field(tr("Contemporaneous"), tr("Each answer was scored when it was submitted; times are in the audit trail.")),
        m.Field(tr("Original, enduring"), tr("The answers, scores and overrides are kept in the mockinspect database; the audit trail had {n} records, head {head}.", n=snap.trail_head.records, head=snap.trail_head.hash[:16])),
        m.Field(tr("Retention"), tr("Keep this record with the trainee's training file for the period the site's SOP sets.")),
    )  # fmt: skip
    return m.TrainingRecord(
        trainee=trainee,
        trainer=assessor or tr("Not recorded"),
        areas=tuple(rows),
        total_seconds=answering,
        seconds_per_question=snap.scenario.seconds_per_question if snap.scenario is not None else None,
        form_id=TRAINING_FORM[0],
        form_version=TRAINING_FORM[1],
        record_id=f"TR-{session.started_at:%Y%m%d}-{session.id[:6].upper()}",
        employee_id=_text(person.employee_id) if person else "",
        department=_text(person.department) if person else "",
        role=_text(person.role) if person else "",
        title=tr("Mock inspection interview: {scenario}", scenario=session.scenario_title),
        training_type=tr("Simulation (role-play: the app plays the inspector), trainer-led")
        if assessor
        else tr("Simulation (role-play: the app plays the inspector), self-directed"),
        date=f"{session.started_at:%d %B %Y}",
        times=times,
        duration=duration,
        inspection_date=f"{link.inspection_date:%d %B %Y}" if link and link.inspection_date else "",
        banks=banks,
        question_ids=tuple(e.question_id for e in snap.script),
        sops=sops,
        references=references,
        assessor=assessor or "",
        items=items,
        scored=scored,
        passed=result.passed if result else 0,
        not_applicable=result.not_applicable if result else 0,
        unanswered=sum(1 for i in items if i.state == "not-answered"),
        mean_score=result.mean_score if result and scored else None,
        pass_rate=result.pass_rate if result and scored else None,
        critical=result.critical if result else 0,
        outcome=outcome,
        outcome_state=state,
        outcome_reasons=tuple(reasons),
        overrides=overrides,
        effectiveness=effectiveness,
        next_review=next_review,
        remedial=remedial,
        versions=versions,
        rubric=rubric,
        pass_criteria=pass_criteria,
        review_note=tr(
            "The scores are advisory. The assessor reviewed them, confirmed or overrode each key point's credit "
            "(every override is listed above and kept in the audit trail), and confirms the outcome by signing."
        ),
        signatures=signatures,
        alcoa=alcoa,
        scores_stored=bool(stored),
        trainer_rating=link.trainer_rating if link else None,
        trainer_comment=_text(link.trainer_comment) if link else "",
        rated_by=tr("{who}, {at:%d %b %Y %H:%M} UTC", who=link.rated_by, at=link.rated_at)
        if link and link.rated_by and link.rated_at
        else "",
        self_assessment=_self_assessment(scores),
    )


def _self_assessment(scores: TrainingScores | None) -> str:
    """How well the trainee judged their own answers before seeing the score."""
    if scores is None:
        return ""
    found = [c for q in scores.questions if (c := q.calibration) is not None]
    if not found:
        return ""
    kinds = {k: sum(1 for c in found if c.kind == k) for k in ("calibrated", "over-confident", "under-confident")}
    return tr(
        "The trainee rated {n} of {m} scored answers before seeing the score: {ok} judged well, {over} rated "
        "higher than they scored, {under} lower.",
        n=len(found), m=sum(1 for q in scores.questions if not q.score.not_applicable), ok=kinds["calibrated"],
        over=kinds["over-confident"], under=kinds["under-confident"],
    )  # fmt: skip
