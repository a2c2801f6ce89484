"""What every view shares: the app-wide change signal, background work, the one dialog seam,
error display and icons.

Signals (``AppSignals``):
    session_changed(object): the core's ``Changes`` after every commit, on the GUI thread.
"""

from __future__ import annotations

import gc
import itertools
import logging
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QByteArray, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import QLayout, QMessageBox, QSplitter, QVBoxLayout, QWidget

from mockinspect.errors import UserError
from mockinspect.i18n import tr
from mockinspect.resources import resource

log = logging.getLogger("mockinspect.ui")

__all__ = ["AppSignals", "ask", "guarded", "icon", "run_op", "show_error", "tr"]


class AppSignals(QObject):
    """The one app-wide signal object; the core's listener may fire on any thread, so it
    re-emits through a queued connection.

    Signals:
        session_changed(object): a ``Changes`` value after a commit.
    """

    session_changed = Signal(object)
    _from_any_thread = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._from_any_thread.connect(self.session_changed.emit, Qt.ConnectionType.QueuedConnection)

    def bridge(self, changes: object) -> None:
        """The plain-Python listener given to ``InspectionService.listen``."""
        self._from_any_thread.emit(changes)


# -- the dialog seam --------------------------------------------------------------------------

Answer = str


def _ask_with_box(parent: QWidget | None, kind: str, title: str, text: str, buttons: tuple[str, ...]) -> Answer:
    box = QMessageBox(parent)
    box.setIcon(
        {"error": QMessageBox.Icon.Warning, "question": QMessageBox.Icon.Question}.get(kind, QMessageBox.Icon.Information)
    )
    box.setWindowTitle(title)
    box.setText(text)
    made = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole) for label in buttons]
    box.exec()
    clicked = box.clickedButton()
    for label, button in zip(buttons, made, strict=True):
        if button is clicked:
            return label
    return buttons[-1]


_asker: Callable[[QWidget | None, str, str, str, tuple[str, ...]], Answer] = _ask_with_box


def ask(parent: QWidget | None, kind: str, title: str, text: str, buttons: tuple[str, ...] = ("OK",)) -> Answer:
    """Show a modal message and return the label of the button chosen (tests replace ``set_asker``)."""
    return _asker(parent, kind, title, text, buttons)


def set_asker(function: Callable[[QWidget | None, str, str, str, tuple[str, ...]], Answer]) -> None:
    global _asker
    _asker = function


def show_error(parent: QWidget | None, message: str) -> None:
    ask(parent, "error", tr("mockinspect"), message, (tr("OK"),))


@contextmanager
def guarded(parent: QWidget | None) -> Iterator[None]:
    """Run a service call: a ``UserError`` becomes a message box, never a traceback."""
    try:
        yield
    except UserError as exc:
        show_error(parent, str(exc))


log_file: Path | None = None  # set by ``main.log_to_file``


