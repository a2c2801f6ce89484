"""Render the window with a demo session and save PNGs (``python -m mockinspect.ui.screenshots OUT_DIR``):
every screen in the light theme (``NAME.png``) and the dark one (``NAME-dark.png``).

Runs against a throw-away database in a temp folder; under Xvfb or offscreen."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main(out: Path) -> int:
    home = Path(tempfile.mkdtemp(prefix="mockinspect-shots-"))
    for name in ("DATA", "CACHE", "CONFIG"):
        (home / name.lower()).mkdir()
        os.environ[f"MOCKINSPECT_{name}_DIR"] = str(home / name.lower())
    os.environ["MOCKINSPECT_DB"] = str(home / "data" / "mockinspect.db")
    from PySide6.QtCore import QThreadPool
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from mockinspect.domain.bank import Grade, ResponseStatus
    from mockinspect.domain.session import EvidenceInput, EvidenceKind, Participant, ResponsePatch
    from mockinspect.services import Services
    from mockinspect.services.banks import BankService
    from mockinspect.settings import Settings
    from mockinspect.ui.common import set_asker
    from mockinspect.ui.preferences import PreferencesDialog
    from mockinspect.ui.window import MainWindow
    from mockinspect.ui.wizard import NewSessionDialog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_asker(lambda *a: a[-1][0])
    out.mkdir(parents=True, exist_ok=True)
    catalogue = BankService().catalogue()
    services = Services.open(Path(os.environ["MOCKINSPECT_DB"]), user_name="Dr. Anna Weber")
    # the demo answers are about data integrity: the EU self-training drill asks those questions
    scenario = catalogue.scenario("eu-atmp-self-training" if "eu-atmp-self-training" in catalogue.scenarios else sorted(catalogue.scenarios)[0])
    inspection = services.inspection
    older = inspection.create_session(scenario, catalogue.banks_for(scenario), site="Nordlicht Biologics, Building C", lead="Dr. Anna Weber")
    for entry in inspection.script(older.id)[:6]:
        inspection.record_response(older.id, entry.question_id, ResponsePatch(status=ResponseStatus.COMPLIANT, text="Shown and explained."))
    inspection.finish_session(older.id)
    # the deficient demo answer is about the qPCR printout question (DI-004): always ask it third
    shown = scenario.model_copy(update={"draw": scenario.draw.model_copy(update={"include": ["DI-008", "DI-001", "DI-004"]})})
    session = inspection.create_session(
        shown, catalogue.banks_for(scenario), site="Helix Cell Therapies, Plant 2", address="Am Klopferspitz 19, Martinsried",
        lead="Dr. Anna Weber", participants=[Participant("Jonas Brandt", "Head of QA", "Helix")],
    )
    script = inspection.script(session.id)
    answers = [
        (ResponseStatus.COMPLIANT, "Walked through SOP-QA-014 rev 7; deviation log shows every entry closed with a QA signature."),
        (ResponseStatus.OBSERVATION, "Trend reports exist but the last two months were signed late (12 and 19 days)."),
        (ResponseStatus.DEFICIENT, "The signed printout is treated as the original record. The run files stay on the instrument PC and nobody reviews them; no data map names the raw data."),
    ]
    for entry, (status, text) in zip(script, answers, strict=False):
        inspection.record_response(session.id, entry.question_id, ResponsePatch(status=status, text=text, answered_by="Jonas Brandt"))
    deficient = script[2]
    inspection.raise_finding(
        session.id, title="qPCR run files are not treated as raw data or reviewed", grade=Grade.MAJOR, severity=4, occurrence=3, detectability=4,
        text="Raw data must be defined and reviewed. Specifically, the qPCR run files for lots 24-031 to 24-047 were not reviewed; only the printouts were signed.",
        question_ids=[deficient.question_id],
    )
    inspection.raise_finding(
        session.id, title="Late QA signature of monthly trend reports", grade=Grade.MINOR, severity=2, occurrence=3, detectability=2,
        question_ids=[script[1].question_id],
    )
    from datetime import UTC, datetime, timedelta

    from mockinspect.domain.session import DocumentRequestStatus, RequestPatch

    now = datetime.now(UTC)
    delivered = inspection.request_document(session.id, "Deviation log 2024", question_id=script[0].question_id, due_minutes=30)
    inspection.update_document_request(delivered.id, RequestPatch(status=DocumentRequestStatus.DELIVERED, delivered_at=now))
    overdue = inspection.request_document(session.id, "Data map of the qPCR instrument", question_id=deficient.question_id, due_minutes=30)
    inspection.update_document_request(overdue.id, RequestPatch(due_at=now - timedelta(minutes=5)))
    inspection.request_document(session.id, "Audit-trail review records, last three lots", question_id=deficient.question_id, due_minutes=30)
    evidence_dir = home / "evidence"
    evidence_dir.mkdir()
    run_file = evidence_dir / "qPCR run 24-047.eds"
    run_file.write_bytes(b"run file " * 4000)
    printout = evidence_dir / "Signed printout 24-047.pdf"
    printout.write_bytes(b"%PDF-1.4 printout " * 900)
    gone = evidence_dir / "Data map draft.xlsx"
    gone.write_bytes(b"draft")
    for item in (
        EvidenceInput(kind=EvidenceKind.FILE, path=str(run_file), description="Run file on the instrument PC"),
        EvidenceInput(kind=EvidenceKind.FILE, path=str(printout), description="The signed printout"),
        EvidenceInput(kind=EvidenceKind.FILE, path=str(gone)),
        EvidenceInput(kind=EvidenceKind.URL, url="https://qms.helix.example/deviations/DEV-24-118"),
        EvidenceInput(kind=EvidenceKind.DOCUMENT, doc_id="SOP-QC-031", doc_title="qPCR data review", doc_version="rev 4"),
    ):
        inspection.attach_evidence(session.id, inspection.hash_evidence(item), question_id=deficient.question_id)
    printout.write_bytes(b"%PDF-1.4 printout, edited later")
    gone.unlink()
    inspection.record_response(session.id, script[2].question_id, ResponsePatch(notes="Ask QC for the data map on day 2."), reason="note after the interview")
    logo = home / "logo.png"
    image = QImage(360, 96, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#1f3a5f"))
    painter.setPen(QColor("#1f3a5f"))
    painter.drawRoundedRect(4, 12, 72, 72, 14, 14)
    painter.setPen(QColor("#ffffff"))
    font = painter.font()
    font.setPixelSize(40)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(4, 12, 72, 72, 0x84, "QC")  # AlignCenter
    painter.setPen(QColor("#3b6ea8"))
    font.setPixelSize(26)
    painter.setFont(font)
    painter.drawText(92, 12, 268, 72, 0x81, "Quality Partners")  # AlignLeft | AlignVCenter
    painter.end()
    image.save(str(logo))

    def settle() -> None:
        for _ in range(20):
            app.processEvents()

    for theme in ("light", "dark"):
        suffix = "" if theme == "light" else "-dark"
        settings = Settings(
            user_name="Dr. Anna Weber", company_name="Quality Partners GmbH", company_logo=str(logo), theme=theme,
            default_persona="eu",
        )
        window = MainWindow(services, settings)
        window.resize(1440, 900)
        window.show()
        window.catalogue()
        settle()
        window.grab().save(str(out / f"start{suffix}.png"))
        window.start.tabs.setCurrentIndex(1)
        window.start.browser.search.setText("audit trail")
        settle()
        window.grab().save(str(out / f"banks{suffix}.png"))
        window.start.tabs.setCurrentIndex(0)
        dialog = NewSessionDialog(services, catalogue, "Dr. Anna Weber", window, default_persona="eu")
        dialog.site.setText("Aurora Gene Therapy GmbH")
        dialog.show()
        settle()
        dialog.grab().save(str(out / f"wizard{suffix}.png"))
        dialog.close()
        preferences = PreferencesDialog(settings, window)
        preferences.show()
        settle()
        preferences.grab().save(str(out / f"preferences{suffix}.png"))
        preferences.close()
        window.open_session(session.id)
        screen = window.interview
        assert screen is not None
        screen.go_to(script[2].question_id)
        screen.more.setChecked(True)
        screen.side.setCurrentIndex(0)
        screen.check_evidence()
        QThreadPool.globalInstance().waitForDone(10000)
        settle()
        window.grab().save(str(out / f"interview{suffix}.png"))
        screen.side.setCurrentIndex(1)
        settle()
        window.grab().save(str(out / f"requests{suffix}.png"))
        screen.side.setCurrentIndex(2)
        settle()
        window.grab().save(str(out / f"findings{suffix}.png"))
        screen.side.setCurrentIndex(3)
        settle()
        window.grab().save(str(out / f"history{suffix}.png"))
        window.close()
        settle()
    services.close()
    from mockinspect.ui import rehearsal_shots  # training mode: rehearsal-*.png

    rehearsal_shots.shoot(out, settle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
