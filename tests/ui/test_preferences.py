"""Preferences driven as a user would: inline errors, a logo picked and previewed, saved
through Settings.save(), and applied at once (trail user, theme, wizard, paper)."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from mockinspect.domain.bank import ResponseStatus
from mockinspect.settings import Settings
from mockinspect.ui.preferences import PreferencesDialog, paper_for
from mockinspect.ui.style import colours, contrast
from mockinspect.ui.window import MainWindow


def png(path, size=(120, 40)):
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f3a5f"))
    assert image.save(str(path), "PNG")
    return path


def open_preferences(qtbot, window, fill):
    seen = []

    def hook(dialog):
        seen.append(dialog)
        return fill(dialog)

    MainWindow.dialog_hook = staticmethod(hook)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert seen, "Ctrl+, opens the preferences"
    return seen[0]


def test_errors_show_beside_the_field_and_save_waits_for_them(qtbot, window, tmp_path, monkeypatch):
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_text("not a picture")
    logo = png(tmp_path / "Helix logo.png")

    def fill(dialog):
        dialog.user_name.clear()
        assert dialog.errors["user_name"].isVisibleTo(dialog) and "audit trail" in dialog.errors["user_name"].text()
        assert not dialog.save_button.isEnabled()
        qtbot.keyClicks(dialog.user_name, "Dr. Anna Weber")
        assert not dialog.errors["user_name"].isVisibleTo(dialog)
        dialog.logo.setText(str(not_an_image))
        assert "PNG or JPEG" in dialog.errors["company_logo"].text() and not dialog.save_button.isEnabled()
        dialog.logo.setText(str(tmp_path / "nowhere.png"))
        assert "No file" in dialog.errors["company_logo"].text()
        monkeypatch.setattr(PreferencesDialog, "ask_logo_path", staticmethod(lambda *_a: str(logo)))
        qtbot.mouseClick(dialog.logo_button, Qt.MouseButton.LeftButton)
        assert dialog.logo.text() == str(logo) and dialog.save_button.isEnabled()
        assert not dialog.preview.pixmap().isNull() and dialog.preview.pixmap().width() <= 220
        dialog.company.setText("Quality & Compliance <Partners>")
        dialog.persona.setCurrentIndex(dialog.persona.findData("fda"))
        dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
        dialog.delay.setValue(0.5)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return True

    dialog = open_preferences(qtbot, window, fill)
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted
    saved = Settings.load()
    assert (saved.user_name, saved.company_name, saved.company_logo) == ("Dr. Anna Weber", "Quality & Compliance <Partners>", str(logo))
    assert (saved.default_persona, saved.paper_size, saved.autosave_seconds) == ("fda", "letter", 0.5)
    assert window.settings == saved
    assert window.services.inspection.user_name == "Dr. Anna Weber"


def test_the_trail_records_the_new_name_at_once(qtbot, window, services):
    from tests.ui.test_window import create_through_wizard

    screen = create_through_wizard(qtbot, window)

    def fill(dialog):
        dialog.user_name.setText("Jonas Brandt")
        dialog.save()
        return True

    open_preferences(qtbot, window, fill)
    screen.set_status(ResponseStatus.COMPLIANT)
    records = services.trail.history(session_id=screen.session_id, entity="response")
    assert records[-1].who == "Jonas Brandt"


def test_dark_theme_applies_at_once_and_reads_well(qtbot, window):
    from tests.ui.test_window import create_through_wizard

    create_through_wizard(qtbot, window)

    def fill(dialog):
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        dialog.save()
        return True

    open_preferences(qtbot, window, fill)
    c = colours()
    palette = QApplication.instance().palette()
    assert c.dark and palette.color(palette.ColorRole.Base).lightness() < 80
    assert contrast(c.text, c.base) >= 7 and contrast(c.muted, c.base) >= 4.5
    for state in ("good", "warn", "bad"):  # state tints keep the text readable
        assert contrast(c.text, c.state(state)) >= 4.5
    assert window.interview is not None and window.interview.isVisible()  # rebuilt in the new theme
    assert Settings.load().theme == "dark"
    again = MainWindow()  # the next start shows the window dark before the settings are read
    qtbot.addWidget(again)
    assert colours().dark


def test_a_settings_file_that_cannot_be_written_is_said_in_the_dialog(qtbot, window, monkeypatch):
    def refuse(_self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Settings, "save", refuse)

    def fill(dialog):
        dialog.company.setText("Helix")
        dialog.save()
        return True

    dialog = open_preferences(qtbot, window, fill)
    assert dialog.result() != PreferencesDialog.DialogCode.Accepted
    assert "could not be saved" in dialog.save_error.text()
    assert window.settings.company_name == ""


def test_the_wizard_offers_the_default_inspector_first(qtbot, window):
    def fill(dialog):
        dialog.persona.setCurrentIndex(dialog.persona.findData("fda"))
        dialog.save()
        return True

    open_preferences(qtbot, window, fill)
    seen = []
    MainWindow.dialog_hook = staticmethod(lambda dialog: seen.append(dialog) or True)
    window.new_session()
    scenario = window.catalogue().scenario(seen[0].scenario.currentData())
    assert scenario.persona.value == "fda"


def test_paper_follows_the_region_when_automatic():
    assert paper_for("auto", QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == "letter"
    assert paper_for("auto", QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "a4"
    assert paper_for("a4", QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == "a4"


def test_export_uses_the_logo_and_paper_chosen(qtbot, window, tmp_path, monkeypatch):
    from pypdf import PdfReader

    from tests.ui.test_window import create_through_wizard

    logo = png(tmp_path / "logo.png", (300, 90))

    def fill(dialog):
        dialog.company.setText("Quality Partners GmbH")
        dialog.logo.setText(str(logo))
        dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
        dialog.save()
        return True

    create_through_wizard(qtbot, window)
    open_preferences(qtbot, window, fill)
    target = tmp_path / "report.pdf"
    monkeypatch.setattr(MainWindow, "ask_save_path", staticmethod(lambda *_a: str(target)))
    with qtbot.waitSignal(window.report_exported, timeout=30000):
        window.export_pdf()
    cover = PdfReader(str(target)).pages[0]
    assert (round(float(cover.mediabox.width)), round(float(cover.mediabox.height))) == (612, 792)
    assert len(cover.images) == 1
    assert "QUALITY PARTNERS GMBH" in cover.extract_text().upper()
