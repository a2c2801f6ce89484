"""One calm palette and style sheet: Fusion, a neutral grey-blue scheme, clear focus rings."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#1f3a5f"

SHEET = f"""
QLabel#title {{ font-size: 18pt; font-weight: 600; color: {ACCENT}; }}
QLabel#header {{ font-size: 11pt; }}
QLabel#muted {{ color: #5f6b7a; }}
QLabel#warning {{ color: #8a4b00; font-weight: 600; }}
QLabel#prompt {{ font-size: 14pt; font-weight: 500; color: #17202b; padding: 4px 0 6px 0; }}
QLabel#probes {{ background: #f1effa; border-left: 3px solid #6b5fb5; padding: 6px 8px; color: #2d2650; }}
QLabel#guidance {{ background: #f6f8fa; border: 1px solid #e1e5ea; border-radius: 4px; padding: 8px; color: #2b3440; }}
QLabel#card {{ background: #f6f8fa; border: 1px solid #e1e5ea; border-radius: 6px; padding: 10px; }}
QLabel#drop {{ border: 1.5px dashed #9aa6b4; border-radius: 6px; color: #5f6b7a; padding: 10px; background: #fafbfc; }}
QLabel#level {{ padding: 2px 0; }}
QFrame#questionCard {{ background: #ffffff; border: 1px solid #dde2e8; border-radius: 8px; }}
QPushButton {{ padding: 5px 12px; border-radius: 4px; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton#primary:disabled {{ background: #8796a8; border-color: #8796a8; }}
QPushButton:checked {{ background: #dbe6f3; border: 1px solid {ACCENT}; font-weight: 600; }}
QTreeWidget, QTableView {{ alternate-background-color: #f7f9fb; }}
QTreeView::item {{ padding: 3px 2px; }}
QTabWidget::pane {{ border: 1px solid #dde2e8; border-radius: 4px; }}
*:focus {{ outline: none; }}
QLineEdit:focus, QPlainTextEdit:focus, QTreeWidget:focus, QTableView:focus {{ border: 1.5px solid #3b6ea8; }}
"""


def apply_style() -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication) or app.property("mockinspect_styled"):
        return
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#eef1f4"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f9fb"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#3b6ea8"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#f8f9fb"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#1d2530"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#1d2530"))
    app.setPalette(palette)
    app.setStyleSheet(SHEET)
    app.setProperty("mockinspect_styled", True)
