"""The look: Fusion with a calm light or dark palette, and a style sheet whose colours are
derived from the palette in use, so every screen reads the same in both.

``apply_style(theme)`` takes the preference (``system``, ``light``, ``dark``); ``system``
follows the operating system where Qt can tell (``QStyleHints.colorScheme()``, Qt 6.5+) and
changes with it. Views ask ``colours()`` for the few colours they paint themselves (state
tints, muted text), so nothing is hard-wired for one theme.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#1f3a5f"

LIGHT = {
    "window": "#eef1f4",
    "base": "#ffffff",
    "alt_base": "#f7f9fb",
    "text": "#1d2530",
    "button": "#f8f9fb",
    "highlight": "#3b6ea8",
    "highlight_text": "#ffffff",
    "accent": ACCENT,
    "accent_text": "#ffffff",
    "link": "#2a5d9a",
    "muted": "#56606e",
    "tooltip_base": "#fffbe6",
}
DARK = {
    "window": "#1d2127",
    "base": "#252a31",
    "alt_base": "#2b3139",
    "text": "#e3e7ec",
    "button": "#2f353d",
    "highlight": "#3d6fa8",
    "highlight_text": "#ffffff",
    "accent": "#4f86c6",
    "accent_text": "#ffffff",
    "link": "#8ab4f0",
    "muted": "#a3adba",
    "tooltip_base": "#2f353d",
}

# Semantic hues for states (good, warning, bad, probe); tinted into the base colour.
HUES = {"good": "#2e9d6b", "warn": "#d9962b", "bad": "#d0463c", "probe": "#7a6fd0", "info": "#3b6ea8"}


def mix(a: str | QColor, b: str | QColor, amount: float) -> str:
    """``a`` moved ``amount`` (0..1) of the way to ``b``, as ``#rrggbb``."""
    ca, cb = QColor(a), QColor(b)
    r, g, bl = (round(x + (y - x) * amount) for x, y in ((ca.red(), cb.red()), (ca.green(), cb.green()), (ca.blue(), cb.blue())))
    return f"#{r:02x}{g:02x}{bl:02x}"


def luminance(colour: str | QColor) -> float:
    """Relative luminance (WCAG) of a colour, 0 (black) to 1 (white)."""
    c = QColor(colour)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: str | QColor, b: str | QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str | QColor) -> str:
    """Black or white text, whichever reads better on ``background``."""
    return "#111418" if contrast(background, "#111418") >= contrast(background, "#ffffff") else "#ffffff"


class Colours(NamedTuple):
    """The colours of the theme in use (what views paint themselves)."""

    dark: bool
    window: str
    base: str
    text: str
    muted: str
    accent: str
    border: str
    card: str

    def tint(self, colour: str) -> str:
        """A state or level colour as a cell background that keeps the text readable."""
        return mix(self.base, colour, 0.36 if self.dark else 0.24)

    def state(self, name: str) -> str:
        """The tint of a semantic state: good, warn, bad, probe, info."""
        return self.tint(HUES[name])

    def readable(self, colour: str) -> str:
        """``colour`` as text on the base colour, lightened or darkened until it reads (4.5:1)."""
        value = colour
        target = "#ffffff" if self.dark else "#000000"
        for step in range(1, 11):
            if contrast(value, self.base) >= 4.5:
                break
            value = mix(colour, target, step * 0.1)
        return value


def _is_dark(theme: str) -> bool:
    if theme == "dark":
        return True
    if theme == "light":
        return False
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown
    return bool(scheme == Qt.ColorScheme.Dark)


def _palette(values: dict[str, str]) -> QPalette:
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    palette = QPalette()
    muted = values["muted"]
    for name, roles in (
        ("window", (role.Window,)),
        ("base", (role.Base,)),
        ("alt_base", (role.AlternateBase,)),
        ("text", (role.WindowText, role.Text, role.ButtonText, role.ToolTipText)),
        ("button", (role.Button,)),
        ("highlight", (role.Highlight,)),
        ("highlight_text", (role.HighlightedText,)),
        ("link", (role.Link,)),
        ("tooltip_base", (role.ToolTipBase,)),
    ):
        for r in roles:
            palette.setColor(r, QColor(values[name]))
    palette.setColor(role.PlaceholderText, QColor(mix(values["base"], values["text"], 0.55)))
    palette.setColor(role.BrightText, QColor("#ffffff"))
    palette.setColor(role.Light, QColor(mix(values["button"], "#ffffff", 0.35)))
    palette.setColor(role.Midlight, QColor(mix(values["button"], "#ffffff", 0.15)))
    palette.setColor(role.Mid, QColor(mix(values["button"], values["text"], 0.3)))
    palette.setColor(role.Dark, QColor(mix(values["button"], "#000000", 0.35)))
    palette.setColor(role.Shadow, QColor("#000000"))
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, r, QColor(mix(values["window"], muted, 0.7)))
    palette.setColor(group.Disabled, role.Highlight, QColor(mix(values["window"], values["highlight"], 0.5)))
    return palette


def colours(app: QApplication | None = None) -> Colours:
    """The colours of the palette in use."""
    instance = app or QApplication.instance()
    palette = instance.palette() if isinstance(instance, QApplication) else QPalette()
    base = palette.color(QPalette.ColorRole.Base).name()
    window = palette.color(QPalette.ColorRole.Window).name()
    text = palette.color(QPalette.ColorRole.Text).name()
    dark = luminance(base) < 0.2
    values = DARK if dark else LIGHT
    return Colours(
        dark=dark,
        window=window,
        base=base,
        text=text,
        muted=values["muted"] if base == values["base"] else mix(base, text, 0.62),
        accent=values["accent"] if base == values["base"] else palette.color(QPalette.ColorRole.Highlight).name(),
        border=mix(base, text, 0.16 if dark else 0.13),
        card=mix(base, text, 0.04 if dark else 0.025),
    )


