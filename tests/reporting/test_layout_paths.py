"""The report's faster layout paths give the layout reportlab's own paths give."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from mockinspect.reporting.pdf import _Para, _styles

TEXT = "The reviewer explained the checks made before release & signed them. " * 6


def _lines(p: Paragraph) -> list[str]:
    """Each line as text: its words, fonts, sizes and colours (fragments compare by identity)."""
    return [repr(line) for line in p.blPara.lines]


def test_a_paragraph_breaks_its_lines_once_per_width_and_each_width_keeps_its_own_lines(monkeypatch):
    style = _styles()["cell"]
    ours, plain_wide, plain_narrow = _Para(TEXT, style), Paragraph(TEXT, style), Paragraph(TEXT, style)
    calls = []
    real = Paragraph.breakLines
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, widths: calls.append(widths) or real(self, widths))
    wide = ours.wrap(400, 50)
    narrow = ours.wrap(120, 9999)
    assert ours.wrap(400, 10) == wide == plain_wide.wrap(400, 50)
    assert _lines(ours) == _lines(plain_wide)
    assert ours.wrap(120, 10) == narrow == plain_narrow.wrap(120, 10)
    assert _lines(ours) == _lines(plain_narrow)
    assert narrow[1] > wide[1]
    assert len(calls) == 4  # ours twice (one per width), each plain paragraph once
