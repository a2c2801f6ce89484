"""The findings report as PDF: a reportlab layout that is a pure function of the report model.

Nothing here decides a grade, a level or an outcome: when the layout needs a number the model
has it. Every user text goes through ``fonts.markup`` (escaped, each run in a font that has its
glyphs). The same model gives the same bytes: invariant mode, the creation date from the model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.rl_accel import sameFrag
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
    cleanBlockQuotedText,
)
from reportlab.platypus.paraparser import ParaParser

from mockinspect.reporting import fonts
from mockinspect.reporting.fonts import markup as mk
from mockinspect.reporting.model import ReportFinding, ReportModel

INK = colors.HexColor("#1A1F2B")
MUTED = colors.HexColor("#5B6577")
ACCENT = colors.HexColor("#17375E")
RULE = colors.HexColor("#C9D1DC")
PALE = colors.HexColor("#EEF2F7")
ZEBRA = colors.HexColor("#F7F9FB")
WARN = colors.HexColor("#B3261E")
GRADE_COLOURS = {
    "critical": colors.HexColor("#8E1B1B"),
    "major": colors.HexColor("#C0561B"),
    "minor": colors.HexColor("#8A6D00"),
    "recommendation": colors.HexColor("#3C6E47"),
}
SQUARE = mk("\u25a0")  # through the splitter: Noto Sans has no U+25A0
PAPER = {"a4": A4, "letter": LETTER}
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle(
        "body", fontName=fonts.BASE, fontSize=9.5, leading=13.2, textColor=INK, splitLongWords=1, spaceAfter=4
    )
    s = {"body": base}
    s["small"] = ParagraphStyle("small", parent=base, fontSize=8, leading=10.4, spaceAfter=0)
    s["muted"] = ParagraphStyle("muted", parent=s["small"], textColor=MUTED)
    s["qa"] = ParagraphStyle("qa", parent=s["small"], spaceAfter=3 * mm, allowWidows=0, allowOrphans=0)
    s["cell"] = ParagraphStyle("cell", parent=base, fontSize=8.2, leading=10.6, spaceAfter=0)
    s["cellb"] = ParagraphStyle("cellb", parent=s["cell"], fontName=fonts.BOLD)
    s["head"] = ParagraphStyle("head", parent=s["cell"], fontName=fonts.BOLD, textColor=colors.white)
    s["label"] = ParagraphStyle("label", parent=s["cell"], fontName=fonts.BOLD, fontSize=7, textColor=MUTED, leading=10)
    s["h1"] = ParagraphStyle(
        "h1", parent=base, fontName=fonts.BOLD, fontSize=15, leading=19, textColor=ACCENT, spaceBefore=2, spaceAfter=8
    )
    s["h2"] = ParagraphStyle(
        "h2", parent=base, fontName=fonts.BOLD, fontSize=11.5, leading=15, textColor=ACCENT, spaceBefore=10, spaceAfter=4
    )
    s["h3"] = ParagraphStyle("h3", parent=base, fontName=fonts.BOLD, fontSize=10, leading=13.5, spaceBefore=6, spaceAfter=2)
    s["title"] = ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=26, leading=32, textColor=ACCENT)
    s["subtitle"] = ParagraphStyle("subtitle", parent=base, fontSize=13, leading=18, textColor=MUTED)
    s["site"] = ParagraphStyle("site", parent=base, fontName=fonts.BOLD, fontSize=16, leading=21, textColor=INK)
    s["toc1"] = ParagraphStyle("toc1", parent=base, fontSize=10, leading=16)
    s["toc2"] = ParagraphStyle("toc2", parent=base, fontSize=8.8, leading=12.5, leftIndent=14, textColor=MUTED)
    s["big"] = ParagraphStyle("big", parent=base, fontName=fonts.BOLD, fontSize=20, leading=24, alignment=TA_CENTER)
    s["center"] = ParagraphStyle("center", parent=s["small"], alignment=TA_CENTER)
    return s


def _when(moment: datetime | None) -> str:
    return f"{moment:%d %b %Y %H:%M}" if moment else "\u2013"


class _Para(Paragraph):
    """A Paragraph that breaks its lines once per width. A table wraps each cell to size its
    rows, again to draw it and again after each page split; the frame may wrap twice too.
    ``Paragraph.wrap`` depends on the width only, so the lines are kept per width."""

    _wraps: dict[float, tuple[Any, ...]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        wraps = self._wraps
        if wraps is None:
            wraps = self._wraps = {}
        else:
            hit = wraps.get(availWidth)
            if hit is not None:
                self.width, self.height, self.blPara, self._wrapWidths = hit
                return availWidth, hit[1]
        width, height = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara") and self.width == availWidth:
            wraps[availWidth] = (self.width, self.height, self.blPara, self._wrapWidths)
        return width, height


# Tags, entities and runs of text of a paragraph's markup (after reportlab's whitespace cleaning).
_TOKEN = re.compile(r"<[^<>]*>|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);|[^<&]+")
_SLOT = "\ue000"  # a placeholder for a run of text; private use, so never in escaped user text


class _Shapes:
    """Paragraph fragments without reportlab's markup parser for each paragraph.

    Paragraphs of the report share a few shapes (the same tags around different text): the
    appendix has a thousand paragraphs of one shape. reportlab's parser (html.parser plus a
    copy of the style per tag) costs more than breaking the lines. So each shape is parsed
    once, with a placeholder for each run of text, and a paragraph of that shape gets copies
    of those fragments with its own text (the same whitespace cleaning first). Neighbouring
    fragments of the same style (the parser gives each entity such as ``&amp;`` or
    ``&nbsp;`` its own) are joined into one: the same characters in the same fonts and
    colours, fewer pieces for reportlab to break into lines and draw. Markup that does not
    tokenise cleanly is parsed the usual way.
    """

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, str], list[tuple[Any, list[int | str]]] | None] = {}

    def para(self, markup: str, style: ParagraphStyle) -> _Para:
        text = cleanBlockQuotedText(markup)
        tokens = _TOKEN.findall(text)
        if _SLOT in text or sum(map(len, tokens)) != len(text):
            return _Para(markup, style)
        runs: list[str] = []
        shape: list[str] = []
        for token in tokens:
            if token[0] in "<&" or token.isspace():
                shape.append(token)
            else:
                shape.append(f"{_SLOT}{len(runs)}{_SLOT}")
                runs.append(token)
        key = (style.name, "".join(shape))
        if key not in self._shapes:
            self._shapes[key] = self._parse(key[1], style, len(runs))
        template = self._shapes[key]
        if template is None:
            return _Para(markup, style)
        frags = []
        for frag, parts in template:
            f = frag.clone()
            f.text = "".join(runs[x] if isinstance(x, int) else x for x in parts)
            frags.append(f)
        return _Para(text, style, frags=frags)

    @staticmethod
    def _parse(skeleton: str, style: ParagraphStyle, n_runs: int) -> list[tuple[Any, list[int | str]]] | None:
        """The shape's fragments, each with its text as parts: a run's number or literal text."""
        parser = ParaParser()
        parser.caseSensitive = 1  # as Paragraph sets it
        parsed_style, frags, bullet = parser.parse(skeleton, style)  # type: ignore[no-untyped-call]
        if frags is None or bullet or parsed_style is not style or style.textTransform:
            return None
        template: list[tuple[Any, list[int | str]]] = []
        seen: list[int] = []
        joinable = False  # the last fragment is text (not a line break or an image)
        for f in frags:
            text = getattr(f, "text", "")
            part: int | str = text
            if len(text) > 2 and text[0] == text[-1] == _SLOT and text[1:-1].isdigit():
                part = int(text[1:-1])
                seen.append(part)
            elif _SLOT in text:
                return None  # a run split or joined with other text
            # only text with words of its own joins: a fragment of blanks or a no-break space
            # changes where reportlab's line breaking puts the spaces
            plain = not (
                hasattr(f, "lineBreak") or hasattr(f, "cbDefn") or (isinstance(part, str) and (text.isspace() or "\xa0" in text))
            )
            if joinable and plain and sameFrag(template[-1][0], f):
                template[-1][1].append(part)
            else:
                template.append((f, [part]))
            joinable = plain
        if sorted(seen) != list(range(n_runs)):
            return None  # a run did not come out as exactly one fragment
        return template


class _Heading(_Para):
    """A heading that goes into the table of contents and the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, plain: str) -> None:
        super().__init__(text, style)
        self.toc_level = level
        self.toc_text = plain
        self.toc_key = "h" + hashlib.sha1(f"{level}:{plain}".encode()).hexdigest()[:12]


