"""The findings report: ours vs bare reportlab on the same text, in the same run.

Makes a real session in a temporary SQLite file: 1,000 questions answered and 200 findings
(ratings, citations, CAPA, linked answers), finished. Then times:
  ours   ReportService.build (one snapshot, every decision) + build_pdf (one layout pass:
         the TOC and "Page X of Y" are drawn when the canvas is saved; embedded TrueType
         fonts with the run-splitter; tables with repeated headers)
  bare   SimpleDocTemplate building the same paragraphs (every finding and answer text,
         escaped), one pass, no tables, in the same embedded Noto Sans (the RESULT ratio),
         and in Helvetica (printed too: faster, but it cannot print Greek, CJK or emoji)
Target: ours <= 2.0x bare and <= 5 s.
"""

from __future__ import annotations

import sys
import tempfile
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from mockinspect.domain.bank import ResponseStatus
from mockinspect.domain.session import ResponsePatch
from mockinspect.reporting import fonts
from mockinspect.reporting.pdf import build_pdf
from mockinspect.services import Services
from mockinspect.services.report import ReportService

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from tests.store.factories import make_bank, make_scenario  # noqa: E402

from _common import median, p99, result, timed  # noqa: E402

N_RESPONSES = 1000
N_FINDINGS = 200
TARGET = 2.0
REPEAT = 5


def make_session(services: Services) -> str:
    bank = make_bank(areas=10, per_area=N_RESPONSES // 10)
    scenario = make_scenario(bank)
    sid = services.inspection.create_session(scenario, [bank], site="Benchmark Biologics GmbH", lead="Lead", seed=1).id
    script = services.inspection.script(sid)[:N_RESPONSES]
    statuses = [ResponseStatus.COMPLIANT, ResponseStatus.COMPLIANT, ResponseStatus.OBSERVATION, ResponseStatus.DEFICIENT]
    for i, entry in enumerate(script):
        services.inspection.record_response(
            sid,
            entry.question_id,
            ResponsePatch(
                status=statuses[i % 4],
                text=f"Answer {i}: the procedure SOP-QA-{i:03d} was shown with two completed records; "
                "the reviewer explained the checks made before release & signed them. " * 2,
                answered_by="QA Manager",
            ),
        )
    grades = ["critical", "major", "minor", "minor", "recommendation"]
    for i in range(N_FINDINGS):
        services.inspection.raise_finding(
            sid,
            title=f"Finding {i}: records are not reviewed before release <as required>.",
            text=f"Specifically, {i % 7 + 1} of 12 records for lots CT-{i:04d} to CT-{i + 5:04d} carried only a signature.",
            grade=grades[i % 5],
            severity=i % 5 + 1,
            occurrence=(i * 3) % 5 + 1,
            detectability=(i * 7) % 5 + 1,
            citations=["21-CFR-211 211.192", "EU-GMP-Annex-11 §9"],
            capa="Review every GMP audit trail before disposition; retrain reviewers; check effectiveness.",
            question_ids=[script[(i * 5) % len(script)].question_id],
        )
    services.inspection.finish_session(sid)
    return sid


def bare(texts: list[str], font: str = "Helvetica") -> None:
    style = getSampleStyleSheet()["BodyText"]
    if font != "Helvetica":
        fonts.register()
        style = ParagraphStyle("ttf", parent=style, fontName=font)
    doc = SimpleDocTemplate(BytesIO(), invariant=1)
    doc.build([Paragraph(escape(t), style) for t in texts])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, Services.open(Path(tmp) / "bench.db", user_name="bench") as services:
        sid = make_session(services)
        reports = ReportService(services.inspection)
        model = reports.build(sid)
        texts = [t for f in model.findings for t in (f.title, f.text, f.capa, *(a.answer for a in f.answers))]
        texts += [t for q in model.questions for t in (q.prompt, q.answer)]

        def ours() -> None:
            build_pdf(reports.build(sid), BytesIO())

        out = BytesIO()
        build_pdf(model, out)
        pages = len(PdfReader(BytesIO(out.getvalue())).pages)
        ours_s: list[float] = []
        bare_s: list[float] = []
        helv_s: list[float] = []
        for _ in range(REPEAT):  # interleaved, so a busy machine slows all three alike
            ours_s += timed(ours, 1)
            bare_s += timed(lambda: bare(texts, fonts.BASE), 1)
            helv_s += timed(lambda: bare(texts), 1)
    o, b, h = median(ours_s), median(bare_s), median(helv_s)
    print(f"session: {N_RESPONSES} answers, {N_FINDINGS} findings; report {pages} pages, {len(out.getvalue()):,} bytes")
    print(f"ours          median {o:.2f} s  p99 {p99(ours_s):.2f} s  (build + PDF, one pass)")
    print(f"bare, Noto    median {b:.2f} s  (SimpleDocTemplate, same text, same embedded TrueType font)")
    print(f"bare, Helv.   median {h:.2f} s  (same, in Helvetica: cannot print Greek, CJK or emoji; ratio {o / h:.2f})")
    result("report", o / b, TARGET, ours_s=f"{o:.2f}", bare_s=f"{b:.2f}", helvetica_ratio=f"{o / h:.2f}", pages=pages)


if __name__ == "__main__":
    main()
