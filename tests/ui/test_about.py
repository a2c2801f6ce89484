"""Help > About shows the one version the package, the PDF and the installers use."""

from __future__ import annotations

from mockinspect import __version__
from mockinspect.ui.common import set_asker
from mockinspect.ui.window import MainWindow


def test_help_about_shows_the_version_and_where_the_data_is(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKINSPECT_DATA_DIR", str(tmp_path / "data"))
    shown: list[tuple[str, str]] = []
    set_asker(lambda parent, kind, title, text, buttons: shown.append((title, text)) or buttons[0])
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        about = next(a for m in window.menuBar().actions() for a in m.menu().actions() if "About" in a.text())
        about.trigger()
    finally:
        from mockinspect.ui.common import _ask_with_box

        set_asker(_ask_with_box)
    assert shown and shown[0][0] == "About mockinspect"
    text = shown[0][1]
    assert f"mockinspect {__version__}" in text
    assert str(tmp_path / "data") in text
    assert "PySide6" in text and "SQLite" in text
