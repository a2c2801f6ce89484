"""The rehearsal screen and the progress view, driven as a trainee would: from the keyboard.

A simulated trainee starts a two-question drill from the Training tab, answers a weak answer
(the probe comes next), answers the probe, answers the other question, retries the failed
one, overrides a key point (asked why), produces a requested record, finishes, and the
scores, the trail and the training record read back right."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from mockinspect.services.report import ReportService
from mockinspect.ui.progress import NewDrillDialog, ProgressView
from mockinspect.ui.rehearsal import RehearsalScreen, highlighted_answer

SCENARIO = "fda-cgt-data-integrity"
MODEL_DI_001 = (
    "Our SOP-QA-031 defines which audit trails are reviewed based on risk: changes, deletions and reprocessing "
    "events. The review is completed and documented before release or QP certification. The reviewer is QA, "
    "trained, and independent of the analyst who generated the data. The review record shows what was reviewed "
    "and the findings, not only a signature. Any unexplained entry or anomaly is raised as a deviation and "
    "investigated before release. I can show you the review records for the last three lots."
)
WEAK = "I think QA usually looks at the audit trail before release, probably."
PROBE = "I do not know who changed it; I will find out and show you the review record and open a deviation."
DI_003 = (
    "Each operator has their own account on the HMI, with role based privileges set by IT under SOP-IT-012. "
    "Access is reviewed every quarter. I can show you the user list on the HMI and the audit trail with the user ID."
)


@pytest.fixture
def reasons(monkeypatch):
    """Every reason or name the screen asks for, answered from this list (and recorded)."""
    given: list[str] = []
    asked: list[str] = []

    def fake(_parent, _title, label):
        asked.append(label)
        return given.pop(0) if given else None

    monkeypatch.setattr(RehearsalScreen, "ask_text", staticmethod(fake))
    return type("Reasons", (), {"given": given, "asked": asked})


def submit(qtbot, screen, text, rating=Qt.Key.Key_3):
    """Type the answer, Ctrl+Enter, then rate it from the keyboard (0 skips) before the score shows."""
    screen.answer.setFocus()
    qtbot.keyClicks(screen.answer, text)
    qtbot.keyClick(screen.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.rating_box.isVisible() and not screen.feedback.isVisible()  # nothing revealed before the rating
    assert screen.answer.isReadOnly()
    with qtbot.waitSignal(screen.answer_scored, timeout=5000):
        qtbot.keyClick(screen.focusWidget(), rating)


def next_question(qtbot, screen):
    qtbot.keyClick(screen.next_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_a_trainee_completes_a_drill_from_the_keyboard(qtbot, window, services, asked, reasons, monkeypatch):
    window.catalogue()
    window.show_progress()
    assert window.start.tabs.currentWidget() is window.progress

    def fill(dialog: NewDrillDialog) -> None:
        dialog.trainee.setCurrentText("Jonas Brandt")
        dialog.department.setText("QC")
        dialog.scenario.setCurrentIndex(dialog.scenario.findData(SCENARIO))
        dialog.inspection_date.setText("2027-06-01")
        dialog.assessor.setText("Dr. Anna Weber")
        dialog.create_session()

    monkeypatch.setattr(ProgressView, "dialog_hook", staticmethod(fill))
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(window.interview, RehearsalScreen))
    first_session = window.interview
    sid = first_session.session_id
    assert services.training.link(sid).inspection_date == date(2027, 6, 1)
    window.show_start()

    # a short drill of two questions, as "Start next drill" makes them
    catalogue = window.catalogue()
    scenario = catalogue.scenario(SCENARIO)
    drill = services.training.start_session(
        scenario, list(catalogue.banks.values()), trainee="Jonas Brandt", question_ids=["DI-001", "DI-003"],
        inspection_date=date(2027, 6, 1),
    )  # fmt: skip
    window.open_session(drill.id)
    screen = window.interview
    assert isinstance(screen, RehearsalScreen)
    assert screen.current.question_id == "DI-001" and screen.clock.isActive()
    assert "Jonas Brandt" in screen.header.text() and not screen.feedback.isVisible()

    submit(qtbot, screen, WEAK)  # Ctrl+Enter submits
    assert screen.feedback.isVisible() and not screen.clock.isActive()
    shown = screen.shown
    assert shown is not None and not shown.score.passed
    assert "hedge" in screen.flags.text() and "usually" in screen.flags.text()
    assert "background" in screen.highlight.toHtml()  # the hedges are marked in the answer
    assert [e.question_id for e in screen.list_model.rows] == ["DI-001", "DI-003", "DI-001-P1"]

    next_question(qtbot, screen)  # Ctrl+Enter again: the probe for what was missed comes first
    assert screen.current.question_id == "DI-001-P1" and screen.answer.hasFocus()
    submit(qtbot, screen, PROBE)
    next_question(qtbot, screen)
    assert screen.current.question_id == "DI-003"
    submit(qtbot, screen, DI_003)
    assert screen.request_box.isVisible()  # "show me the user list": a timed request for the record
    screen.reference.setFocus()
    qtbot.keyClicks(screen.reference, "IT-UL-2024-07")
    with qtbot.waitSignal(screen.record_produced, timeout=5000):
        qtbot.keyClick(screen.reference, Qt.Key.Key_Return)
    assert not screen.reference.isEnabled()

    # override a key point from the keyboard: Tab to its button, Space; the screen asks why
    point = next(k.key_point_id for k in screen.shown.score.key_points if k.credit < 1)
    button = screen.point_buttons[point][1.0]
    reasons.given.append("named the quarterly access review")
    button.setFocus()
    with qtbot.waitSignal(screen.credit_set, timeout=5000):
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert reasons.asked and point in reasons.asked[0]
    assert screen.point_buttons[point][1.0].isChecked()
    override = services.training.overrides(drill.id)[-1]
    assert (override.key_point_id, override.to_credit, override.reason, override.who) == (
        point,
        1.0,
        "named the quarterly access review",
        "Ann Auditor",
    )

    next_question(qtbot, screen)  # the failed DI-001 comes back: rewind and retry
    assert screen.current.question_id == "DI-001"
    submit(qtbot, screen, MODEL_DI_001)
    assert screen.shown.score.passed and screen.shown.attempt.attempt == 2
    next_question(qtbot, screen)
    while screen.current is not None:  # any item still below grade 4 comes back until its attempts run out
        submit(qtbot, screen, MODEL_DI_001 if screen.current.question_id == "DI-001" else DI_003)
        next_question(qtbot, screen)
    assert screen.done.isVisible() and screen.finish_button.isVisible()
    qtbot.mouseClick(screen.finish_button, Qt.MouseButton.LeftButton)

    scores = services.training.scores(drill.id)
    assert {q.entry.question_id for q in scores.questions} == {"DI-001", "DI-003", "DI-001-P1"}
    assert scores.question("DI-001").attempts >= 2 and scores.question("DI-001").score.passed
    assert services.inspection.session(drill.id).state.value == "finished"
    assert services.trail.verify().problem is None
    record = ReportService(services.inspection).build(drill.id).training
    assert record is not None and "Jonas Brandt" in record.trainee
    by_id = {item.question_id: item for item in record.items}
    assert set(by_id) == {"DI-001", "DI-003", "DI-001-P1"}
    assert by_id["DI-001"].score == scores.question("DI-001").score.score and by_id["DI-001"].passed
    assert by_id["DI-001"].attempts == scores.question("DI-001").attempts
    assert by_id["DI-003"].overridden
    assert [(o.question_id, o.reason, o.who) for o in record.overrides] == [
        ("DI-003", "named the quarterly access review", "Ann Auditor")
    ]
    assert record.scored == 3 and record.passed == sum(q.score.passed for q in scores.questions)
    assert record.inspection_date == "01 June 2027"

    window.show_progress()
    qtbot.waitUntil(lambda: window.progress.trainee.count() == 1)
    window.progress.select("Jonas Brandt")
    history = window.progress.history_model.rows
    assert [h.session_id for h in history][:2] == [drill.id, sid]
    assert window.progress.areas_model.rows[0].area == "data-integrity"


def test_na_and_an_unlinked_training_session(qtbot, window, services, reasons):
    catalogue = window.catalogue()
    scenario = catalogue.scenario(SCENARIO)
    session = services.inspection.create_session(
        scenario, catalogue.banks_for(scenario), site="Site", mode="training", seed=7
    )
    window.open_session(session.id)
    screen = window.interview
    assert isinstance(screen, RehearsalScreen) and screen.set_trainee_button.isVisible()
    reasons.given.append("Mia Wong")
    qtbot.mouseClick(screen.set_trainee_button, Qt.MouseButton.LeftButton)
    assert not screen.set_trainee_button.isVisible() and "Mia Wong" in screen.header.text()
    qid = screen.current.question_id
    with qtbot.waitSignal(screen.answer_scored, timeout=5000):
        qtbot.keyClick(screen.answer, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert services.training.scores(session.id).question(qid).score.not_applicable
    assert screen.list_model.data(screen.list_model.index(0, 2)) == "N/A"


def test_an_empty_answer_is_a_message_and_typing_is_a_draft(qtbot, window, services, asked):
    catalogue = window.catalogue()
    scenario = catalogue.scenario(SCENARIO)
    session = services.training.start_session(scenario, catalogue.banks_for(scenario), trainee="Ola", seed=7)
    window.open_session(session.id)
    screen = window.interview
    qtbot.keyClick(screen.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked.calls and "Type your answer first" in asked.calls[-1][1]
    assert services.training.attempts(session.id) == []
    qtbot.keyClicks(screen.answer, "We review")
    with qtbot.waitSignal(screen.draft_saved, timeout=3000):
        pass
    assert services.inspection.drafts(session.id)[0].text == "We review"


def test_the_highlight_escapes_the_answer_and_marks_spans():
    from mockinspect.domain.training import Flag, ItemScore, KeyPointMatch

    text = "<b>I think</b> & we review"
    score = ItemScore(
        question_id="Q", key_points=(KeyPointMatch("kp", 1.0, ((20, 26),), ("review",), False, "found"),),
        flags=(Flag("hedge", "I think", (3, 10), False, "hedge"),), dimensions=(), score=50.0, passed=False,
        critical=False, quality=2, seconds=None, reasons=(),
    )  # fmt: skip
    out = highlighted_answer(text, score)
    assert "&lt;b&gt;" in out and "&amp;" in out and "<b>" not in out
    assert out.count("<span") == 2 and ">I think</span>" in out and ">review</span>" in out


def test_progress_models_pass_the_model_tester(qtbot, window, services, qtmodeltester):
    catalogue = window.catalogue()
    scenario = catalogue.scenario(SCENARIO)
    session = services.training.start_session(scenario, catalogue.banks_for(scenario), trainee="Ola", seed=7)
    services.training.answer(session.id, "DI-001", WEAK)
    window.progress.refresh()
    for model in (window.progress.history_model, window.progress.areas_model, window.progress.due_model):
        qtmodeltester.check(model)
    window.open_session(session.id)
    qtmodeltester.check(window.interview.list_model)


def test_a_scored_question_shows_its_score_and_can_be_tried_again(qtbot, window, services):
    catalogue = window.catalogue()
    scenario = catalogue.scenario(SCENARIO)
    session = services.training.start_session(
        scenario, catalogue.banks_for(scenario), trainee="Ola", question_ids=["DI-001", "DI-003"]
    )
    services.training.answer(session.id, "DI-001", WEAK, seconds=30)
    window.open_session(session.id)
    screen = window.interview
    assert screen.current.question_id == "DI-003" and not screen.retry_button.isVisible()
    screen.list.setFocus()
    screen.list.selectRow(0)
    qtbot.keyClick(screen.list, Qt.Key.Key_Return)  # open DI-001 from the list: its score, as scored
    assert screen.current.question_id == "DI-001" and screen.feedback.isVisible()
    assert screen.answer.toPlainText() == WEAK and screen.answer.isReadOnly()
    assert screen.retry_button.isVisible() and "answered in" in screen.clock_label.text()
    qtbot.keyClick(screen.list, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Try again
    assert screen.answer.toPlainText() == "" and not screen.answer.isReadOnly() and not screen.feedback.isVisible()
    submit(qtbot, screen, MODEL_DI_001)
    assert screen.shown.attempt.attempt == 2 and screen.shown.score.passed
    assert [a.attempt for a in services.training.attempts(session.id, "DI-001")] == [1, 2]


def test_the_session_menu_acts_on_a_rehearsal_and_start_next_drill(qtbot, window, services, asked):
    catalogue = window.catalogue()
    scenario = catalogue.scenario(SCENARIO)
    session = services.training.start_session(
        scenario, catalogue.banks_for(scenario), trainee="Ola", question_ids=["DI-001", "DI-003"]
    )
    window.open_session(session.id)
    screen = window.interview
    actions = {a.text().replace("&", ""): a for a in window.menuBar().actions()[2].menu().actions()}
    actions["Request expected record"].trigger()  # the record DI-001 expects, asked for now
    assert screen.request_box.isVisible() and services.inspection.document_requests(session.id)
    actions["Raise finding"].trigger()
    assert "instead of raising findings" in asked.calls[-1][1]
    actions["Jump to question…"].trigger()
    assert screen.list.hasFocus()
    submit(qtbot, screen, WEAK)
    actions["Next question"].trigger()
    assert screen.current.question_id == "DI-001-P1"
    actions["Previous question"].trigger()
    assert screen.current.question_id == "DI-003"

    window.show_progress()
    qtbot.waitUntil(lambda: window.progress.trainee.currentText() == "Ola")
    assert [d.question_id for d in window.progress.due_model.rows] == []  # due tomorrow, not today
    window.progress.next_button.setFocus()
    qtbot.keyClick(window.progress.next_button, Qt.Key.Key_Space)  # Start next drill: what was missed most
    qtbot.waitUntil(lambda: isinstance(window.interview, RehearsalScreen) and window.interview.session_id != session.id)
    drill = window.interview
    assert drill.snap.script[0].question_id == "DI-001"
    assert services.training.link(drill.session_id).trainee_id == services.training.trainee("Ola").id


def _drill(services, window, question_ids=("DI-001", "DI-003"), **kw):
    catalogue = window.catalogue()
    scenario = catalogue.scenario(SCENARIO)
    return services.training.start_session(
        scenario, list(catalogue.banks.values()), trainee="Jonas Brandt", question_ids=list(question_ids), **kw
    )


def test_the_trainee_rates_the_answer_before_the_reveal(qtbot, window, services):
    drill = _drill(services, window)
    window.open_session(drill.id)
    screen = window.interview
    screen.answer.setFocus()
    qtbot.keyClicks(screen.answer, WEAK)
    qtbot.keyClick(screen.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.rating_box.isVisible() and screen.phase == "rating"
    assert not screen.submit_button.isVisible() and not screen.na_button.isVisible()
    # Ctrl+Enter again does not skip the rating, and typing a digit does not reach the answer
    qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.phase == "rating" and services.training.attempts(drill.id) == []
    with qtbot.waitSignal(screen.answer_scored, timeout=5000):
        qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_5)  # sure it was complete; it was not
    assert screen.answer.toPlainText() == WEAK and not screen.rating_box.isVisible()
    (attempt,) = services.training.attempts(drill.id)
    assert attempt.self_rating == 5
    assert screen.calibration.isVisible() and "Over-confident" in screen.calibration.text()
    assert "you rated it 5/5" in screen.calibration.text()

    next_question(qtbot, screen)  # the probe
    submit(qtbot, screen, PROBE, rating=Qt.Key.Key_0)  # 0 skips
    assert services.training.attempts(drill.id, screen.current.question_id)[0].self_rating is None
    assert not screen.calibration.isVisible()
    next_question(qtbot, screen)
    screen.answer.setFocus()
    qtbot.keyClicks(screen.answer, DI_003)
    qtbot.keyClick(screen.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(screen.answer_scored, timeout=5000):  # a mouse click rates too
        qtbot.mouseClick(screen.self_rating_buttons[2], Qt.MouseButton.LeftButton)
    assert services.training.attempts(drill.id, "DI-003")[0].self_rating == 2
    # typing a digit in the next answer is text, not a rating
    next_question(qtbot, screen)
    if screen.current is not None:
        qtbot.keyClicks(screen.answer, "3")
        assert screen.answer.toPlainText().endswith("3") and screen.phase == "answer"


def test_the_inspectors_silence_lets_the_trainee_add_to_the_answer(qtbot, window, services):
    drill = _drill(services, window, ("DI-003",), silence_seconds=1)
    window.open_session(drill.id)
    screen = window.interview
    assert "inspector silence 1 s" in screen.header.text()
    screen.answer.setFocus()
    qtbot.keyClicks(screen.answer, "Each operator has their own account on the HMI.")
    qtbot.keyClick(screen.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.phase == "silence" and screen.silence_box.isVisible()
    assert "waits" in screen.silence_label.text() and screen.clock_label.text().startswith("silence")
    assert not screen.answer.isReadOnly() and not screen.rating_box.isVisible()
    qtbot.keyClicks(screen.answer, " Access is reviewed every quarter under SOP-IT-012.")  # drawn out by the silence
    qtbot.waitUntil(lambda: screen.phase == "rating", timeout=4000)  # the silence ends by itself
    assert not screen.silence_box.isVisible() and screen.answer.isReadOnly()
    with qtbot.waitSignal(screen.answer_scored, timeout=5000):
        qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_4)
    (attempt,) = services.training.attempts(drill.id)
    assert attempt.text.endswith("Access is reviewed every quarter under SOP-IT-012.")  # scored with the addition

    # Ctrl+Enter ends the silence early; a drill without silence goes straight to the rating
    screen.try_again()
    qtbot.keyClicks(screen.answer, "Each operator has their own account.")
    qtbot.keyClick(screen.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.phase == "silence"
    qtbot.keyClick(screen.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.phase == "rating" and not screen.silence_timer.isActive()
    with qtbot.waitSignal(screen.answer_scored, timeout=5000):
        qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_Escape)  # Esc skips
    assert [a.self_rating for a in services.training.attempts(drill.id)] == [4, None]


def test_the_assessor_rates_the_drill_on_its_result_page(qtbot, window, services):
    drill = _drill(services, window, ("DI-003",))
    window.open_session(drill.id)
    screen = window.interview
    submit(qtbot, screen, DI_003, rating=Qt.Key.Key_4)
    while screen.current is not None:
        next_question(qtbot, screen)
        if screen.current is not None:
            submit(qtbot, screen, DI_003)
    assert screen.done.isVisible() and screen.trainer_box.isVisible()
    assert screen.trainer_rating() is None and screen.trainer_save.isEnabled()
    qtbot.mouseClick(screen.finish_button, Qt.MouseButton.LeftButton)  # rated after the drill is finished
    assert screen.trainer_box.isVisible()
    qtbot.mouseClick(screen.trainer_buttons[4], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.trainer_buttons[2], Qt.MouseButton.LeftButton)  # one at most
    assert screen.trainer_rating() == 2
    screen.trainer_comment.setFocus()
    qtbot.keyClicks(screen.trainer_comment, "Calm; <guessed> the review period & argued.")
    with qtbot.waitSignal(screen.rated, timeout=5000):
        qtbot.mouseClick(screen.trainer_save, Qt.MouseButton.LeftButton)
    link = services.training.link(drill.id)
    assert (link.trainer_rating, link.trainer_comment, link.rated_by) == (
        2, "Calm; <guessed> the review period & argued.", "Ann Auditor"
    )  # fmt: skip
    assert "Saved by Ann Auditor" in screen.trainer_note.text()
    assert services.trail.verify().problem is None
    record = ReportService(services.inspection).build(drill.id).training
    assert record is not None and record.trainer_rating == 2 and record.trainer_comment.startswith("Calm")
    window.open_session(drill.id)  # opened again: the rating is shown as saved
    again = window.interview
    assert again.trainer_box.isVisible() and again.trainer_rating() == 2
    assert again.trainer_comment.toPlainText() == "Calm; <guessed> the review period & argued."


def test_the_new_session_dialog_starts_a_drill_for_a_named_trainee(qtbot, window, services, asked):
    from mockinspect.ui.wizard import NewSessionDialog

    catalogue = window.catalogue()
    dialog = NewSessionDialog(services, catalogue, "Dr. Anna Weber", window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.trainee.isVisible() and not dialog.silence.isVisible()  # an audit has no trainee
    dialog.mode.setCurrentIndex(dialog.mode.findData("training"))
    assert dialog.trainee.isVisible() and dialog.inspection_date.isVisible() and dialog.silence.isVisible()
    assert dialog.create_button.text() == "Start rehearsal"
    assert dialog.form.labelForField(dialog.lead).text() == "&Assessor"
    dialog.scenario.setCurrentIndex(dialog.scenario.findData(SCENARIO))
    dialog.seed.setText("7")
    with qtbot.assertNotEmitted(dialog.session_created):
        dialog.create_session()  # no trainee named
    assert asked.calls and "name the trainee" in asked.calls[-1][1]
    dialog.trainee.setCurrentText("Mia Wong")
    dialog.inspection_date.setText("2027-13-01")
    with qtbot.assertNotEmitted(dialog.session_created):
        dialog.create_session()
    assert "not a date" in asked.calls[-1][1]
    dialog.inspection_date.setText("2027-06-01")
    dialog.participants.setPlainText("Tom Reed, observer, QA")
    qtbot.mouseClick(dialog.silence, Qt.MouseButton.LeftButton, pos=dialog.silence.rect().center())
    with qtbot.waitSignal(dialog.session_created, timeout=5000) as created:
        dialog.create_session()
    sid = created.args[0]
    link = services.training.link(sid)
    assert link is not None and services.training.trainee(link.trainee_id).name == "Mia Wong"
    assert link.inspection_date.isoformat() == "2027-06-01" and link.assessor == "Dr. Anna Weber"
    assert link.silence_seconds == 7
    session = services.inspection.session(sid)
    assert [(p.name, p.role) for p in session.participants] == [("Mia Wong", "trainee"), ("Tom Reed", "observer")]
    dialog.mode.setCurrentIndex(dialog.mode.findData("audit"))
    assert not dialog.trainee.isVisible() and dialog.create_button.text() == "Start inspection"


def test_help_lists_the_rehearsal_keys(window):
    rows = window.shortcut_rows()
    rehearsal = {keys: what for group, keys, what in rows if group == "In a rehearsal"}
    assert "1 2 3 4 5" in rehearsal and "0 / Esc" in rehearsal and "Alt+N" in rehearsal
    assert "Ctrl+Enter" in rehearsal and "silence" in rehearsal["Ctrl+Enter"]
