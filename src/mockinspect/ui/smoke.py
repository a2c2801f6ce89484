"""``mockinspect --smoke``: prove an installed or frozen copy works end to end, offscreen.

It opens the main window over a temporary database, loads the bundled banks, runs a
three-question session (answers, a finding, a document request), writes a short PDF,
verifies the audit trail and exits 0, printing one line per step. Everything it writes
lives in a temporary folder that is removed afterwards; the user's own database, settings
and caches are never touched. CI runs it against the PyInstaller build (``make package-check``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

STEPS = ("window", "banks", "database", "session", "report", "trail")


def _isolate(home: Path) -> None:
    """Point every user folder (and the database) at ``home`` before anything reads them."""
    for name in ("DATA", "CACHE", "CONFIG"):
        folder = home / name.lower()
        folder.mkdir()
        os.environ[f"MOCKINSPECT_{name}_DIR"] = str(folder)
    os.environ["MOCKINSPECT_DB"] = str(home / "data" / "smoke.db")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _quiet_offscreen(kind: object, context: object, message: str) -> None:
    """Drop the offscreen platform's note that it cannot size windows; print any other Qt message."""
    if "propagateSizeHints" not in message:
        print(f"qt: {message}", file=sys.stderr)


def run(out: Callable[[str], None] = print) -> int:
    """Run every step; the first failure is printed as one line and returns 1."""
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="mockinspect-smoke-"))
    step = STEPS[0]
    try:
        _isolate(home)
        step = "window"
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        qInstallMessageHandler(_quiet_offscreen)

        from mockinspect import __version__
        from mockinspect.ui.window import MainWindow

        existing = QApplication.instance()
        app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        if not window.isVisible():
            raise RuntimeError("the main window did not show")
        out(f"window: mockinspect {__version__} main window shown ({app.platformName()}, PySide6 {pyside_version})")

        step = "banks"
        from mockinspect.resources import question_banks_dir
        from mockinspect.services.banks import BankService

        banks = BankService(include_user=False)
        problems = banks.validate([question_banks_dir()])
        if problems:
            raise RuntimeError(f"the bundled banks have {len(problems)} problem(s); the first: {problems[0]}")
        catalogue = banks.catalogue()
        questions = sum(len(b.questions) for b in catalogue.banks.values())
        out(f"banks: {len(catalogue.banks)} banks, {len(catalogue.scenarios)} scenarios, {questions} questions, all valid")

        step = "database"
        from mockinspect.paths import default_db_path
        from mockinspect.services import Services
        from mockinspect.settings import Settings

        db_path = default_db_path()
        services = Services.open(db_path, user_name="smoke test", backup_on_open=True)
        try:
            window.attach(services, Settings(user_name="smoke test"))
            app.processEvents()
            out(f"database: {db_path.name} created and migrated, open for writing")

            step = "session"
            from mockinspect.domain.bank import Grade, ResponseStatus
            from mockinspect.domain.session import ResponsePatch

            scenario = catalogue.scenario(sorted(catalogue.scenarios)[0])
            inspection = services.inspection
            session = inspection.create_session(
                scenario, catalogue.banks_for(scenario), site="Smoke Test Site", lead="smoke test", seed=1
            )
            window.open_session(session.id)
            app.processEvents()
            script = inspection.script(session.id)[:3]
            statuses = (ResponseStatus.COMPLIANT, ResponseStatus.OBSERVATION, ResponseStatus.DEFICIENT)
            for entry, status in zip(script, statuses, strict=True):
                inspection.record_response(
                    session.id, entry.question_id, ResponsePatch(status=status, text=f"Smoke answer to {entry.question_id}.")
                )
                app.processEvents()
            inspection.raise_finding(
                session.id,
                title="Smoke finding",
                grade=Grade.MAJOR,
                severity=4,
                occurrence=3,
                detectability=3,
                question_ids=[script[2].question_id],
            )
            inspection.request_document(session.id, "Smoke request", question_id=script[0].question_id, due_minutes=30)
            app.processEvents()
            answered = sum(1 for r in inspection.responses(session.id) if r.status is not None)
            if answered != 3:
                raise RuntimeError(f"{answered} answers stored, expected 3")
            out(f"session: {scenario.id}, 3 questions answered, 1 finding, 1 document request")

            step = "report"
            from pypdf import PdfReader

            from mockinspect.services.report import ReportService

            pdf = home / "smoke-report.pdf"
            ReportService(inspection, company="Smoke Test").export_pdf(session.id, pdf, draft=True)
            pages = len(PdfReader(str(pdf)).pages)
            out(f"report: {pdf.name} written, {pages} pages, {pdf.stat().st_size // 1024} KiB")

            step = "trail"
            report = services.trail.verify()
            if not report.ok:
                raise RuntimeError(f"audit trail verification failed: {report}")
            head = services.trail.head()
            out(f"trail: verified, {head.records} records, head {head.hash[:16]}")
        finally:
            window.close()
            app.processEvents()
            services.close()
        out(f"smoke: ok in {time.perf_counter() - started:.1f} s")
        return 0
    except Exception as exc:  # the point is to say what broke, in one line, and exit 1
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        out(f"smoke: FAILED at {step}: {detail}")
        return 1
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    return run()


if __name__ == "__main__":
    raise SystemExit(main())
