"""The window survives PySide6 6.12's lost reference to None on every void Qt call (Python 3.11)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel

import mockinspect.ui  # noqa: F401  (the ballast is set on import)


def test_a_long_session_of_void_calls_does_not_abort_the_process(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    model = QStandardItemModel()
    item = QStandardItem("DI-001")
    model.appendRow(item)
    icon = QIcon()
    before = sys.getrefcount(None)
    for n in range(30_000):  # without the ballast the interpreter aborts long before this
        label.setText(str(n))
        item.setIcon(icon)
    assert label.text() == "29999"
    assert sys.getrefcount(None) > 1 << 20 or sys.getrefcount(None) >= before  # immortal None (3.12+) stays put
