"""The training record as PDF: a controlled form for a GMP training file (training brief §7).

A training session prints this record instead of the findings report: the form's id and
version and the record id on every page, "Page X of Y", the trainee, the training, how it was
assessed, the scores with their reasons, the overrides, what follows, and the signatures.
Like ``pdf.py`` it decides nothing: every number and word comes from ``TrainingRecord``.
"""

from __future__ import annotations

from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from mockinspect.i18n import tr
from mockinspect.reporting import fonts
from mockinspect.reporting.fonts import markup as mk
from mockinspect.reporting.model import ReportModel, TrainingItem, TrainingRecord
from mockinspect.reporting.pdf import (
    ACCENT,
    INK,
    MARGIN_BOTTOM,
    MARGIN_X,
    MUTED,
    PALE,
    PAPER,
    RULE,
    PagedCanvas,
    _Builder,
    _plain,
)

GOOD = "#2E7D32"
BAD = "#B3261E"
AMBER = "#8A6D00"
HEADER_TOP = 26 * mm
TICK, HALF, CROSS, BOX, BOX_TICKED = "\u2713", "\u00bd", "\u2717", "\u2610", "\u2612"


class _RecordDoc(BaseDocTemplate):
    def __init__(
        self, out: IO[bytes], model: ReportModel, record: TrainingRecord, pagesize: tuple[float, float]
    ) -> None:
        super().__init__(
            out,
            pagesize=pagesize,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=HEADER_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=f"Training record {record.record_id}: {fonts.clean(record.trainee)}",
            author=fonts.clean(model.company or "mockinspect"),
            subject=f"GMP training record, form {record.form_id} version {record.form_version}",
            creator=f"mockinspect {model.app_version}",
            keywords=["GMP", "training record", record.record_id],
            invariant=1,
            pageCompression=1,
        )
        self.model = model
        self.record = record
        w, h = pagesize
        body = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            w - 2 * MARGIN_X,
            h - HEADER_TOP - MARGIN_BOTTOM,
            id="body",
            leftPadding=0,
            rightPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="record", frames=[body], onPage=self._page)])

    def beforeDocument(self) -> None:
        stamp = self.model.created
        self.canv.setDateFormatter(lambda *_: f"D:{stamp:%Y%m%d%H%M%S}Z")

    def _page(self, canv: Canvas, doc: Any) -> None:
        r = self.record
        w, h = self.pagesize
        canv.saveState()
        canv.setFillColor(ACCENT)
        canv.rect(MARGIN_X, h - 19 * mm, w - 2 * MARGIN_X, 9 * mm, stroke=0, fill=1)
        canv.setFillColor(colors.white)
        canv.setFont(fonts.BOLD, 10)
        canv.drawString(MARGIN_X + 3 * mm, h - 15.8 * mm, tr("GMP TRAINING RECORD"))
        if self.model.status != "Final":
            canv.setFillColor(colors.HexColor("#FFD8A8"))
            canv.drawString(MARGIN_X + 48 * mm, h - 15.8 * mm, self.model.status.upper())
            canv.setFillColor(colors.white)
        canv.setFont(fonts.BASE, 7.5)
        canv.drawRightString(
            w - MARGIN_X - 3 * mm,
            h - 15.8 * mm,
            tr(
                "Form {form}  \u00b7  version {version}  \u00b7  Record {record}",
                form=r.form_id,
                version=r.form_version,
                record=r.record_id,
            ),
        )
        canv.setFillColor(MUTED)
        company = _plain(self.model.company or "")
        if company:
            canv.drawString(MARGIN_X, h - 7.5 * mm, company[:90])
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, 13 * mm, w - MARGIN_X, 13 * mm)
        canv.setFont(fonts.BASE, 7)
        trainee = _plain(r.trainee)[:60]
        canv.drawString(
            MARGIN_X,
            9 * mm,
            f"{r.record_id} \u00b7 {trainee} \u00b7 {r.date} \u00b7 printed by mockinspect {self.model.app_version}",
        )
        canv.restoreState()


STATE_COLOURS = {"pass": GOOD, "competent": GOOD, "fail": BAD, "critical": BAD, "further-practice": BAD}


def _colour(state: str) -> str:
    """Green for a pass, red for a fail, amber for what was not assessed (N/A, unanswered, incomplete)."""
    return STATE_COLOURS.get(state, AMBER)


def _credit(credit: float) -> str:
    """A mark for a key point's credit (through the font splitter: the tick and cross are Symbola's)."""
    if credit >= 1:
        return f'<font color="{GOOD}">{mk(TICK)}</font>'
    if credit > 0:
        return f'<font color="{AMBER}">{mk(HALF)}</font>'
    return f'<font color="{BAD}">{mk(CROSS)}</font>'


