"""Evidence photos as small JPEG thumbnails: EXIF orientation applied, downscaled, so a report
with a dozen phone photos stays a few megabytes (reportlab embeds every pixel it is given)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

MAX_SIDE = 900  # pixels: about 250 dpi at the 9 cm a thumbnail is printed
MAX_INPUT = 60_000_000  # bytes: a bigger file is not read
QUALITY = 78


def thumbnail(path: Path) -> tuple[bytes, tuple[int, int]] | None:
    """A JPEG of at most ``MAX_SIDE`` pixels a side and its size, or None when ``path`` is
    not an image Pillow can read."""
    try:
        from PIL import Image, ImageOps
    except ImportError:  # pragma: no cover - reportlab depends on Pillow
        return None
    try:
        if path.stat().st_size > MAX_INPUT:
            return None
        with Image.open(path) as opened:
            img = ImageOps.exif_transpose(opened)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, "white")
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.split()[-1])
                img = background
            out = BytesIO()
            img.save(out, "JPEG", quality=QUALITY, optimize=True)
            return out.getvalue(), img.size
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None