def sheet(c: Colours, base_pt: float = 10.0) -> str:
    """The style sheet for the colours ``c`` (derived from the palette) and the system font's
    size ``base_pt`` (titles and prompts are sized from it, so they scale with it)."""
    title_pt, prompt_pt, header_pt = base_pt * 1.8, base_pt * 1.4, base_pt * 1.1
    accent_hover = mix(c.accent, "#ffffff" if c.dark else "#000000", 0.12)
    focus = mix(c.accent, c.text, 0.15) if c.dark else "#3b6ea8"
    title = mix(c.accent, "#ffffff", 0.35) if c.dark else ACCENT
    prompt = mix(c.text, "#ffffff", 0.3) if c.dark else "#17202b"
    probe_bg = mix(c.base, HUES["probe"], 0.2 if c.dark else 0.09)
    probe_text = mix(c.text, HUES["probe"], 0.15)
    button = mix(c.base, c.text, 0.07) if c.dark else "#fbfcfd"
    button_hover = mix(button, c.text, 0.07)
    button_border = mix(c.base, c.text, 0.24 if c.dark else 0.22)
    return f"""
QLabel#title {{ font-size: {title_pt:.1f}pt; font-weight: 600; color: {title}; }}
QLabel#header {{ font-size: {header_pt:.1f}pt; }}
QLabel#muted {{ color: {c.muted}; }}
QLabel#warning {{ color: {c.readable(HUES["warn"])}; font-weight: 600; }}
QLabel#error {{ color: {c.readable(HUES["bad"])}; }}
QLabel#prompt {{ font-size: {prompt_pt:.1f}pt; font-weight: 500; color: {prompt}; padding: 4px 0 6px 0; }}
QLabel#probes {{ background: {probe_bg}; border-left: 3px solid {HUES["probe"]}; padding: 6px 8px; color: {probe_text}; }}
QLabel#guidance {{ background: {c.card}; border: 1px solid {c.border}; border-radius: 4px; padding: 8px; }}
QLabel#card {{ background: {c.card}; border: 1px solid {c.border}; border-radius: 6px; padding: 10px; }}
QLabel#drop {{ border: 1.5px dashed {mix(c.base, c.text, 0.4)}; border-radius: 6px; color: {c.muted}; padding: 10px; background: {c.card}; }}
QLabel#preview {{ background: {c.card}; border: 1px solid {c.border}; border-radius: 4px; color: {c.muted}; }}
QLabel#level {{ padding: 2px 0; }}
QFrame#questionCard {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 8px; }}
QPushButton {{ padding: 5px 12px; border-radius: 4px; background: {button}; border: 1px solid {button_border}; }}
QPushButton:hover {{ background: {button_hover}; border-color: {mix(button_border, c.text, 0.2)}; }}
QPushButton:pressed {{ background: {mix(button, c.text, 0.12)}; }}
QPushButton:focus {{ border: 1.5px solid {focus}; }}
QPushButton:disabled {{ color: {mix(c.window, c.text, 0.45)}; background: {mix(button, c.window, 0.5)}; }}
QPushButton#primary {{ background: {c.accent}; color: white; border: 1px solid {c.accent}; font-weight: 600; }}
QPushButton#primary:hover {{ background: {accent_hover}; }}
QPushButton#primary:focus {{ border: 1.5px solid {mix(c.accent, c.text, 0.5)}; }}
QPushButton#primary:disabled {{ background: {mix(c.window, c.accent, 0.45)}; border-color: {mix(c.window, c.accent, 0.45)}; color: {mix(c.window, "#ffffff", 0.7)}; }}
QPushButton:checked {{ background: {mix(c.base, c.accent, 0.3 if c.dark else 0.16)}; border: 1.5px solid {c.accent if not c.dark else mix(c.accent, "#ffffff", 0.3)}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QTreeView::item {{ padding: 3px 2px; }}
QTabWidget::pane {{ border: 1px solid {c.border}; border-radius: 4px; }}
*:focus {{ outline: none; }}
QLineEdit:focus, QPlainTextEdit:focus, QTreeView:focus, QTableView:focus, QTextBrowser:focus {{ border: 1.5px solid {focus}; }}
"""


_following = {"theme": "system", "connected": False}


def _scheme_changed(*_args: object) -> None:
    """The operating system switched light and dark: follow it if the preference is ``system``."""
    if _following["theme"] == "system":
        apply_style("system", force=True)


def apply_style(theme: str = "system", *, force: bool = False) -> bool:
    """Set Fusion, the palette and the style sheet for ``theme``; True if it is dark."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    _following["theme"] = theme
    if not _following["connected"]:
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(_scheme_changed)
        _following["connected"] = True
    dark = _is_dark(theme)
    if not force and app.property("mockinspect_theme") == ("dark" if dark else "light"):
        return dark
    app.setStyle("Fusion")
    app.setPalette(_palette(DARK if dark else LIGHT))
    size = app.font().pointSizeF()
    app.setStyleSheet(sheet(colours(app), size if size > 0 else 10.0))
    app.setProperty("mockinspect_theme", "dark" if dark else "light")
    from mockinspect.ui.common import icon

    icon.cache_clear()
    return dark
