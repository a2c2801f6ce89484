"""``mockinspect report ID -o FILE.pdf`` and ``mockinspect demo -o FILE.pdf``.

``demo`` runs a whole scripted mock inspection of a fictional autologous CAR-T site from the
bundled banks (answers, probes, evidence files with one changed after linking, document
requests on time and late, findings of every grade, a repeat of a finding from an earlier
mock inspection), in a temporary database unless ``--db`` is given, and writes its report.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mockinspect.cli.common import catalogue, open_services, resolve_session, session_help
from mockinspect.cli.output import echo
from mockinspect.domain.bank import ResponseStatus
from mockinspect.domain.session import (
    DocumentRequestStatus,
    EvidenceInput,
    EvidenceKind,
    FindingStatus,
    Participant,
    RequestPatch,
    ResponsePatch,
)
from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.resources import resource
from mockinspect.services import Services
from mockinspect.services.report import PAPERS, ReportService

DEMO_SCENARIO = "fda-cgt-data-integrity"
DEMO_SITE = "Helix Cell Therapeutics GmbH"
DEMO_ADDRESS = "Building C, Suites 2 and 3 (cell processing) and QC laboratory L1, Am Forschungspark 12, 69120 Heidelberg, Germany"


def default_paper() -> str:
    """US Letter where the locale is the US or Canada (LC_ALL, LC_PAPER, LANG), else A4."""
    import os

    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "letter" if value.split(".")[0] in ("en_US", "es_US", "en_CA", "fr_CA") else "a4"
    return "a4"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    report = sub.add_parser("report", parents=[common], help=tr("write a session's findings report as PDF"))
    report.add_argument("id", metavar="ID", help=session_help())
    _pdf_options(report)
    report.add_argument("--draft", action="store_true", help=tr("mark the report as a draft even if the session is finished"))
    report.set_defaults(handler=cmd_report)

    demo = sub.add_parser("demo", parents=[common], help=tr("run a scripted mock inspection and write its report"))
    _pdf_options(demo)
    demo.set_defaults(handler=cmd_demo)


def _pdf_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help=tr("where to write the PDF"))
    parser.add_argument("--paper", choices=PAPERS, help=tr("paper size (default: from the locale)"))
    parser.add_argument("--password", metavar="PW", help=tr("encrypt the PDF with AES-256; opening it needs PW"))


def _report_service(services: Services) -> ReportService:
    """The report service with the company name and logo from the settings."""
    from mockinspect.settings import Settings

    settings = Settings.load()
    return ReportService(services.inspection, company=settings.company_name, logo=settings.company_logo)


def cmd_report(args: argparse.Namespace) -> int:
    with open_services(args, "read") as services:
        sid = resolve_session(services, args.id)
        reports = _report_service(services)
        model = reports.export_pdf(
            sid, Path(args.output), paper=args.paper or default_paper(), password=args.password, draft=args.draft
        )
    for warning in reports.warnings:
        echo(tr("warning: {message}", message=warning), file=sys.stderr)
    echo(tr("wrote {path} ({status}, {n} finding(s))", path=args.output, status=model.status.lower(), n=len(model.findings)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    found = catalogue(args)
    if getattr(args, "db", None):
        with open_services(args, "write") as services:
            model = run_demo(services, found, Path(args.output), paper=args.paper or default_paper(), password=args.password)
    else:
        with tempfile.TemporaryDirectory(prefix="mockinspect-demo-") as tmp:
            from mockinspect.settings import Settings

            services = Services.open(Path(tmp) / "demo.db", user_name=Settings.load().user_name)
            try:
                model = run_demo(services, found, Path(args.output), paper=args.paper or default_paper(), password=args.password)
            finally:
                services.close()
    echo(tr("wrote {path}: {n} finding(s), {q} answers", path=args.output, n=len(model.findings), q=model.summary.answered))
    return 0


# -- the scripted inspection -------------------------------------------------------------------

SCRIPTED = {
    "DI-001": (
        "deficient",
        "We review the MES audit trail before release. The flow cytometer and cell counter audit trails are not "
        "reviewed before release; SOP-QA-041 does not list those systems.",
    ),
    "QCD-006": (
        "deficient",
        "The counter stores every count with its images. All six analysts log in with the shared 'QCLAB' account, "
        "so we cannot tell who ran, modified or deleted a count.",
    ),
    "CS-002": (
        "deficient",
        "We have never restored the LIMS backup as a test. The vendor tells us the nightly backup completes.",
    ),
    "DI-008": (
        "observation",
        "Correction on page 14: single line, initials and date. The entry on page 15 was written two days after "
        "the step with 'late entry' but no reason.",
    ),
    "CS-007": (
        "observation",
        "The dose workbook lives on the QC share. Cells are not locked and there is no version control; the "
        "formulas were checked once, when it was written in 2024.",
    ),
    "DI-005": (
        "observation",
        "Blank EM forms are printed from the eQMS by QA and numbered; the issue log carries a signature but not the "
        "number of pages issued.",
    ),
    "CS-006": ("not-applicable", "The LIMS is installed on site on the company's own servers; no cloud vendor hosts GMP data."),
    "QCD-003": ("deferred", "The QC head who owns OOS investigations is off site today; the site will present OOS-26-014 tomorrow."),
}
MINORS = [
    (
        "Late entries in batch records are not justified.",
        "Specifically, in the executed batch record of lot CT-0415 the entry for the cryopreservation step (page 15) "
        "was made two days after the step and marked 'late entry' without a reason, contrary to SOP-QA-010 §5.4.",
    ),
    (
        "The spreadsheet that calculates the patient dose is not protected against change.",
        "Specifically, workbook QC-DOSE-CALC.xlsx on the QC share has no locked cells, no version control and no "
        "record of verification since 2024; it set the dose of the last 11 lots.",
    ),
    (
        "The issue of blank forms is not reconciled.",
        "Specifically, the issue log for EM form F-QC-022 records who issued forms but not how many pages, so 3 of "
        "the 5 issues checked could not be reconciled against returned forms.",
    ),
]
ANSWERS = {
    "compliant": [
        "SOP-QA-041 v6 defines this; we walked through the last three records with the reviewer present and each entry was signed and dated at the time.",
        "Yes. The procedure was shown (effective 2026-03-02) together with two completed examples; both were reviewed by QA before release.",
        "The system is validated (VR-CS-019) and the periodic review from May 2026 was shown, with its two actions closed.",
        "Access is role-based; the user list printed today showed 14 active accounts, all with a current training record.",
    ],
    "observation": [
        "The procedure exists, but the review record only carries a signature; the reviewer explained verbally what was checked.",
        "Mostly yes; one of the three examples was completed two days after the step, with a late-entry note.",
    ],
    "deficient": [
        "We do not review the flow cytometer audit trail before release; the software keeps it but nobody looks at it.",
        "Analysts share the generic 'QCLAB' login on the cell counter PC, so results are not attributable to a person.",
        "The backup has never been restored as a test; IT says it works.",
    ],
}


def run_demo(services: Services, found: Any, out: Path, *, paper: str = "a4", password: str | None = None) -> Any:
    inspection = services.inspection
    scenario = found.scenario(DEMO_SCENARIO)
    banks = found.banks_for(scenario)
    draw = scenario.draw.model_copy(update={"per_area": 12})
    scenario = scenario.model_copy(update={"draw": draw})
    available = {q.id: q for b in banks for q in b.questions}
    team = (
        Participant("Dr. Jana Köhler", "Lead auditor", "Northbridge GMP Consulting"),
        Participant("Mark O'Neill", "Data-integrity specialist", "Northbridge GMP Consulting"),
        Participant("Dr. Sophie Laurent", "Recipient", "Head of Quality, Helix Cell Therapeutics"),
    )
    earlier = inspection.create_session(
        scenario, banks, site=DEMO_SITE, lead="Dr. Jana Köhler", address=DEMO_ADDRESS, participants=team
    )
    first_q = "DI-001"
    inspection.record_response(
        earlier.id, first_q, ResponsePatch(status=ResponseStatus.DEFICIENT, text="No review of audit trails before release.")
    )
    old = inspection.raise_finding(
        earlier.id,
        title="Audit trails of GMP computerised systems are not reviewed before batch release.",
        grade="major",
        severity=4,
        occurrence=3,
        detectability=3,
        question_ids=[first_q],
    )
    inspection.finish_session(earlier.id)

    session = inspection.create_session(
        scenario, banks, site=DEMO_SITE, lead="Dr. Jana Köhler", address=DEMO_ADDRESS, participants=team, seed=7
    )
    sid = session.id
    evidence_dir = out.expanduser().resolve().parent / f".{out.name}.evidence"
    evidence_dir.mkdir(exist_ok=True)
    try:
        return _interview(services, sid, available, evidence_dir, old.id, out, paper, password)
    finally:
        for f in evidence_dir.iterdir():
            f.unlink()
        evidence_dir.rmdir()


def _interview(
    services: Services, sid: str, available: Any, evidence_dir: Path, repeat_of: int, out: Path, paper: str, password: str | None
) -> Any:
    inspection = services.inspection
    people = ["Dr. Lena Brandt (QA Manager)", "Tomás Ruiz (QC Supervisor)", "Aiko Tanaka (IT/OT Validation Lead)", "Stefan Groß (Head of Production)"]
    done: set[str] = set()
    n = 0
    while True:
        todo = [e for e in inspection.script(sid) if e.question_id not in done]
        if not todo or n >= 42:
            break
        for entry in todo:
            kind, text = SCRIPTED.get(entry.question_id) or (
                ("compliant", ANSWERS["compliant"][n % len(ANSWERS["compliant"])])
                if entry.parent_question_id is None or n % 3
                else ("observation", ANSWERS["observation"][n % len(ANSWERS["observation"])])
            )
            inspection.record_response(
                sid,
                entry.question_id,
                ResponsePatch(
                    status=ResponseStatus(kind), text=text, answered_by=people[n % len(people)], seconds_taken=90 + 13 * n
                ),
            )
            done.add(entry.question_id)
            n += 1
            inspection.add_triggered_probes(sid, entry.question_id, available)
            if n >= 42:
                break
    script = inspection.script(sid)
    answered = [e.question_id for e in script if e.question_id in done]
    deficient = [q for q in ("DI-001", "QCD-006", "CS-002") if q in done]
    observed = [q for q in ("DI-008", "CS-007", "DI-005") if q in done]
    if len(deficient) < 3 or len(observed) < 3:
        raise UserError(tr("the bundled scenario no longer draws the questions the demo answers"))

    # evidence: a photo, a log export (changed after linking), a file that goes missing, a URL, a document
    from PIL import Image, ImageDraw

    photo = evidence_dir / "QC-CC-02_login-screen.jpg"
    img = Image.new("RGB", (1600, 1000), (228, 233, 238))
    draw = ImageDraw.Draw(img)
    draw.rectangle((120, 120, 1480, 880), fill=(32, 45, 66), outline=(20, 20, 20), width=14)
    draw.rectangle((520, 360, 1080, 640), fill=(245, 247, 250))
    draw.rectangle((580, 430, 1020, 480), outline=(120, 120, 120), width=4)
    draw.rectangle((580, 520, 1020, 570), outline=(120, 120, 120), width=4)
    draw.text((600, 445), "User: QCLAB", fill=(20, 20, 20))
    draw.text((600, 535), "Password: ********", fill=(20, 20, 20))
    img.save(photo, "JPEG", quality=85)
    log = evidence_dir / "QC-CC-02_audit_trail_2026-11.csv"
    log.write_text("time,user,event\n2026-11-03 07:12,QCLAB,result modified\n2026-11-03 07:14,QCLAB,result deleted\n", "utf-8")
    roster = evidence_dir / "QC_instrument_user_list.csv"
    roster.write_text("account,holders\nQCLAB,6 analysts\n", "utf-8")
    now = datetime.now(UTC)
    counter, review = deficient[1], deficient[0]
    items = [
        (counter, EvidenceInput(EvidenceKind.FILE, path=str(log), description="Cell counter QC-CC-02 audit-trail export, November 2026", shown_at=now)),
        (counter, EvidenceInput(EvidenceKind.FILE, path=str(photo), description="Photo: QC-CC-02 log-in screen with the shared QCLAB account", shown_at=now)),
        (counter, EvidenceInput(EvidenceKind.FILE, path=str(roster), description="User list printed by the site", shown_at=now)),
        (review, EvidenceInput(EvidenceKind.DOCUMENT, doc_id="SOP-QA-041", doc_title="Audit-trail review before batch disposition", doc_version="v6", description="The procedure in force")),
        (review, EvidenceInput(EvidenceKind.URL, url="https://qms.helix-cell.example/documents/SOP-QA-041/v6/effective-copy?view=controlled&lang=en", description="Controlled copy in the eQMS", shown_at=now)),
    ]
    links = [inspection.attach_evidence(sid, inspection.hash_evidence(item), question_id=q) for q, item in items]
    log.write_text(log.read_text("utf-8") + "2026-11-28 16:40,admin,export re-generated\n", "utf-8")  # changed after linking
    roster.unlink()  # gone since it was linked

    # document requests: on time, late, not provided, still open
    reqs = [
        ("Audit-trail review records for lots CT-0409 to CT-0415", deficient[0], 30, 22, DocumentRequestStatus.DELIVERED),
        ("List of all user accounts on QC instruments with roles", deficient[1], 30, 75, DocumentRequestStatus.DELIVERED),
        ("Backup restore test reports 2024-2026", deficient[-1], 60, None, DocumentRequestStatus.NOT_PROVIDED),
        ("Periodic review report of the MES", answered[3], 45, 30, DocumentRequestStatus.DELIVERED),
        ("Deviation log, last 12 months, filtered for data integrity", None, 30, None, DocumentRequestStatus.OPEN),
    ]
    for what, qid, due, took, req_status in reqs:
        req = inspection.request_document(sid, what, question_id=qid, due_minutes=due)
        if took is not None:
            inspection.update_document_request(
                req.id, RequestPatch(status=req_status, delivered_at=req.requested_at + timedelta(minutes=took))
            )
        elif req_status is not DocumentRequestStatus.OPEN:
            inspection.update_document_request(req.id, RequestPatch(status=req_status, notes="The site could not locate any restore test."))

    def cites(qid: str) -> list[str]:
        snap_q = inspection.snapshot(sid)
        entry = snap_q.entry(qid)
        frozen = snap_q.question(entry) if entry else None
        return [c for c in (frozen.citations if frozen else ()) if c.startswith("21-CFR")][:2]

    inspection.raise_finding(
        sid,
        title="Data generated by the QC cell counter used for release testing are not attributable to the analyst.",
        text="Specifically, all six QC analysts log in to the cell counter PC (asset QC-CC-02) with the shared 'QCLAB' account; "
        "the audit trail for 03/11/2026 shows a result for lot CT-0412 modified and then deleted at 07:12 and 07:14 under that account, "
        "and no one could say who made the change.",
        grade="critical",
        severity=5,
        occurrence=4,
        detectability=4,
        citations=cites(deficient[1]) or ["21-CFR-211 211.68(b)"],
        capa="Unique accounts for every analyst; disable the shared login; review all release results since the counter was installed for unexplained changes.",
        root_cause="Equipment / system design",
        question_ids=[deficient[1]],
        evidence_ids=[links[0].id, links[1].id, links[2].id],
    )
    inspection.raise_finding(
        sid,
        title="Audit trails are not reviewed before batch disposition.",
        text="Specifically, for lots CT-0409 to CT-0415 released between 02/10/2026 and 14/11/2026 no audit-trail review of the cell counter or "
        "flow cytometry data was recorded before release; SOP-QA-041 does not name these systems. This is the condition raised at the previous mock inspection.",
        grade="major",
        severity=4,
        occurrence=4,
        detectability=3,
        citations=cites(deficient[0]) or ["21-CFR-211 211.192"],
        capa="Name every GMP system and the events to review in SOP-QA-041; review the open lots before release; check effectiveness after three months.",
        root_cause="Procedure",
        question_ids=[deficient[0]],
        evidence_ids=[links[3].id, links[4].id],
        repeat_of=repeat_of,
    )
    inspection.raise_finding(
        sid,
        title="Backups of the LIMS have not been shown to be restorable.",
        text="Specifically, no restore test of the LIMS backup has been performed since go-live in 2023, and the site could not provide any restore report when asked (request 3).",
        grade="major",
        severity=4,
        occurrence=3,
        detectability=4,
        citations=["21-CFR-211 211.68(b)"],
        capa="Perform and document a restore test; add it to the periodic review.",
        question_ids=[deficient[-1]],
    )
    for i, qid in enumerate(observed[:3]):
        inspection.raise_finding(
            sid,
            title=MINORS[i][0],
            text=MINORS[i][1],
            grade="minor",
            severity=2,
            occurrence=2 + i % 2,
            detectability=2,
            question_ids=[qid],
        )
    finding = inspection.raise_finding(
        sid,
        title="The label printer's date format was corrected during the inspection.",
        text="Specifically, the label template printed dates as MM/DD/YY while the batch record uses DD/MM/YYYY; the template was corrected and verified before the close-out.",
        grade="minor",
        severity=2,
        occurrence=1,
        detectability=1,
    )
    inspection.set_finding_status(finding.id, FindingStatus.CORRECTED)
    inspection.raise_finding(
        sid,
        title="Consider trending audit-trail review outcomes as a data-integrity indicator in management review.",
        grade="recommendation",
        capa="Add the number of unexplained audit-trail entries per month to the quality metrics.",
    )
    inspection.raise_finding(
        sid,
        title="Consider a short data-integrity refresher for night-shift operators.",
        grade="recommendation",
    )
    inspection.finish_session(sid)
    reports = ReportService(inspection, company="Northbridge GMP Consulting", logo=resource("demo", "northbridge-logo.png"))
    return reports.export_pdf(sid, out, paper=paper, password=password)