class _Doc(BaseDocTemplate):
    def __init__(self, out: IO[bytes], model: ReportModel, pagesize: tuple[float, float]) -> None:
        super().__init__(
            out,
            pagesize=pagesize,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=f"{model.title}: {fonts.clean(model.site)} ({model.reference})",
            author=fonts.clean(model.company or (model.summary and model.identification[8].value) or "mockinspect"),
            subject=f"{model.status} mock inspection report, {fonts.clean(model.persona_title)}",
            creator=f"mockinspect {model.app_version}",
            keywords=[fonts.clean(k) for k in model.keywords],
            invariant=1,
            pageCompression=1,
        )
        self.model = model
        self._seen_keys: set[str] = set()
        w, h = pagesize
        body = Frame(MARGIN_X, MARGIN_BOTTOM, w - 2 * MARGIN_X, h - MARGIN_TOP - MARGIN_BOTTOM, id="body", leftPadding=0, rightPadding=0)
        cover = Frame(MARGIN_X, MARGIN_BOTTOM, w - 2 * MARGIN_X, h - 2 * MARGIN_BOTTOM, id="cover", leftPadding=0, rightPadding=0)
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[cover], onPage=self._cover_page),
                PageTemplate(id="body", frames=[body], onPage=self._body_page),
            ]
        )

    def beforeDocument(self) -> None:
        self._seen_keys = set()
        self.toc_entries: list[tuple[int, str, int, str]] = []
        self.canv.toc_entries = self.toc_entries  # type: ignore[attr-defined]
        stamp = self.model.created
        self.canv.setDateFormatter(lambda *_: f"D:{stamp:%Y%m%d%H%M%S}Z")

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            key = flowable.toc_key
            if key in self._seen_keys:
                key = f"{key}-{len(self._seen_keys)}"
            self._seen_keys.add(key)
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_text, key, level=flowable.toc_level, closed=flowable.toc_level > 0)
            self.toc_entries.append((flowable.toc_level, flowable.toc_text, self.page, key))

    def _cover_page(self, canv: Canvas, doc: Any) -> None:
        w, h = self.pagesize
        canv.saveState()
        canv.setFillColor(ACCENT)
        canv.rect(0, h - 14 * mm, w, 14 * mm, stroke=0, fill=1)
        canv.setFillColor(colors.white)
        canv.setFont(fonts.BOLD, 9)
        canv.drawString(MARGIN_X, h - 8.8 * mm, _plain(self.model.company or "mockinspect").upper())
        canv.drawRightString(w - MARGIN_X, h - 8.8 * mm, f"{self.model.reference}  \u00b7  {self.model.status.upper()}")
        self._footer(canv)
        canv.restoreState()

    def _body_page(self, canv: Canvas, doc: Any) -> None:
        w, h = self.pagesize
        canv.saveState()
        canv.setFont(fonts.BASE, 7.5)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN_X, h - 13 * mm, _fit(f"{self.model.title} \u00b7 {_plain(self.model.site)}", 95))
        canv.drawRightString(w - MARGIN_X, h - 13 * mm, f"{self.model.reference} \u00b7 {self.model.status}")
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, h - 15 * mm, w - MARGIN_X, h - 15 * mm)
        self._footer(canv)
        canv.restoreState()

    def _footer(self, canv: Canvas) -> None:
        w, _h = self.pagesize
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, 13 * mm, w - MARGIN_X, 13 * mm)
        canv.setFont(fonts.BASE, 7)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN_X, 9 * mm, f"Confidential \u00b7 {self.model.reference} \u00b7 version 1 \u00b7 mockinspect {self.model.app_version}")
        # "Page X of Y" is drawn by _NumberedCanvas once the page count is known


