"""Start the desktop window: display check, one database (backed up on open), the
second-copy question, the exception hook, then the main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


def has_display() -> bool:
    """Whether Qt can open a window here (X11 or Wayland on Linux; always elsewhere)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


NO_DISPLAY = (
    "mockinspect: no display found, so the window cannot open here; "
    "the command line (mockinspect --help) and make demo work without one"
)


def log_to_file() -> Path:
    """Write the window's log (errors with their tracebacks) to ``logs/mockinspect-ui.log`` in the
    user data folder (platformdirs; Help > About shows it); once per process."""
    from mockinspect.paths import user_log_dir
    from mockinspect.ui import common

    folder = user_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mockinspect-ui.log"
    logger = logging.getLogger("mockinspect")
    if not any(isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path for h in logger.handlers):
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    common.log_file = path
    return path


def open_services(db_path: Path, user_name: str):  # type: ignore[no-untyped-def]
    """Open the database for writing; if another copy holds it, offer read-only. None: the user gave up."""
    from mockinspect.errors import UserError
    from mockinspect.i18n import tr
    from mockinspect.services import Services
    from mockinspect.ui.common import ask, show_error

    try:
        return Services.open(db_path, user_name=user_name, mode="write", backup_on_open=True)
    except UserError as exc:
        if "another mockinspect" not in str(exc):
            show_error(None, str(exc))
            return None
        read_only = tr("Open read-only")
        choice = ask(None, "question", tr("Database in use"), str(exc), (read_only, tr("Quit")))
        if choice != read_only:
            return None
    try:
        return Services.open(db_path, user_name=user_name, mode="read")
    except UserError as exc:
        show_error(None, str(exc))
        return None


def main(argv: list[str]) -> int:
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    import time

    from PySide6.QtWidgets import QApplication

    from mockinspect.ui.common import icon, report_unexpected
    from mockinspect.ui.window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *argv])
    app.setApplicationName("mockinspect")
    app.setOrganizationName("mockinspect")
    app.setWindowIcon(icon("app"))
    sys.excepthook = report_unexpected
    timing = os.environ.get("MOCKINSPECT_QUIT_WHEN_SHOWN")  # benchmarks/startup.py
    # The window first, then the database: importing the core (SQLAlchemy, pydantic) takes
    # most of the start; the window says "Opening the database..." meanwhile, never old data.
    window = MainWindow()
    window.show()
    app.processEvents()
    if timing:
        print(f"shown {time.time()}", flush=True)
    from mockinspect.paths import default_db_path
    from mockinspect.settings import Settings

    log_to_file()
    settings = Settings.load()
    services = open_services(default_db_path(), settings.user_name)
    if services is None:
        window.close()
        return 1
    window.attach(services, settings)
    if timing:
        app.processEvents()
        print(f"ready {time.time()}", flush=True)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.close)
    try:
        return app.exec()
    finally:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone()  # workers never write, but let them finish before closing
        services.close()
