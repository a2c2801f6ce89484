"""The rehearsal screen: a training session, with the app as the inspector and coach.

The persona asks; a clock counts down the seconds per question the scenario allows (after a
short think time); the trainee types. Submit (Ctrl+Enter) ends the answer; if the drill has the
inspector's silence on, the inspector then says nothing for a few seconds (the trainee may add
to the answer, as people do when an inspector waits); then the trainee rates their own answer
1-5 (keys 1-5, or 0/Esc to skip) before seeing anything. Only then is the answer scored through
the training service, and the screen reveals the key points with the matched words highlighted
in the answer, the guidance, the flags an inspector would note, the score with its five
dimensions, and the self-rating against the score (over- or under-confident). The trainee or a trainer confirms or overrides each key point (a change asks
why; every one is kept in the audit trail). Next (Ctrl+Enter again) asks what the inspector
asks next: the probes for what the answer missed first, then the next question, then a
failed item again. A "show me" question raises a timed document request that the trainee
answers with a record reference.

Typing is saved as a draft within a second, like the interview screen. Every score comes
from the service; this screen computes none.

Signals:
    answer_scored(str): an answer was scored (the question id).
    rated(): the assessor's global rating or comment was saved.
    credit_set(str): a key point's credit was confirmed or overridden (the question id).
    draft_saved(str): typing was saved as a draft (the question id).
    closed(): the user went back to the start screen.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mockinspect.domain.session import DocumentRequestStatus, DraftPatch, RequestPatch, ScriptEntry, SessionState
from mockinspect.services import Services
from mockinspect.services.training import AnswerResult, QuestionScore, TrainingScores
from mockinspect.ui.common import guarded, screen_panes, screen_shortcut, show_error, tr
from mockinspect.ui.models import Column, RowsModel
from mockinspect.ui.style import HUES, colours, mix

THINK_SECONDS_DEFAULT = 3
SELF_RATINGS: tuple[tuple[int, str], ...] = (
    (1, tr("Poor")),
    (2, tr("Weak")),
    (3, tr("Partly")),
    (4, tr("Good")),
    (5, tr("Complete")),
)
CALIBRATION_NAMES = {
    "calibrated": tr("Judged well"),
    "over-confident": tr("Over-confident"),
    "under-confident": tr("Under-confident"),
}


def rehearsal_keys() -> list[tuple[str, str]]:
    """(keys, what) of the rehearsal screen, for Help > Keyboard shortcuts."""
    return [
        ("Ctrl+Enter", tr("Submit the answer; end the inspector's silence; then the next question")),
        ("1 2 3 4 5", tr("Rate your own answer before the score is shown")),
        ("0 / Esc", tr("Skip the self-rating")),
        ("Alt+N", tr("Not my area (never lowers the score)")),
        ("Alt+A", tr("Try the question again")),
        ("Ctrl+E / Ctrl+G", tr("Focus the answer / the list of questions")),
    ]


TIPS = (  # the behaviours inspectors look for (training brief §1)
    tr("Answer the question asked, in full sentences, then stop."),
    tr("Don't guess: say \"I don't know, but I can find out\", or offer to fetch the owner."),
    tr("Name the SOP or the record, and offer to show it."),
    tr("Describe the approved process, not a workaround."),
    tr("Stay within your own area; no blame, no arguing."),
    tr("Not your area? Say so: Not my area (Alt+N) never lowers your score."),
)
CREDITS: tuple[tuple[float, str], ...] = ((0.0, tr("Missed")), (0.5, tr("Partly")), (1.0, tr("Covered")))
FLAG_NAMES = {
    "hedge": tr("hedge"),
    "guess": tr("guess"),
    "red-flag": tr("red flag"),
    "blame": tr("blame"),
    "unapproved-practice": tr("unapproved practice"),
    "workaround": tr("workaround"),
    "wrong-figure": tr("wrong figure"),
    "guessed-figure": tr("guessed figure"),
    "too-terse": tr("too terse"),
    "short": tr("short"),
    "long": tr("long"),
    "over-answering": tr("over-answering"),
    "volunteering": tr("volunteering"),
    "bluffing": tr("bluffing"),
    "honest-gap": tr("honest about a gap"),
    "dont-know": tr("does not know"),
    "sop-cited": tr("names the SOP"),
    "show-offer": tr("offers to show"),
    "routed": tr("routes to the owner"),
    "clarify": tr("asks to clarify"),
    "negated": tr("negated"),
    "over-time": tr("over time"),
    "contradiction": tr("contradicts the SOP"),
}
POSITIVE_FLAGS = frozenset({"sop-cited", "show-offer", "routed", "clarify", "honest-gap"})
HEDGE_FLAGS = frozenset({"hedge", "guess", "volunteering", "over-answering", "too-terse", "short", "long", "over-time"})


def ask_text(parent: QWidget | None, title: str, label: str) -> str | None:
    """A one-line answer, or None if cancelled (tests replace ``RehearsalScreen.ask_text``)."""
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


def clock_text(seconds: float) -> str:
    whole = int(abs(seconds))
    return f"{'-' if seconds < 0 else ''}{whole // 60}:{whole % 60:02d}"


def flag_tone(kind: str, critical: bool) -> str:
    """The semantic hue a flag is painted with: bad, warn or good."""
    if critical or kind in ("red-flag", "blame", "unapproved-practice", "workaround", "wrong-figure", "guessed-figure",
                            "bluffing", "contradiction"):  # fmt: skip
        return "bad"
    if kind in POSITIVE_FLAGS:
        return "good"
    return "warn"


def highlighted_answer(text: str, score: Any) -> str:
    """The answer as HTML with the words that matched a key point and the flagged phrases
    marked (key points green, hedges amber, red flags red, good practice blue)."""
    c = colours()
    tones = {
        "kp": mix(c.base, HUES["good"], 0.38 if c.dark else 0.28),
        "warn": mix(c.base, HUES["warn"], 0.42 if c.dark else 0.32),
        "bad": mix(c.base, HUES["bad"], 0.45 if c.dark else 0.3),
        "good": mix(c.base, HUES["info"], 0.4 if c.dark else 0.22),
    }
    rank = {"kp": 1, "good": 2, "warn": 3, "bad": 4}
    marks: list[str | None] = [None] * len(text)

    def mark(start: int, end: int, tone: str) -> None:
        for i in range(max(0, start), min(len(text), end)):
            current = marks[i]
            if current is None or rank[tone] > rank[current]:
                marks[i] = tone

    for kp in score.key_points:
        if kp.credit > 0:
            for start, end in kp.matched_spans:
                mark(start, end, "kp")
    for flag in score.flags:
        if flag.span is not None:
            mark(flag.span[0], flag.span[1], flag_tone(flag.kind, flag.critical))
    out: list[str] = []
    i = 0
    while i < len(text):
        tone = marks[i]
        j = i
        while j < len(text) and marks[j] == tone:
            j += 1
        piece = html.escape(text[i:j]).replace("\n", "<br>")
        out.append(piece if tone is None else f"<span style='background:{tones[tone]}'>{piece}</span>")
        i = j
    return "".join(out)


def _dots(score: int) -> str:
    return "●" * score + "○" * (3 - score)


class RehearsalScreen(QWidget):
    """One training session, rehearsed question by question.

    The window treats it like the interview screen (``snap``, ``session_id``, ``current``,
    ``answer``, ``splitter``, ``undo_stack``, ``flush``, ``reload``, ``go_to``, ``on_changes``).

    Signals:
        answer_scored(str), credit_set(str), draft_saved(str), closed()
    """

    answer_scored = Signal(str)
    rated = Signal()
    credit_set = Signal(str)
    draft_saved = Signal(str)
    record_produced = Signal(int)
    closed = Signal()
    ask_text = staticmethod(ask_text)

    def __init__(
        self,
        services: Services,
        session_id: str,
        *,
        autosave_ms: int = 1000,
        catalogue: Callable[[], Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.catalogue = catalogue
        self.session_id = session_id
        self.undo_stack = QUndoStack(self)  # overrides are audited records, not undo steps
        self.snap = services.inspection.snapshot(session_id)
        self.scores: TrainingScores = services.training.scores(session_id)
        self.current: ScriptEntry | None = None
        self.shown: QuestionScore | None = None  # the scored attempt on show for ``current``
        self.submitted = False
        self.phase = "answer"  # answer -> (silence) -> rating -> scored
        self._took: float | None = None  # seconds the answer took, fixed at Submit (or when added to in the silence)
        self._text_at_submit = ""
        self._silence_started = 0.0
        self._loading = False
        self._dirty = False
        self._shown_at = time.monotonic()
        self._request_id: int | None = None
        scenario = self.snap.scenario
        self.limit = scenario.seconds_per_question if scenario is not None else None
        training = (scenario.raw.get("scenario") or {}).get("training") if scenario is not None else None
        think = training.get("think_seconds") if isinstance(training, dict) else None
        self.think = think if isinstance(think, int) and think >= 0 else THINK_SECONDS_DEFAULT
        self.request_minutes = scenario.request_minutes if scenario is not None else None
        self.autosave = QTimer(self, singleShot=True, interval=autosave_ms)
        self.autosave.timeout.connect(self.save_draft)
        self.clock = QTimer(self, interval=250)
        self.clock.timeout.connect(self._tick)
        link = self.scores.link
        self.silence = link.silence_seconds if link is not None and link.silence_seconds else 0
        self.silence_timer = QTimer(self, singleShot=True)
        self.silence_timer.timeout.connect(self.end_silence)
        self._build()
        self._fill_list()
        self._paint_header()
        finished = self.snap.session.state is SessionState.FINISHED
        start = None if finished else services.training.next_question(session_id)
        if start is not None:
            self.go_to(start.question_id)
        else:
            self._show_done()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        back = QToolButton()
        back.setText(tr("← Sessions"))
        back.setAutoRaise(True)
        back.clicked.connect(self.close_screen)
        self.header = QLabel()
        self.header.setObjectName("header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.set_trainee_button = QPushButton(tr("Set trainee…"))
        self.set_trainee_button.setAccessibleName(tr("Set the trainee"))
        self.set_trainee_button.clicked.connect(self.set_trainee)
        self.progress = QLabel()
        self.progress.setObjectName("muted")
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.header)
        top.addWidget(self.set_trainee_button)
        top.addStretch(1)
        top.addWidget(self.progress)

        # the questions of the drill
        self.list_model: RowsModel[ScriptEntry] = RowsModel(
            [
                Column(tr("#"), lambda e: str(e.position), sort=lambda e: e.position),
                Column(tr("Question"), self._list_label, tooltip=lambda e: e.prompt),
                Column(tr("Score"), self._list_score, background=self._list_colour),
            ],
            self,
        )
        self.list = QTableView()
        self.list.setModel(self.list_model)
        self.list.setAccessibleName(tr("Questions of the drill"))
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().setVisible(False)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list.activated.connect(lambda index: self._open_row(index.row()))
        self.list.clicked.connect(lambda index: self._open_row(index.row()))

        # the inspector's question and the clock
        self.persona = QLabel()
        self.persona.setObjectName("muted")
        self.prompt = QLabel()
        self.prompt.setObjectName("prompt")
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt.setAccessibleName(tr("The inspector's question"))
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clock")
        self.clock_label.setAccessibleName(tr("Time left"))
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clock_bar = QProgressBar()
        self.clock_bar.setTextVisible(False)
        self.clock_bar.setFixedHeight(6)
        self.clock_bar.setAccessibleName(tr("Time used"))
        heading = QHBoxLayout()
        heading.addWidget(self.persona, 1)
        heading.addWidget(self.clock_label)
        card = QFrame()
        card.setObjectName("questionCard")
        card_layout = QVBoxLayout(card)
        card_layout.addLayout(heading)
        card_layout.addWidget(self.prompt)
        card_layout.addWidget(self.clock_bar)

        self.answer = QPlainTextEdit()
        self.answer.setPlaceholderText(tr("Answer as you would to the inspector: full sentences, then stop"))
        self.answer.setAccessibleName(tr("Your answer"))
        self.answer.setTabChangesFocus(True)
        self.answer.setMinimumHeight(120)
        self.answer.textChanged.connect(self._typed)
        self.answer.installEventFilter(self)
        answer_label = QLabel(tr("&Your answer"))
        answer_label.setBuddy(self.answer)
        self.saved = QLabel()
        self.saved.setObjectName("muted")
        self.saved.setWordWrap(True)
        self.submit_button = QPushButton(tr("Submit  Ctrl+Enter"))
        self.submit_button.setObjectName("primary")
        self.submit_button.setAccessibleName(tr("Submit the answer"))
        self.submit_button.clicked.connect(self.submit)
        self.na_button = QPushButton(tr("Not my area (N/A)"))
        self.na_button.setToolTip(tr("Alt+N: not applicable to you; it never lowers your score"))
        self.na_button.setAccessibleName(tr("Not applicable"))
        self.na_button.clicked.connect(self.not_applicable)
        self.next_button = QPushButton(tr("Next question ›"))
        self.next_button.setToolTip(tr("Ctrl+Enter after the score is shown"))
        self.next_button.setAccessibleName(tr("Next question"))
        self.next_button.clicked.connect(self.next_question)
        self.retry_button = QPushButton(tr("Try again"))
        self.retry_button.setToolTip(tr("Alt+A: answer this question once more"))
        self.retry_button.setAccessibleName(tr("Try the question again"))
        self.retry_button.clicked.connect(self.try_again)
        # the inspector's silence after the answer (an option of the drill)
        self.silence_box = QFrame()
        self.silence_box.setObjectName("card")
        self.silence_label = QLabel()
        self.silence_label.setWordWrap(True)
        self.silence_label.setTextFormat(Qt.TextFormat.RichText)
        self.silence_label.setAccessibleName(tr("The inspector is waiting"))
        self.silence_bar = QProgressBar()
        self.silence_bar.setTextVisible(False)
        self.silence_bar.setFixedHeight(4)
        self.continue_button = QPushButton(tr("Done  Ctrl+Enter"))
        self.continue_button.setAccessibleName(tr("End the silence: the answer is complete"))
        self.continue_button.clicked.connect(self.end_silence)
        silence_layout = QGridLayout(self.silence_box)
        silence_layout.addWidget(self.silence_label, 0, 0)
        silence_layout.addWidget(self.continue_button, 0, 1, Qt.AlignmentFlag.AlignTop)
        silence_layout.addWidget(self.silence_bar, 1, 0, 1, 2)
        silence_layout.setColumnStretch(0, 1)
        self.silence_box.setVisible(False)

        # the trainee's self-rating, before anything is revealed
        self.rating_box = QFrame()
        self.rating_box.setObjectName("card")
        self.rating_box.setAccessibleName(tr("Rate your own answer"))
        rating_title = QLabel(
            f"<b>{html.escape(tr('Before you see the score: how good was that answer?'))}</b><br>"
            f"<span style='color:{colours().muted}'>"
            f"{html.escape(tr('Press 1 to 5, or 0 to skip. Knowing when an answer is weak is a skill too.'))}</span>"
        )
        rating_title.setTextFormat(Qt.TextFormat.RichText)
        rating_title.setWordWrap(True)
        rating_row = QHBoxLayout()
        rating_row.setSpacing(6)
        self.self_rating_buttons: dict[int, QPushButton] = {}
        for value, name in SELF_RATINGS:
            button = QPushButton(f"{value}  {name}")
            button.setAccessibleName(tr("Rate your answer {n} of 5: {name}", n=value, name=name))
            button.setMinimumWidth(84)
            button.clicked.connect(lambda _c=False, v=value: self.rate_self(v))
            rating_row.addWidget(button)
            self.self_rating_buttons[value] = button
        rating_row.addStretch(1)
        self.skip_rating_button = QPushButton(tr("Skip  0"))
        self.skip_rating_button.setAccessibleName(tr("Skip the self-rating"))
        self.skip_rating_button.clicked.connect(lambda: self.rate_self(None))
        rating_row.addWidget(self.skip_rating_button)
        rating_layout = QVBoxLayout(self.rating_box)
        rating_layout.addWidget(rating_title)
        rating_layout.addLayout(rating_row)
        self.rating_box.setVisible(False)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.na_button)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.next_button)

        # the document request a "show me" question raises
        self.request_box = QGroupBox(tr("The inspector asks to see a record"))
        self.request_text = QLabel()
        self.request_text.setWordWrap(True)
        self.request_clock = QLabel()
        self.request_clock.setObjectName("muted")
        self.reference = QLineEdit(placeholderText=tr("Record reference, e.g. LOG-QC-2024-117 p. 14"))
        self.reference.setAccessibleName(tr("Record reference"))
        self.reference.returnPressed.connect(self.produce_record)
        self.produce_button = QPushButton(tr("Produce record"))
        self.produce_button.clicked.connect(self.produce_record)
        request_layout = QGridLayout(self.request_box)
        request_layout.addWidget(self.request_text, 0, 0, 1, 2)
        request_layout.addWidget(self.request_clock, 1, 0, 1, 2)
        request_layout.addWidget(self.reference, 2, 0)
        request_layout.addWidget(self.produce_button, 2, 1)
        self.request_box.setVisible(False)

        # the drill's result, once nothing is left to ask
        self.done = QLabel()
        self.done.setObjectName("card")
        self.done.setWordWrap(True)
        self.done.setTextFormat(Qt.TextFormat.RichText)
        self.done.setVisible(False)
        self.finish_button = QPushButton(tr("Finish the drill"))
        self.finish_button.setObjectName("primary")
        self.finish_button.clicked.connect(self.finish)
        self.finish_button.setVisible(False)

        # the assessor's optional global rating and comment (training brief §2)
        self.trainer_box = QGroupBox(tr("Assessor's global rating (optional)"))
        self.trainer_box.setAccessibleName(tr("The assessor's global rating"))
        self.trainer_group = QButtonGroup(self)
        self.trainer_group.setExclusive(False)  # one at most, and a click on the checked one clears it
        self.trainer_group.buttonClicked.connect(self._trainer_clicked)
        trainer_row = QHBoxLayout()
        trainer_row.setSpacing(4)
        self.trainer_buttons: dict[int, QToolButton] = {}
        c = colours()
        for value in range(1, 6):
            box = QToolButton()
            box.setText(str(value))
            box.setCheckable(True)
            box.setAccessibleName(tr("Global rating {n} of 5", n=value))
            box.setStyleSheet(
                f"QToolButton {{ padding: 4px 12px; }} QToolButton:checked {{ background: {c.state('good')};"
                f" border: 1px solid {HUES['good']}; border-radius: 3px; font-weight: 600; }}"
            )
            self.trainer_group.addButton(box, value)
            trainer_row.addWidget(box)
            self.trainer_buttons[value] = box
        scale = QLabel(tr("1 = far below, 5 = well above what the role needs"))
        scale.setObjectName("muted")
        trainer_row.addWidget(scale)
        trainer_row.addStretch(1)
        self.trainer_comment = QPlainTextEdit()
        self.trainer_comment.setPlaceholderText(
            tr("What a checklist misses: manner, composure, how they handled the silence…")
        )
        self.trainer_comment.setAccessibleName(tr("The assessor's comment"))
        self.trainer_comment.setTabChangesFocus(True)
        self.trainer_comment.setFixedHeight(64)
        self.trainer_save = QPushButton(tr("Save rating"))
        self.trainer_save.setAccessibleName(tr("Save the assessor's rating and comment"))
        self.trainer_save.clicked.connect(self.save_trainer_rating)
        self.trainer_note = QLabel()
        self.trainer_note.setObjectName("muted")
        self.trainer_note.setWordWrap(True)
        save_row = QHBoxLayout()
        save_row.addWidget(self.trainer_note, 1)
        save_row.addWidget(self.trainer_save)
        trainer_layout = QVBoxLayout(self.trainer_box)
        trainer_layout.addLayout(trainer_row)
        trainer_layout.addWidget(self.trainer_comment)
        trainer_layout.addLayout(save_row)
        self.trainer_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.trainer_box.setVisible(False)

        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        self.answer_area = QWidget()
        answer_layout = QVBoxLayout(self.answer_area)
        answer_layout.setContentsMargins(0, 0, 0, 0)
        answer_layout.addWidget(answer_label)
        answer_layout.addWidget(self.answer, 1)
        answer_layout.addWidget(self.saved)
        answer_layout.addWidget(self.silence_box)
        answer_layout.addWidget(self.rating_box)
        answer_layout.addLayout(buttons)
        center_layout.addWidget(card)
        center_layout.addWidget(self.answer_area, 1)
        center_layout.addWidget(self.request_box)
        center_layout.addWidget(self.done)
        center_layout.addWidget(self.trainer_box)
        center_layout.addWidget(self.finish_button, 0, Qt.AlignmentFlag.AlignRight)
        center_layout.addStretch(0)

        # the feedback: score, dimensions, highlighted answer, key points, flags, guidance
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setWordWrap(True)
        self.calibration = QLabel()
        self.calibration.setTextFormat(Qt.TextFormat.RichText)
        self.calibration.setWordWrap(True)
        self.calibration.setAccessibleName(tr("Your self-rating against the score"))
        self.dimensions = QLabel()
        self.dimensions.setTextFormat(Qt.TextFormat.RichText)
        self.dimensions.setWordWrap(True)
        self.dimensions.setAccessibleName(tr("Dimension scores"))
        self.highlight = QTextBrowser()
        self.highlight.setAccessibleName(tr("Your answer with the matched words highlighted"))
        self.highlight.setMinimumHeight(90)
        self.highlight.setMaximumHeight(170)
        self.points_box = QWidget()
        self.points_layout = QGridLayout(self.points_box)
        self.points_layout.setContentsMargins(0, 0, 0, 0)
        self.points_layout.setColumnStretch(0, 1)
        self.confirm_button = QPushButton(tr("Confirm all as suggested"))
        self.confirm_button.setAccessibleName(tr("Confirm the suggested credit of every key point"))
        self.confirm_button.clicked.connect(self.confirm_all)
        self.flags = QLabel()
        self.flags.setTextFormat(Qt.TextFormat.RichText)
        self.flags.setWordWrap(True)
        self.guidance = QLabel()
        self.guidance.setObjectName("guidance")
        self.guidance.setTextFormat(Qt.TextFormat.RichText)
        self.guidance.setWordWrap(True)
        self.feedback = QWidget()
        feedback_layout = QVBoxLayout(self.feedback)
        feedback_layout.addWidget(self.verdict)
        feedback_layout.addWidget(self.calibration)
        feedback_layout.addWidget(self.dimensions)
        feedback_layout.addWidget(self._caption(tr("Your answer")))
        feedback_layout.addWidget(self.highlight)
        points_head = QHBoxLayout()
        points_head.addWidget(self._caption(tr("Key points: confirm or override")))
        points_head.addStretch(1)
        points_head.addWidget(self.confirm_button)
        feedback_layout.addLayout(points_head)
        feedback_layout.addWidget(self.points_box)
        feedback_layout.addWidget(self._caption(tr("What an inspector would note")))
        feedback_layout.addWidget(self.flags)
        feedback_layout.addWidget(self._caption(tr("What good looks like")))
        feedback_layout.addWidget(self.guidance)
        feedback_layout.addStretch(1)
        tips = "".join(f"<li>{html.escape(t)}</li>" for t in TIPS)
        keys = tr(
            "Keys: Ctrl+Enter submits, then asks the next question · 1-5 rate your answer, 0 skips · "
            "Alt+N not my area · Alt+A try again · Ctrl+G the list · Ctrl+E the answer"
        )
        self._tips = (
            f"<p><b>{tr('How to answer an inspector')}</b></p><ul>{tips}</ul>"
            f"<p>{tr('When you submit, the key points, your score and what a good answer covers appear here.')}</p>"
            f"<p style='color:{colours().muted}'>{html.escape(keys)}</p>"
        )
        self.waiting = QLabel(self._tips)
        self.waiting.setObjectName("card")
        self.waiting.setTextFormat(Qt.TextFormat.RichText)
        self.waiting.setWordWrap(True)
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.waiting)
        side_layout.addWidget(self.feedback)
        side_layout.addStretch(1)
        self.feedback.setVisible(False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(side)

        self.splitter = screen_panes(
            self, top, (self.list, center, scroll), name="rehearsalSplitter", stretch=(2, 5, 5), sizes=(260, 560, 560)
        )

        screen_shortcut(self, "Ctrl+Return", self.submit_or_next)
        screen_shortcut(self, "Ctrl+Enter", self.submit_or_next)
        screen_shortcut(self, "Alt+N", self.not_applicable)
        screen_shortcut(self, "Alt+A", self.try_again)
        screen_shortcut(self, "Ctrl+E", lambda: self.answer.setFocus())
        screen_shortcut(self, "Ctrl+G", lambda: self.list.setFocus())
        self._rating_keys: list[QShortcut] = []  # on only while the self-rating is asked
        rating_keys: tuple[tuple[str, int | None], ...] = (
            ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5), ("0", None), ("Esc", None)
        )  # fmt: skip
        for key, rating in rating_keys:
            rating_key = QShortcut(
                QKeySequence(key),
                self,
                lambda v=rating: self.rate_self(v),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
            rating_key.setEnabled(False)
            self._rating_keys.append(rating_key)
        self.setTabOrder(self.answer, self.submit_button)
        self.setTabOrder(self.submit_button, self.next_button)
        self.setTabOrder(self.next_button, self.confirm_button)

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(f"<b>{html.escape(text)}</b>")
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    # -- the list of questions ----------------------------------------------------------------

    def _list_label(self, e: ScriptEntry) -> str:
        probe = "↳ " if e.parent_question_id else ""
        return f"{probe}{e.question_id} · {e.prompt}"

    def _list_score(self, e: ScriptEntry) -> str:
        row = self.scores.question(e.question_id)
        if row is None:
            return ""
        if row.score.not_applicable:
            return tr("N/A")
        tries = f" ×{row.attempts}" if row.attempts > 1 else ""
        return f"{row.score.score:.0f}{tries}"

    def _list_colour(self, e: ScriptEntry) -> str | None:
        row = self.scores.question(e.question_id)
        if row is None or row.score.not_applicable:
            return None
        c = colours()
        return c.state("good" if row.score.passed else "bad" if row.score.critical or row.score.score < 50 else "warn")

    def _fill_list(self) -> None:
        self.list_model.set_rows(list(self.snap.script))
        self._select_current()

    def _select_current(self) -> None:
        if self.current is None:
            return
        ids = [e.question_id for e in self.list_model.rows]
        if self.current.question_id in ids:
            self.list.selectRow(ids.index(self.current.question_id))

    def _open_row(self, row: int) -> None:
        entry = self.list_model.row_object(row)
        if (
            entry is not None
            and not self._loading
            and (self.current is None or entry.question_id != self.current.question_id)
        ):
            self.go_to(entry.question_id)

    def _paint_header(self) -> None:
        s = self.scores
        who = s.trainee.name if s.trainee else tr("trainee not recorded")
        persona = self.snap.scenario.persona_title if self.snap.scenario else self.snap.session.persona
        self.header.setText(
            f"<b>{html.escape(who)}</b> &nbsp;·&nbsp; {html.escape(self.snap.session.scenario_title)}"
            f" &nbsp;·&nbsp; {html.escape(persona)} &nbsp;·&nbsp; {tr('rehearsal')}"
            + (f" &nbsp;·&nbsp; {html.escape(tr('inspector silence {n} s', n=self.silence))}" if self.silence else "")
        )
        self.set_trainee_button.setVisible(s.trainee is None and not self.read_only())
        answered = len(s.questions)
        total = answered + len(s.unanswered)
        mean = f" · {tr('mean')} {s.result.mean_score:.0f}" if s.result.items else ""
        self.progress.setText(tr("{a} of {n} answered", a=answered, n=total) + mean)

    # -- moving between questions ---------------------------------------------------------------

    def go_to(self, qid: str, *, fresh: bool = False) -> None:
        """Show a question: its latest score if it has one (``fresh``: ask it again)."""
        entry = self.snap.entry(qid)
        if entry is None:
            return
        if self.current is not None and self.current.question_id != qid:
            self.save_draft()
        self.current = entry
        self._loading = True
        try:
            self._select_current()
            self._show_question(fresh=fresh)
        finally:
            self._loading = False

    def _reset_phase(self, phase: str) -> None:
        """Leave the silence or the self-rating (another question is shown, or the drill ended)."""
        self.phase = phase
        self.silence_timer.stop()
        self.silence_box.setVisible(False)
        self.rating_box.setVisible(False)
        for key in self._rating_keys:
            key.setEnabled(False)

    def _show_question(self, *, fresh: bool = False) -> None:
        entry = self.current
        assert entry is not None
        self.done.setVisible(False)
        self.trainer_box.setVisible(False)
        self.finish_button.setVisible(False)
        self.answer_area.setVisible(True)
        self.clock_bar.setVisible(True)
        scenario = self.snap.scenario
        persona = scenario.persona_title if scenario else self.snap.session.persona
        area = scenario.area_title(entry.area) if scenario else entry.area
        asks = (
            tr("{persona} follows up", persona=persona)
            if entry.parent_question_id
            else tr("{persona} asks", persona=persona)
        )
        self.persona.setText(f"{html.escape(asks)} · {html.escape(area)} · {html.escape(entry.question_id)}")
        self.prompt.setText(html.escape(entry.prompt))
        draft = self.snap.drafts.get(entry.question_id)
        scored = self.scores.question(entry.question_id)
        self._request_id = self._existing_request(entry.question_id)
        self._show_request()
        self._dirty = False
        self.clock_bar.setMaximum(max(1, self.limit or 1))
        if scored is not None and draft is None and not fresh:  # answered: what was scored, and why
            self.clock.stop()
            self.answer.setPlainText(scored.attempt.text)
            self.answer.setReadOnly(True)
            self.shown = scored
            self.submitted = True
            self._reset_phase("scored")
            took = scored.attempt.seconds
            self.clock_label.setText("" if took is None else tr("answered in {t}", t=clock_text(took)))
            self.clock_label.setStyleSheet(f"color: {colours().muted};")
            self.clock_bar.setValue(0 if took is None else min(self.clock_bar.maximum(), int(took)))
            self.saved.setText(tr("Scored; Try again (Alt+A) to answer it once more"))
            self._show_feedback()
            self._buttons()
            return
        self.answer.setPlainText(draft.text or "" if draft else "")
        self.answer.setReadOnly(self.read_only())
        self.saved.setText(tr("Draft restored") if draft else "")
        self.shown = None
        self.submitted = False
        self._reset_phase("answer")
        self.feedback.setVisible(False)
        self.waiting.setText(self._tips)
        self.waiting.setVisible(True)
        self._shown_at = time.monotonic()
        self._tick()
        self.clock.start()
        self._buttons()

    def try_again(self) -> None:
        """Answer the question on show once more (a new attempt; the last one is kept)."""
        if self.current is None or not self.submitted or self.read_only():
            return
        self.go_to(self.current.question_id, fresh=True)
        self.answer.setFocus()

    def _buttons(self) -> None:
        writable = not self.read_only()
        answering = self.phase == "answer"
        self.submit_button.setEnabled(writable and not self.submitted and answering)
        self.na_button.setEnabled(writable and not self.submitted and answering)
        self.submit_button.setVisible(self.phase in ("answer", "scored"))
        self.na_button.setVisible(self.phase in ("answer", "scored"))
        self.next_button.setEnabled(self.submitted or self.current is None)
        self.retry_button.setVisible(self.submitted and self.current is not None)
        self.retry_button.setEnabled(writable and self.submitted)

    def _elapsed(self) -> float:
        return max(0.0, time.monotonic() - self._shown_at)

    def _answer_seconds(self) -> float:
        return round(max(0.0, self._elapsed() - self.think), 1)

    def _tick(self) -> None:
        elapsed = self._elapsed()
        c = colours()
        if self.phase == "silence":
            left = max(0.0, self.silence - (time.monotonic() - self._silence_started))
            self.clock_label.setText(tr("silence… {n}", n=int(left) + (1 if left % 1 else 0)))
            self.clock_label.setStyleSheet(f"color: {c.muted}; font-size: 16pt;")
            self.silence_bar.setValue(round((self.silence - left) * 10))
            self._tick_request()
            return
        if elapsed < self.think:
            self.clock_label.setText(tr("Think… {n}", n=int(self.think - elapsed) + 1))
            self.clock_label.setStyleSheet(f"color: {c.muted}; font-size: 16pt;")
            self.clock_bar.setValue(0)
        elif self.limit:
            left = self.limit - (elapsed - self.think)
            over = left < 0
            tone = c.readable(HUES["bad"]) if over else (c.readable(HUES["warn"]) if left < 20 else c.text)
            label = tr("over by {t}", t=clock_text(-left)) if over else clock_text(left)
            self.clock_label.setText(label)
            self.clock_label.setStyleSheet(f"color: {tone}; font-size: 16pt; font-weight: 600;")
            self.clock_bar.setValue(min(self.limit, int(elapsed - self.think)))
        else:
            self.clock_label.setText(clock_text(elapsed - self.think))
        self._tick_request()

    # -- typing ------------------------------------------------------------------------------------

    def _typed(self) -> None:
        if self._loading or self.current is None or self.submitted:
            return
        self._dirty = True
        self.saved.setText(tr("Editing…"))
        if not self.autosave.isActive():
            self.autosave.start()

    def save_draft(self) -> None:
        if self.current is None or not self._dirty or self.read_only() or self.submitted:
            return
        qid = self.current.question_id
        with guarded(self):
            self.services.inspection.save_draft(
                self.session_id, qid, DraftPatch(text=self.answer.toPlainText()), origin=self
            )
            self._dirty = False
            self.saved.setText(tr("Draft saved {t}", t=datetime.now().strftime("%H:%M:%S")))
            self.draft_saved.emit(qid)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.answer and event.type() == QEvent.Type.FocusOut:
            self.save_draft()
        return super().eventFilter(watched, event)

    # -- submitting, N/A, next -------------------------------------------------------------------

    def submit_or_next(self) -> None:
        if self.current is None:
            return
        if self.phase == "silence":
            self.end_silence()
        elif self.phase == "rating":
            return  # a rating key, or 0/Esc to skip: never skipped by pressing Ctrl+Enter twice
        elif self.submitted:
            self.next_question()
        else:
            self.submit()

    def _available(self) -> tuple[dict[str, Any], list[Any]]:
        found = self.catalogue() if self.catalogue is not None else None
        if found is None:
            return {}, []
        banks = list(found.banks.values())
        return {q.id: q for b in banks for q in b.questions}, banks

    def submit(self) -> None:
        """End the answer: the inspector's silence if the drill has it, then the self-rating."""
        if self.current is None or self.submitted or self.read_only() or self.phase != "answer":
            return
        text = self.answer.toPlainText()
        if not text.strip():
            show_error(self, tr("Type your answer first; if it is not your area, say so with Not my area (Alt+N)."))
            return
        self._took = self._answer_seconds()
        self._text_at_submit = text
        self.saved.setText("")
        self.clock_bar.setValue(min(self.clock_bar.maximum(), int(self._took)))
        if self.silence:
            self._start_silence()
        else:
            self._ask_rating()

    def _start_silence(self) -> None:
        self.phase = "silence"
        self._silence_started = time.monotonic()
        self.silence_bar.setMaximum(self.silence * 10)
        self.silence_bar.setValue(0)
        self.silence_label.setText(
            f"<b>{html.escape(tr('The inspector says nothing and waits.'))}</b><br>"
            + html.escape(
                tr("Add to your answer if something is missing, or let the silence be. Ctrl+Enter when it is complete.")
            )
        )
        self.silence_box.setVisible(True)
        self.silence_timer.start(self.silence * 1000)
        self._buttons()
        self._tick()
        self.answer.setFocus()
        self.answer.moveCursor(self.answer.textCursor().MoveOperation.End)

    def end_silence(self) -> None:
        """The silence is over (its time ran out, or the trainee said the answer is complete)."""
        if self.phase != "silence":
            return
        self.silence_timer.stop()
        self.silence_box.setVisible(False)
        if self.answer.toPlainText() != self._text_at_submit:  # added to in the silence: the answer took longer
            self._took = self._answer_seconds()
        self._ask_rating()

    def _ask_rating(self) -> None:
        self.phase = "rating"
        self.clock.stop()
        self.autosave.stop()
        self.save_draft()  # kept as a draft until it is scored, should the app close now
        self.saved.setText("")
        self.answer.setReadOnly(True)
        self.clock_label.setText(tr("answered in {t}", t=clock_text(self._took or 0)))
        self.clock_label.setStyleSheet(f"color: {colours().muted};")
        self.clock_bar.setValue(min(self.clock_bar.maximum(), int(self._took or 0)))
        self.rating_box.setVisible(True)
        for key in self._rating_keys:
            key.setEnabled(True)
        self._buttons()
        self.self_rating_buttons[3].setFocus()

    def rate_self(self, rating: int | None) -> None:
        """The trainee's own rating (None: skipped); the answer is then scored and revealed."""
        if self.phase != "rating" or self.current is None:
            return
        self._reset_phase("answer")
        qid = self.current.question_id
        text = self.answer.toPlainText()
        available, banks = self._available()
        with guarded(self):
            try:
                result = self.services.training.answer(
                    self.session_id,
                    qid,
                    text,
                    seconds=self._took,
                    available=available,
                    banks=banks,
                    origin=self,
                    self_rating=rating,
                )
            except Exception:
                self.answer.setReadOnly(self.read_only())  # nothing stored: the answer can be changed and sent again
                self._buttons()
                raise
            self._scored(qid, result)

    def not_applicable(self) -> None:
        if self.current is None or self.submitted or self.read_only() or self.phase != "answer":
            return
        qid = self.current.question_id
        with guarded(self):
            result = self.services.training.not_applicable(self.session_id, qid, origin=self)
            self._scored(qid, result)

    def _scored(self, qid: str, result: AnswerResult) -> None:
        self.clock.stop()
        self._reset_phase("scored")
        took = result.attempt.seconds
        self.clock_label.setText("" if took is None else tr("answered in {t}", t=clock_text(took)))
        self.clock_label.setStyleSheet(f"color: {colours().muted};")
        self.submitted = True
        self._dirty = False
        self._refresh_data()
        self.shown = self.scores.question(qid)
        self._show_feedback()
        if result.probes_added:
            names = ", ".join(p.question_id for p in result.probes_added)
            self.saved.setText(tr("Scored. The inspector will follow up: {ids}", ids=names))
        else:
            self.saved.setText(tr("Scored"))
        if not result.score.not_applicable:
            self._raise_request_if_show_me(qid)
        self._buttons()
        self.next_button.setFocus()
        self.answer_scored.emit(qid)

    def next_question(self) -> None:
        with guarded(self):
            following = self.services.training.next_question(self.session_id)
            if following is None:
                self._show_done()
                return
            self.go_to(following.question_id, fresh=True)
            self.answer.setFocus()

    # -- what the window's Session menu asks of the screen on show -----------------------------

    @property
    def jump(self) -> QWidget:
        """Session › Jump to question: the list of the drill's questions."""
        return self.list

    def step(self, delta: int) -> None:
        """Session › Next / Previous question: next is what the inspector asks next; previous
        is the question above in the list (with its score)."""
        if delta > 0:
            if self.submitted or self.current is None:
                self.next_question()
            return
        ids = [e.question_id for e in self.snap.script]
        if self.current is not None and self.current.question_id in ids:
            index = ids.index(self.current.question_id) - 1
            if index >= 0:
                self.go_to(ids[index])

    def raise_finding(self) -> None:
        """Session › Raise finding: a rehearsal scores answers; findings belong to an audit."""
        show_error(
            self, tr("A rehearsal scores answers instead of raising findings; start an audit session for findings.")
        )

    def request_expected(self) -> None:
        """Session › Request expected record: the inspector asks to see the record the question expects."""
        if self.current is not None and not self.read_only():
            self._raise_request(self.current.question_id)

    def _show_done(self) -> None:
        """Nothing is left to ask: the drill's result by area and overall."""
        self.clock.stop()
        self.current = None
        self._refresh_data()
        r = self.scores.result
        good = r.result == "competent"
        tone = colours().readable(HUES["good" if good else "warn"])
        result = tr("Competent") if good else tr("Further practice required")
        areas = "".join(
            f"<tr><td>{html.escape(self.scores.area_titles.get(a.area, a.area))}</td>"
            f"<td align='right'>&nbsp;{a.mean_score:.0f}</td><td align='right'>&nbsp;{a.passed}/{a.items}</td></tr>"
            for a in r.areas
        )
        reasons = "".join(f"<li>{html.escape(x)}</li>" for x in r.reasons)
        self.persona.setText(tr("Drill complete"))
        self.prompt.setText(f"<span style='color:{tone}'>{html.escape(result)}</span>")
        self.clock_label.setText("")
        self.clock_bar.setValue(0)
        self.done.setText(
            f"<p><b>{tr('Mean score')}</b> {r.mean_score:.0f}/100 &nbsp; <b>{tr('Pass rate')}</b> {r.pass_rate:.0%}"
            f" &nbsp; <b>{tr('Critical flags')}</b> {r.critical}</p><ul>{reasons}</ul>"
            f"<table><tr><th align='left'>{tr('Area')}</th><th>&nbsp;{tr('Mean')}</th><th>&nbsp;{tr('Passed')}</th></tr>{areas}</table>"
            f"<p>{tr('Print the training record with File › Export PDF report (Ctrl+P).')}</p>"
        )
        self.done.setVisible(True)
        self._reset_phase("scored")
        self._show_trainer_rating()
        self.finish_button.setVisible(self.snap.session.state is SessionState.OPEN and not self.read_only())
        self.answer_area.setVisible(False)
        self.clock_bar.setVisible(False)
        self.feedback.setVisible(False)
        self.waiting.setText(self._work_on())
        self.waiting.setVisible(True)
        self.shown = None
        self.answer.setPlainText("")
        self.answer.setReadOnly(True)
        self.submit_button.setEnabled(False)
        self.na_button.setEnabled(False)
        self.next_button.setEnabled(False)
        self.retry_button.setVisible(False)
        self.request_box.setVisible(False)
        self.list.clearSelection()

    def _work_on(self) -> str:
        """What to work on: each item not passed, with the key points it missed."""
        rows = []
        for q in self.scores.questions:
            if q.score.passed or q.score.not_applicable:
                continue
            missed = "".join(
                f"<li>{html.escape(k.text or k.key_point_id)}</li>" for k in q.score.key_points if k.credit < 1
            )
            critical = f" · <b>{tr('critical flag')}</b>" if q.score.critical else ""
            rows.append(
                f"<p><b>{html.escape(q.entry.question_id)}</b> · {q.score.score:.0f}/100{critical}<br>"
                f"{html.escape(q.entry.prompt)}</p>" + (f"<ul>{missed}</ul>" if missed else "")
            )
        if not rows:
            return f"<p><b>{tr('Every item passed.')}</b></p><p>{tr('The schedule brings each question back before you forget it.')}</p>"
        return f"<p><b>{tr('What to work on')}</b></p>" + "".join(rows)

    def finish(self) -> None:
        with guarded(self):
            self.services.inspection.finish_session(self.session_id)
            self.reload()
            self.finish_button.setVisible(False)

    # -- feedback and overrides --------------------------------------------------------------------

    def _show_feedback(self) -> None:
        row = self.shown
        if row is None:
            self.feedback.setVisible(False)
            self.waiting.setVisible(True)
            return
        item = row.score
        c = colours()
        self.waiting.setVisible(False)
        self.feedback.setVisible(True)
        if item.not_applicable:
            verdict, tone = tr("Not applicable: not counted in your score"), c.muted
        elif item.critical:
            verdict, tone = tr("Not passed: a critical flag"), c.readable(HUES["bad"])
        elif item.passed:
            verdict, tone = tr("Passed"), c.readable(HUES["good"])
        else:
            verdict, tone = tr("Not passed"), c.readable(HUES["warn"] if item.score >= 50 else HUES["bad"])
        score = (
            ""
            if item.not_applicable
            else f"<span style='font-size:20pt; font-weight:600'>{item.score:.0f}</span> / 100 &nbsp; "
        )
        tries = tr("attempt {n}", n=row.attempt.attempt)
        self.verdict.setText(
            f"{score}<span style='color:{tone}; font-size:13pt; font-weight:600'>{html.escape(verdict)}</span>"
            f"<br><span style='color:{c.muted}'>{html.escape(tries)} · {tr('review grade')} {item.quality}/5</span>"
        )
        self._show_calibration(row)
        rows = "".join(
            f"<tr><td><b>{html.escape(d.key)}</b>&nbsp;</td><td>{html.escape(d.name)}&nbsp;</td>"
            f"<td style='color:{c.accent}; white-space:nowrap'>{_dots(d.score)}&nbsp;</td>"
            f"<td style='color:{c.muted}'>{html.escape(d.reason)}</td></tr>"
            for d in item.dimensions
        )
        self.dimensions.setText(f"<table cellspacing='2'>{rows}</table>" if rows else "")
        self.dimensions.setVisible(bool(rows))
        self.highlight.setHtml(highlighted_answer(row.attempt.text, item) or f"<i>{tr('no answer')}</i>")
        self._fill_points(row)
        flags = "".join(
            f"<li><span style='color:{c.readable(HUES[flag_tone(f.kind, f.critical)])}; font-weight:600'>"
            f"{html.escape(FLAG_NAMES.get(f.kind, f.kind))}{' · ' + tr('critical') if f.critical else ''}</span>"
            f"{' “' + html.escape(f.phrase) + '”' if f.phrase else ''}: {html.escape(f.reason)}</li>"
            for f in item.flags
        )
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in item.reasons)
        self.flags.setText(
            (f"<ul style='margin:0'>{flags}</ul>" if flags else tr("Nothing flagged."))
            + (f"<ul>{reasons}</ul>" if reasons else "")
        )
        question = row.question
        if question is not None:
            evidence = "".join(f"<li>{html.escape(e)}</li>" for e in question.expected_evidence)
            self.guidance.setText(
                f"<p><b>{tr('Why inspectors ask')}</b><br>{html.escape(question.intent)}</p>"
                f"<p><b>{tr('A good answer')}</b><br>{html.escape(question.guidance)}</p>"
                + (f"<p><b>{tr('Records to have ready')}</b></p><ul>{evidence}</ul>" if evidence else "")
            )
        self.confirm_button.setEnabled(not item.not_applicable and not self.read_only())

    def _show_calibration(self, row: QuestionScore) -> None:
        """The trainee's own rating against what the answer earned (hidden when skipped)."""
        cal = row.calibration
        self.calibration.setVisible(cal is not None)
        if cal is None:
            return
        c = colours()
        hue = {"calibrated": "good", "over-confident": "bad", "under-confident": "info"}[cal.kind]
        advice = {
            "calibrated": tr(
                "You know where your answer stands: in front of an inspector that keeps you from bluffing."
            ),
            "over-confident": tr(
                "You rated it higher than it scored. When you are not sure, say so and offer to find out."
            ),
            "under-confident": tr("It was better than you thought: say it plainly, without hedging."),
        }[cal.kind]
        self.calibration.setText(
            f"<span style='color:{c.readable(HUES[hue])}; font-weight:600'>"
            f"{html.escape(CALIBRATION_NAMES[cal.kind])}</span> &nbsp;"
            f"{html.escape(tr('you rated it {r}/5, it earned {e}/5', r=cal.self_rating, e=cal.earned))}"
            f"<br><span style='color:{c.muted}'>{html.escape(advice)}</span>"
        )

    def _fill_points(self, row: QuestionScore) -> None:
        while self.points_layout.count():
            taken = self.points_layout.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:  # gone now, not at the next turn of the event loop
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.point_buttons: dict[str, dict[float, QToolButton]] = {}
        c = colours()
        texts = {k.id: k.text for k in row.question.key_points} if row.question else {}
        for r, kp in enumerate(row.score.key_points):
            text = kp.text or texts.get(kp.key_point_id, kp.key_point_id)
            note = (
                tr("set by a person (the matcher said {c})", c=f"{kp.matcher_credit:g}")
                if kp.overridden and kp.matcher_credit is not None
                else kp.reason
            )
            label = QLabel(
                f"<b>{html.escape(text)}</b><br><span style='color:{c.muted}'>{html.escape(kp.key_point_id)} · {html.escape(note)}</span>"
            )
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            self.points_layout.addWidget(label, r, 0)
            group = QButtonGroup(label)
            group.setExclusive(True)
            buttons = QHBoxLayout()
            buttons.setSpacing(2)
            holder = QWidget()
            holder.setLayout(buttons)
            self.point_buttons[kp.key_point_id] = {}
            for value, name in CREDITS:
                tone = {0.0: "bad", 0.5: "warn", 1.0: "good"}[value]
                button = QToolButton()
                button.setText(name)
                button.setCheckable(True)
                button.setStyleSheet(
                    f"QToolButton {{ padding: 3px 8px; }}"
                    f"QToolButton:checked {{ background: {c.state(tone)}; border: 1px solid {HUES[tone]};"
                    f" border-radius: 3px; font-weight: 600; }}"
                )
                button.setChecked(kp.credit == value)
                button.setAccessibleName(tr("{kp}: {credit}", kp=kp.key_point_id, credit=name))
                button.setEnabled(not self.read_only())
                button.clicked.connect(lambda _c=False, k=kp.key_point_id, v=value: self.set_credit(k, v))
                group.addButton(button)
                buttons.addWidget(button)
                self.point_buttons[kp.key_point_id][value] = button
            self.points_layout.addWidget(holder, r, 1, Qt.AlignmentFlag.AlignTop)

    def set_credit(self, key_point: str, credit: float) -> None:
        row = self.shown
        if row is None:
            return
        suggested = next((k.credit for k in row.score.key_points if k.key_point_id == key_point), None)
        reason: str | None = None
        if suggested is not None and suggested != credit:
            reason = RehearsalScreen.ask_text(
                self,
                tr("Override a key point"),
                tr("Why change {kp} to {c}? (kept in the audit trail)", kp=key_point, c=f"{credit:g}"),
            )
            if not reason or not reason.strip():
                self._fill_points(row)  # cancelled: the buttons show the credit as it is
                return
        self._credit(row, {key_point: credit}, reason)

    def confirm_all(self) -> None:
        row = self.shown
        if row is None or row.score.not_applicable:
            return
        self._credit(row, {k.key_point_id: k.credit for k in row.score.key_points}, None)

    def _credit(self, row: QuestionScore, credits: dict[str, float], reason: str | None) -> None:
        qid = row.entry.question_id
        with guarded(self):
            self.services.training.set_credit(
                self.session_id, qid, credits, reason=reason, attempt=row.attempt.attempt, origin=self
            )
            self._refresh_data()
            self.shown = self.scores.question(qid)
            self._show_feedback()
            self.credit_set.emit(qid)

    # -- the document request ("show me") ------------------------------------------------------------

    def _existing_request(self, qid: str) -> int | None:
        return next((r.id for r in self.snap.requests if r.question_id == qid), None)

    def _raise_request_if_show_me(self, qid: str) -> None:
        entry = self.snap.entry(qid)
        question = self.snap.question(entry) if entry is not None else None
        if question is not None and "show me" in question.prompt.lower():
            self._raise_request(qid)

    def _raise_request(self, qid: str) -> None:
        entry = self.snap.entry(qid)
        question = self.snap.question(entry) if entry is not None else None
        if question is None or not question.expected_evidence or self._existing_request(qid) is not None:
            return
        with guarded(self):
            request = self.services.inspection.request_document(
                self.session_id,
                question.expected_evidence[0],
                question_id=qid,
                due_minutes=self.request_minutes,
                origin=self,
            )
            self.snap = self.services.inspection.snapshot(self.session_id)
            self._request_id = request.id
            self._show_request()

    def _request(self) -> Any:
        return next((r for r in self.snap.requests if r.id == self._request_id), None)

    def _show_request(self) -> None:
        request = self._request()
        self.request_box.setVisible(request is not None)
        if request is None:
            return
        self.request_text.setText(html.escape(request.description))
        produced = request.status is not DocumentRequestStatus.OPEN
        self.reference.setEnabled(not produced and not self.read_only())
        self.produce_button.setEnabled(not produced and not self.read_only())
        if produced:
            self.reference.setText(request.notes or "")
        self._tick_request()

    def _tick_request(self) -> None:
        request = self._request()
        if request is None:
            return
        if request.status is not DocumentRequestStatus.OPEN:
            state = tr("produced on time") if request.status is DocumentRequestStatus.DELIVERED else tr("produced late")
            self.request_clock.setText(state)
            return
        if request.due_at is None:
            self.request_clock.setText(tr("no time limit"))
            return
        left = (request.due_at - datetime.now(UTC)).total_seconds()
        self.request_clock.setText(
            tr("overdue by {t}", t=clock_text(-left)) if left < 0 else tr("due in {t}", t=clock_text(left))
        )

    def produce_record(self) -> None:
        request = self._request()
        reference = self.reference.text().strip()
        if request is None or request.status is not DocumentRequestStatus.OPEN:
            return
        if not reference:
            show_error(self, tr("Give the record's reference (its number, or where it is filed)."))
            return
        late = request.due_at is not None and datetime.now(UTC) > request.due_at
        status = DocumentRequestStatus.LATE if late else DocumentRequestStatus.DELIVERED
        with guarded(self):
            self.services.inspection.update_document_request(
                request.id, RequestPatch(status=status, notes=reference), origin=self
            )
            self.snap = self.services.inspection.snapshot(self.session_id)
            self._show_request()
            self.record_produced.emit(request.id)

    # -- the assessor's global rating -----------------------------------------------------------------

    def _show_trainer_rating(self) -> None:
        link = self.scores.link
        self.trainer_box.setVisible(link is not None)
        if link is None:
            return
        writable = self.services.db.mode != "read"
        for value, button in self.trainer_buttons.items():
            button.setChecked(value == link.trainer_rating)
            button.setEnabled(writable)
        self.trainer_comment.setPlainText(link.trainer_comment or "")
        self.trainer_comment.setReadOnly(not writable)
        self.trainer_save.setEnabled(writable)
        if link.rated_by and link.rated_at is not None:
            self.trainer_note.setText(
                tr("Saved by {who}, {at}", who=link.rated_by, at=link.rated_at.astimezone().strftime("%d %b %Y %H:%M"))
            )
        else:
            self.trainer_note.setText(tr("Printed in the training record; kept in the audit trail."))

    def _trainer_clicked(self, clicked: QAbstractButton) -> None:
        for button in self.trainer_buttons.values():  # at most one checked; clicking it again clears it
            if button is not clicked:
                button.setChecked(False)

    def trainer_rating(self) -> int | None:
        return next((v for v, b in self.trainer_buttons.items() if b.isChecked()), None)

    def save_trainer_rating(self) -> None:
        with guarded(self):
            self.services.training.rate_session(
                self.session_id, self.trainer_rating(), comment=self.trainer_comment.toPlainText()
            )
            self.scores = self.services.training.scores(self.session_id)
            self._show_trainer_rating()
            self.rated.emit()

    # -- the trainee ---------------------------------------------------------------------------------

    def set_trainee(self) -> None:
        name = RehearsalScreen.ask_text(self, tr("Who is rehearsing?"), tr("The trainee's name"))
        if not name or not name.strip():
            return
        with guarded(self):
            self.services.training.link_trainee(self.session_id, name)
            self._refresh_data()
            self._paint_header()

    # -- refreshing ----------------------------------------------------------------------------------

    def read_only(self) -> bool:
        return bool(self.services.db.mode == "read") or self.snap.session.state is SessionState.FINISHED

    def _refresh_data(self) -> None:
        self.snap = self.services.inspection.snapshot(self.session_id)
        self.scores = self.services.training.scores(self.session_id)
        self._loading = True
        try:
            self._fill_list()
        finally:
            self._loading = False
        self._paint_header()

    def reload(self, *, full: bool = False) -> None:
        """Read the session and its scores again; the answer being typed is left alone."""
        with guarded(self):
            self._refresh_data()
            if self.current is not None:
                self.current = self.snap.entry(self.current.question_id)
                if self.shown is not None and self.current is not None:
                    self.shown = self.scores.question(self.current.question_id)
                    self._show_feedback()
            self._show_request()
            self._buttons()

    def on_changes(self, changes: Any) -> None:
        """The app-wide change signal: refresh when another view changed this session."""
        if getattr(changes, "origin", None) is self:
            return
        if self.session_id in getattr(changes, "session_ids", frozenset()):
            self.reload()

    def flush(self) -> None:
        self.autosave.stop()
        self.save_draft()

    def close_screen(self) -> None:
        self.flush()
        self.clock.stop()
        self.silence_timer.stop()  # a silence left running would ask for a rating on a closed screen
        self.closed.emit()


__all__ = ["RehearsalScreen", "clock_text", "highlighted_answer", "rehearsal_keys"]
