"""The new-session dialog: site, mode, scenario (with what it covers), lead, participants, seed;
for a training session also the trainee, the inspection prepared for and the inspector's silence.

Signals:
    session_created(str): the id of the session just created.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mockinspect.domain.session import Mode, Participant
from mockinspect.errors import UserError
from mockinspect.services import Services, rules
from mockinspect.services.training import SILENCE_SECONDS
from mockinspect.ui.common import show_error, tr


def parse_participants(text: str) -> list[Participant]:
    """One person a line: ``Name, role, organisation`` (role and organisation optional)."""
    people = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if parts and parts[0]:
            people.append(Participant(parts[0], (parts[1] or None) if len(parts) > 1 else None, ", ".join(parts[2:]) or None))
    return people


class NewSessionDialog(QDialog):
    """Create a session from a scenario of the catalogue.

    Signals:
        session_created(str)
    """

    session_created = Signal(str)

    def __init__(
        self, services: Services, catalogue: Any, lead: str, parent: QWidget | None = None, *, default_persona: str | None = None
    ) -> None:
        """``default_persona`` (the preference): that inspector's scenarios are listed first."""
        super().__init__(parent)
        self.setWindowTitle(tr("New mock inspection"))
        self.setMinimumWidth(620)
        self.services = services
        self.catalogue = catalogue
        self.site = QLineEdit(placeholderText=tr("e.g. Helix Cell Therapies, Plant 2"))
        self.address = QLineEdit(placeholderText=tr("Street, town, country"))
        self.mode = QComboBox()
        self.mode.addItem(tr("Audit (consultant records the answers)"), "audit")
        self.mode.addItem(tr("Training (staff rehearse; key points are scored)"), "training")
        self.scenario = QComboBox()
        ordered = sorted(
            catalogue.scenarios.values(), key=lambda s: (default_persona is not None and s.persona.value != default_persona, s.title)
        )
        for scenario in ordered:
            self.scenario.addItem(scenario.title, scenario.id)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setObjectName("card")
        self.about.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.about.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.lead = QLineEdit(lead)
        self.participants = QPlainTextEdit()
        self.participants.setPlaceholderText(tr("One a line: name, role, organisation"))
        self.participants.setFixedHeight(72)
        self.participants.setTabChangesFocus(True)
        self.seed = QLineEdit(placeholderText=tr("optional: the same seed draws the same questions"))
        # a training session is for a named trainee (shown in Training mode only)
        self.trainee = QComboBox()
        self.trainee.setEditable(True)
        editor = self.trainee.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(tr("who rehearses (added if new)"))
        try:
            names = [p.name for p in services.training.trainees()]
        except UserError:
            names = []
        self.trainee.addItems(names)
        self.trainee.setCurrentText("")
        self.inspection_date = QLineEdit(placeholderText=tr("YYYY-MM-DD: reviews are spaced to fit before it"))
        self.silence = QCheckBox(tr("The inspector stays silent for {n} s after each answer", n=SILENCE_SECONDS))
        self.silence.setToolTip(tr("Real inspectors use silence to draw more out; off by default"))
        form = QFormLayout()
        self.form = form
        form.addRow(tr("&Site name"), self.site)
        form.addRow(tr("A&ddress"), self.address)
        form.addRow(tr("&Mode"), self.mode)
        form.addRow(tr("&Trainee"), self.trainee)
        form.addRow(tr("&Inspection date"), self.inspection_date)
        form.addRow("", self.silence)
        form.addRow(tr("S&cenario"), self.scenario)
        form.addRow("", self.about)
        form.addRow(tr("&Lead"), self.lead)
        form.addRow(tr("&Participants"), self.participants)
        form.addRow(tr("S&eed"), self.seed)
        for widget, name in (
            (self.site, "Site name"), (self.address, "Address"), (self.mode, "Mode"), (self.scenario, "Scenario"),
            (self.lead, "Lead"), (self.participants, "Participants"), (self.seed, "Seed"),
            (self.trainee, "Trainee"), (self.inspection_date, "Inspection date"),
            (self.silence, "Inspector silence"),
        ):
            widget.setAccessibleName(tr(name))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(tr("Start inspection"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.create_button.setObjectName("primary")
        self.buttons.accepted.connect(self.create_session)
        self.buttons.rejected.connect(self.reject)
        self.scenario.currentIndexChanged.connect(self._describe)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._describe()
        self._mode_changed()

    def training(self) -> bool:
        return bool(self.mode.currentData() == Mode.TRAINING.value)

    def _mode_changed(self) -> None:
        """The trainee, inspection date and silence rows only for a training session."""
        training = self.training()
        for widget in (self.trainee, self.inspection_date, self.silence):
            self.form.setRowVisible(widget, training)
        self.site.setPlaceholderText(
            tr("optional for training: the trainee's department is used")
            if training
            else tr("e.g. Helix Cell Therapies, Plant 2")
        )
        self.create_button.setText(tr("Start rehearsal") if training else tr("Start inspection"))
        label = self.form.labelForField(self.lead)
        if isinstance(label, QLabel):  # in a rehearsal the lead is the assessor who reviews the scores
            label.setText(tr("&Assessor") if training else tr("&Lead"))

    def _describe(self) -> None:
        sid = self.scenario.currentData()
        if not sid:
            self.about.setText(tr("No scenarios found."))
            return
        scenario = self.catalogue.scenario(sid)
        try:
            count = len(self.catalogue.script(scenario))
        except UserError:
            count = 0
        titles = {a.id: a.title for b in self.catalogue.banks_for(scenario) for a in b.areas}
        areas = ", ".join(dict.fromkeys(titles.get(a, a) for s in scenario.agenda for a in s.areas))
        days = max(s.day for s in scenario.agenda)
        try:
            persona = rules.persona_rules(scenario.persona.value).title
        except UserError:
            persona = scenario.persona.value
        self.about.setText(
            f"<p style='margin-top:0'>{html.escape(scenario.description or '')}</p>"
            f"<p><b>{tr('Inspector')}:</b> {html.escape(persona)} &nbsp; "
            f"<b>{tr('Questions')}:</b> {count} &nbsp; <b>{tr('Days')}:</b> {days}</p>"
            f"<p><b>{tr('Areas')}:</b> {html.escape(areas)}</p>"
        )
        self._fit_about()

    def _fit_about(self) -> None:
        """The scenario card as tall as its text at its width (a wrapped label asks for more)."""
        width = self.about.width()
        if width > 50:
            self.about.setFixedHeight(self.about.heightForWidth(width))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_about()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._fit_about()

    def create_session(self) -> None:
        seed_text = self.seed.text().strip()
        try:
            if seed_text and not seed_text.isdigit():
                raise UserError(tr("the seed must be a whole number"))
            scenario = self.catalogue.scenario(self.scenario.currentData())
            if self.training():
                session_id = self._start_training(scenario, int(seed_text) if seed_text else None)
                self.session_created.emit(session_id)
                self.accept()
                return
            session = self.services.inspection.create_session(
                scenario,
                self.catalogue.banks_for(scenario),
                site=self.site.text(),
                mode=self.mode.currentData(),
                lead=self.lead.text() or None,
                seed=int(seed_text) if seed_text else None,
                address=self.address.text() or None,
                participants=parse_participants(self.participants.toPlainText()),
            )
        except UserError as exc:
            show_error(self, str(exc))
            return
        self.session_created.emit(session.id)
        self.accept()

    def _start_training(self, scenario: Any, seed: int | None) -> str:
        """A drill for the trainee named here (the assessor is the lead)."""
        trainee = self.trainee.currentText().strip()
        if not trainee:
            raise UserError(tr("name the trainee who rehearses (a training session is for a person)"))
        when_text = self.inspection_date.text().strip()
        try:
            when = date.fromisoformat(when_text) if when_text else None
        except ValueError:
            raise UserError(tr("the inspection date '{v}' is not a date like 2027-03-01", v=when_text)) from None
        session = self.services.training.start_session(
            scenario,
            self.catalogue.banks_for(scenario),
            trainee=trainee,
            site=self.site.text().strip() or None,
            address=self.address.text().strip() or None,
            inspection_date=when,
            assessor=self.lead.text().strip() or None,
            seed=seed,
            participants=parse_participants(self.participants.toPlainText()),
            silence_seconds=SILENCE_SECONDS if self.silence.isChecked() else None,
        )
        return session.id
