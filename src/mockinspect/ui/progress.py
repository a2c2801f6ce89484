"""Training progress: a trainee's profile, attempts, weakest areas and what the review
schedule says is due, with "Start next drill" (what is due, then what was missed most) and a
dialog to start a new drill from a scenario.

Signals (``ProgressView``):
    session_opened(str): a training session to open (a past one, or a drill just started).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mockinspect.domain.trainee import Trainee
from mockinspect.errors import UserError
from mockinspect.services import Services
from mockinspect.services.training import SILENCE_SECONDS, AreaStanding, DueItem, SessionHistory
from mockinspect.ui.common import guarded, show_error, tr
from mockinspect.ui.models import Column, RowsModel
from mockinspect.ui.style import colours


def _date(text: str) -> date | None:
    value = text.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(tr("the inspection date '{v}' is not a date like 2027-03-01", v=value)) from None


def _table(model: RowsModel[Any], name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class NewDrillDialog(QDialog):
    """Start a training session: who rehearses, which scenario, the inspection prepared for.

    Signals:
        session_created(str)
    """

    session_created = Signal(str)

    def __init__(self, services: Services, catalogue: Any, *, trainee: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("New training drill"))
        self.setMinimumWidth(560)
        self.services = services
        self.catalogue = catalogue
        self.trainee = QComboBox()
        self.trainee.setEditable(True)
        with guarded(self):
            for person in services.training.trainees():
                self.trainee.addItem(person.name)
        self.trainee.setCurrentText(trainee)
        self.employee_id = QLineEdit()
        self.department = QLineEdit()
        self.role = QLineEdit(placeholderText=tr("e.g. QC analyst, production supervisor"))
        self.scenario = QComboBox()
        for scenario in sorted(catalogue.scenarios.values(), key=lambda s: s.title):
            self.scenario.addItem(scenario.title, scenario.id)
        self.inspection_date = QLineEdit(placeholderText=tr("YYYY-MM-DD: reviews are spaced to fit before it"))
        self.assessor = QLineEdit(placeholderText=tr("who reviews the scores (optional)"))
        self.silence = QCheckBox(tr("The inspector stays silent for {n} s after each answer", n=SILENCE_SECONDS))
        self.silence.setToolTip(tr("Real inspectors use silence to draw more out; off by default"))
        form = QFormLayout()
        form.addRow(tr("&Trainee"), self.trainee)
        form.addRow(tr("&Employee id"), self.employee_id)
        form.addRow(tr("&Department"), self.department)
        form.addRow(tr("&Role"), self.role)
        form.addRow(tr("S&cenario"), self.scenario)
        form.addRow(tr("&Inspection date"), self.inspection_date)
        form.addRow(tr("&Assessor"), self.assessor)
        form.addRow("", self.silence)
        for widget, name in (
            (self.trainee, tr("Trainee")), (self.employee_id, tr("Employee id")), (self.department, tr("Department")),
            (self.role, tr("Role")), (self.scenario, tr("Scenario")), (self.inspection_date, tr("Inspection date")),
            (self.assessor, tr("Assessor")), (self.silence, tr("Inspector silence")),
        ):  # fmt: skip
            widget.setAccessibleName(name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton(tr("Start rehearsal"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setDefault(True)
        self.start_button.setObjectName("primary")
        self.buttons.accepted.connect(self.create_session)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def create_session(self) -> None:
        try:
            sid = self.scenario.currentData()
            if not sid:
                raise UserError(tr("no scenario to rehearse: add a bank folder with scenarios"))
            scenario = self.catalogue.scenario(sid)
            session = self.services.training.start_session(
                scenario,
                self.catalogue.banks_for(scenario),
                trainee=self.trainee.currentText(),
                inspection_date=_date(self.inspection_date.text()),
                assessor=self.assessor.text() or None,
                employee_id=self.employee_id.text() or None,
                department=self.department.text() or None,
                role=self.role.text() or None,
                silence_seconds=SILENCE_SECONDS if self.silence.isChecked() else None,
            )
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.session_created.emit(session.id)
        self.accept()


class ProgressView(QWidget):
    """A trainee's progress and the way into the next drill.

    Signals:
        session_opened(str)
    """

    session_opened = Signal(str)
    dialog_hook: Any = None  # tests: a function(dialog) that fills and accepts it

    def __init__(
        self, services: Services, catalogue: Callable[[], Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.catalogue = catalogue
        self.trainee = QComboBox()
        self.trainee.setAccessibleName(tr("Trainee"))
        self.trainee.setMinimumWidth(260)
        self.trainee.currentIndexChanged.connect(lambda _i: self.show_trainee())
        trainee_label = QLabel(tr("&Trainee"))
        trainee_label.setBuddy(self.trainee)
        self.profile = QLabel()
        self.profile.setObjectName("muted")
        self.next_button = QPushButton(tr("Start next drill"))
        self.next_button.setObjectName("primary")
        self.next_button.setAccessibleName(tr("Start the next drill"))
        self.next_button.clicked.connect(self.start_next_drill)
        self.new_button = QPushButton(tr("New drill…"))
        self.new_button.clicked.connect(self.new_drill)
        top = QHBoxLayout()
        top.addWidget(trainee_label)
        top.addWidget(self.trainee)
        top.addWidget(self.profile, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.next_button)
        self.summary = QLabel()
        self.summary.setObjectName("card")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)

        self.history_model: RowsModel[SessionHistory] = RowsModel(
            [
                Column(
                    tr("Started"),
                    lambda h: h.started_at.astimezone().strftime("%d %b %Y %H:%M"),
                    sort=lambda h: h.started_at.timestamp(),
                ),
                Column(tr("Scenario"), lambda h: h.scenario_title or h.scenario_id),
                Column(tr("Answered"), lambda h: f"{h.answered}/{h.questions}"),
                Column(
                    tr("Mean"),
                    lambda h: "" if h.mean_score is None else f"{h.mean_score:.0f}",
                    sort=lambda h: h.mean_score or 0.0,
                ),
                Column(tr("Pass rate"), lambda h: "" if h.pass_rate is None else f"{h.pass_rate:.0%}"),
                Column(tr("Result"), self._result_text, background=self._result_colour),
            ],
            self,
        )
        self.history = _table(self.history_model, tr("Attempts"))
        self.history.activated.connect(lambda index: self._open(index.row()))
        self.history.doubleClicked.connect(lambda index: self._open(index.row()))
        self.areas_model: RowsModel[AreaStanding] = RowsModel(
            [
                Column(tr("Area"), lambda a: a.title),
                Column(
                    tr("Mean"),
                    lambda a: f"{a.mean_score:.0f}",
                    sort=lambda a: a.mean_score,
                    background=self._area_colour,
                ),
                Column(tr("Pass rate"), lambda a: f"{a.pass_rate:.0%}", sort=lambda a: a.pass_rate),
                Column(tr("Answers"), lambda a: str(a.attempts), sort=lambda a: a.attempts),
                Column(tr("Key points missed"), lambda a: str(a.missed_key_points), sort=lambda a: a.missed_key_points),
            ],
            self,
        )
        self.areas = _table(self.areas_model, tr("Weakest areas"))
        self.due_model: RowsModel[DueItem] = RowsModel(
            [
                Column(tr("Question"), lambda d: d.question_id),
                Column(
                    tr("Due"),
                    lambda d: tr("today") if d.days_overdue == 0 else tr("{n} d overdue", n=d.days_overdue),
                    sort=lambda d: -d.days_overdue,
                ),
                Column(tr("Last grade"), lambda d: f"{d.last_quality}/5", sort=lambda d: d.last_quality),
                Column(tr("Prompt"), lambda d: d.prompt, tooltip=lambda d: d.prompt),
            ],
            self,
        )
        self.due = _table(self.due_model, tr("Due for review"))
        grid = QGridLayout()
        grid.addWidget(self._caption(tr("Attempts")), 0, 0)
        grid.addWidget(self.history, 1, 0)
        grid.addWidget(self._caption(tr("Weakest areas first")), 0, 1)
        grid.addWidget(self.areas, 1, 1)
        grid.addWidget(self._caption(tr("Due for review")), 2, 0, 1, 2)
        grid.addWidget(self.due, 3, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.empty = QLabel(tr("No trainees yet. Start a drill: the app asks as an inspector would, scores each answer "
                               "and tells you what you missed and why."))  # fmt: skip
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        self.people: list[Trainee] = []

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(f"<b>{html.escape(text)}</b>")
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    @staticmethod
    def _result_text(h: SessionHistory) -> str:
        if h.result is None:
            return tr("not started")
        if not h.finished:
            return tr("in progress")
        if h.result == "incomplete":
            return tr("incomplete")
        return tr("competent") if h.result == "competent" else tr("further practice")

    @staticmethod
    def _result_colour(h: SessionHistory) -> str | None:
        if h.result is None or not h.finished:
            return None
        return colours().state("good" if h.result == "competent" else "warn")

    @staticmethod
    def _area_colour(a: AreaStanding) -> str | None:
        return colours().state("good" if a.mean_score >= 75 else "warn" if a.mean_score >= 50 else "bad")

    # -- reading -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the trainees again; keep the one on show."""
        keep = self.trainee.currentText()
        with guarded(self):
            self.people = self.services.training.trainees()
        self.trainee.blockSignals(True)
        self.trainee.clear()
        for person in self.people:
            self.trainee.addItem(person.name, person.id)
        index = self.trainee.findText(keep)
        self.trainee.setCurrentIndex(index if index >= 0 else (0 if self.people else -1))
        self.trainee.blockSignals(False)
        self.show_trainee()

    def current_trainee(self) -> Trainee | None:
        tid = self.trainee.currentData()
        return next((p for p in self.people if p.id == tid), None)

    def select(self, name: str) -> None:
        index = self.trainee.findText(name)
        if index >= 0:
            self.trainee.setCurrentIndex(index)

    def show_trainee(self) -> None:
        person = self.current_trainee()
        has = person is not None
        self.empty.setVisible(not self.people)
        self.summary.setVisible(has)
        self.next_button.setEnabled(has)
        if person is None:
            for model in (self.history_model, self.areas_model, self.due_model):
                model.set_rows([])
            self.profile.setText("")
            return
        with guarded(self):
            history = self.services.training.history(person.id)
            areas = self.services.training.weakest_areas(person.id)
            due = self.services.training.due(person.id)
            schedule = self.services.training.schedule(person.id)
            self.history_model.set_rows(history)
            self.areas_model.set_rows(areas)
            self.due_model.set_rows(due)
            details = [x for x in (person.employee_id, person.role, person.department) if x]
            self.profile.setText(html.escape(" · ".join(details)))
            done = [h for h in history if h.result is not None and h.finished]
            last = done[0] if done else None
            upcoming = min((s.due for s in schedule), default=None)
            weakest = areas[0].title if areas else None
            parts = [
                tr("{n} drill(s), {a} answer(s) scored", n=len(history), a=sum(h.answered for h in history)),
                (tr("last result: {r} (mean {m:.0f})", r=self._result_text(last), m=last.mean_score or 0) if last
                 else tr("no drill finished yet")),
                (tr("{n} question(s) due for review now", n=len(due)) if due
                 else tr("next review {d}", d=upcoming.isoformat()) if upcoming else tr("nothing scheduled yet")),
            ]  # fmt: skip
            if weakest:
                parts.append(tr("weakest area: {a}", a=weakest))
            self.summary.setText(" &nbsp;·&nbsp; ".join(html.escape(p) for p in parts))

    def on_changes(self, changes: Any) -> None:
        """The app-wide change signal: training records changed somewhere, read them again."""
        entities: frozenset[str] = getattr(changes, "entities", frozenset())
        if entities & {"trainee", "training_session", "training_score", "training_override", "training_schedule"}:
            self.refresh()

    # -- actions ------------------------------------------------------------------------------------

    def _open(self, row: int) -> None:
        item = self.history_model.row_object(row)
        if item is not None:
            self.session_opened.emit(item.session_id)

    def _catalogue(self) -> Any:
        return self.catalogue() if self.catalogue is not None else None

    def new_drill(self) -> None:
        try:
            catalogue = self._catalogue()
        except UserError as exc:
            show_error(self, str(exc))
            return
        if catalogue is None:
            return
        person = self.current_trainee()
        dialog = NewDrillDialog(self.services, catalogue, trainee=person.name if person else "", parent=self)
        dialog.session_created.connect(self.session_opened)
        if ProgressView.dialog_hook is not None:
            ProgressView.dialog_hook(dialog)
        else:
            dialog.exec()

    def start_next_drill(self) -> None:
        """A drill of what is due, then what was missed most, under the latest scenario."""
        person = self.current_trainee()
        if person is None:
            return
        with guarded(self):
            plan = self.services.training.next_drill(person.id)
            if not plan.question_ids:
                show_error(self, tr("Nothing is due and nothing was missed yet: start a new drill instead."))
                return
            catalogue = self._catalogue()
            if catalogue is None:
                return
            if plan.scenario_id not in catalogue.scenarios:
                raise UserError(tr("the scenario {id} of the last drill is no longer installed", id=plan.scenario_id))
            scenario = catalogue.scenario(plan.scenario_id)
            link = self.services.training.latest_link(person.id)
            session = self.services.training.start_session(
                scenario,
                list(catalogue.banks.values()),
                trainee=person.name,
                question_ids=plan.question_ids,
                inspection_date=None if link is None else link.inspection_date,
                assessor=None if link is None else link.assessor,
            )
            self.session_opened.emit(session.id)


__all__ = ["NewDrillDialog", "ProgressView"]
