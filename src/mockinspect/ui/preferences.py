"""Preferences (Edit > Preferences, Ctrl+,): who you are for the audit trail, the company
and logo on reports, the default inspector for new sessions, paper size, theme and the draft
save delay. Each field says what is wrong with it beside it; Save stays off until all are right.

Signals:
    settings_saved(object): the ``Settings`` just written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QSize, Qt, Signal
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mockinspect.domain.scenario import PERSONA_TITLES, Persona
from mockinspect.settings import Settings
from mockinspect.ui.common import tr

LOGO_FORMATS = ("png", "jpeg", "jpg")
LOGO_MAX_BYTES = 5 * 1024 * 1024
PREVIEW = QSize(220, 72)

# Where Letter is the usual paper (the rest of the world uses A4).
LETTER_TERRITORIES = frozenset(
    QLocale.Country[name]
    for name in ("UnitedStates", "Canada", "Mexico", "Philippines", "Chile", "Colombia", "Venezuela", "Guatemala", "PuertoRico")
    if hasattr(QLocale.Country, name)
)


def paper_for(setting: str, locale: QLocale | None = None) -> str:
    """``a4`` or ``letter``: the setting, or for ``auto`` what the system's region uses."""
    if setting in ("a4", "letter"):
        return setting
    return "letter" if (locale or QLocale.system()).territory() in LETTER_TERRITORIES else "a4"


def logo_problem(path_text: str) -> str | None:
    """Why ``path_text`` cannot be the report logo, or None if it can (empty: no logo)."""
    if not path_text.strip():
        return None
    path = Path(path_text.strip()).expanduser()
    if not path.is_file():
        return tr("No file at this path.")
    if path.stat().st_size > LOGO_MAX_BYTES:
        return tr("The logo is over 5 MB; use a smaller image.")
    reader = QImageReader(str(path))
    fmt = bytes(reader.format().data()).decode("ascii", "replace").lower()
    if fmt not in LOGO_FORMATS:
        return tr("Not a PNG or JPEG image.")
    size = reader.size()
    if not size.isValid() or size.width() < 16 or size.height() < 16:
        return tr("The image cannot be read, or is too small to print.")
    return None


def ask_logo_path(parent: QWidget | None, start: str) -> str | None:
    """A PNG or JPEG chosen in a file dialog, or None (tests replace ``PreferencesDialog.ask_logo_path``)."""
    path, _filter = QFileDialog.getOpenFileName(parent, tr("Company logo"), start, tr("Images (*.png *.jpg *.jpeg)"))
    return path or None


