"""The interview screen: agenda, question card, response editor, evidence, document
requests and findings for one session.

Typing is saved as a draft by a single-shot timer (at most the settings' delay, <= 1 s);
the audited record is written at the commit points: a status chosen, an editor left,
the question left, the screen closed.

Signals:
    status_recorded(str): a question's status was committed (its id).
    draft_saved(str): a draft was saved (the question id).
    closed(): the user went back to the start screen.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QKeySequence,
    QStandardItem,
    QStandardItemModel,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from mockinspect.domain.bank import Grade, ResponseStatus
from mockinspect.domain.session import (
    DocumentRequest,
    DocumentRequestStatus,
    DraftPatch,
    EvidenceCheck,
    EvidenceInput,
    EvidenceKind,
    EvidenceLink,
    EvidenceState,
    Finding,
    FindingPatch,
    RequestPatch,
    Response,
    ResponsePatch,
    ScriptEntry,
    SessionSnapshot,
    SessionState,
)
from mockinspect.errors import UserError
from mockinspect.services import Services, rules
from mockinspect.services.inspection import check_links
from mockinspect.ui.common import guarded, icon, run_op, screen_panes, screen_shortcut, show_error, tr
from mockinspect.ui.findings import FindingDialog, FindingsPanel
from mockinspect.ui.models import Column, RowsModel
from mockinspect.ui.style import colours

STATUS_KEYS: tuple[tuple[ResponseStatus, str, str], ...] = (
    (ResponseStatus.COMPLIANT, "C", tr("&Compliant")),
    (ResponseStatus.OBSERVATION, "O", tr("&Observation")),
    (ResponseStatus.DEFICIENT, "D", tr("&Deficient")),
    (ResponseStatus.NOT_APPLICABLE, "N", tr("&N/A")),
    (ResponseStatus.DEFERRED, "R", tr("Defe&rred")),
)
QID_ROLE = Qt.ItemDataRole.UserRole
TITLE_ROLE = Qt.ItemDataRole.UserRole + 2


def size_text(size: int | None) -> str:
    if size is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return ""


def local_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M") if moment else ""


def history_change(record: Any) -> str:
    """``status: compliant → deficient``, or ``created`` / ``deleted`` for a whole record."""
    action = str(getattr(record.action, "value", record.action))
    if not record.field:
        return tr("recorded") if action == "create" else tr(action)

    def short(value: str | None) -> str:
        try:
            decoded = json.loads(value) if value else None
        except ValueError:
            decoded = value
        text = "" if decoded is None else str(decoded)
        return (text[:40] + "…") if len(text) > 40 else (text or "–")

    return f"{record.field}: {short(record.old_value)} → {short(record.new_value)}"


class ServiceCommand(QUndoCommand):
    """An audited change on the undo stack: undone by the compensating change (reason "undo"),
    redone with reason "redo"; the trail keeps all three. A change the service refuses the
    first time is dropped from the stack (its message shown)."""

    def __init__(self, screen: InterviewScreen, text: str) -> None:
        super().__init__(text)
        self.screen = screen
        self.done_once = False

    def apply(self, reason: str | None) -> None:
        raise NotImplementedError

    def revert(self, reason: str) -> None:
        raise NotImplementedError

    def _run(self, change: Callable[[], None]) -> bool:
        try:
            change()
        except UserError as exc:
            show_error(self.screen, str(exc))
            return False
        return True

    def redo(self) -> None:
        ok = self._run(lambda: self.apply(tr("redo") if self.done_once else None))
        if not ok and not self.done_once:
            self.setObsolete(True)
        self.done_once = True

    def undo(self) -> None:
        self._run(lambda: self.revert(tr("undo")))


class AttachEvidence(ServiceCommand):
    """Link evidence (hashed already) to an answer; undo removes the link."""

    def __init__(self, screen: InterviewScreen, item: EvidenceInput, qid: str) -> None:
        super().__init__(screen, tr("link evidence"))
        self.item, self.qid = item, qid
        self.link_id: int | None = None

    def apply(self, reason: str | None) -> None:
        screen = self.screen
        link = screen.services.inspection.attach_evidence(
            screen.session_id, self.item, question_id=self.qid, reason=reason, origin=screen
        )
        self.link_id = link.id

    def revert(self, reason: str) -> None:
        if self.link_id is not None:
            self.screen.services.inspection.detach_evidence(self.link_id, reason=reason, origin=self.screen)


class DetachEvidence(ServiceCommand):
    """Remove an evidence link; undo links the same file, URL or document again (with the size
    and hash it had when it was first linked, so a later change still shows)."""

    def __init__(self, screen: InterviewScreen, link: EvidenceLink, qid: str | None) -> None:
        super().__init__(screen, tr("remove evidence link"))
        self.link_id, self.qid = link.id, qid
        self.item = EvidenceInput(
            kind=link.kind, path=link.path, url=link.url, doc_id=link.doc_id, doc_title=link.doc_title,
            doc_version=link.doc_version, description=link.description, requested_at=link.requested_at,
            shown_at=link.shown_at, size=link.size, sha256=link.sha256,
        )

    def apply(self, reason: str | None) -> None:
        self.screen.services.inspection.detach_evidence(self.link_id, reason=reason, origin=self.screen)

    def revert(self, reason: str) -> None:
        screen = self.screen
        link = screen.services.inspection.attach_evidence(
            screen.session_id, self.item, question_id=self.qid, reason=reason, origin=screen
        )
        self.link_id = link.id


class AddRequest(ServiceCommand):
    """Request a record (due in the persona's time for its kind); undo withdraws the request."""

    def __init__(self, screen: InterviewScreen, description: str, qid: str | None, due_minutes: int | None) -> None:
        super().__init__(screen, tr("request {what}", what=description))
        self.description, self.qid, self.due_minutes = description, qid, due_minutes
        self.request_id: int | None = None

    def apply(self, reason: str | None) -> None:
        screen = self.screen
        request = screen.services.inspection.request_document(
            screen.session_id, self.description, question_id=self.qid, due_minutes=self.due_minutes,
            reason=reason, origin=screen,
        )
        self.request_id = request.id

    def revert(self, reason: str) -> None:
        if self.request_id is not None:
            self.screen.services.inspection.delete_document_request(self.request_id, reason=reason, origin=self.screen)


class UpdateRequest(ServiceCommand):
    """Mark a request delivered, late or not provided; undo puts back its state and times."""

    def __init__(self, screen: InterviewScreen, before: DocumentRequest, patch: RequestPatch) -> None:
        super().__init__(screen, tr("mark request {what}", what=before.description))
        self.before, self.patch = before, patch

    def apply(self, reason: str | None) -> None:
        self.screen.services.inspection.update_document_request(
            self.before.id, self.patch, reason=reason, origin=self.screen
        )

    def revert(self, reason: str) -> None:
        b = self.before
        self.screen.services.inspection.update_document_request(
            b.id, RequestPatch(status=b.status, delivered_at=b.delivered_at, due_at=b.due_at, notes=b.notes),
            reason=reason, origin=self.screen,
        )


class SetStatus(QUndoCommand):
    """Set a question's status; undo records the previous one with reason 'undo'."""

    def __init__(self, screen: InterviewScreen, qid: str, before: ResponseStatus | None, after: ResponseStatus) -> None:
        super().__init__(tr("status of {qid}", qid=qid))
        self.screen, self.qid, self.before, self.after = screen, qid, before, after

    def redo(self) -> None:
        self.screen.commit(self.qid, status=self.after, reason=None if self.screen.first_do(self) else tr("redo"))

    def undo(self) -> None:
        self.screen.commit(self.qid, status=self.before, reason=tr("undo"))


class RaiseFinding(QUndoCommand):
    """Raise a finding; undo deletes it (reason 'undo'), redo raises it again."""

    def __init__(self, screen: InterviewScreen, values: dict[str, Any], question_ids: tuple[str, ...]) -> None:
        super().__init__(tr("raise finding"))
        self.screen, self.values, self.question_ids = screen, values, question_ids
        self.finding_id: int | None = None

    def redo(self) -> None:
        inspection = self.screen.services.inspection
        values = {k: v for k, v in self.values.items() if k != "status"}
        with guarded(self.screen):
            finding = inspection.raise_finding(
                self.screen.session_id, question_ids=self.question_ids,
                reason=None if self.finding_id is None else tr("redo"), origin=self.screen, **values,
            )
            self.finding_id = finding.id

    def undo(self) -> None:
        if self.finding_id is not None:
            with guarded(self.screen):
                self.screen.services.inspection.delete_finding(self.finding_id, reason=tr("undo"), origin=self.screen)


class EditFinding(QUndoCommand):
    def __init__(self, screen: InterviewScreen, finding: Finding, values: dict[str, Any]) -> None:
        super().__init__(tr("edit finding F-{id}", id=finding.id))
        self.screen, self.finding, self.values = screen, finding, values
        self.done_once = False

    def redo(self) -> None:
        with guarded(self.screen):
            self.screen.services.inspection.edit_finding(
                self.finding.id, FindingPatch(**self.values), reason=tr("redo") if self.done_once else None,
                origin=self.screen,
            )
        self.done_once = True

    def undo(self) -> None:
        f = self.finding
        before = FindingPatch(
            title=f.title, text=f.text, grade=f.grade, severity=f.severity, occurrence=f.occurrence,
            detectability=f.detectability, citations=f.citations, capa=f.capa, root_cause=f.root_cause, status=f.status,
        )
        with guarded(self.screen):
            self.screen.services.inspection.edit_finding(f.id, before, reason=tr("undo"), origin=self.screen)


class HeaderLabel(QLabel):
    """The session's site in bold, then scenario, inspector and mode, elided to the room there
    is (the whole line in the tooltip) so a long title never widens or clips the window."""

    def __init__(self) -> None:
        super().__init__()
        self.site = ""
        self.rest = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(120)

    def set_parts(self, site: str, rest: list[str]) -> None:
        self.site, self.rest = site, "  ·  ".join(p for p in rest if p)
        self.setToolTip(f"{site}  ·  {self.rest}")
        self.setAccessibleName(self.toolTip())
        self._fit()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        site_width = QFontMetrics(bold).horizontalAdvance(self.site + "  ·  ")
        room = max(0, self.width() - site_width - 8)
        rest = self.fontMetrics().elidedText(self.rest, Qt.TextElideMode.ElideRight, room)
        tail = f"&nbsp;&nbsp;·&nbsp;&nbsp;{html.escape(rest)}" if rest else ""
        text = f"<b>{html.escape(self.site)}</b>{tail}"
        if text != self.text():
            self.setText(text)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), 640), hint.height())