class _RecordBuilder(_Builder):
    def __init__(self, model: ReportModel, record: TrainingRecord, width: float) -> None:
        super().__init__(model, width)
        self.r = record
        self.s["outcome"] = ParagraphStyle("outcome", parent=self.s["cellb"], fontSize=15, leading=19)

    def h(self, text: str) -> list[Flowable]:
        """A section heading that never ends a page alone."""
        return [CondPageBreak(45 * mm), self.raw(mk(text), "h2")]

    def head(self) -> list[Flowable]:
        r = self.r
        story: list[Flowable] = [
            self.raw(mk(tr("Training record")), "h1"),
            self.raw(mk(r.title), "subtitle"),
            Spacer(1, 3 * mm),
        ]
        colour = _colour(r.outcome_state)
        counted = [tr("{n} item(s) scored", n=r.scored)]
        if r.not_applicable:
            counted.append(tr("{n} not applicable (not counted)", n=r.not_applicable))
        if r.unanswered:
            counted.append(tr("{n} not answered", n=r.unanswered))
        outcome = [
            [
                self.raw(mk(tr("OUTCOME")), "label"),
                self.raw(f'<font color="{colour}">{mk(r.outcome)}</font>', "outcome"),
            ],
            [
                *(self.raw("\u2022 " + mk(x), "cell") for x in r.outcome_reasons),
                self.raw(mk(" \u00b7 ".join(counted)), "muted"),
            ],
        ]
        t = Table([outcome], colWidths=[self.width * 0.32, self.width * 0.68])
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), PALE),
                    ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor(colour)),
                    ("LINEBEFORE", (0, 0), (0, -1), 4, colors.HexColor(colour)),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        story += [t, Spacer(1, 3 * mm)]
        if not r.scores_stored:
            story.append(
                self.box(
                    [self.p(tr("This session's answers were not scored by training mode (recorded before it scored answers, or "
                               "answered as an audit): key points are shown as hit or missed; no rubric score was given."), "small")],
                    colors.HexColor("#FFF4E5"),
                    colors.HexColor("#E0A458"),
                )
            )  # fmt: skip
        return story

    def person_and_training(self) -> list[Flowable]:
        r = self.r
        none = "\u2013"
        story: list[Flowable] = [*self.h(tr("1  Trainee"))]
        story.append(
            self.grid(
                [
                    (tr("Name"), r.trainee),
                    (tr("Employee ID"), r.employee_id or none),
                    (tr("Department"), r.department or none),
                    (tr("Role"), r.role or none),
                ],
                0.25,
            )
        )
        story += self.h(tr("2  Training"))
        pairs: list[tuple[str, Any]] = [
            (tr("Title"), r.title),
            (tr("Type"), r.training_type),
            (tr("Date"), r.date),
            (tr("Times"), r.times),
            (tr("Duration"), r.duration),
        ]
        if r.inspection_date:
            pairs.append((tr("For the inspection of"), r.inspection_date))
        pairs += [
            (tr("Question bank(s)"), "; ".join(r.banks) or none),
            (tr("Questions asked"), ", ".join(r.question_ids) or none),
            (
                tr("SOPs named in answers"),
                tr("{sops} (versions to be confirmed by the assessor)", sops=", ".join(r.sops))
                if r.sops
                else tr("None named"),
            ),
            (tr("Requirements cited"), self.p("; ".join(r.references) or none, "small")),
        ]
        story.append(self.grid(pairs, 0.25))
        return story

    def method(self) -> list[Flowable]:
        r = self.r
        story: list[Flowable] = [*self.h(tr("3  How the answers were assessed"))]
        story.append(
            self.table(
                [tr("Dimension (weight)"), tr("What 3 and 0 mean")], [[f.label, f.value] for f in r.rubric], [34, 66]
            )
        )
        story.append(Spacer(1, 2 * mm))
        story += [self.raw("\u2022 " + mk(x), "small") for x in r.pass_criteria]
        story.append(Spacer(1, 2 * mm))
        story.append(
            self.raw(
                mk(tr("Versions:")) + " " + " \u00b7 ".join(f"{mk(v.label)} {mk(v.value)}" for v in r.versions), "muted"
            )
        )
        return story

    def results(self) -> list[Flowable]:
        r = self.r
        story: list[Flowable] = [*self.h(tr("4  Results by area"))]
        rows = []
        for a in r.areas:
            rows.append(
                [
                    a.area,
                    str(a.questions),
                    str(a.scored),
                    str(a.passed),
                    "\u2013" if a.mean_score is None else f"{a.mean_score:.0f}",
                    str(a.critical),
                    f"{a.hit} of {a.key_points}",
                ]
            )
        story.append(
            self.table(
                [tr("Area"), tr("Asked"), tr("Scored"), tr("Passed"), tr("Mean S"), tr("Critical"), tr("Key points")],
                rows,
                [34, 9, 9, 9, 10, 10, 14],
            )
        )
        story += self.h(tr("5  Results by question"))
        qrows = []
        for i in r.items:
            dims = " ".join(str(d) for d in i.dimensions) if i.dimensions else "\u2013"
            score = "\u2013" if i.score is None else f"{i.score:.0f}"
            result = self.raw(f'<font color="{_colour(i.state)}"><b>{mk(i.result)}</b></font>', "cell")
            qrows.append(
                [i.number, i.question_id, score, dims, result, str(i.attempts or "\u2013"), _seconds(i.seconds)]
            )
        story.append(
            self.table(
                ["#", tr("Question"), "S", "A B C D E", tr("Result"), tr("Attempts"), tr("Time")],
                qrows,
                [6, 22, 8, 17, 21, 11, 11],
            )
        )
        story.append(Spacer(1, 1.5 * mm))
        story.append(
            self.raw(
                tr(
                    "Key points: {full} covered, {half} partly, {none} missed; the matched words in brackets. "
                    "Dimensions A\u2013E are scored 0\u20133.",
                    full=_credit(1),
                    half=_credit(0.5),
                    none=_credit(0),
                ),
                "muted",
            )
        )
        for i in r.items:
            story.append(self._item(i))
        return story

    def _item(self, i: TrainingItem) -> Flowable:
        head = (
            f'<b>{mk(i.number)}  {mk(i.question_id)}</b> &nbsp;<font color="{_colour(i.state)}"><b>{mk(i.result)}</b></font>'
            + (f" &nbsp;S {i.score:.0f}" if i.score is not None else "")
            + (f' &nbsp;<font color="#5B6577">{mk(tr("(credit set by the assessor)"))}</font>' if i.overridden else "")
        )
        lines = [head, f"<i>{mk(i.prompt)}</i>"]
        for text, credit, words in i.key_points:
            lines.append(
                f"{_credit(credit)} {mk(text)}" + (f' <font color="#5B6577">[{mk(words)}]</font>' if words else "")
            )
        for c in i.critical:
            lines.append(f'<font color="{BAD}"><b>{mk(tr("Critical:"))}</b> {mk(c)}</font>')
        for n in i.notes:
            lines.append(f'<font color="#5B6577">\u2022 {mk(n)}</font>')
        if i.self_rating:
            lines.append(f'<font color="#5B6577">\u2022 {mk(i.self_rating)}</font>')
        if i.answer:
            lines.append(f'<font color="#5B6577">{mk(tr("Answer:"))}</font> {mk(i.answer)}')
        return self.raw("<br/>".join(lines), "qa")

    def overrides(self) -> list[Flowable]:
        r = self.r
        story: list[Flowable] = [*self.h(tr("6  Overrides and comments"))]
        if r.overrides:
            story.append(
                self.table(
                    [tr("Question"), tr("Key point"), tr("Credit"), tr("Reason"), tr("By"), tr("When (UTC)")],
                    [
                        [o.question_id, o.key_point, o.change, o.reason, o.who, f"{o.at:%d %b %Y %H:%M}"]
                        for o in r.overrides
                    ],
                    [13, 20, 9, 32, 13, 15],
                )
            )
        else:
            story.append(self.p(tr("The assessor changed no key point's credit."), "small"))
        if r.self_assessment:
            story.append(Spacer(1, 2 * mm))
            story.append(self.raw(f"<b>{mk(tr('Self-assessment'))}</b> &nbsp; {mk(r.self_assessment)}", "small"))
        story.append(Spacer(1, 2 * mm))
        if r.trainer_comment:  # given in the app: printed as typed
            story.append(self.raw(mk(tr("Assessor's comments").upper()), "label"))
            story.append(self.raw(mk(r.trainer_comment).replace("\n", "<br/>"), "small"))
        else:
            story.append(self._lines(tr("Assessor's comments"), 3))
        story.append(Spacer(1, 2 * mm))
        boxes = " &nbsp;&nbsp;".join(
            (f"<b>{mk(BOX_TICKED)}&nbsp;{n}</b>" if n == r.trainer_rating else f"{mk(BOX)}&nbsp;{n}")
            for n in range(1, 6)
        )
        by = (
            f'<br/><font color="#5B6577">{mk(tr("Rated in the app by {who}", who=r.rated_by))}</font>'
            if (r.trainer_rating is not None or r.trainer_comment) and r.rated_by
            else ""
        )
        story.append(
            self.raw(
                f"<b>{mk(tr('Global rating by the assessor (optional)'))}</b> &nbsp; {boxes} &nbsp; "
                f'<font color="#5B6577">{mk(tr("1 = far below, 5 = well above what the role needs"))}</font>{by}',
                "small",
            )
        )
        return story

    def follow_up(self) -> list[Flowable]:
        r = self.r
        story: list[Flowable] = [*self.h(tr("7  Effectiveness and follow-up"))]
        story.append(self.raw(f"<b>{mk(tr('Trend (effectiveness evidence)'))}</b>", "small"))
        story += [self.raw("\u2022 " + mk(x), "small") for x in r.effectiveness] or [
            self.p(tr("No scored answer yet."), "small")
        ]
        story.append(Spacer(1, 2 * mm))
        story.append(self.grid([(tr("Next review (retest)"), r.next_review or tr("Not scheduled"))], 0.25))
        story.append(Spacer(1, 2 * mm))
        story.append(self.raw(f"<b>{mk(tr('Remedial actions'))}</b>", "small"))
        story += [self.raw("\u2022 " + mk(x), "small") for x in r.remedial] or [
            self.p(tr("None: every scored item passed."), "small")
        ]
        return story

    def signatures(self) -> list[Flowable]:
        r = self.r
        story: list[Flowable] = [*self.h(tr("8  Review and signatures"))]
        story.append(self.p(r.review_note, "small"))
        story.append(Spacer(1, 2 * mm))
        story.append(self.grid([(f.label, self.p(f.value, "small")) for f in r.alcoa], 0.22))
        story.append(Spacer(1, 3 * mm))
        qualification = self.raw(
            mk(tr("Qualification record: ______________________"))
            if not r.assessor_qualification
            else mk(r.assessor_qualification),
            "muted",
        )
        rows = []
        for n, s in enumerate(r.signatures):
            name = [self.p(s.name or " ", "cellb")]
            if n == 1:  # the assessor: trainee, assessor, QA review
                name.append(qualification)
            rows.append(
                [
                    self.raw(mk(s.role.upper()), "label"),
                    name,
                    self.p(s.organisation, "small"),
                    self.raw(mk(tr("Signature")), "muted"),
                    self.raw(mk(tr("Date / time")), "muted"),
                ]
            )
        t = Table(
            [
                [
                    self.raw(mk(h), "label")
                    for h in (tr("ROLE"), tr("PRINTED NAME"), tr("MEANING OF THE SIGNATURE"), "", "")
                ],
                *rows,
            ],
            colWidths=[self.width * x for x in (0.13, 0.24, 0.31, 0.18, 0.14)],
        )
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEBELOW", (3, 1), (4, -1), 0.6, INK),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.4, RULE),
                    ("TOPPADDING", (0, 1), (-1, -1), 16),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        note = self.p(
            tr(
                "Electronic signatures, where used, show the printed name, the date and time and the meaning above "
                "(21 CFR 11.50). Retain with the trainee's training file as the site's SOP requires."
            ),
            "muted",
        )
        story.append(KeepTogether([t, Spacer(1, 3 * mm), note]))  # the note never alone on a page of its own
        return story

    def _lines(self, label: str, n: int) -> Table:
        data = [[self.raw(mk(label.upper()), "label")]] + [[""] for _ in range(n)]
        t = Table(data, colWidths=[self.width], rowHeights=[12] + [16] * n)
        t.setStyle(TableStyle([("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return t


def _seconds(value: float | None) -> str:
    if value is None:
        return "\u2013"
    total = round(value)
    return f"{total // 60}:{total % 60:02d}"


def build_training_pdf(model: ReportModel, out: IO[bytes], *, paper: str = "a4") -> None:
    """Lay the training record of ``model`` out as PDF into ``out`` (the same model gives the same bytes)."""
    record = model.training
    if record is None:
        raise ValueError("the report model has no training record")
    fonts.register()
    doc = _RecordDoc(out, model, record, PAPER[paper])
    b = _RecordBuilder(model, record, doc.width)
    story: list[Flowable] = []
    story += b.head()
    story += b.person_and_training()
    story += b.method()
    story += b.results()
    story += b.overrides()
    story += b.follow_up()
    story += b.signatures()
    doc.build(story, canvasmaker=PagedCanvas)


__all__ = ["build_training_pdf"]
