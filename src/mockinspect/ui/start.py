"""The start screen: recent sessions, New and Open, and a browser of banks and scenarios.

Signals:
    session_opened(str): the user chose a session to open.
    new_requested(): the user asked for a new session.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mockinspect.domain.session import SessionListItem, SessionState
from mockinspect.services import Services
from mockinspect.ui.common import guarded, icon, tr
from mockinspect.ui.models import SORT_ROLE, Column, RowsModel
from mockinspect.ui.style import colours

GRADE_ORDER = ("critical", "major", "minor", "recommendation")


def when(moment: Any) -> str:
    return moment.astimezone().strftime("%d %b %Y %H:%M") if moment else ""


def grades_text(counts: Any) -> str:
    parts = [f"{counts[g]} {g}" for g in GRADE_ORDER if counts.get(g)]
    return ", ".join(parts) if parts else tr("none")


def session_columns() -> list[Column[SessionListItem]]:
    return [
        Column(tr("Site"), lambda s: s.site),
        Column(tr("Scenario"), lambda s: s.scenario_title or s.scenario_id),
        Column(tr("Mode"), lambda s: s.mode.value),
        Column(tr("Started"), lambda s: when(s.started_at), sort=lambda s: s.started_at.timestamp()),
        Column(tr("Finished"), lambda s: when(s.finished_at)),
        Column(
            tr("Progress"),
            lambda s: f"{s.answered}/{s.questions}",
            sort=lambda s: s.answered / s.questions if s.questions else 0.0,
        ),
        Column(tr("Findings"), lambda s: grades_text(s.findings_by_grade), sort=lambda s: s.findings),
        Column(tr("State"), lambda s: tr("finished") if s.state is SessionState.FINISHED else tr("open")),
    ]


class QuestionRow:
    """One bank question as the browser lists it."""

    def __init__(self, bank: Any, question: Any, area_title: str) -> None:
        self.bank = bank
        self.question = question
        self.area_title = area_title
        self.haystack = " ".join(
            [question.id, question.prompt, question.intent, area_title, bank.title, *question.tags]
        ).lower()


def citation_text(citation: Any) -> str:
    """``EU-GMP-Annex-11 §9 (note)`` from a bank citation."""
    text = " ".join(part for part in (citation.doc, citation.clause) if part)
    return f"{text} ({citation.note})" if citation.note else text


def question_html(row: QuestionRow) -> str:
    q = row.question

    def items(values: list[str]) -> str:
        if not values:
            return f"<p class='muted'>{tr('none given')}</p>"
        return "<ul>" + "".join(f"<li>{html.escape(v)}</li>" for v in values) + "</ul>"

    return (
        f"<p class='muted'>{html.escape(q.id)} · {html.escape(row.area_title)} · {html.escape(row.bank.title)}</p>"
        f"<h3>{html.escape(q.prompt)}</h3>"
        f"<h4>{tr('Intent')}</h4><p>{html.escape(q.intent)}</p>"
        f"<h4>{tr('Guidance')}</h4><p>{html.escape(q.guidance)}</p>"
        f"<h4>{tr('Key points')}</h4>{items([k.text for k in q.key_points])}"
        f"<h4>{tr('Expected evidence')}</h4>{items([e.what for e in q.expected_evidence])}"
        f"<h4>{tr('Citations')}</h4>{items([citation_text(c) for c in q.citations])}"
        f"<p class='muted'>{tr('Default grade')}: {html.escape(q.default_grade.value)}</p>"
    )


class BankBrowser(QWidget):
    """Search every question of the banks found, and read one in full."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText=tr("Search questions by id, words, area or tag"))
        self.search.setAccessibleName(tr("Search questions"))
        self.status = QLabel(tr("Loading the question banks..."))
        self.status.setObjectName("muted")
        self.model: RowsModel[QuestionRow] = RowsModel(
            [
                Column(tr("Id"), lambda r: r.question.id),
                Column(tr("Area"), lambda r: r.area_title),
                Column(tr("Question"), lambda r: r.question.prompt),
            ],
            self,
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(tr("Question detail"))
        self.search.textChanged.connect(self._filter)
        self.table.selectionModel().currentRowChanged.connect(self._show)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    def set_catalogue(self, catalogue: Any) -> None:
        rows: list[QuestionRow] = []
        for bank in catalogue.banks.values():
            titles = {a.id: a.title for a in bank.areas}
            rows.extend(QuestionRow(bank, q, titles.get(q.area, q.area)) for q in bank.questions)
        self.model.set_rows(rows)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.status.setText(
            tr(
                "{q} questions in {b} {banks}, {s} {scenarios}",
                q=len(rows), b=len(catalogue.banks), s=len(catalogue.scenarios),
                banks=tr("bank") if len(catalogue.banks) == 1 else tr("banks"),
                scenarios=tr("scenario") if len(catalogue.scenarios) == 1 else tr("scenarios"),
            )
        )

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        self.proxy.setFilterFixedString("")
        for row in range(self.model.rowCount()):
            item = self.model.rows[row]
            hidden = not all(w in item.haystack for w in words)
            self.table.setRowHidden(self._proxy_row(row), hidden)
        current = self.table.currentIndex()
        if not current.isValid() or self.table.isRowHidden(current.row()):
            first = next((r for r in range(self.proxy.rowCount()) if not self.table.isRowHidden(r)), None)
            if first is None:
                self.table.clearSelection()
                self.detail.clear()
            else:
                self.table.selectRow(first)

    def _proxy_row(self, source_row: int) -> int:
        return self.proxy.mapFromSource(self.model.index(source_row, 0)).row()

    def _show(self, current: Any, _previous: Any) -> None:
        row = self.proxy.data(current, Qt.ItemDataRole.UserRole)
        if isinstance(row, QuestionRow):
            self.detail.document().setDefaultStyleSheet(
                f".muted {{ color: {colours().muted}; }} h4 {{ margin-bottom: 2px; }}"
            )
            self.detail.setHtml(question_html(row))


class StartScreen(QWidget):
    """Recent sessions, New, Open, and the bank browser.

    Signals:
        session_opened(str), new_requested()
    """

    session_opened = Signal(str)
    new_requested = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        title = QLabel(tr("Mock inspections"))
        title.setObjectName("title")
        self.new_button = QPushButton(tr("New session…"))
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip(tr("Ctrl+N"))
        self.open_button = QPushButton(tr("Open"))
        self.open_button.setEnabled(False)
        self.model: RowsModel[SessionListItem] = RowsModel(session_columns(), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setAccessibleName(tr("Recent sessions"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the site
        self.empty = QLabel(tr("No sessions yet. Start one with New session (Ctrl+N)."))
        self.empty.setObjectName("muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.open_button.setEnabled(True))
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button.clicked.connect(self.open_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.open_selected, context=Qt.ShortcutContext.WidgetShortcut)

        sessions = QWidget()
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.open_button)
        top.addWidget(self.new_button)
        box = QVBoxLayout(sessions)
        box.addLayout(top)
        box.addWidget(self.table, 1)
        box.addWidget(self.empty)
        self.browser = BankBrowser()
        self.tabs = QTabWidget()
        self.tabs.addTab(sessions, tr("Sessions"))
        self.tabs.addTab(self.browser, tr("Question banks"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        with guarded(self):
            rows = self.services.inspection.sessions()
            self.model.set_rows(rows)
            self.empty.setVisible(not rows)
            self.table.setVisible(bool(rows))
            if rows:
                self.table.selectRow(0)
                self.table.setFocus()

    def open_selected(self) -> None:
        item = self.proxy.data(self.table.currentIndex(), Qt.ItemDataRole.UserRole)
        if isinstance(item, SessionListItem):
            self.session_opened.emit(item.id)

    def on_changes(self, changes: Any) -> None:
        if changes.touches("session") or changes.touches("response") or changes.touches("finding"):
            self.refresh()


__all__ = ["BankBrowser", "StartScreen", "icon"]