class EvidenceDrop(QLabel):
    """A drop target for files.

    Signals:
        files_dropped(list): local paths.
    """

    files_dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__(tr("Drop files here to link them to this answer"))
        self.setObjectName("drop")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAcceptDrops(True)
        self.setMinimumHeight(44)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)


class InterviewScreen(QWidget):
    """One session's interview.

    Signals:
        status_recorded(str), draft_saved(str), evidence_attached(int), closed()
    """

    status_recorded = Signal(str)
    draft_saved = Signal(str)
    evidence_attached = Signal(int)
    evidence_checked = Signal()
    closed = Signal()

    def __init__(
        self, services: Services, session_id: str, *, autosave_ms: int = 1000,
        catalogue: Callable[[], Any] | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.catalogue = catalogue
        self.session_id = session_id
        self.undo_stack = QUndoStack(self)
        self._doing_first: set[int] = set()
        self.snap: SessionSnapshot = services.inspection.snapshot(session_id)
        self.persona = self.snap.session.persona
        self.current: ScriptEntry | None = None
        self.checks: dict[int, EvidenceCheck] = {}
        self._loading = False
        self._leaving = False
        self._checking = False
        self._dirty: set[str] = set()
        self.autosave = QTimer(self, singleShot=True, interval=autosave_ms)
        self.autosave.timeout.connect(self.save_draft)
        self._build()
        self._fill_tree()
        self.refresh_side()
        first = next((e for e in self.snap.script if e.question_id not in self.snap.responses), None) or (
            self.snap.script[0] if self.snap.script else None
        )
        if first is not None:
            self.go_to(first.question_id)
        self.check_evidence()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        s = self.snap.session
        self.header = HeaderLabel()
        self.header.setObjectName("header")
        self.progress = QLabel()
        self.progress.setObjectName("muted")
        self.jump = QLineEdit(placeholderText=tr("Jump to a question: id or words (Ctrl+K)"))
        self.jump.setAccessibleName(tr("Jump to question"))
        self.jump.setMinimumWidth(320)
        self.jump.setMaximumWidth(420)
        self.jump_model = QStringListModel(self)
        completer = QCompleter(self.jump_model, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self._jump_to)
        self.jump.setCompleter(completer)
        self.jump.returnPressed.connect(lambda: self._jump_to(self.jump.text()))
        back = QToolButton()
        back.setText(tr("← Sessions"))
        back.setAutoRaise(True)
        back.clicked.connect(self.close_screen)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.header, 1)
        top.addWidget(self.progress)
        top.addSpacing(12)
        top.addWidget(self.jump)

        # agenda
        self.agenda = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.agenda)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(tr("Agenda"))
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._tree_moved)
        self.tree.installEventFilter(self)

        # question card
        self.where = QLabel()
        self.where.setObjectName("muted")
        self.prompt = QLabel()
        self.prompt.setObjectName("prompt")
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.probes = QLabel()
        self.probes.setWordWrap(True)
        self.probes.setObjectName("probes")
        self.more = QToolButton()
        self.more.setText(tr("Intent and guidance  Ctrl+I"))
        self.more.setCheckable(True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setArrowType(Qt.ArrowType.RightArrow)
        self.more.setAutoRaise(True)
        self.more.setShortcut(QKeySequence("Ctrl+I"))
        self.guidance = QLabel()
        self.guidance.setWordWrap(True)
        self.guidance.setObjectName("guidance")
        self.guidance.setVisible(False)
        self.more.toggled.connect(self._toggle_guidance)
        self.citations = QLabel()
        self.citations.setWordWrap(True)
        self.citations.setObjectName("muted")
        card = QFrame()
        card.setObjectName("questionCard")
        card_layout = QVBoxLayout(card)
        card_layout.addWidget(self.where)
        card_layout.addWidget(self.prompt)
        card_layout.addWidget(self.probes)
        card_layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)
        card_layout.addWidget(self.guidance)
        card_layout.addWidget(self.citations)

        # response editor
        self.answer = QPlainTextEdit()
        self.answer.setPlaceholderText(tr("What the interviewee said and showed"))
        self.answer.setAccessibleName(tr("Answer"))
        self.answer.setTabChangesFocus(True)
        self.answer.setMinimumHeight(110)
        self.interviewee = QLineEdit(placeholderText=tr("Who answered"))
        self.interviewee.setAccessibleName(tr("Interviewee"))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(tr("Your private notes"))
        self.notes.setAccessibleName(tr("Notes"))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)
        for editor in (self.answer, self.notes):
            editor.textChanged.connect(self._typed)
            editor.installEventFilter(self)
        self.interviewee.textEdited.connect(lambda _t: self._typed())
        self.interviewee.editingFinished.connect(self.commit_typing)
        self.status_buttons: dict[ResponseStatus, QPushButton] = {}
        status_row = QHBoxLayout()
        for status, key, label in STATUS_KEYS:
            button = QPushButton(icon(status.value), label)
            button.setCheckable(True)
            button.setToolTip(tr("{key} in the agenda, or Alt+{key} anywhere", key=key))
            button.setAccessibleName(status.value)
            button.clicked.connect(lambda _c=False, st=status: self.set_status(st))
            self.status_buttons[status] = button
            status_row.addWidget(button)
        status_row.addStretch(1)
        self.saved = QLabel()
        self.saved.setObjectName("muted")
        status_row.addWidget(self.saved)
        nav = QHBoxLayout()
        self.prev_button = QPushButton(tr("‹ Previous"))
        self.prev_button.setToolTip("Alt+Left / Ctrl+Shift+Return")
        self.next_button = QPushButton(tr("Next ›"))
        self.next_button.setToolTip("Alt+Right / Ctrl+Return")
        self.next_button.setObjectName("primary")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        nav.addStretch(1)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        editor_box = QWidget()
        grid = QGridLayout(editor_box)
        grid.setContentsMargins(0, 0, 0, 0)
        answer_label = QLabel(tr("&Answer"))
        answer_label.setBuddy(self.answer)
        grid.addWidget(answer_label, 0, 0)
        grid.addWidget(self.answer, 1, 0, 1, 2)
        grid.addWidget(QLabel(tr("Interviewee")), 2, 0)
        grid.addWidget(self.interviewee, 2, 1)
        grid.addWidget(QLabel(tr("Notes")), 3, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.notes, 3, 1)
        grid.addLayout(status_row, 4, 0, 1, 2)
        grid.addLayout(nav, 5, 0, 1, 2)
        grid.setRowStretch(1, 1)
        center = QWidget()
        center_layout = QVBoxLayout(center)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(card)
        center_layout.addWidget(scroll, 5)
        center_layout.addWidget(editor_box, 4)

        # side: evidence, requests, findings
        self.side = QTabWidget()
        self.side.addTab(self._build_evidence(), icon("evidence"), tr("Evidence"))
        self.side.addTab(self._build_requests(), icon("request"), tr("Requests"))
        self.findings = FindingsPanel(self.persona)
        self.findings.raise_requested.connect(self.raise_finding)
        self.findings.edit_requested.connect(self.edit_finding)
        self.side.addTab(self.findings, icon("finding"), tr("Findings"))
        self.side.addTab(self._build_history(), icon("history"), tr("History"))

        self.splitter = screen_panes(
            self, top, (self.tree, center, self.side), name="interviewSplitter", stretch=(2, 5, 4), sizes=(320, 600, 460)
        )

        screen_shortcut(self, "Ctrl+K", self.focus_jump)
        screen_shortcut(self, "Ctrl+Return", lambda: self.step(1))
        screen_shortcut(self, "Ctrl+Shift+Return", lambda: self.step(-1))
        screen_shortcut(self, "Alt+Right", lambda: self.step(1))
        screen_shortcut(self, "Alt+Left", lambda: self.step(-1))
        screen_shortcut(self, "Ctrl+Shift+F", self.raise_finding)
        screen_shortcut(self, "Ctrl+R", self.request_expected)
        screen_shortcut(self, "Ctrl+L", self.focus_url)
        screen_shortcut(self, "Ctrl+1", lambda: self.side.setCurrentIndex(0))
        screen_shortcut(self, "Ctrl+2", lambda: self.side.setCurrentIndex(1))
        screen_shortcut(self, "Ctrl+3", lambda: self.side.setCurrentIndex(2))
        screen_shortcut(self, "Ctrl+4", lambda: self.side.setCurrentIndex(3))
        screen_shortcut(self, "Ctrl+E", lambda: self.answer.setFocus())
        screen_shortcut(self, "Ctrl+G", lambda: self.tree.setFocus())
        self.header.set_parts(
            s.site, [s.scenario_title, self.snap.scenario.persona_title if self.snap.scenario else s.persona, s.mode.value]
        )

    def _build_evidence(self) -> QWidget:
        self.evidence_model: RowsModel[Any] = RowsModel(
            [
                Column(tr("Evidence"), self._evidence_text, icon=lambda e: icon("evidence")),
                Column(tr("Size"), lambda e: size_text(e.size)),
                Column(tr("State"), self._evidence_state, background=self._evidence_colour),
            ],
            self,
        )
        self.evidence_table = QTableView()
        self.evidence_table.setAccessibleName(tr("Evidence for this answer"))
        self.evidence_table.setModel(self.evidence_model)
        self.evidence_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evidence_table.verticalHeader().hide()
        self.evidence_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.evidence_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.evidence_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.evidence_table.activated.connect(self._open_evidence)
        self.evidence_table.doubleClicked.connect(self._open_evidence)
        self.drop = EvidenceDrop()
        self.drop.files_dropped.connect(self.attach_files)
        self.url = QLineEdit(placeholderText=tr("Paste a URL and press Enter (Ctrl+L)"))
        self.url.setAccessibleName(tr("Evidence URL"))
        self.url.returnPressed.connect(self._attach_url)
        self.doc = QLineEdit(placeholderText=tr("Document reference: id, title, version — Enter"))
        self.doc.setAccessibleName(tr("Document reference"))
        self.doc.returnPressed.connect(self._attach_doc)
        self.detach_button = QPushButton(tr("Remove link"))
        self.detach_button.clicked.connect(self._detach)
        self.check_button = QPushButton(tr("Check files"))
        self.check_button.clicked.connect(self.check_evidence)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        buttons.addWidget(self.detach_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.drop)
        layout.addWidget(self.url)
        layout.addWidget(self.doc)
        layout.addWidget(self.evidence_table, 1)
        layout.addLayout(buttons)
        return page

    def _build_history(self) -> QWidget:
        """The audit-trail records of the current answer: who, when, field, old → new, reason."""
        self.history_model: RowsModel[Any] = RowsModel(
            [
                Column(tr("When"), lambda t: datetime.fromisoformat(t.at).astimezone().strftime("%d %b %H:%M:%S")),
                Column(tr("Who"), lambda t: t.who),
                Column(tr("Change"), history_change, tooltip=lambda t: f"{t.old_value or ''} → {t.new_value or ''}"),
                Column(tr("Reason"), lambda t: t.reason or "", tooltip=lambda t: t.reason),
            ],
            self,
        )
        self.history_table = QTableView()
        self.history_table.setAccessibleName(tr("History of this answer"))
        self.history_table.setModel(self.history_model)
        self.history_table.verticalHeader().hide()
        self.history_table.setWordWrap(False)
        header = self.history_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)  # the change gets the room; a reason is in its tooltip
        header.resizeSection(3, 120)
        page = QWidget()
        layout = QVBoxLayout(page)
        note = QLabel(tr("Every recorded change to this answer, from the audit trail (drafts are not recorded)."))
        note.setObjectName("muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.history_table, 1)
        return page

    def refresh_history(self) -> None:
        rid = self._current_response_id()
        if rid is None:
            self.history_model.set_rows([])
            return
        with guarded(self):
            records = self.services.trail.history(session_id=self.session_id, entity="response", entity_id=str(rid))
            self.history_model.set_rows(list(reversed(records)))

    def _build_requests(self) -> QWidget:
        self.request_model: RowsModel[DocumentRequest] = RowsModel(
            [
                Column(tr("Requested record"), lambda r: r.description, icon=lambda r: icon("request")),
                Column(tr("Asked"), lambda r: local_time(r.requested_at)),
                Column(tr("Due"), lambda r: local_time(r.due_at)),
                Column(tr("State"), self._request_state, background=self._request_colour),
            ],
            self,
        )
        self.request_table = QTableView()
        self.request_table.setAccessibleName(tr("Document requests"))
        self.request_table.setModel(self.request_model)
        self.request_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.request_table.verticalHeader().hide()
        self.request_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.request_table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.request_button = QPushButton(icon("request"), tr("Request expected record  Ctrl+R"))
        self.request_button.clicked.connect(self.request_expected)
        self.request_text = QLineEdit(placeholderText=tr("Or type any record to request and press Enter"))
        self.request_text.setAccessibleName(tr("Record to request"))
        self.request_text.returnPressed.connect(self._request_typed)
        marks = QHBoxLayout()
        for status, label in (
            (DocumentRequestStatus.DELIVERED, tr("Delivered")),
            (DocumentRequestStatus.LATE, tr("Late")),
            (DocumentRequestStatus.NOT_PROVIDED, tr("Not provided")),
        ):
            button = QPushButton(label)
            button.clicked.connect(lambda _c=False, st=status: self.mark_request(st))
            marks.addWidget(button)
        marks.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.request_button)
        layout.addWidget(self.request_text)
        layout.addWidget(self.request_table, 1)
        layout.addLayout(marks)
        self.overdue_timer = QTimer(self, interval=30_000)
        self.overdue_timer.timeout.connect(self.request_model.layoutChanged.emit)
        self.overdue_timer.start()
        return page

    # -- the agenda --------------------------------------------------------------------------

    def _fill_tree(self) -> None:
        snap = self.snap
        self.agenda.clear()
        self.items: dict[str, QStandardItem] = {}
        self.area_items: dict[tuple[int, str], QStandardItem] = {}
        agenda = snap.scenario.agenda if snap.scenario else ()
        jump_entries = []
        row = QSize(0, self.tree.fontMetrics().height() + 9)  # roomy rows that grow with the system font
        for entry in snap.script:
            key = (entry.section, entry.area)
            area_item = self.area_items.get(key)
            if area_item is None:
                section = agenda[entry.section] if entry.section < len(agenda) else None
                title = snap.scenario.area_title(entry.area) if snap.scenario else entry.area
                day = f"{tr('Day')} {section.day} · " if section else ""
                area_item = QStandardItem(f"{day}{title}")
                area_item.setData(f"{day}{title}", TITLE_ROLE)
                area_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = area_item.font()
                font.setBold(True)
                area_item.setFont(font)
                area_item.setSizeHint(row)
                self.agenda.appendRow(area_item)
                self.area_items[key] = area_item
            parent: QStandardItem = self.items.get(entry.parent_question_id or "", area_item)
            item = QStandardItem(entry.prompt)
            item.setEditable(False)
            item.setData(entry.question_id, QID_ROLE)
            item.setToolTip(f"{entry.question_id}\n{entry.prompt}")
            item.setSizeHint(row)
            parent.appendRow(item)
            self.items[entry.question_id] = item
            jump_entries.append(f"{entry.question_id} — {entry.prompt}")
        self.jump_model.setStringList(jump_entries)
        self.tree.expandAll()
        self._paint_tree()

    def _paint_tree(self) -> None:
        for entry in self.snap.script:
            self._paint_entry(entry)
        self._paint_counts()

    def _paint_entry(self, entry: ScriptEntry) -> None:
        item = self.items.get(entry.question_id)
        if item is None:
            return
        response = self.snap.responses.get(entry.question_id)
        status = response.status.value if response and response.status else None
        name = status or ("draft" if entry.question_id in self.snap.drafts else "unanswered")
        item.setIcon(icon(name) if entry.parent_question_id is None else icon(name if status else "probe"))

    def _paint_item(self, qid: str) -> None:
        entry = self.snap.entry(qid)
        if entry is not None:
            self._paint_entry(entry)

    def _paint_counts(self) -> None:
        """Answered of asked, per area and in all (plain counting over the snapshot)."""
        snap = self.snap
        per_area: dict[tuple[int, str], list[int]] = {}
        answered = 0
        for entry in snap.script:
            response = snap.responses.get(entry.question_id)
            done = 1 if response is not None and response.status else 0
            counts = per_area.setdefault((entry.section, entry.area), [0, 0])
            counts[1] += 1
            counts[0] += done
            answered += done
        for key, (done, total) in per_area.items():
            area = self.area_items[key]
            text = f"{area.data(TITLE_ROLE)}  {done}/{total}"
            if area.text() != text:
                area.setText(text)
        self.progress.setText(tr("{a} of {n} answered", a=answered, n=len(snap.script)))

    def _fold_response(self, response: Response) -> None:
        """The answer this screen just recorded, folded into the snapshot without reading the
        session again (a 500-question snapshot takes tens of ms): its agenda icon, the counts,
        and the status, evidence and history if it is on show."""
        qid = response.question_id
        self.snap = replace(
            self.snap,
            responses={**self.snap.responses, qid: response},
            drafts={k: v for k, v in self.snap.drafts.items() if k != qid},
        )
        self._paint_item(qid)
        self._paint_counts()
        if self.current is not None and self.current.question_id == qid and not self._leaving:
            for st, button in self.status_buttons.items():
                button.setChecked(st is response.status)
            self.refresh_evidence()

    def _tree_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self._loading:
            return
        qid = current.data(QID_ROLE)
        if qid and (self.current is None or qid != self.current.question_id):
            self.go_to(qid)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            text = event.text().upper()  # type: ignore[attr-defined]
            for status, key, _label in STATUS_KEYS:
                if text == key:
                    self.set_status(status)
                    return True
        if watched in (self.answer, self.notes) and event.type() == QEvent.Type.FocusOut:
            self.commit_typing()
        return super().eventFilter(watched, event)

    # -- moving between questions -------------------------------------------------------------

    def go_to(self, qid: str) -> None:
        entry = self.snap.entry(qid)
        if entry is None:
            return
        if self.current is not None and self.current.question_id != qid:
            self._leaving = True  # the question shown next repaints the side panels
            try:
                self.commit_typing()
            finally:
                self._leaving = False
        self.current = entry
        self._loading = True
        try:
            item = self.items.get(qid)
            if item is not None:
                self.tree.setCurrentIndex(item.index())
                self.tree.scrollTo(item.index())
            self._show_question()
        finally:
            self._loading = False

    def step(self, delta: int) -> None:
        if self.current is None:
            return
        ids = [e.question_id for e in self.snap.script]
        index = ids.index(self.current.question_id) + delta
        if 0 <= index < len(ids):
            self.go_to(ids[index])
            self.answer.setFocus()

    def focus_jump(self) -> None:
        self.jump.setFocus()
        self.jump.selectAll()

    def focus_url(self) -> None:
        self.side.setCurrentIndex(0)
        self.url.setFocus()

    def _jump_to(self, text: str) -> None:
        value = text.split(" — ")[0].strip()
        entry = self.snap.entry(value) or next(
            (e for e in self.snap.script if value.lower() and value.lower() in (e.question_id + " " + e.prompt).lower()), None
        )
        if entry is not None:
            self.go_to(entry.question_id)
            self.jump.clear()
            self.answer.setFocus()

    def _toggle_guidance(self, shown: bool) -> None:
        self.guidance.setVisible(shown)
        self.more.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _show_question(self) -> None:
        entry = self.current
        assert entry is not None
        snap = self.snap
        question = snap.question(entry)
        area = snap.scenario.area_title(entry.area) if snap.scenario else entry.area
        kind = tr("Follow-up probe") + " · " if entry.parent_question_id else ""
        self.where.setText(f"{kind}{html.escape(area)} · {html.escape(entry.question_id)}")
        self.prompt.setText(html.escape(entry.prompt))
        queued = [e for e in snap.script if e.parent_question_id == entry.question_id]
        if queued:
            self.probes.setText(
                f"<b>{tr('Queued follow-ups')}</b><br>" + "<br>".join(f"↳ {html.escape(e.prompt)}" for e in queued)
            )
        self.probes.setVisible(bool(queued))
        if question is not None:
            evidence = "".join(f"<li>{html.escape(e)}</li>" for e in question.expected_evidence)
            points = "".join(f"<li>{html.escape(k.text)}</li>" for k in question.key_points)
            self.guidance.setText(
                f"<p><b>{tr('Why inspectors ask')}</b><br>{html.escape(question.intent)}</p>"
                f"<p><b>{tr('What good looks like')}</b><br>{html.escape(question.guidance)}</p>"
                + (f"<p><b>{tr('Key points')}</b></p><ul>{points}</ul>" if points else "")
                + (f"<p><b>{tr('Expected evidence')}</b></p><ul>{evidence}</ul>" if evidence else "")
            )
            self.citations.setText(tr("Cites: {c}", c=html.escape("; ".join(question.citations) or tr("none"))))
        response = snap.responses.get(entry.question_id)
        draft = snap.drafts.get(entry.question_id)
        text = draft.text if draft and draft.text is not None else (response.text if response else None)
        notes = draft.notes if draft and draft.notes is not None else (response.notes if response else None)
        who = draft.answered_by if draft and draft.answered_by is not None else (response.answered_by if response else None)
        self.answer.setPlainText(text or "")
        self.notes.setPlainText(notes or "")
        self.interviewee.setText(who or "")
        self._dirty.discard(entry.question_id)
        status = response.status if response else None
        for st, button in self.status_buttons.items():
            button.setChecked(st is status)
        self.saved.setText(tr("Draft restored — not yet recorded") if draft else (tr("Recorded") if response else ""))
        ids = [e.question_id for e in snap.script]
        position = ids.index(entry.question_id)
        self.prev_button.setEnabled(position > 0)
        self.next_button.setEnabled(position < len(ids) - 1)
        self.refresh_evidence()

    # -- drafts and commits -------------------------------------------------------------------

    def _typed(self) -> None:
        if self._loading or self.current is None:
            return
        self._dirty.add(self.current.question_id)
        self.saved.setText(tr("Editing…"))
        if not self.autosave.isActive():  # within the delay of the first unsaved key, however fast the typing
            self.autosave.start()

    def save_draft(self) -> None:
        """Save the typing as an unaudited draft (the timer's job)."""
        if self.current is None or self.current.question_id not in self._dirty or self.read_only():
            return
        qid = self.current.question_id
        with guarded(self):
            draft = self.services.inspection.save_draft(
                self.session_id, qid,
                DraftPatch(text=self.answer.toPlainText(), notes=self.notes.toPlainText(), answered_by=self.interviewee.text() or None),
                origin=self,
            )
            if qid not in self.snap.drafts:  # the agenda shows it as typed, not yet recorded
                self.snap = replace(self.snap, drafts={**self.snap.drafts, qid: draft})
                self._paint_item(qid)
            self.saved.setText(tr("Draft saved {t}", t=datetime.now().strftime("%H:%M:%S")))
            self.draft_saved.emit(qid)

    def commit(self, qid: str, *, status: ResponseStatus | Any | None = ..., reason: str | None = None) -> bool:
        """Write the audited record of ``qid`` (text, notes, interviewee from the editor if it shows it)."""
        if self.read_only():
            return False
        patch_values: dict[str, Any] = {}
        if status is not ...:
            patch_values["status"] = status
        if self.current is not None and self.current.question_id == qid and (qid in self._dirty or qid in self.snap.drafts):
            patch_values.update(text=self.answer.toPlainText() or None, notes=self.notes.toPlainText() or None, answered_by=self.interviewee.text() or None)
        if not patch_values:
            return False
        self.autosave.stop()
        try:
            response = self.services.inspection.record_response(
                self.session_id, qid, ResponsePatch(**patch_values), reason=reason, origin=self
            )
        except UserError as exc:
            show_error(self, str(exc))
            return False
        self._dirty.discard(qid)
        self._fold_response(response)
        if self.current is not None and self.current.question_id == qid:
            self.saved.setText(tr("Recorded {t}", t=datetime.now().strftime("%H:%M:%S")))
        if status is not ...:
            self.status_recorded.emit(qid)
        return True

    def commit_typing(self) -> None:
        if self.current is not None:
            self.commit(self.current.question_id)

    def first_do(self, command: QUndoCommand) -> bool:
        if id(command) in self._doing_first:
            self._doing_first.discard(id(command))
            return True
        return False

    def set_status(self, status: ResponseStatus) -> None:
        if self.current is None:
            return
        qid = self.current.question_id
        response = self.snap.responses.get(qid)
        before = response.status if response else None
        if before is status:
            self.status_buttons[status].setChecked(True)
            return
        command = SetStatus(self, qid, before, status)
        self._doing_first.add(id(command))
        self.undo_stack.push(command)
        self._offer_probes(qid)

    def _offer_probes(self, qid: str) -> None:
        """Add the follow-up probes the answer triggers (the engine's rules, in the service);
        asked only when the question lists a probe that is known and not asked yet."""
        entry = self.snap.entry(qid)
        frozen = self.snap.question(entry) if entry is not None else None
        available = self._available_questions()
        asked = {e.question_id for e in self.snap.script}
        if frozen is None or not any(p in available and p not in asked for p in frozen.probe_ids):
            return
        with guarded(self):
            added = self.services.inspection.add_triggered_probes(self.session_id, qid, available)
            if added:
                self.reload(full=True)

    def _available_questions(self) -> Any:
        catalogue = self.catalogue() if self.catalogue is not None else None
        if catalogue is None:
            return {}
        return {q.id: q for bank in catalogue.banks.values() for q in bank.questions}

    def read_only(self) -> bool:
        return bool(self.services.db.mode == "read")

    # -- refreshing -------------------------------------------------------------------------

    def reload(self, *, full: bool = False) -> None:
        """Read the session again (one snapshot) and repaint what depends on it."""
        with guarded(self):
            old_script = len(self.snap.script)
            self.snap = self.services.inspection.snapshot(self.session_id)
            if full or len(self.snap.script) != old_script:
                current = self.current.question_id if self.current else None
                self._loading = True
                try:
                    self._fill_tree()
                    if current and current in self.items:
                        self.tree.setCurrentIndex(self.items[current].index())
                finally:
                    self._loading = False
                if self.current is not None:
                    self.probes.setVisible(False)
                    self._loading = True
                    try:
                        self.current = self.snap.entry(self.current.question_id)
                        self._show_question_card_only()
                    finally:
                        self._loading = False
            else:
                self._paint_tree()
            if self.current is not None:
                response = self.snap.responses.get(self.current.question_id)
                for st, button in self.status_buttons.items():
                    button.setChecked(response is not None and st is response.status)
            self.refresh_side()
            self.refresh_evidence()

    def _show_question_card_only(self) -> None:
        entry = self.current
        if entry is None:
            return
        queued = [e for e in self.snap.script if e.parent_question_id == entry.question_id]
        if queued:
            self.probes.setText(
                f"<b>{tr('Queued follow-ups')}</b><br>" + "<br>".join(f"↳ {html.escape(e.prompt)}" for e in queued)
            )
        self.probes.setVisible(bool(queued))

    def refresh_side(self) -> None:
        self.request_model.set_rows(sorted(self.snap.requests, key=lambda r: r.requested_at, reverse=True))
        with guarded(self):
            self.findings.show_summary(self.services.inspection.summary(self.session_id))

    def refresh_parts(self, *parts: str) -> None:
        """Read again only what one of this screen's own changes touched ("evidence", "requests",
        "findings"), not the whole session: in a 500-question session that is a few ms, not ~50."""
        inspection = self.services.inspection
        with guarded(self):
            if "evidence" in parts:
                self.snap = replace(self.snap, evidence=tuple(inspection.evidence(self.session_id)))
                self.refresh_evidence()
            if "requests" in parts:
                self.snap = replace(self.snap, requests=tuple(inspection.document_requests(self.session_id)))
                self.request_model.set_rows(sorted(self.snap.requests, key=lambda r: r.requested_at, reverse=True))
            if "findings" in parts:
                summary = inspection.summary(self.session_id)
                self.snap = replace(self.snap, findings=tuple(summary.findings))
                self.findings.show_summary(summary)

    def on_changes(self, changes: Any) -> None:
        """The app-wide signal: refresh when another view (or the CLI in this process) changed the session."""
        if changes.origin is self or self.session_id not in changes.session_ids:
            return
        self.reload()
        if self.current is not None and self.current.question_id not in self._dirty:
            self._loading = True  # nothing typed here is waiting: show the answer as now recorded
            try:
                self._show_question()
            finally:
                self._loading = False

    # -- evidence ------------------------------------------------------------------------------

    def _current_response_id(self) -> int | None:
        if self.current is None:
            return None
        response = self.snap.responses.get(self.current.question_id)
        return response.id if response else None

    def refresh_evidence(self) -> None:
        self.refresh_history()
        rid = self._current_response_id()
        rows = [e for e in self.snap.evidence if rid is not None and e.response_id == rid]
        self.evidence_model.set_rows(rows)
        self._check_unchecked()

    def _check_of(self, link: EvidenceLink) -> EvidenceCheck | None:
        """The check of this very link (an id may be used again after a link is removed)."""
        check = self.checks.get(link.id)
        return check if check is not None and check.link.created_at == link.created_at else None

    def _check_unchecked(self) -> None:
        """Hash the links shown that have no check yet (just made, or made again by undo)."""
        shown = self.evidence_model.rows
        if not self._checking and any(e.kind is EvidenceKind.FILE and self._check_of(e) is None for e in shown):
            self.check_evidence()

    def _evidence_text(self, e: Any) -> str:
        if e.kind is EvidenceKind.FILE:
            return Path(e.path or "").name
        if e.kind is EvidenceKind.URL:
            return e.url or ""
        return " · ".join(p for p in (e.doc_id, e.doc_title, e.doc_version) if p)

    def _evidence_state(self, e: Any) -> str:
        if e.kind is not EvidenceKind.FILE:
            return str(e.kind.value)
        check = self._check_of(e)
        return check.state.value if check else tr("checking…")

    def _evidence_colour(self, e: Any) -> str | None:
        check = self._check_of(e)
        if check is None:
            return None
        state = {EvidenceState.CHANGED: "warn", EvidenceState.MISSING: "bad", EvidenceState.UNCHANGED: "good"}.get(check.state)
        return colours().state(state) if state else None

    def _ensure_response(self) -> str | None:
        """Evidence hangs on an answer: record the current one first if it has none."""
        if self.current is None:
            return None
        qid = self.current.question_id
        if qid not in self.snap.responses:
            try:
                response = self.services.inspection.record_response(
                    self.session_id, qid, ResponsePatch(text=self.answer.toPlainText() or None), origin=self
                )
            except UserError as exc:
                show_error(self, str(exc))
                return None
            self._dirty.discard(qid)
            self._fold_response(response)
        return qid

    def attach_files(self, paths: list[str]) -> None:
        qid = self._ensure_response()
        if qid is None:
            return
        now = datetime.now(UTC)
        for path in paths:
            item = EvidenceInput(kind=EvidenceKind.FILE, path=path, shown_at=now)
            self.saved.setText(tr("Hashing {name}…", name=Path(path).name))
            self._hash_and_attach(item, qid)

    def _hash_and_attach(self, item: EvidenceInput, qid: str) -> None:
        """Hash on a worker (file work only), link on the GUI thread."""
        inspection = self.services.inspection
        run_op(lambda: inspection.hash_evidence(item), success=lambda hashed: self._attach(hashed, qid), parent=self)

    def _attach(self, item: EvidenceInput, qid: str) -> None:
        command = AttachEvidence(self, item, qid)
        self.undo_stack.push(command)
        if command.link_id is None:
            return
        self.refresh_parts("evidence")
        self.check_evidence()
        self.saved.setText(tr("Evidence linked"))
        self.evidence_attached.emit(command.link_id)

    def _attach_url(self) -> None:
        text = self.url.text().strip()
        if text:
            qid = self._ensure_response()
            if qid is not None:
                self._attach(EvidenceInput(kind=EvidenceKind.URL, url=text, shown_at=datetime.now(UTC)), qid)
                self.url.clear()

    def _attach_doc(self) -> None:
        parts = [p.strip() for p in self.doc.text().split(",")]
        if parts and parts[0]:
            qid = self._ensure_response()
            if qid is not None:
                item = EvidenceInput(
                    kind=EvidenceKind.DOCUMENT, doc_id=parts[0], doc_title=parts[1] if len(parts) > 1 and parts[1] else None,
                    doc_version=parts[2] if len(parts) > 2 and parts[2] else None, shown_at=datetime.now(UTC),
                )
                self._attach(item, qid)
                self.doc.clear()

    def _selected_evidence(self) -> Any:
        return self.evidence_model.row_object(self.evidence_table.currentIndex().row())

    def _detach(self) -> None:
        link = self._selected_evidence()
        if link is not None:
            self.undo_stack.push(DetachEvidence(self, link, self.current.question_id if self.current else None))
            self.refresh_parts("evidence")

    def _open_evidence(self, index: Any) -> None:
        link = self.evidence_model.row_object(index.row())
        if link is None:
            return
        if link.kind is EvidenceKind.FILE and link.path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(link.path))
        elif link.kind is EvidenceKind.URL and link.url:
            QDesktopServices.openUrl(QUrl(link.url))

    def check_evidence(self) -> None:
        """Re-hash linked files on a worker (the links are read here, on the GUI thread)."""
        links = [e for e in self.snap.evidence if e.kind is EvidenceKind.FILE]
        if not links:
            return
        self._checking = True

        def failed(exc: BaseException) -> None:
            self._checking = False
            show_error(self, str(exc))

        run_op(lambda: check_links(links), success=self._checked, failure=failed, parent=self)

    def _checked(self, checks: list[EvidenceCheck]) -> None:
        self._checking = False
        self.checks = {c.link.id: c for c in checks}
        self.evidence_model.layoutChanged.emit()
        self.evidence_checked.emit()
        self._check_unchecked()  # links made while this check ran

    # -- document requests -----------------------------------------------------------------------

    def _due_minutes(self, evidence: object = None) -> int | None:
        """The persona's time for this kind of record (the scenario's drill time when unknown)."""
        fallback = self.snap.scenario.request_minutes if self.snap.scenario else None
        return rules.request_due_minutes(self.persona, evidence, fallback)

    def request_expected(self) -> None:
        """Request the current question's first expected record not yet asked for."""
        if self.current is None:
            return
        question = self.snap.question(self.current)
        asked = {r.description for r in self.snap.requests}
        expected = question.expected_evidence if question else ()
        raw = question.raw.get("expected_evidence") if question else None
        kinds = list(raw) if isinstance(raw, list) and len(raw) == len(expected) else [None] * len(expected)
        wanted = next(((e, k) for e, k in zip(expected, kinds, strict=True) if e not in asked), None)
        if wanted is None:
            self.side.setCurrentIndex(1)
            self.request_text.setFocus()
            return
        self._request(wanted[0], self._due_minutes(wanted[1]))

    def _request_typed(self) -> None:
        if self.request_text.text().strip():
            self._request(self.request_text.text(), self._due_minutes())
            self.request_text.clear()

    def _request(self, description: str, due_minutes: int | None) -> None:
        qid = self.current.question_id if self.current else None
        self.undo_stack.push(AddRequest(self, description, qid, due_minutes))
        self.refresh_parts("requests")
        self.side.setCurrentIndex(1)

    def mark_request(self, status: DocumentRequestStatus) -> None:
        request = self.request_model.row_object(self.request_table.currentIndex().row())
        if request is None:
            return
        patch = RequestPatch(status=status, delivered_at=datetime.now(UTC) if status is not DocumentRequestStatus.NOT_PROVIDED else None)
        self.undo_stack.push(UpdateRequest(self, request, patch))
        self.refresh_parts("requests")

    @staticmethod
    def _overdue(r: DocumentRequest) -> bool:
        return r.status is DocumentRequestStatus.OPEN and r.due_at is not None and r.due_at < datetime.now(UTC)

    def _request_state(self, r: DocumentRequest) -> str:
        if self._overdue(r):
            return tr("overdue")
        return r.status.value

    def _request_colour(self, r: DocumentRequest) -> str | None:
        if self._overdue(r):
            return colours().state("bad")
        state = {DocumentRequestStatus.DELIVERED: "good", DocumentRequestStatus.LATE: "warn", DocumentRequestStatus.NOT_PROVIDED: "bad"}.get(r.status)
        return colours().state(state) if state else None

    # -- findings -------------------------------------------------------------------------------

    def raise_finding(self) -> None:
        """Raise a finding from the current answer: its citations, default grade and link prefilled."""
        if self.current is None:
            return
        qid = self._ensure_response()
        if qid is None:
            return
        question = self.snap.question(self.current)
        grade = question.default_grade if question and question.default_grade else Grade.MINOR
        dialog = FindingDialog(
            self.persona,
            {
                "title": self.current.prompt.rstrip("?")[:120],
                "text": self.answer.toPlainText(),
                "grade": grade.value,
                "citations": question.citations if question else (),
            },
            self,
        )
        if self.exec_dialog(dialog):
            self.undo_stack.push(RaiseFinding(self, dialog.values(), (qid,)))
            self.refresh_parts("findings")
            self.side.setCurrentIndex(2)

    def edit_finding(self, finding: Finding) -> None:
        dialog = FindingDialog(
            self.persona,
            {
                "title": finding.title, "text": finding.text, "grade": finding.grade.value, "severity": finding.severity,
                "occurrence": finding.occurrence, "detectability": finding.detectability, "citations": finding.citations,
                "capa": finding.capa, "root_cause": finding.root_cause, "status": finding.status.value,
            },
            self,
        )
        if self.exec_dialog(dialog):
            self.undo_stack.push(EditFinding(self, finding, dialog.values()))
            self.refresh_parts("findings")

    exec_dialog_hook: Any = None

    def exec_dialog(self, dialog: Any) -> bool:
        """Run a modal dialog (tests set ``InterviewScreen.exec_dialog_hook`` to fill and accept it)."""
        if InterviewScreen.exec_dialog_hook is not None:
            return bool(InterviewScreen.exec_dialog_hook(dialog))
        return bool(dialog.exec())

    # -- closing ---------------------------------------------------------------------------------

    def flush(self) -> None:
        """Commit what is typed (the commit point of closing)."""
        if self.current is not None and self.current.question_id in self._dirty:
            self.commit_typing()

    def close_screen(self) -> None:
        self.flush()
        self.closed.emit()

    def finished(self) -> bool:
        return self.snap.session.state is SessionState.FINISHED
