"""A real session in a real SQLite file, and helpers that read a PDF back with pypdf."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from mockinspect.domain.bank import ResponseStatus
from mockinspect.domain.session import EvidenceInput, EvidenceKind, Participant, ResponsePatch
from mockinspect.services import Services
from mockinspect.services.banks import BankService
from mockinspect.services.report import ReportService

SCENARIO = "fda-cgt-data-integrity"


def pdf_text(data: bytes | Path) -> str:
    raw = data.read_bytes() if isinstance(data, Path) else data
    reader = PdfReader(BytesIO(raw))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def flat(text: str) -> str:
    """Text without the line breaks and hyphen-free wraps a layout adds."""
    return "".join(text.split())


def pdf_fonts(data: bytes | Path) -> set[str]:
    raw = data.read_bytes() if isinstance(data, Path) else data
    reader = PdfReader(BytesIO(raw))
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")).split("+")[-1])
    return names


@pytest.fixture(scope="session")
def catalogue():
    return BankService(include_user=False).catalogue()


@pytest.fixture
def services(tmp_path):
    with Services.open(tmp_path / "inspect.db", user_name="Test Lead") as opened:
        yield opened


@pytest.fixture
def make_session(services, catalogue, tmp_path):
    """``make_session(site=..., answers=n, finish=True)``: a session with answers, evidence and findings."""

    def make(site: str = "Zell & Co <GmbH>", answers: int = 6, finish: bool = True, **texts: str) -> str:
        scenario = catalogue.scenario(SCENARIO)
        banks = catalogue.banks_for(scenario)
        session = services.inspection.create_session(
            scenario,
            banks,
            site=site,
            lead=texts.get("lead", "Dr. Jana Köhler"),
            address=texts.get("address", "Am Forschungspark 12, 69120 Heidelberg"),
            participants=[Participant("Mark O'Neill", "Specialist", "Northbridge")],
            seed=7,
        )
        sid = session.id
        script = services.inspection.script(sid)
        for i, entry in enumerate(script[:answers]):
            status = ResponseStatus.DEFICIENT if i % 3 == 0 else ResponseStatus.COMPLIANT
            services.inspection.record_response(
                sid,
                entry.question_id,
                ResponsePatch(status=status, text=texts.get("answer", f"Answer {i} as typed."), answered_by="QA Manager"),
            )
        first = script[0].question_id
        photo = tmp_path / "evidence.txt"
        photo.write_text("log line\n", "utf-8")
        link = services.inspection.attach_evidence(
            sid, services.inspection.hash_evidence(EvidenceInput(EvidenceKind.FILE, path=str(photo))), question_id=first
        )
        services.inspection.raise_finding(
            sid,
            title=texts.get("title", "Audit trails are not reviewed before release."),
            text=texts.get("text", "Specifically, lots CT-0409 to CT-0415."),
            grade="major",
            severity=4,
            occurrence=3,
            detectability=3,
            question_ids=[first],
            evidence_ids=[link.id],
            capa=texts.get("capa", "Review before release."),
        )
        services.inspection.raise_finding(sid, title="Consider trending review outcomes.", grade="recommendation")
        services.inspection.request_document(sid, texts.get("request", "Audit-trail review records"), due_minutes=30)
        if finish:
            services.inspection.finish_session(sid)
        return sid

    return make


@pytest.fixture
def reports(services):
    return ReportService(services.inspection, company="Northbridge")