def report_unexpected(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
    """``sys.excepthook`` (which PySide6 calls for an exception in a slot): write the traceback to
    the log and show a short message; the window goes on, and typing keeps being saved."""
    if issubclass(exc_type, UserError):
        show_error(None, str(exc))
        return
    log.error("unexpected error\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
    what = (str(exc) or exc_type.__name__).splitlines()[0]
    what = what if len(what) <= 200 else what[:199] + "…"
    where = tr("the details are in {path}", path=log_file) if log_file else tr("the details are in the log")
    try:
        show_error(None, tr("Something went wrong: {what}. Your work is saved; {where}.", what=what, where=where))
    except Exception:  # never let the error report itself raise from the hook
        log.exception("could not show the error message")


# -- background work ---------------------------------------------------------------------------


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Op(QRunnable):
    def __init__(self, op: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.op = op
        self.signals = signals

    def run(self) -> None:
        signals, op = self.signals, self.op
        # PySide keeps a started QRunnable's wrapper alive: let go of the op (and through the
        # signals' connections, the view that asked) so a closed window can be freed
        self.op = self.signals = None  # type: ignore[assignment]
        try:
            result = op()
        except BaseException as exc:  # reported on the GUI thread
            signals.failed.emit(exc)
        else:
            signals.succeeded.emit(result)


_live: dict[int, _Signals] = {}
_next_key = itertools.count()


def run_op(
    op: Callable[[], Any],
    *,
    success: Callable[[Any], None],
    failure: Callable[[BaseException], None] | None = None,
    parent: QWidget | None = None,
) -> None:
    """Run ``op`` on the thread pool (immutable inputs, never a database write) and call
    ``success`` or ``failure`` back on the GUI thread (Anki's CollectionOp).

    The callbacks never refer to the signals object they are connected to (only to its key):
    such a cycle runs through Qt's connection and the garbage collector cannot see it, so
    every view that ever ran an op would stay in memory."""
    signals = _Signals()
    key = next(_next_key)
    _live[key] = signals

    def gone() -> bool:  # the view that asked was closed meanwhile: drop the result
        return parent is not None and not shiboken6.isValid(parent)

    def done(result: Any) -> None:
        _live.pop(key, None)
        if not gone():
            success(result)

    def failed(exc: BaseException) -> None:
        _live.pop(key, None)
        if gone():
            return
        if failure is not None:
            failure(exc)
        elif isinstance(exc, UserError):
            show_error(parent, str(exc))
        else:
            report_unexpected(type(exc), exc, exc.__traceback__)

    signals.succeeded.connect(done, Qt.ConnectionType.QueuedConnection)
    signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    QThreadPool.globalInstance().start(_Op(op, signals))


def collect_garbage_on_gui_thread(owner: QObject, interval_ms: int = 1000) -> QTimer:
    """Turn off Python's automatic garbage collection and collect on the GUI thread instead.

    Automatic collection runs on whichever thread allocates; on a worker (bank loading,
    hashing) it can destroy Qt wrappers there and crash. Anki does the same (aqt/__init__).
    The young generations are collected every second (well under a millisecond), the whole
    heap every 30 s; ``settle_garbage`` keeps that cheap."""
    gc.disable()
    timer = QTimer(owner)
    timer.setInterval(interval_ms)
    ticks = [0]

    def collect() -> None:
        ticks[0] += 1
        gc.collect(2 if ticks[0] % 30 == 0 else 1)

    timer.timeout.connect(collect)
    timer.start()
    return timer


def settle_garbage() -> None:
    """Collect everything now and set what is left aside (``gc.freeze``): later collections skip
    the ~100,000 objects of the loaded core, banks and screens. A full collection of them takes
    about 50 ms, three frames of a frozen window; call this where the user waits anyway
    (the database opened, a session opened, the banks loaded)."""
    gc.collect()
    gc.freeze()


def unfreeze_garbage() -> None:
    """Give the objects ``settle_garbage`` set aside back to the collector (a screen closed: its
    cycles can be freed); the next ``settle_garbage`` collects and sets aside again."""
    gc.unfreeze()


# Stroke colours of the icons that are too dark on a dark background, and their dark-theme
# replacements (the filled status circles keep their colour: white marks on them read on both).
DARK_ICON_COLOURS = {"#4a5563": "#c3cbd6", "#6b5fb5": "#a99ff0", "#3b6ea8": "#6fa3e0", "#b3261e": "#e5675d"}


@cache
def icon(name: str) -> QIcon:
    """An icon drawn for mockinspect (resources/icons/NAME.svg), recoloured for a dark theme.

    ``style.apply_style`` clears the cache when the theme changes."""
    from mockinspect.ui.style import colours

    try:
        path = resource("icons", f"{name}.svg")
        if not colours().dark or name == "app":
            return QIcon(str(path))
        from PySide6.QtSvg import QSvgRenderer

        svg = path.read_text(encoding="utf-8")
        for old, new in DARK_ICON_COLOURS.items():
            svg = svg.replace(old, new)
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        drawn = QIcon()
        for size in (16, 24, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            drawn.addPixmap(pixmap)
        return drawn
    except Exception:  # a missing icon is cosmetic
        return QIcon()


def screen_panes(
    screen: QWidget, top: QLayout, panes: tuple[QWidget, QWidget, QWidget], *, name: str,
    stretch: tuple[int, int, int], sizes: tuple[int, int, int],
) -> QSplitter:
    """A working screen's frame (the interview, the rehearsal): a header row over three panes
    (list, centre, side) in a named splitter, whose state the window keeps."""
    splitter = QSplitter()
    splitter.setObjectName(name)
    for index, pane in enumerate(panes):
        splitter.addWidget(pane)
        splitter.setStretchFactor(index, stretch[index])
    splitter.setSizes(list(sizes))
    layout = QVBoxLayout(screen)
    layout.setContentsMargins(12, 8, 12, 8)
    layout.addLayout(top)
    layout.addWidget(splitter, 1)
    return splitter


def screen_shortcut(screen: QWidget, keys: str, slot: Callable[[], object]) -> QShortcut:
    """A key that acts while focus is anywhere in ``screen`` (not in other screens of the window)."""
    return QShortcut(QKeySequence(keys), screen, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