CONTENTS_PAGE = 1  # the second page, after the cover


class PagedCanvas(Canvas):
    """Two passes in one: keep each page's state, then draw "Page X of Y" on every page once the
    page count is known (the findings report and the training record share it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fonts.register()
        kwargs.setdefault("initialFontName", fonts.BASE)  # no unembedded Helvetica in the file
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def before_footer(self, index: int) -> None:
        """Draw what needs the whole document on page ``index`` (0-based); nothing by default."""

    def save(self) -> None:
        total = len(self._pages)
        for index, state in enumerate(self._pages):
            self.__dict__.update(state)
            self.before_footer(index)
            w = self._pagesize[0]  # type: ignore[attr-defined]
            self.setFont(fonts.BASE, 7)
            self.setFillColor(MUTED)
            number = self._pageNumber  # type: ignore[attr-defined]
            self.drawRightString(w - MARGIN_X, 9 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


class _NumberedCanvas(PagedCanvas):
    """The findings report's canvas: the contents page is drawn once every heading's page is known."""

    def before_footer(self, index: int) -> None:
        if index == CONTENTS_PAGE:
            self._draw_contents()

    def _draw_contents(self) -> None:
        """The table of contents with dot leaders and links, from the headings laid out."""
        entries: list[tuple[int, str, int, str]] = getattr(self, "toc_entries", [])
        w, h = self._pagesize  # type: ignore[attr-defined]
        top = h - MARGIN_TOP - 34
        room = top - MARGIN_BOTTOM - 10
        step = min(17.0, room / max(len(entries), 1))
        y = top
        right = w - MARGIN_X
        for level, text, page, key in entries:
            indent = 14 if level else 0
            font, size, colour = (fonts.BASE, 10, INK) if level == 0 else (fonts.BASE, 8.8, MUTED)
            if level == 0:
                y -= step * 0.25
            self.setFont(font, size)
            self.setFillColor(colour)
            label = _fit(_plain(text), 90)
            self.drawString(MARGIN_X + indent, y, label)
            number = str(page)
            self.drawRightString(right, y, number)
            start = MARGIN_X + indent + self.stringWidth(label, font, size) + 6
            end = right - self.stringWidth(number, font, size) - 6
            self.setFillColor(RULE)
            x = start + (3 - start % 3)
            while x < end:
                self.circle(x, y + 2, 0.45, stroke=0, fill=1)
                x += 3.2
            self.linkRect("", key, (MARGIN_X, y - 3, right, y + size), relative=0, thickness=0)
            y -= step


def _plain(text: str) -> str:
    """User text for canvas.drawString (no markup there): cleaned, first line only."""
    return fonts.clean(text).split("\n", 1)[0]


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# -- building blocks -------------------------------------------------------------------------


class _Builder:
    def __init__(self, model: ReportModel, width: float) -> None:
        self.m = model
        self.s = _styles()
        self.width = width
        self.shapes = _Shapes()

    def p(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of user text (escaped)."""
        return self.shapes.para(mk(text), self.s[style])

    def raw(self, markup: str, style: str = "body") -> Paragraph:
        """A paragraph of our own markup around already-escaped text."""
        return self.shapes.para(markup, self.s[style])

    def h1(self, text: str) -> _Heading:
        return _Heading(mk(text), self.s["h1"], 0, text)

    def h2(self, text: str, toc: bool = True) -> Flowable:
        if not toc:
            return _Para(mk(text), self.s["h2"])
        return _Heading(mk(text), self.s["h2"], 1, text)

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        extra: Iterable[tuple[Any, ...]] = (),
        align_right: Sequence[int] = (),
    ) -> Table:
        """A table that splits across pages with its header repeated; cells are Paragraphs."""
        total = sum(widths)
        cols = [w / total * self.width for w in widths]
        data: list[list[Any]] = [[self.raw(mk(h), "head") for h in head]]
        for row in rows:
            data.append([c if isinstance(c, Flowable) or c == "" else self.p(str(c), "cell") for c in row])
        t = Table(data, colWidths=cols, repeatRows=1, splitByRow=1, splitInRow=1)
        style: list[Any] = [
            ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.6),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        style += list(extra)
        t.setStyle(TableStyle(style))
        return t

    def grid(self, pairs: Sequence[tuple[str, Any]], label_width: float = 0.27) -> Table:
        """A label | value grid with upper-case labels (the 483 header look)."""
        data = [[label.upper(), v if isinstance(v, Flowable) else self.p(str(v), "cell")] for label, v in pairs]
        t = Table(data, colWidths=[self.width * label_width, self.width * (1 - label_width)], splitInRow=1)
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONT", (0, 0), (0, -1), fonts.BOLD, 7, 10),  # labels are our own words: plain strings
                    ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return t

    def grade_tag(self, f: ReportFinding) -> str:
        colour = GRADE_COLOURS.get(f.grade, INK).hexval()[2:]
        return f'<font color="#{colour}"><b>{mk(f.grade_word)}</b></font>'

    def box(self, flowables: list[Flowable], colour: colors.Color = PALE, border: colors.Color = RULE) -> Table:
        t = Table([[flowables]], colWidths=[self.width])
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colour),
                    ("BOX", (0, 0), (-1, -1), 0.6, border),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return t

    # -- sections ---------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        m = self.m
        story: list[Flowable] = [Spacer(1, 18 * mm)]
        if m.company_logo:  # the consultancy's logo, top right, at most 50 x 18 mm
            w, h = m.company_logo_size
            scale = min(50 * mm / max(w, 1), 18 * mm / max(h, 1))
            logo = Image(BytesIO(m.company_logo), width=w * scale, height=h * scale)
            logo.hAlign = "RIGHT"
            story = [logo, Spacer(1, max(0.0, 18 * mm - h * scale))]
        story.append(self.raw(mk(m.title), "title"))
        story.append(Spacer(1, 3 * mm))
        story.append(self.raw(f"Simulating an {mk(m.persona_title)}", "subtitle"))
        story.append(Spacer(1, 10 * mm))
        story.append(self.raw(mk(m.site), "site"))
        address = next((f.value for f in m.identification if f.label == "Address"), "")
        if address:
            story.append(self.p(address, "subtitle"))
        story.append(Spacer(1, 10 * mm))
        story.append(self.grid([(f.label, f.value) for f in m.identification if f.label not in ("Site", "Address")]))
        story.append(Spacer(1, 8 * mm))
        story.append(
            self.box(
                [
                    self.raw("<b>Mock inspection: not exhaustive; outcome indicative</b>", "small"),
                    Spacer(1, 2),
                    self.p(m.disclaimer, "small"),
                    Spacer(1, 4),
                    self.p(m.confidentiality, "small"),
                ]
            )
        )
        for note in m.notes:
            story += [Spacer(1, 4 * mm), self.box([self.p(note, "small")], colors.HexColor("#FFF4E5"), colors.HexColor("#E0A458"))]
        story += [NextPageTemplate("body"), PageBreak()]
        return story

    def contents(self) -> list[Flowable]:
        """The contents page: its entries are drawn by ``_NumberedCanvas`` once every heading's
        page is known, so the document is laid out in one pass, not the two of multiBuild."""
        return [self.raw("Contents", "h1"), PageBreak()]

    def summary(self) -> list[Flowable]:
        sm = self.m.summary
        story: list[Flowable] = [self.h1("1  Executive summary"), self.p(sm.scope)]
        cells = []
        for g in sm.counts:
            colour = GRADE_COLOURS.get(g.grade, INK).hexval()[2:]
            cells.append(
                [
                    self.raw(f'<font color="#{colour}">{g.count}</font>', "big"),
                    self.raw(mk(g.word), "center"),
                ]
            )
        t = Table([cells], colWidths=[self.width / 4] * 4)
        t.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                    ("INNERGRID", (0, 0), (-1, -1), 0.6, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        story += [Spacer(1, 2 * mm), t, Spacer(1, 4 * mm)]
        verdict_colour = {"Good": "#2E7D32", "Satisfactory": "#8A6D00", "Unsatisfactory": "#B3261E"}.get(sm.verdict, "#1A1F2B")
        story.append(
            self.grid(
                [
                    ("Overall verdict", self.raw(f'<font color="{verdict_colour}"><b>{mk(sm.verdict)}</b></font> ({mk(sm.verdict_reason)})', "cell")),
                    ("Scale", self.p(sm.verdict_scale, "cell")),
                    ("Indicative outcome", self.raw(f"<b>{mk(sm.outcome_label)}</b>" + (f"<br/>{mk(sm.outcome_description)}" if sm.outcome_description else ""), "cell")),
                    ("", self.p(sm.outcome_note, "muted")),
                ],
                0.22,
            )
        )
        story.append(self.h2("Main strengths", toc=False))
        story += [self.raw("\u2022 " + mk(x), "body") for x in sm.strengths] or [self.p("None recorded.")]
        story.append(self.h2("Main high-risk areas", toc=False))
        story += [self.raw("\u2022 " + mk(x), "body") for x in sm.top_risks] or [self.p("No deficiencies were raised.")]
        if sm.prompts:
            story.append(self.h2("For the lead auditor to consider", toc=False))
            story += [self.raw("\u2022 " + mk(x), "body") for x in sm.prompts]
        story.append(PageBreak())
        return story

    def scope(self) -> list[Flowable]:
        m = self.m
        story: list[Flowable] = [self.h1("2  Scope and coverage")]
        if m.agenda:
            story.append(self.h2("2.1  Agenda"))
            story.append(
                self.table(
                    ["Day", "Session", "Areas", "Minutes"],
                    [[str(a.day), a.title, a.areas, str(a.minutes)] for a in m.agenda],
                    [8, 52, 32, 10],
                )
            )
        story.append(self.h2("2.2  Coverage by area"))
        statuses = ["Compliant", "Obs.", "Deficient", "N/A", "Deferred", "Not answ."]
        story.append(
            self.table(
                ["Area", "Asked", *statuses, "Findings"],
                [[a.title, str(a.asked), *[str(n) for _s, n in a.by_status], str(a.findings)] for a in m.areas],
                [28, 8, 11, 8, 10, 7, 10, 10, 9],
            )
        )
        if m.documents:
            story.append(self.h2("2.3  Coverage by cited document"))
            story.append(
                self.table(
                    ["Document", "Questions", "Answered", "Findings", "Covered"],
                    [[d.document, str(d.questions), str(d.answered), str(d.findings), "Yes" if d.covered else "No"] for d in m.documents],
                    [58, 11, 11, 10, 10],
                )
            )
        story.append(self.h2("2.4  Not covered, and why"))
        if m.not_covered:
            story.append(self.table(["Area or question", "Reason"], [[n.what, n.why] for n in m.not_covered], [35, 65]))
        else:
            story.append(self.p("Every question drawn was answered."))
        story.append(PageBreak())
        return story

    def finding_block(self, f: ReportFinding, word: str) -> list[Flowable]:
        rating = (
            f"S {f.severity} \u00b7 {self.m.risk.occurrence_label[:1]} {f.occurrence} \u00b7 D {f.detectability} \u00b7 priority {f.priority}"
            if f.priority is not None
            else "Not rated"
        )
        level = (
            f'<font color="{f.level_colour}">{SQUARE}</font> <b>{mk(f.level)}</b> &nbsp; {mk(rating)}' if f.level else mk(rating)
        )
        head = self.raw(f"{word} {f.number}. &nbsp;{mk(f.title)}", "h3")
        head.keepWithNext = True
        pairs: list[tuple[str, Any]] = [
            ("Grade", self.raw(self.grade_tag(f), "cell")),
            ("Risk", self.raw(level, "cell")),
            ("Status", f.status + (" \u00b7 systemic" if f.systemic else "")),
        ]
        if f.area:
            pairs.append(("Area", f.area))
        if f.citations:
            pairs.append(("Citation", "[" + "; ".join(f.citations) + "]"))
        if f.repeat:
            pairs.append(("Repeat", self.raw(f'<font color="#B3261E"><b>Repeat finding.</b></font> {mk(f.repeat)}', "cell")))
        if f.grade_warning:
            pairs.append(("Note", f.grade_warning))
        story: list[Flowable] = [head, self.grid(pairs, 0.16), Spacer(1, 2.5 * mm)]
        if f.text:
            story.append(self.p(f.text))
        for a in f.answers:
            story.append(
                self.raw(
                    f"<b>Linked answer {mk(a.question_id)}</b> ({mk(a.status)}"
                    + (f", {mk(a.answered_by)}" if a.answered_by else "")
                    + f"): <i>{mk(a.prompt)}</i>",
                    "small",
                )
            )
            if a.answer:
                story.append(self.raw("\u201c" + mk(a.answer) + "\u201d", "small"))
            story.append(Spacer(1, 1.5 * mm))
        if f.evidence:
            rows = []
            for e in f.evidence:
                state_colour = {"changed": "#B3261E", "missing": "#B3261E", "unchanged": "#2E7D32"}.get(e.state, "#5B6577")
                what = mk(e.label) + (f"<br/>{mk(e.description)}" if e.description else "")
                if e.sha256:
                    what += f'<br/><font color="#5B6577">SHA-256 {e.sha256[:16]}\u2026</font>'
                rows.append(
                    [
                        self.raw(what, "cell"),
                        self.raw(f'<font color="{state_colour}"><b>{mk(e.state)}</b></font><br/>{mk(e.state_text)}', "cell"),
                        _when(e.shown_at),
                    ]
                )
            story.append(self.table(["Evidence", "Hash state", "Shown"], rows, [52, 34, 14]))
            for e in f.evidence:
                if e.thumbnail:
                    w, h = e.thumbnail_size
                    scale = min(80 * mm / w, 60 * mm / h, 1.0)
                    img = Image(BytesIO(e.thumbnail), width=w * scale, height=h * scale)
                    img.hAlign = "LEFT"
                    caption = e.description or e.label.replace("\\", "/").rsplit("/", 1)[-1]
                    story += [Spacer(1, 2 * mm), img, self.p(caption, "muted")]
        if f.capa:
            story.append(Spacer(1, 1.5 * mm))
            story.append(self.raw("<b>Recommended CAPA.</b> " + mk(f.capa), "body"))
        story.append(Spacer(1, 5 * mm))
        return story

    def findings(self) -> list[Flowable]:
        m = self.m
        story: list[Flowable] = [self.h1("3  Findings")]
        story.append(
            self.p(
                "Findings are numbered once, in order of significance (grade, then risk priority); the same numbers are "
                "used in the risk, CAPA and appendix tables. Each states the requirement, then what was seen."
                + (f" {m.ordering_note}" if m.ordering_note else "")
            )
        )
        story.append(self.h2("3.1  Grade definitions"))
        story.append(
            self.table(["Grade", "Definition"], [[self.raw(f"<b>{mk(g.word)}</b>", "cell"), g.definition] for g in m.grade_definitions], [28, 72])
        )
        story.append(self.h2("3.2  Deficiencies"))
        if not m.deficiencies:
            story.append(self.p("No deficiencies were raised."))
        for f in m.deficiencies:
            story += self.finding_block(f, "Finding")
        story.append(CondPageBreak(60 * mm))
        story.append(self.h2("3.3  Recommendations (opportunities for improvement)"))
        story.append(self.p("Kept apart from the deficiencies: no response is required, though one is welcome.", "muted"))
        if not m.recommendations:
            story.append(self.p("None."))
        for f in m.recommendations:
            story += self.finding_block(f, "Recommendation")
        if m.form483:
            story += self.form483()
        story.append(PageBreak())
        return story

    def form483(self) -> list[Flowable]:
        story: list[Flowable] = [PageBreak(), self.h2("3.4  Inspectional observations (Form FDA 483 style)")]
        story.append(
            self.p(
                "This list mirrors the form an FDA investigator leaves at the close-out: observations only, in order of "
                "significance, without grades. It is a mock, not an FDA document. Discussion items are not listed.",
                "muted",
            )
        )
        for n, f in enumerate(self.m.deficiencies, start=1):
            cite = f"<b>[{mk('; '.join(f.citations))}]</b> " if f.citations else ""
            story.append(self.raw(f"<b>OBSERVATION {n}</b>", "h3"))
            story.append(self.raw(cite + mk(f.title) + (" " + mk(f.text) if f.text else ""), "body"))
            if f.status != "Open":
                story.append(self.raw(f"<i>Annotation: {mk(f.status)}.</i>", "small"))
        return story

    def risk(self) -> list[Flowable]:
        r = self.m.risk
        story: list[Flowable] = [self.h1("4  Risk ranking")]
        story.append(
            self.p(
                "The consultant's risk ranking (ICH Q9(R1) quality risk management, risk ranking and filtering). "
                "Authorities classify findings into grades and do not score them; this heat map is an aid to "
                "prioritising CAPA, with the scale and method below."
            )
        )
        if r.by_area:
            story.append(self.h2("4.1  Findings by grade and area"))
            words = [g.word for g in self.m.grade_definitions]
            story.append(self.table(["Area", *words], [[a, *[str(n) for n in counts]] for a, counts in r.by_area], [36, 16, 16, 16, 16]))
        story.append(self.h2("4.2  Heat map: severity \u00d7 " + r.occurrence_label.lower()))
        story.append(self._heat_map())
        if r.unrated:
            story.append(self.p("Not rated: findings " + ", ".join(str(n) for n in r.unrated) + ".", "muted"))
        scales: list[Flowable] = [self.h2("4.3  Scales and method"), self.p(r.method)]
        scales.append(
            self.table(
                ["", r.severity_label, r.occurrence_label, r.detectability_label],
                [[str(s.value), s.severity, s.occurrence, s.detectability] for s in r.scales],
                [5, 32, 32, 31],
            )
        )
        story.append(KeepTogether(scales))
        story.append(PageBreak())
        return story

    def _heat_map(self) -> Table:
        r = self.m.risk
        side = min(self.width * 0.13, 22 * mm)
        data: list[list[Any]] = []
        style: list[tuple[Any, ...]] = []
        for i in range(5):
            s = 5 - i
            row: list[Any] = [self.raw(f"<b>{s}</b>", "center")]
            for o in range(1, 6):
                cell = r.cells[i * 5 + (o - 1)]
                text = ", ".join(str(n) for n in cell.findings)
                bg = colors.HexColor(cell.colour)
                ink = "#FFFFFF" if (0.299 * bg.red + 0.587 * bg.green + 0.114 * bg.blue) < 0.55 else "#1A1F2B"
                row.append(self.raw(f'<font color="{ink}" size="10"><b>{text}</b></font>' if text else "", "center"))
                light = colors.Color(bg.red + (1 - bg.red) * 0.55, bg.green + (1 - bg.green) * 0.55, bg.blue + (1 - bg.blue) * 0.55)
                style.append(("BACKGROUND", (o, i), (o, i), bg if cell.findings else light))
            data.append(row)
        data.append([""] + [self.raw(f"<b>{o}</b>", "center") for o in range(1, 6)])
        t = Table(data, colWidths=[10 * mm] + [side] * 5, rowHeights=[side * 0.62] * 5 + [6 * mm], hAlign="LEFT")
        style += [
            ("GRID", (1, 0), (5, 4), 1.2, colors.white),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        t.setStyle(TableStyle(style))
        legend: list[Flowable] = [
            self.raw(f'<font color="{c}" size="11">{SQUARE}</font> <b>{mk(label)}</b>: {mk(d)}', "small")
            for label, c, d in reversed(r.levels)
        ]
        legend.append(Spacer(1, 3 * mm))
        legend.append(
            self.raw(
                f"Rows: <b>{mk(r.severity_label)}</b> (5 = worst). Columns: <b>{mk(r.occurrence_label)}</b> (5 = widest). "
                "Numbers in a cell are finding numbers; strong colour marks a cell that holds findings.",
                "muted",
            )
        )
        outer = Table([[t, legend]], colWidths=[10 * mm + side * 5 + 6 * mm, self.width - (10 * mm + side * 5 + 6 * mm)])
        outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return outer

    def capa(self) -> list[Flowable]:
        m = self.m
        story: list[Flowable] = [self.h1("5  Response and CAPA plan")]
        story.append(self.raw("<b>Response expected:</b> " + mk(m.response_deadline), "body"))
        story.append(
            self.p(
                "For each finding give the root cause, the correction of the examples cited, the corrective and preventive "
                "actions, any interim controls, an owner and a completion date (DD/MM/YYYY), and whether similar areas "
                "were reviewed. The auditor's assessment of each response is recorded in the last column.",
                "muted",
            )
        )
        rows = []
        for f in m.findings:
            rows.append(
                [
                    self.raw(f"<b>{f.number}</b>", "cell"),
                    self.raw(f"{mk(f.title)}<br/>{self.grade_tag(f)}" + (f" \u00b7 {mk(f.level)}" if f.level else ""), "cell"),
                    f.root_cause,
                    self.raw(f'<font color="#5B6577">Recommended: {mk(f.capa)}</font>', "cell") if f.capa else "",
                    "",
                    f"{f.response_due:%d/%m/%Y}" if f.response_due else "",
                    "",
                ]
            )
        story.append(
            self.table(
                ["#", "Finding", "Root cause", "Correction and CAPA", "Owner", "Due", "Assessed"],
                rows,
                [4, 27, 12, 27, 9, 11, 10],
                extra=[("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.white]), ("GRID", (0, 1), (-1, -1), 0.4, RULE)],
            )
        )
        story.append(PageBreak())
        return story

    def requests(self) -> list[Flowable]:
        m = self.m
        story: list[Flowable] = [self.h1("6  Document-request log")]
        if not m.requests:
            return [*story, self.p("No documents were requested."), PageBreak()]
        late = sum(1 for r in m.requests if r.late)
        story.append(self.p(f"{len(m.requests)} request(s); {late} late or not provided."))
        rows = []
        for r in m.requests:
            colour = "#B3261E" if r.late else "#2E7D32"
            rows.append(
                [
                    str(r.number),
                    self.raw(mk(r.description) + (f'<br/><font color="#5B6577">{mk(r.notes)}</font>' if r.notes else ""), "cell"),
                    r.question_id or "\u2013",
                    _when(r.requested_at),
                    _when(r.due_at),
                    _when(r.delivered_at),
                    self.raw(f'<font color="{colour}">{mk(r.lateness)}</font>', "cell"),
                ]
            )
        story.append(self.table(["#", "Requested", "Question", "Asked", "Due", "Delivered", "Timeliness"], rows, [4, 33, 10, 13, 13, 13, 14]))
        story.append(PageBreak())
        return story

    def appendix(self) -> list[Flowable]:
        story: list[Flowable] = [self.h1("Appendix A  Questions asked and answers given")]
        story.append(self.p("Every question of the interview in the order asked; follow-up probes are numbered under their question.", "muted"))
        for q in self.m.questions:
            # one paragraph per question (it may split across pages; its head never ends a page alone)
            colour = {"Compliant": "#2E7D32", "Deficient": "#B3261E", "Observation": "#8A6D00"}.get(q.status, "#5B6577")
            lines = [
                f'<font size="8.2"><b>{mk(q.number)}  {mk(q.question_id)}</b> &nbsp;<font color="#5B6577">{mk(q.area)}</font>'
                f' &nbsp;\u00b7&nbsp; <font color="{colour}"><b>{mk(q.status)}</b></font>'
                + (f" &nbsp;\u00b7&nbsp; {mk(q.answered_by)}" if q.answered_by else "")
                + (f" &nbsp;\u00b7&nbsp; findings {', '.join(str(n) for n in q.findings)}" if q.findings else "")
                + "</font>",
                "<i>" + mk(q.prompt) + "</i>",
            ]
            if q.answer:
                lines.append(mk(q.answer))
            if q.notes:
                lines.append('<font color="#5B6577">Notes: </font>' + mk(q.notes))
            if q.evidence:
                lines.append('<font color="#5B6577">Evidence: </font>' + mk("; ".join(q.evidence)))
            story.append(self.raw("<br/>".join(lines), "qa"))
        story.append(PageBreak())
        return story

    def _signature_rows(self, people: Sequence[tuple[str, str]]) -> Table:
        data = [[self.raw(mk(role.upper()), "label"), self.p(name, "cell"), self.raw("Signature", "muted"), self.raw("Date", "muted")] for role, name in people]
        t = Table(data, colWidths=[self.width * x for x in (0.2, 0.34, 0.3, 0.16)], rowHeights=None)
        t.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (2, 0), (3, -1), 0.6, INK),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("TOPPADDING", (0, 0), (-1, -1), 14),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return t

    def signoff(self) -> list[Flowable]:
        m = self.m
        story: list[Flowable] = [self.h1("Sign-off")]
        story.append(self.p("The findings in this report were presented and discussed with the site at the closing meeting."))
        story.append(self._signature_rows([(s.role, s.name + (f", {s.organisation}" if s.organisation else "")) for s in m.signatories]))
        story.append(self.h2("Distribution", toc=False))
        story += [self.raw("\u2022 " + mk(d), "body") for d in m.distribution]
        story.append(self.p(m.confidentiality, "muted"))
        story.append(self.h2("Record integrity", toc=False))
        story.append(
            self.box(
                [
                    self.p(
                        f"This report was built from session {m.session_id} ({m.session_trail_records} audit-trail records of its own). "
                        f"At that time the database's audit trail held {m.trail_records} records, with this head hash:",
                        "small",
                    ),
                    Spacer(1, 2),
                    self.raw(f"<b>{mk(m.trail_head)}</b>", "cell"),
                    Spacer(1, 3),
                    self.p(f"mockinspect trail verify --anchor {m.trail_head}", "small"),
                    self.p(
                        "run on the same database later proves it still holds the records this report was built from; "
                        "it fails if the newest records were cut off.",
                        "muted",
                    ),
                ]
            )
        )
        return story


def build_pdf(model: ReportModel, out: IO[bytes], *, paper: str = "a4") -> None:
    """Lay the report out as PDF into ``out``: the same model gives the same bytes. A training
    session's report is its training record (``training_pdf``), not a findings report."""
    if model.training is not None:
        from mockinspect.reporting.training_pdf import build_training_pdf

        build_training_pdf(model, out, paper=paper)
        return
    pagesize = PAPER[paper]
    doc = _Doc(out, model, pagesize)
    b = _Builder(model, doc.width)
    story: list[Flowable] = []
    story += b.cover()
    story += b.contents()
    story += b.summary()
    story += b.scope()
    story += b.findings()
    story += b.risk()
    story += b.capa()
    story += b.requests()
    story += b.appendix()
    story += b.signoff()
    doc.build(story, canvasmaker=_NumberedCanvas)


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """The PDF encrypted with AES-256 (pypdf with cryptography): opening needs ``password``."""
    try:
        from pypdf import PdfReader, PdfWriter
    except ImportError as exc:  # pragma: no cover - depends on the installation
        from mockinspect.errors import UserError

        raise UserError("password protection needs the pypdf and cryptography packages installed") from exc
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


__all__ = ["build_pdf", "encrypt_pdf"]
