"""GUI fixtures: the real window over a database in tmp_path, dialogs answered by the ask() seam."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QThreadPool

from mockinspect.paths import default_db_path
from mockinspect.services import Services
from mockinspect.settings import Settings
from mockinspect.ui import common
from mockinspect.ui.interview import InterviewScreen
from mockinspect.ui.window import MainWindow


@pytest.fixture
def asked(monkeypatch):
    """Every ask() is recorded and answered with its first button (or what a test puts in ``answers``)."""
    calls: list[tuple[str, str, tuple[str, ...]]] = []
    answers: list[str] = []

    def fake(_parent, kind, _title, text, buttons):
        calls.append((kind, text, buttons))
        return answers.pop(0) if answers else buttons[0]

    monkeypatch.setattr(common, "_asker", fake)
    calls_answers = type("Asked", (), {"calls": calls, "answers": answers})
    return calls_answers


@pytest.fixture
def services():
    with Services.open(default_db_path(), user_name="Ann Auditor", backup_on_open=True) as svc:
        yield svc


@pytest.fixture
def window(qtbot, services, asked, monkeypatch):
    monkeypatch.setattr(InterviewScreen, "exec_dialog_hook", None)
    monkeypatch.setattr(MainWindow, "dialog_hook", None)
    win = MainWindow(services, Settings(user_name="Ann Auditor", autosave_seconds=0.2))
    # closed here rather than by qtbot.addWidget: qtbot closes its widgets before fixtures are
    # finalised, and qtmodeltester must let go of the window's models before they die
    with qtbot.waitExposed(win):
        win.show()
    yield win
    win.close()
    win.deleteLater()
    QThreadPool.globalInstance().waitForDone(5000)
    gc.unfreeze()  # the window set its objects aside (settle_garbage): free them with the rest
    gc.collect()  # the window turned automatic collection off (see collect_garbage_on_gui_thread)
    gc.enable()


def pytest_collection_modifyitems(items):
    """The offscreen platform warns that it cannot size top-level windows to their hints:
    a limit of the test platform, not of the window."""
    for item in items:
        item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))
