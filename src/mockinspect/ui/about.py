"""Help > About: the version (from ``mockinspect.__version__``, the one place it lives), the
libraries it runs on, and where this copy keeps its data, for a support call or an audit."""

from __future__ import annotations

import html
import platform
import sqlite3
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QWidget

from mockinspect import __version__
from mockinspect.i18n import tr
from mockinspect.paths import user_config_dir, user_data_dir, user_log_dir
from mockinspect.ui.common import ask


def about_rows(db_path: Path | None) -> list[tuple[str, str]]:
    """What the box shows, as (label, value) rows."""
    rows = [
        (tr("Version"), __version__),
        (tr("Runs on"), f"Python {platform.python_version()}, Qt {qVersion()} (PySide6 {pyside_version}), SQLite {sqlite3.sqlite_version}"),
        (tr("System"), f"{platform.system()} {platform.release()} ({platform.machine()})"),
    ]
    if db_path is not None:
        rows.append((tr("Database"), str(db_path)))
    rows += [
        (tr("Data and backups"), str(user_data_dir())),
        (tr("Error logs"), str(user_log_dir())),
        (tr("Settings"), str(user_config_dir())),
        (tr("Fonts in reports"), tr("Noto Sans (OFL), IPAGothic (IPA Font License), NanumGothic (OFL), Symbola; licences in resources/fonts")),
    ]
    return rows


def show_about(parent: QWidget | None, db_path: Path | None = None) -> None:
    intro = html.escape(
        tr("A GMP mock-inspection simulator: inspector interviews from question banks, evidence, findings, and the report.")
    )
    table = "".join(
        f"<tr><td><b>{html.escape(label)}</b></td><td>{html.escape(value)}</td></tr>" for label, value in about_rows(db_path)
    )
    body = f"<p><b>mockinspect {html.escape(__version__)}</b></p><p>{intro}</p><table cellspacing=4>{table}</table>"
    ask(parent, "info", tr("About mockinspect"), body)
