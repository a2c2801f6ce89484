"""The main window: the start screen and one interview at a time, menus with every action
and its shortcut, geometry kept in QSettings, undo/redo, finish and reopen, trail check."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLabel, QMainWindow, QStackedWidget, QWidget

from mockinspect.errors import UserError
from mockinspect.paths import user_config_dir
from mockinspect.ui.common import (
    AppSignals,
    ask,
    collect_garbage_on_gui_thread,
    guarded,
    report_unexpected,
    run_op,
    settle_garbage,
    show_error,
    tr,
    unfreeze_garbage,
)
from mockinspect.ui.style import apply_style

if TYPE_CHECKING:  # the screens import the core (SQLAlchemy, pydantic): after the window is shown
    from mockinspect.services import Services
    from mockinspect.settings import Settings
    from mockinspect.ui.interview import InterviewScreen


def load_catalogue() -> Any:
    """The banks and scenarios found (bundled and the user's); imported late, off the start-up path."""
    from mockinspect.services.banks import BankService

    return BankService().catalogue()


def ask_save_path(parent: QWidget | None, suggested: str) -> str | None:
    """Where to write the report, or None if cancelled (tests replace ``MainWindow.ask_save_path``)."""
    from PySide6.QtWidgets import QFileDialog

    path, _filter = QFileDialog.getSaveFileName(parent, tr("Export the report"), suggested, tr("PDF files (*.pdf)"))
    return path or None


def ask_text(parent: QWidget | None, title: str, label: str) -> str | None:
    """A one-line answer, or None if cancelled (tests replace ``MainWindow.ask_text``)."""
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


class MainWindow(QMainWindow):
    """The application window.

    Attributes tests use: ``start`` (StartScreen), ``interview`` (InterviewScreen or None),
    ``signals`` (AppSignals), ``catalogue_loaded`` via ``signals``.
    """

    report_exported = Signal(str)
    ask_text = staticmethod(ask_text)
    ask_save_path = staticmethod(ask_save_path)
    dialog_hook: Any = None  # tests: a function(dialog) -> bool that fills and accepts it

    def __init__(self, services: Services | None = None, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        """Without services the window shows "Opening the database..." until ``attach``:
        ``main`` shows it first and opens the database after (never a stale list)."""
        super().__init__(parent)
        # the theme chosen last time, kept beside the geometry: the settings file needs pydantic,
        # which is read after the window is shown
        self.geometry_store = QSettings(str(user_config_dir() / "window.ini"), QSettings.Format.IniFormat)
        apply_style(str(self.geometry_store.value("theme", "system")))
        self.gc_timer = collect_garbage_on_gui_thread(self)
        self.signals = AppSignals()
        self._stop_listening: Any = lambda: None
        self._catalogue: Any = None
        self.interview: InterviewScreen | None = None
        self.setWindowTitle("mockinspect")
        self.stack = QStackedWidget()
        self.opening = QLabel(tr("Opening the database…"))
        self.opening.setObjectName("muted")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening)
        self.setCentralWidget(self.stack)
        self.signals.session_changed.connect(self._on_signals_session_changed)
        self._build_menus()
        self.menuBar().setEnabled(False)
        if not self.restoreGeometry(self.geometry_store.value("geometry", b"")):  # type: ignore[arg-type]
            self.resize(1360, 840)
        if services is not None and settings is not None:
            self.attach(services, settings)

    def attach(self, services: Services, settings: Settings) -> None:
        """Show the sessions of the database just opened; load the banks on a worker."""
        from mockinspect.ui.start import StartScreen

        self.services = services
        self.settings = settings
        self._apply_theme(settings.theme)
        self._stop_listening = services.inspection.listen(self.signals.bridge)
        self.start = StartScreen(services)
        self.start.new_requested.connect(self.new_session)
        self.start.session_opened.connect(self.open_session)
        from mockinspect.ui.progress import ProgressView  # training mode (issue 11): a tab of the start screen

        self.progress = ProgressView(services, self.catalogue)
        self.progress.session_opened.connect(self.open_session)
        self.start.tabs.addTab(self.progress, tr("Training"))
        self.signals.session_changed.connect(self.progress.on_changes)
        self.progress.refresh()
        self.stack.addWidget(self.start)
        self.stack.setCurrentWidget(self.start)
        self.menuBar().setEnabled(True)
        self.read_only_label = QLabel(tr("Read-only: another mockinspect is writing to this database"))
        self.read_only_label.setObjectName("warning")
        if services.db.mode == "read":
            self.statusBar().addPermanentWidget(self.read_only_label)
        for notice in services.db.notices:
            self.statusBar().showMessage(notice)
        self.start.refresh()
        settle_garbage()
        run_op(load_catalogue, success=self._catalogue_loaded, parent=self)

    # -- menus ----------------------------------------------------------------------------------

    def _action(self, menu: Any, text: str, slot: Any, shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu(tr("&File"))
        self._action(file, tr("&New session…"), self.new_session, "Ctrl+N")
        self._action(file, tr("&Sessions"), self.show_start, "Ctrl+Shift+S")
        self._action(file, tr("New &training drill…"), self.new_drill, "Ctrl+Shift+N")
        self._action(file, tr("Training &progress"), self.show_progress, "Ctrl+Shift+T")
        self._action(file, tr("&Export PDF report…"), self.export_pdf, "Ctrl+P")
        file.addSeparator()
        self._action(file, tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu(tr("&Edit"))
        self.undo_action = self._action(edit, tr("&Undo"), self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(edit, tr("&Redo"), self.redo, QKeySequence.StandardKey.Redo)
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        edit.addSeparator()
        self.preferences_action = self._action(edit, tr("&Preferences…"), self.show_preferences, "Ctrl+,")
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        session = bar.addMenu(tr("&Session"))
        self._action(session, tr("&Next question"), lambda: self._in_interview(lambda s: s.step(1)), "Ctrl+Return")
        self._action(session, tr("&Previous question"), lambda: self._in_interview(lambda s: s.step(-1)), "Ctrl+Shift+Return")
        self._action(session, tr("&Jump to question…"), lambda: self._in_interview(lambda s: s.jump.setFocus()), "Ctrl+K")
        self._action(session, tr("&Raise finding"), lambda: self._in_interview(lambda s: s.raise_finding()), "Ctrl+Shift+F")
        self._action(session, tr("Request &expected record"), lambda: self._in_interview(lambda s: s.request_expected()), "Ctrl+R")
        session.addSeparator()
        self._action(session, tr("&Finish session…"), self.finish_session)
        self._action(session, tr("Re&open session…"), self.reopen_session)
        for action in session.actions():
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the screen's own shortcuts act
        tools = bar.addMenu(tr("&Tools"))
        self._action(tools, tr("&Verify records"), self.verify_trail)
        help_menu = bar.addMenu(tr("&Help"))
        self._action(help_menu, tr("&Keyboard shortcuts"), self.show_shortcuts, "F1")
        self._action(help_menu, tr("&About mockinspect"), self.show_about).setMenuRole(QAction.MenuRole.AboutRole)

    def _in_interview(self, action: Any) -> None:
        if self.interview is not None and self.stack.currentWidget() is self.interview:
            action(self.interview)

    # -- the catalogue --------------------------------------------------------------------------

    def _catalogue_loaded(self, catalogue: Any) -> None:
        self._catalogue = catalogue
        self.start.browser.set_catalogue(catalogue)
        settle_garbage()

    def catalogue(self) -> Any:
        if self._catalogue is None:
            self._catalogue = load_catalogue()
            self.start.browser.set_catalogue(self._catalogue)
        return self._catalogue

    # -- screens ----------------------------------------------------------------------------------

    def new_session(self) -> None:
        if self.services.db.mode == "read":
            show_error(self, tr("This database is open read-only; close the other mockinspect to start a session."))
            return
        try:
            catalogue = self.catalogue()
        except UserError as exc:
            show_error(self, str(exc))
            return
        from mockinspect.ui.wizard import NewSessionDialog

        dialog = NewSessionDialog(
            self.services, catalogue, self.settings.user_name, self, default_persona=self.settings.default_persona
        )
        dialog.session_created.connect(self.open_session)
        if MainWindow.dialog_hook is not None:
            MainWindow.dialog_hook(dialog)
        else:
            dialog.exec()

    def show_progress(self) -> None:
        self.show_start()
        self.start.tabs.setCurrentWidget(self.progress)

    def new_drill(self) -> None:
        self.show_progress()
        self.progress.new_drill()

    def open_session(self, session_id: str) -> None:
        from mockinspect.ui.interview import InterviewScreen
        from mockinspect.ui.rehearsal import RehearsalScreen

        self.close_interview()
        with guarded(self):
            training = self.services.inspection.session(session_id).mode.value == "training"
            kind: Any = RehearsalScreen if training else InterviewScreen  # a training session is rehearsed
            screen = kind(
                self.services, session_id, autosave_ms=round(self.settings.autosave_seconds * 1000),
                catalogue=self.catalogue,
            )
            screen.closed.connect(self.show_start)
            screen.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
            screen.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
            self.interview = screen
            self.stack.addWidget(screen)
            self.stack.setCurrentWidget(screen)
            splitter = self.geometry_store.value("interview/splitter")
            if splitter:
                screen.splitter.restoreState(splitter)
            self.setWindowTitle(f"{screen.snap.session.site} — mockinspect")
            self._offer_drafts(screen)
            screen.answer.setFocus()
            settle_garbage()

    def _offer_drafts(self, screen: InterviewScreen) -> None:
        drafts = screen.snap.drafts
        if not drafts or screen.read_only():
            return
        keep, discard = tr("Keep them"), tr("Discard")
        choice = ask(
            self, "question", tr("Unsaved typing found"),
            tr("{n} answers have typing that was not recorded (the app closed before it could). "
               "Keep them to review and record, or discard them?", n=len(drafts)),
            (keep, discard),
        )
        if choice == discard:
            with guarded(self):
                for qid in list(drafts):
                    self.services.inspection.discard_draft(screen.session_id, qid)
                screen.reload()
                if screen.current is not None:
                    screen.go_to(screen.current.question_id)

    def close_interview(self) -> None:
        screen = self.interview
        if screen is None:
            return
        screen.flush()
        self.geometry_store.setValue("interview/splitter", screen.splitter.saveState())
        self.stack.removeWidget(screen)
        screen.deleteLater()
        self.interview = None
        unfreeze_garbage()  # the closed screen's objects were set aside: let the next collection free them

    def show_start(self) -> None:
        self.close_interview()
        self.stack.setCurrentWidget(self.start)
        self.setWindowTitle("mockinspect")
        self.start.refresh()
        QTimer.singleShot(0, settle_garbage)  # after the closed screen is deleted

    def _on_signals_session_changed(self, changes: Any) -> None:
        if self.interview is not None:
            self.interview.on_changes(changes)

    # -- edit and session actions -------------------------------------------------------------------

    def undo(self) -> None:
        if self.interview is not None and self.interview.undo_stack.canUndo():
            self.interview.flush()
            self.interview.undo_stack.undo()
            self.interview.reload()

    def redo(self) -> None:
        if self.interview is not None and self.interview.undo_stack.canRedo():
            self.interview.undo_stack.redo()
            self.interview.reload()

    def finish_session(self) -> None:
        screen = self.interview
        if screen is None:
            return
        screen.flush()
        finish = tr("Finish")
        if ask(self, "question", tr("Finish session"), tr("Finish this session? Later changes will need a reason."), (finish, tr("Cancel"))) != finish:
            return
        with guarded(self):
            self.services.inspection.finish_session(screen.session_id)
            screen.reload()
            self.statusBar().showMessage(tr("Session finished"), 5000)

    def reopen_session(self) -> None:
        screen = self.interview
        if screen is None:
            return
        reason = MainWindow.ask_text(self, tr("Reopen session"), tr("Why reopen it? (kept in the audit trail)"))
        if not reason:
            return
        with guarded(self):
            self.services.inspection.reopen_session(screen.session_id, reason=reason)
            screen.reload()
            self.statusBar().showMessage(tr("Session reopened"), 5000)

    def export_pdf(self) -> None:
        """The report model is read here (one snapshot); the PDF is laid out and written on a worker."""
        screen = self.interview
        if screen is None:
            self.statusBar().showMessage(tr("Open a session to export its report"), 5000)
            return
        screen.flush()
        session = screen.snap.session
        suggested = str(Path.home() / f"{session.site} {session.started_at:%Y-%m-%d}.pdf".replace("/", "-"))
        target = MainWindow.ask_save_path(self, suggested)
        if not target:
            return
        from mockinspect.services.report import ReportService, write_pdf
        from mockinspect.ui.preferences import paper_for

        paper = paper_for(self.settings.paper_size)
        with guarded(self):
            reports = ReportService(
                self.services.inspection, company=self.settings.company_name, logo=self.settings.company_logo
            )
            model = reports.build(screen.session_id)
            self.export_warnings = list(reports.warnings)  # e.g. a logo that is no longer an image
            self.statusBar().showMessage(tr("Writing the report…"))
            path = Path(target)
            run_op(
                lambda: write_pdf(model, path, paper=paper),
                success=lambda _r: self._exported(path), failure=self._export_failed, parent=self,
            )

    def _exported(self, path: Path) -> None:
        note = "".join(f" ({w})" for w in getattr(self, "export_warnings", []))
        self.statusBar().showMessage(tr("Report written: {path}", path=path) + note, 10000)
        self.report_exported.emit(str(path))

    def _export_failed(self, exc: BaseException) -> None:
        self.statusBar().clearMessage()
        if isinstance(exc, UserError):
            show_error(self, str(exc))
        else:
            report_unexpected(type(exc), exc, exc.__traceback__)

    def verify_trail(self) -> None:
        self.statusBar().showMessage(tr("Checking the audit trail…"))
        with guarded(self):
            report = self.services.trail.verify()
            self.statusBar().clearMessage()
            if report.ok:
                text = tr("The audit trail is intact: {r} records over {e} entities; the data matches them.", r=report.records, e=report.entities)
            else:
                text = tr("The audit trail check found a problem: {p}", p=str(report.problem))
            ask(self, "info" if report.ok else "error", tr("Verify records"), text)

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(group, keys, what) for Help > Keyboard shortcuts: every menu action with a key, read
        from the menus themselves, then the keys of the interview and rehearsal screens."""
        rows: list[tuple[str, str, str]] = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            if menu is None:
                continue
            group = menu_action.text().replace("&", "")
            for action in menu.actions():  # type: ignore[attr-defined]
                keys = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
                if keys:
                    rows.append((group, keys, action.text().replace("&", "").rstrip("…")))
        interview = tr("In the interview")
        rows += [
            (interview, "Alt+Right / Alt+Left", tr("Next / previous question")),
            (interview, "Alt+C, O, D, N, R", tr("Compliant, observation, deficient, N/A, deferred")),
            (interview, "C O D N R", tr("The same, with the agenda focused")),
            (interview, "Ctrl+E / Ctrl+G", tr("Focus the answer / the agenda")),
            (interview, "Ctrl+I", tr("Show intent and guidance")),
            (interview, "Ctrl+L", tr("Link a URL as evidence")),
            (interview, "Ctrl+1 / 2 / 3 / 4", tr("Evidence, requests, findings, history")),
            (interview, "Tab / Shift+Tab", tr("Move between the answer, interviewee, notes and buttons")),
        ]
        from mockinspect.ui.rehearsal import rehearsal_keys  # the rehearsal screen's own keys

        rows += [(tr("In a rehearsal"), keys, what) for keys, what in rehearsal_keys()]
        return rows

    def show_shortcuts(self) -> None:
        body, group = "<table cellspacing=4>", ""
        for row_group, keys, what in self.shortcut_rows():
            if row_group != group:
                group = row_group
                body += f"<tr><td colspan=2><br><b>{html.escape(group)}</b></td></tr>"
            body += f"<tr><td><b>{html.escape(keys)}</b>&nbsp;&nbsp;</td><td>{html.escape(what)}</td></tr>"
        ask(self, "info", tr("Keyboard shortcuts"), body + "</table>")

    def show_about(self) -> None:
        from mockinspect.ui.about import show_about

        services = getattr(self, "services", None)  # None until the database is open
        show_about(self, services.db.path if services is not None else None)

    # -- preferences ------------------------------------------------------------------------------

    def show_preferences(self) -> None:
        from mockinspect.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        dialog.settings_saved.connect(self.use_settings)
        if MainWindow.dialog_hook is not None:
            MainWindow.dialog_hook(dialog)
        else:
            dialog.exec()

    def use_settings(self, settings: Settings) -> None:
        """Apply saved preferences now: the trail's user, the draft delay, the theme."""
        before = self.settings
        self.settings = settings
        self.services.inspection.user_name = settings.user_name
        self.services.trail.user_name = settings.user_name
        if self.interview is not None:
            self.interview.autosave.setInterval(round(settings.autosave_seconds * 1000))
        if settings.theme != before.theme:
            self._apply_theme(settings.theme)
            if self.interview is not None:  # rebuilt, so its icons and tints follow the theme
                self.open_session(self.interview.session_id)
            else:
                self.start.refresh()
        self.statusBar().showMessage(tr("Preferences saved"), 5000)

    def _apply_theme(self, theme: str) -> None:
        apply_style(theme)
        self.geometry_store.setValue("theme", theme)

    # -- closing ----------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not hasattr(self, "services"):  # closed while the database was opening
            super().closeEvent(event)
            return
        self.close_interview()
        self.geometry_store.setValue("geometry", self.saveGeometry())
        self.geometry_store.sync()
        self._stop_listening()
        super().closeEvent(event)
