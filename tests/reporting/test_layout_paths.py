"""The report's faster layout paths give the layout reportlab's own paths give."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph
from reportlab.platypus.paraparser import ParaParser

from mockinspect.reporting import fonts
from mockinspect.reporting.fonts import markup as mk
from mockinspect.reporting.pdf import _Para, _Shapes, _styles

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


USER_TEXTS = [
    "Zell & Co <GmbH>",
    "<b>unclosed A & B <font size=80>big</font>",
    'Specifically, <img src="/etc/passwd"/> and &amp; and <b> were typed.',
    "Größere Änderung: Prüfung der Übergabe; Ελληνικά κείμενα; Кириллица текст",
    "品質保証部の担当者が確認しました。 품질 보증 담당자가 확인했습니다. ✅☕ done",
    "  leading and trailing  \n\n second line\twith a tab  ",
    "0.1 <A <0.9 &nbsp; &#169; \ue000 private use",
    "plain words only",
    "",
]
TEMPLATES = [
    "{}",
    "<b>{}</b>",
    '<font size="8.2"><b>1  {}</b> &nbsp;<font color="#5B6577">{}</font> &nbsp;\u00b7&nbsp; <b>{}</b></font><br/><i>{}</i><br/>{}',
    '<font color="#5B6577">Recommended: {}</font>',
    "\u201c{}\u201d",
]


def _styled_chars(p: Paragraph) -> list[tuple[str, object]]:
    """Each character (a line break as "BR") with the style it prints in: the fragments' text
    and every other attribute, however the text is cut into fragments."""
    out: list[tuple[str, object]] = []
    for f in p.frags:
        look = tuple(sorted((k, v.hexval() if hasattr(v, "hexval") else repr(v)) for k, v in vars(f).items() if k != "text"))
        out += [("BR", look)] if getattr(f, "lineBreak", False) else [(ch, look) for ch in f.text]
    return out


def _line_texts(p: Paragraph, width: float) -> list[str]:
    p.wrap(width, 10_000)
    lines = p.blPara.lines
    if p.blPara.kind == 0:
        return [" ".join(words) for _extra, words in lines]
    return ["".join(getattr(w, "text", "") for w in line.words).strip() for line in lines]


@pytest.mark.parametrize("template", TEMPLATES)
def test_paragraphs_built_by_shape_print_what_the_markup_parser_gives_in_fewer_pieces(template):
    styles = _styles()
    shapes = _Shapes()
    for style in ("qa", "cell", "h3"):
        for i in range(len(USER_TEXTS)):
            args = [mk(USER_TEXTS[(i + k) % len(USER_TEXTS)]) for k in range(template.count("{}"))]
            markup = template.format(*args)
            ours, theirs = shapes.para(markup, styles[style]), Paragraph(markup, styles[style])
            assert _styled_chars(ours) == _styled_chars(theirs), markup
            assert len(ours.frags) <= len(theirs.frags)
            for width in range(40, 420, 9):
                assert _line_texts(ours, width) == _line_texts(theirs, width), (markup, width)


def test_a_shape_is_parsed_once_and_user_text_is_never_read_as_markup(monkeypatch):
    style = _styles()["cell"]
    shapes = _Shapes()
    parses = []
    real = ParaParser.parse
    monkeypatch.setattr(ParaParser, "parse", lambda self, text, st: parses.append(text) or real(self, text, st))
    typed = ["Answer <b>1</b> & more", "Answer <i>2</i> & more", "Answer <font size=80>3</font> & more"]
    texts = [shapes.para(f"<b>Q</b> {mk(t)}", style).getPlainText() for t in typed]
    assert texts == ["Q " + t for t in typed]
    assert len(parses) == 1
    (greek,) = shapes.para(mk("\u0391\u03b2\u03b3"), style).frags
    assert greek.fontName == "NotoSans"
    assert [f.fontName for f in shapes.para(mk("A \u54c1\u8cea B"), style).frags] == ["NotoSans", "IPAGothic", "NotoSans"]
    (joined,) = shapes.para("release &amp; signed &lt;b&gt;", style).frags  # entities no longer cut the text
    assert joined.text == "release & signed <b>"


def test_the_fonts_remember_widths_and_measure_as_reportlab_does():
    fonts.register()
    ours = pdfmetrics.getFont(fonts.BASE)
    assert isinstance(ours, fonts._Font)
    plain = TTFont("plain-noto", ours.face.filename)
    for text, size in [("release", 8.2), ("Größere Änderung", 9.5), (" ", 8), ("", 10), ("release", 26)]:
        assert ours.stringWidth(text, size) == plain.stringWidth(text, size)
        assert ours.stringWidth(text, size) == plain.stringWidth(text, size)  # the remembered width
    assert ours.stringWidth("release", 26) > ours.stringWidth("release", 8.2) > 0
