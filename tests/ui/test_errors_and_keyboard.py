"""Errors in a slot become a short message and a logged traceback; every action has a key,
Help lists them, controls have accessible names, and text follows the system font."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from mockinspect.ui import common
from mockinspect.ui import main as ui_main
from tests.ui.test_window import create_through_wizard


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_one_short_message_and_a_logged_traceback(qtbot, window, asked, monkeypatch):
    log = ui_main.log_to_file()
    monkeypatch.setattr(sys, "excepthook", common.report_unexpected)
    monkeypatch.setattr(common, "log_file", log)
    button = QPushButton("broken")
    qtbot.addWidget(button)

    def broken() -> None:
        raise RuntimeError("the disk went away\n" + "x" * 500)

    button.clicked.connect(broken)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    kind, text, _buttons = asked.calls[-1]
    assert kind == "error" and "the disk went away" in text and str(log) in text
    assert "\n" not in text and "Traceback" not in text and len(text) < 400
    logged = log.read_text(encoding="utf-8")
    assert "Traceback" in logged and "in broken" in logged and "x" * 500 in logged
    assert window.isVisible()  # the window goes on


def test_help_lists_every_menu_shortcut(qtbot, window, asked):
    shortcuts = {
        action.shortcut().toString()
        for menu in window.menuBar().findChildren(type(window.menuBar().addMenu("x")))
        for action in menu.actions()
        if not action.shortcut().isEmpty()
    }
    qtbot.keyClick(window, Qt.Key.Key_F1)
    kind, text, _buttons = asked.calls[-1]
    assert kind == "info"
    missing = [s for s in shortcuts if s.split("+")[-1] not in text or s.split("+")[0] not in text]
    assert not missing, missing


def test_every_control_of_the_interview_has_an_accessible_name_or_a_label(qtbot, window):
    screen = create_through_wizard(qtbot, window)
    unnamed = []
    for widget in screen.findChildren(QWidget):
        if not isinstance(widget, QAbstractButton | QLineEdit | QPlainTextEdit) or not widget.isVisibleTo(screen):
            continue
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue  # a button says what it does
        if not widget.accessibleName():
            unnamed.append(type(widget).__name__ + ":" + widget.objectName())
    assert not unnamed, unnamed


def test_tab_moves_through_the_answer_form_in_reading_order(qtbot, window):
    screen = create_through_wizard(qtbot, window)
    screen.answer.setFocus()
    order = [screen.answer]
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order[1:3] == [screen.interviewee, screen.notes]
    assert isinstance(order[3], QPushButton)  # then the status buttons


def test_text_follows_the_system_font(qtbot, window):
    app = QApplication.instance()
    before = app.font()
    screen = create_through_wizard(qtbot, window)
    small = screen.prompt.fontInfo().pointSizeF()
    try:
        bigger = QFont(before)
        bigger.setPointSizeF(before.pointSizeF() * 1.5)
        app.setFont(bigger)
        from mockinspect.ui.style import apply_style

        apply_style("light", force=True)
        qtbot.waitUntil(lambda: screen.prompt.fontInfo().pointSizeF() > small * 1.3)
        assert screen.answer.fontInfo().pointSizeF() >= bigger.pointSizeF() - 0.5
    finally:
        app.setFont(before)
        apply_style("light", force=True)