class PreferencesDialog(QDialog):
    """Edit the user's ``Settings``; Save writes them with ``Settings.save()``.

    Signals:
        settings_saved(object)
    """

    settings_saved = Signal(object)
    ask_logo_path = staticmethod(ask_logo_path)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Preferences"))
        self.setMinimumWidth(600)
        self.original = settings
        self.errors: dict[str, QLabel] = {}

        self.user_name = QLineEdit(settings.user_name)
        self.user_name.setPlaceholderText(tr("e.g. Dr. Anna Weber"))
        self.company = QLineEdit(settings.company_name)
        self.company.setPlaceholderText(tr("Printed on the report's cover and header"))
        self.logo = QLineEdit(settings.company_logo or "")
        self.logo.setPlaceholderText(tr("A PNG or JPEG file; none prints the company name only"))
        self.logo_button = QPushButton(tr("&Choose…"))
        self.logo_clear = QPushButton(tr("C&lear"))
        self.preview = QLabel()
        self.preview.setObjectName("preview")
        self.preview.setFixedSize(PREVIEW + QSize(12, 12))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.persona = QComboBox()
        self.persona.addItem(tr("Any (choose per session)"), None)
        for persona in Persona:
            self.persona.addItem(PERSONA_TITLES.get(persona, persona.value), persona.value)
        self.persona.setCurrentIndex(max(0, self.persona.findData(settings.default_persona)))
        self.paper = QComboBox()
        auto = paper_for("auto")
        self.paper.addItem(tr("Automatic (here: {paper})", paper="Letter" if auto == "letter" else "A4"), "auto")
        self.paper.addItem("A4", "a4")
        self.paper.addItem(tr("Letter"), "letter")
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings.paper_size)))
        self.theme = QComboBox()
        self.theme.addItem(tr("Follow the system"), "system")
        self.theme.addItem(tr("Light"), "light")
        self.theme.addItem(tr("Dark"), "dark")
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self.delay = QDoubleSpinBox()
        self.delay.setRange(0.2, 1.0)
        self.delay.setSingleStep(0.1)
        self.delay.setDecimals(1)
        self.delay.setSuffix(tr(" s"))
        self.delay.setValue(settings.autosave_seconds)
        width = max(self.paper.sizeHint().width(), self.theme.sizeHint().width(), 220)
        for narrow in (self.paper, self.theme, self.delay):
            narrow.setFixedWidth(width)
        self.delay.setToolTip(tr("Seconds of quiet typing before a draft is saved (at most 1: nothing typed is older)."))

        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(self.logo_button)
        logo_row.addWidget(self.logo_clear)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)

        def row(text: str, field: Any, key: str | None = None, note: str | None = None, buddy: QWidget | None = None) -> None:
            label = QLabel(text)
            label.setBuddy(buddy or field)
            box = QVBoxLayout()
            box.setSpacing(2)
            if isinstance(field, QHBoxLayout):
                box.addLayout(field)
            else:
                box.addWidget(field)
            if note:
                hint = QLabel(note)
                hint.setObjectName("muted")
                hint.setWordWrap(True)
                box.addWidget(hint)
            if key:
                error = QLabel()
                error.setObjectName("error")
                error.setWordWrap(True)
                error.setVisible(False)
                box.addWidget(error)
                self.errors[key] = error
            form.addRow(label, box)

        row(tr("Your &name"), self.user_name, "user_name", tr("The audit trail records it with every change you make."))
        row(tr("&Company"), self.company, "company_name")
        row(tr("Company &logo"), logo_row, "company_logo", buddy=self.logo)
        form.addRow("", self.preview)
        row(tr("Default &inspector"), self.persona, None, tr("New sessions offer this inspector's scenarios first."))
        row(tr("&Paper size"), self.paper)
        row(tr("&Theme"), self.theme)
        row(tr("&Draft save delay"), self.delay)
        for label_text, widget in (
            ("Your name", self.user_name), ("Company", self.company), ("Company logo", self.logo),
            ("Choose a logo file", self.logo_button), ("Clear the logo", self.logo_clear),
            ("Default inspector", self.persona), ("Paper size", self.paper), ("Theme", self.theme),
            ("Draft save delay", self.delay), ("Logo preview", self.preview),
        ):
            widget.setAccessibleName(tr(label_text))

        self.save_error = QLabel()
        self.save_error.setObjectName("error")
        self.save_error.setWordWrap(True)
        self.save_error.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("primary")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)

        self.user_name.textChanged.connect(self.validate)
        self.company.textChanged.connect(self.validate)
        self.logo.textChanged.connect(self.validate)
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_clear.clicked.connect(self.logo.clear)
        self.setTabOrder(self.user_name, self.company)
        self.setTabOrder(self.company, self.logo)
        self.setTabOrder(self.logo, self.logo_button)
        self.setTabOrder(self.logo_button, self.logo_clear)
        self.setTabOrder(self.logo_clear, self.persona)
        self.setTabOrder(self.persona, self.paper)
        self.setTabOrder(self.paper, self.theme)
        self.setTabOrder(self.theme, self.delay)
        self.validate()

    # -- checking ---------------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """What is wrong, by field (empty when Save can write)."""
        found: dict[str, str] = {}
        if not self.user_name.text().strip():
            found["user_name"] = tr("Your name is needed: the audit trail records who made each change.")
        elif len(self.user_name.text().strip()) > 200:
            found["user_name"] = tr("At most 200 characters.")
        if len(self.company.text().strip()) > 200:
            found["company_name"] = tr("At most 200 characters.")
        logo = logo_problem(self.logo.text())
        if logo:
            found["company_logo"] = logo
        return found

    def validate(self) -> bool:
        found = self.problems()
        for key, label in self.errors.items():
            label.setText(found.get(key, ""))
            label.setVisible(key in found)
        self.save_button.setEnabled(not found)
        self._preview()
        return not found

    def _preview(self) -> None:
        text = self.logo.text().strip()
        if text and "company_logo" not in self.problems():
            pixmap = QPixmap(str(Path(text).expanduser()))
            if not pixmap.isNull():
                self.preview.setPixmap(
                    pixmap.scaled(PREVIEW, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
                )
                return
        self.preview.setPixmap(QPixmap())
        self.preview.setText(tr("No logo"))

    def choose_logo(self) -> None:
        current = self.logo.text().strip()
        start = str(Path(current).expanduser().parent) if current else str(Path.home())
        chosen = PreferencesDialog.ask_logo_path(self, start)
        if chosen:
            self.logo.setText(chosen)

    # -- saving -----------------------------------------------------------------------------

    def chosen(self) -> Settings:
        """The settings as the dialog shows them (keys this version does not know are kept)."""
        logo = self.logo.text().strip()
        values = {
            **self.original.model_dump(),
            "user_name": self.user_name.text().strip(),
            "company_name": self.company.text().strip(),
            "company_logo": str(Path(logo).expanduser()) if logo else None,
            "default_persona": self.persona.currentData(),
            "paper_size": self.paper.currentData(),
            "theme": self.theme.currentData(),
            "autosave_seconds": round(self.delay.value(), 1),
        }
        return Settings.model_validate(values)

    def save(self) -> None:
        if not self.validate():
            return
        try:
            settings = self.chosen()
            settings.save()
        except (OSError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.save_error.setText(tr("The preferences could not be saved: {error}", error=first))
            self.save_error.setVisible(True)
            return
        self.settings_saved.emit(settings)
        self.accept()
