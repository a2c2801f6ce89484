"""Render resources/icons/app.svg into the icons the installers need (run by hand when the logo changes).

    .venv/bin/python packaging/make_icons.py

writes linux/mockinspect.png (256 px), windows/mockinspect.ico (16-256 px) and
macos/mockinspect.icns (16-1024 px). Qt draws the SVG; Pillow writes ICO and ICNS.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SVG = HERE.parent / "resources" / "icons" / "app.svg"


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs it for painting
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    render(renderer, 256).save(HERE / "linux" / "mockinspect.png")
    big = render(renderer, 1024)
    render(renderer, 256).save(HERE / "windows" / "mockinspect.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    big.save(HERE / "macos" / "mockinspect.icns")
    for path in ("linux/mockinspect.png", "windows/mockinspect.ico", "macos/mockinspect.icns"):
        print(f"wrote packaging/{path} ({(HERE / path).stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
