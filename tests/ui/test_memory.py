"""A closed window or session screen is freed, with what it loaded (the banks, its snapshot)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QEvent, QThreadPool
from PySide6.QtWidgets import QApplication

from mockinspect.settings import Settings
from mockinspect.ui.window import MainWindow
from tests.ui.test_window import create_through_wizard


def deleted_and_collected() -> None:
    app = QApplication.instance()
    QThreadPool.globalInstance().waitForDone(10000)
    for _ in range(3):
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.unfreeze()
    gc.collect()


def test_a_closed_window_that_loaded_the_banks_is_freed(qtbot, services, asked):
    def open_and_close() -> weakref.ref[MainWindow]:
        win = MainWindow(services, Settings(user_name="Ann Auditor"))
        win.show()
        banks = win.start.browser.model
        qtbot.waitUntil(lambda: banks.rowCount() > 0, timeout=10000)  # the banks, loaded on a worker
        win.close()
        win.deleteLater()
        return weakref.ref(win)

    gone = open_and_close()
    deleted_and_collected()
    assert gone() is None


def test_a_closed_session_screen_that_hashed_evidence_is_freed(qtbot, window, tmp_path):
    def use_and_close() -> weakref.ref[object]:
        screen = create_through_wizard(qtbot, window)
        record = tmp_path / "batch record.pdf"
        record.write_bytes(b"%PDF-1.4")
        with qtbot.waitSignal(screen.evidence_attached, timeout=5000):
            screen.attach_files([str(record)])  # hashed on a worker
        links = screen.evidence_model
        qtbot.waitUntil(lambda: links.data(links.index(0, 2)) == "unchanged", timeout=5000)
        window.show_start()
        return weakref.ref(screen)

    gone = use_and_close()
    deleted_and_collected()
    assert gone() is None
