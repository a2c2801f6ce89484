"""Findings: the editor dialog (grade in the persona's words, S/O/D with live priority and
level), the sortable list, the heat map and the indicative outcome."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mockinspect.domain.bank import Grade
from mockinspect.domain.session import Finding, FindingStatus, SessionSummary
from mockinspect.services import rules
from mockinspect.ui.common import icon, tr
from mockinspect.ui.heatmap import HeatMap
from mockinspect.ui.models import SORT_ROLE, Column, RowsModel
from mockinspect.ui.style import colours

GRADE_RANK = {Grade.CRITICAL: 0, Grade.MAJOR: 1, Grade.MINOR: 2, Grade.RECOMMENDATION: 3}


def grade_word(persona: str, grade: Grade) -> str:
    try:
        return rules.persona_rules(persona).word(grade)
    except Exception:
        return grade.value


class FindingDialog(QDialog):
    """Write or edit one finding; ``values()`` gives the fields for the service call."""

    def __init__(self, persona: str, finding: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Finding"))
        self.setMinimumWidth(560)
        self.matrix = rules.risk_matrix()
        self.title = QLineEdit(finding.get("title") or "")
        self.text = QPlainTextEdit(finding.get("text") or "")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(tr("The requirement, then 'Specifically,' and what was seen"))
        self.grade = QComboBox()
        for grade in Grade:
            self.grade.addItem(f"{grade_word(persona, grade)}  ({grade.value})", grade.value)
        self.grade.setCurrentIndex(max(0, self.grade.findData(finding.get("grade", Grade.MINOR.value))))
        self.spins: list[QSpinBox] = []
        row = QHBoxLayout()
        for name, key in ((tr("Severity"), "severity"), (tr("Occurrence"), "occurrence"), (tr("Detectability"), "detectability")):
            spin = QSpinBox(minimum=0, maximum=5)
            spin.setSpecialValueText("–")
            spin.setValue(finding.get(key) or 0)
            spin.setAccessibleName(name)
            spin.valueChanged.connect(self._rate)
            row.addWidget(QLabel(name))
            row.addWidget(spin)
            self.spins.append(spin)
        self.level = QLabel()
        self.level.setObjectName("level")
        self.citations = QLineEdit("; ".join(finding.get("citations") or ()))
        self.capa = QPlainTextEdit(finding.get("capa") or "")
        self.capa.setTabChangesFocus(True)
        self.capa.setFixedHeight(60)
        self.root_cause = QLineEdit(finding.get("root_cause") or "")
        self.status = QComboBox()
        for status in FindingStatus:
            self.status.addItem(status.value, status.value)
        self.status.setCurrentIndex(max(0, self.status.findData(finding.get("status", "open"))))
        form = QFormLayout()
        form.addRow(tr("&Title"), self.title)
        form.addRow(tr("&Statement"), self.text)
        form.addRow(tr("&Grade"), self.grade)
        form.addRow(tr("Risk (1–5)"), row)
        form.addRow("", self.level)
        form.addRow(tr("&Citations"), self.citations)
        form.addRow(tr("C&APA"), self.capa)
        form.addRow(tr("&Root cause"), self.root_cause)
        form.addRow(tr("Stat&us"), self.status)
        for widget, name in ((self.title, "Title"), (self.text, "Statement"), (self.grade, "Grade"), (self.citations, "Citations"), (self.capa, "CAPA"), (self.root_cause, "Root cause"), (self.status, "Status")):
            widget.setAccessibleName(tr(name))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._rate()

    def ratings(self) -> tuple[int | None, int | None, int | None]:
        s, o, d = (spin.value() or None for spin in self.spins)
        return s, o, d

    def _rate(self) -> None:
        s, o, d = self.ratings()
        if s and o and d:
            rating = self.matrix.rate(s, o, d)
            self.level.setText(
                tr("Priority {p} (S×O×D) · level: {level}", p=s * o * d, level=rating.level.label)
            )
            self.level.setStyleSheet(f"color: {colours().readable(rating.level.colour)}; font-weight: 600")
        else:
            self.level.setText(tr("Rate severity, occurrence and detectability to see the priority and level"))
            self.level.setStyleSheet("")

    def values(self) -> dict[str, Any]:
        s, o, d = self.ratings()
        return {
            "title": self.title.text(),
            "text": self.text.toPlainText() or None,
            "grade": Grade(self.grade.currentData()),
            "severity": s,
            "occurrence": o,
            "detectability": d,
            "citations": tuple(c.strip() for c in self.citations.text().split(";") if c.strip()),
            "capa": self.capa.toPlainText() or None,
            "root_cause": self.root_cause.text() or None,
            "status": FindingStatus(self.status.currentData()),
        }


class FindingsPanel(QWidget):
    """The findings list (sortable by grade and risk), the heat map and the outcome.

    Signals:
        edit_requested(object): a finding to open in the editor.
        raise_requested(): the user asked to raise a finding from the current response.
    """

    edit_requested = Signal(object)
    raise_requested = Signal()

    def __init__(self, persona: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.persona = persona
        self.matrix = rules.risk_matrix()
        self.levels: dict[int, str] = {}
        self.model: RowsModel[Finding] = RowsModel(
            [
                Column("#", lambda f: f"F-{f.id}", sort=lambda f: f.id),
                Column(tr("Grade"), lambda f: grade_word(persona, f.grade), sort=lambda f: GRADE_RANK[f.grade], icon=lambda f: icon("finding")),
                Column(tr("Risk"), self._risk_text, sort=self._risk_sort, background=self._risk_colour),
                Column(tr("Title"), lambda f: f.title, tooltip=lambda f: f.title),
                Column(tr("Status"), lambda f: f.status.value),
            ],
            self,
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setAccessibleName(tr("Findings"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._edit)
        self.table.doubleClicked.connect(self._edit)
        self.raise_button = QPushButton(icon("finding"), tr("Raise finding  Ctrl+Shift+F"))
        self.raise_button.clicked.connect(self.raise_requested.emit)
        self.heatmap = HeatMap()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setObjectName("card")
        self.outcome.setAccessibleName(tr("Indicative outcome"))
        lower = QHBoxLayout()
        lower.addWidget(self.heatmap)
        lower.addWidget(self.outcome, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.raise_button)
        layout.addWidget(self.table, 1)
        layout.addLayout(lower)

    def _risk_text(self, f: Finding) -> str:
        if f.severity and f.occurrence and f.detectability:
            return f"{f.severity * f.occurrence * f.detectability} · {self.matrix.level(f.severity, f.occurrence).label}"
        return "–"

    def _risk_sort(self, f: Finding) -> int:
        return -(f.severity or 0) * (f.occurrence or 0) * (f.detectability or 0)

    def _risk_colour(self, f: Finding) -> str | None:
        if f.severity and f.occurrence:
            return colours().tint(self.matrix.level(f.severity, f.occurrence).colour)
        return None

    def show_summary(self, summary: SessionSummary) -> None:
        self.model.set_rows(list(summary.findings))
        self.heatmap.set_findings(summary.findings)
        counts = summary.counts.findings_by_grade
        grades = ", ".join(f"{counts[g.value]} {grade_word(self.persona, g)}" for g in Grade if counts.get(g.value)) or tr("no findings yet")
        label = summary.outcome_label or summary.outcome or tr("not assessed")
        muted = colours().muted
        self.outcome.setText(
            f"<p style='margin:0'><span style='color:{muted}'>{html.escape(tr('Indicative outcome'))}</span><br>"
            f"<b style='font-size:large'>{html.escape(label)}</b></p>"
            f"<p style='margin-top:6px'>{html.escape(grades)}</p>"
            f"<p style='color:{muted};margin-top:6px'>{html.escape(tr('Indicative only: the inspectorate decides the real outcome.'))}</p>"
        )

    def _edit(self, index: Any) -> None:
        finding = self.proxy.data(index, Qt.ItemDataRole.UserRole)
        if isinstance(finding, Finding):
            self.edit_requested.emit(finding)

