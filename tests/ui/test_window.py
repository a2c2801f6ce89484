"""The window driven as a user would: wizard, keyboard answers, drafts, evidence drop,
findings, undo, reopen."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QMimeData, QPointF, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from mockinspect.domain.bank import ResponseStatus
from mockinspect.services import Services
from mockinspect.settings import Settings
from mockinspect.ui import main as ui_main
from mockinspect.ui.interview import InterviewScreen
from mockinspect.ui.window import MainWindow


def create_through_wizard(qtbot, window, site="Helix Cell Therapies"):
    def fill(dialog):
        dialog.site.setText(site)
        dialog.seed.setText("7")
        dialog.participants.setPlainText("Jonas Brandt, Head of QA, Helix\nMarta Łukasiewicz, QC lead")
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        return True

    MainWindow.dialog_hook = staticmethod(fill)
    window.new_session()
    qtbot.waitUntil(lambda: window.interview is not None)
    return window.interview


def test_no_display_gives_one_line_and_exit_1(monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert ui_main.main([]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no display" in err[0] and "make demo" in err[0]


def test_second_copy_is_offered_read_only(tmp_path, asked):
    db = tmp_path / "shared.db"
    Services.open(db, user_name="Ann").close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_DB, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        asked.answers.append("Open read-only")
        other = ui_main.open_services(db, "Bob")
        assert other is not None
        try:
            assert other.db.mode == "read"
            assert "another mockinspect" in asked.calls[0][1]
        finally:
            other.close()
    finally:
        holder.communicate("")


HOLD_DB = """
import sys
from pathlib import Path
from mockinspect.services import Services
with Services.open(Path(sys.argv[1]), user_name="Holder"):
    print("open", flush=True)
    sys.stdin.read()
"""


def test_models_pass_the_model_tester(qtbot, window, qtmodeltester):
    screen = create_through_wizard(qtbot, window)
    window.show_start()
    qtmodeltester.check(window.start.model)
    window.catalogue()
    qtmodeltester.check(window.start.browser.model)
    window.open_session(screen.session_id)
    screen = window.interview
    screen.set_status(ResponseStatus.DEFICIENT)
    screen.request_expected()
    for model in (screen.evidence_model, screen.request_model, screen.findings.model, screen.agenda):
        qtmodeltester.check(model)


def test_wizard_creates_a_session_with_participants(qtbot, window, services):
    screen = create_through_wizard(qtbot, window)
    session = services.inspection.session(screen.session_id)
    assert session.site == "Helix Cell Therapies"
    assert session.seed == 7
    assert [p.name for p in session.participants] == ["Jonas Brandt", "Marta Łukasiewicz"]
    assert screen.agenda.rowCount() > 0


def test_three_answers_from_the_keyboard(qtbot, window, services):
    screen = create_through_wizard(qtbot, window)
    ids = [e.question_id for e in screen.snap.script[:3]]
    for qid, key in zip(ids, ("C", "O", "D"), strict=True):
        assert screen.current.question_id == qid
        screen.answer.setFocus()
        qtbot.keyClicks(screen.answer, f"Answer to {qid}")
        screen.tree.setFocus()
        with qtbot.waitSignal(screen.status_recorded, timeout=2000):
            qtbot.keyClick(screen.tree, key)
        qtbot.keyClick(screen.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    responses = {r.question_id: r for r in services.inspection.responses(screen.session_id)}
    assert [responses[q].status for q in ids] == [ResponseStatus.COMPLIANT, ResponseStatus.OBSERVATION, ResponseStatus.DEFICIENT]
    assert responses[ids[0]].text == f"Answer to {ids[0]}"
    assert "3 of" in screen.progress.text()


def test_typing_is_saved_as_a_draft_then_recorded_on_leaving(qtbot, window, services):
    screen = create_through_wizard(qtbot, window)
    qid = screen.current.question_id
    with qtbot.waitSignal(screen.draft_saved, timeout=2000):
        screen.answer.setPlainText("Prüfung der Chargen — 日本語 ✓")
    assert services.inspection.drafts(screen.session_id)[0].text == "Prüfung der Chargen — 日本語 ✓"
    assert services.inspection.response(screen.session_id, qid) is None
    screen.step(1)
    assert services.inspection.response(screen.session_id, qid).text == "Prüfung der Chargen — 日本語 ✓"
    assert services.inspection.drafts(screen.session_id) == []


def test_a_crash_draft_is_offered_back(qtbot, window, services, asked):
    screen = create_through_wizard(qtbot, window)
    from mockinspect.domain.session import DraftPatch

    qid = screen.snap.script[1].question_id
    services.inspection.save_draft(screen.session_id, qid, DraftPatch(text="typed before the crash"))
    window.show_start()
    window.open_session(screen.session_id)
    assert any("not recorded" in text for _kind, text, _b in asked.calls)
    window.interview.go_to(qid)
    assert window.interview.answer.toPlainText() == "typed before the crash"


def test_evidence_by_a_simulated_drop(qtbot, window, services, tmp_path):
    screen = create_through_wizard(qtbot, window)
    record = tmp_path / "batch record 24-031.pdf"
    record.write_bytes(b"%PDF-1.4 batch record")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(record))])
    args = (QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(*args)
    QApplication.sendEvent(screen.drop, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(screen.evidence_attached, timeout=5000):
        QApplication.sendEvent(screen.drop, QDropEvent(*args))
    links = services.inspection.evidence(screen.session_id)
    assert [link.path for link in links] == [str(record)]
    assert links[0].size == record.stat().st_size
    assert screen.evidence_model.rowCount() == 1
    qtbot.waitUntil(lambda: screen.evidence_model.data(screen.evidence_model.index(0, 2)) == "unchanged", timeout=5000)


def test_finding_moves_the_heat_map_and_outcome_and_undo_removes_it(qtbot, window, services, monkeypatch):
    screen = create_through_wizard(qtbot, window)
    outcome_before = screen.findings.outcome.text()

    def fill(dialog):
        dialog.grade.setCurrentIndex(dialog.grade.findData("critical"))
        for spin, value in zip(dialog.spins, (5, 4, 3), strict=True):
            spin.setValue(value)
        assert "60" in dialog.level.text()
        return True

    monkeypatch.setattr(InterviewScreen, "exec_dialog_hook", staticmethod(fill))
    qtbot.keyClick(screen.answer, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    findings = services.inspection.findings(screen.session_id)
    assert len(findings) == 1 and findings[0].question_ids == (screen.current.question_id,)
    assert screen.findings.heatmap.count(5, 4) == 1
    assert screen.findings.outcome.text() != outcome_before
    assert "ndicative" in screen.findings.outcome.text()
    window.undo()
    assert services.inspection.findings(screen.session_id) == []
    assert screen.findings.heatmap.count(5, 4) == 0


def test_undo_a_status_and_see_it_in_the_history(qtbot, window, services, qtmodeltester):
    screen = create_through_wizard(qtbot, window)
    qid = screen.current.question_id
    screen.set_status(ResponseStatus.COMPLIANT)
    screen.set_status(ResponseStatus.DEFICIENT)
    window.undo()
    assert services.inspection.response(screen.session_id, qid).status is ResponseStatus.COMPLIANT
    history = screen.history_model
    qtmodeltester.check(history)
    assert history.rowCount() >= 3
    newest = history.row_object(0)
    assert newest.reason == "undo" and "deficient → compliant" in history.data(history.index(0, 2))
    window.redo()
    assert services.inspection.response(screen.session_id, qid).status is ResponseStatus.DEFICIENT


def test_request_a_record_with_one_key_and_mark_it_delivered(qtbot, window, services):
    screen = create_through_wizard(qtbot, window)
    qtbot.keyClick(screen.answer, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    requests = services.inspection.document_requests(screen.session_id)
    assert len(requests) == 1
    screen.request_table.selectRow(0)
    from mockinspect.domain.session import DocumentRequestStatus

    screen.mark_request(DocumentRequestStatus.DELIVERED)
    assert services.inspection.document_requests(screen.session_id)[0].status is DocumentRequestStatus.DELIVERED


def test_close_and_reopen_finds_everything(qtbot, window, services):
    screen = create_through_wizard(qtbot, window)
    sid, qid = screen.session_id, screen.current.question_id
    screen.answer.setPlainText("unsaved until close")
    screen.set_status(ResponseStatus.OBSERVATION)
    window.close()
    again = MainWindow(services, Settings(user_name="Ann Auditor"))
    qtbot.addWidget(again)
    assert again.start.model.rowCount() == 1
    again.open_session(sid)
    assert again.interview.current.question_id != qid  # it opens at the first unanswered question
    again.interview.go_to(qid)
    assert again.interview.answer.toPlainText() == "unsaved until close"
    assert again.interview.status_buttons[ResponseStatus.OBSERVATION].isChecked()
    again.close()


def test_jump_box_finds_a_question_by_id(qtbot, window):
    screen = create_through_wizard(qtbot, window)
    target = screen.snap.script[-1].question_id
    qtbot.keyClick(screen.answer, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    screen.jump.setText(target)
    qtbot.keyClick(screen.jump, Qt.Key.Key_Return)
    assert screen.current.question_id == target


def test_a_user_error_is_a_message_not_a_traceback(qtbot, window, asked):
    screen = create_through_wizard(qtbot, window)
    screen.request_text.setText("   ")
    qtbot.keyClick(screen.request_text, Qt.Key.Key_Return)  # nothing typed: nothing asked
    assert services_requests(screen) == []
    screen.doc.setText(",")
    qtbot.keyClick(screen.doc, Qt.Key.Key_Return)
    window.finish_session()
    screen.url.setText("https://qms.example/deviation/24-118")
    qtbot.keyClick(screen.url, Qt.Key.Key_Return)  # a finished session refuses it: a message, no traceback
    assert asked.calls[-1][0] == "error"
    assert "reason" in asked.calls[-1][1] or "finished" in asked.calls[-1][1]


def services_requests(screen):
    return screen.services.inspection.document_requests(screen.session_id)


def test_finish_and_reopen(qtbot, window, services, asked, monkeypatch):
    screen = create_through_wizard(qtbot, window)
    window.finish_session()
    assert services.inspection.session(screen.session_id).state.value == "finished"
    monkeypatch.setattr(MainWindow, "ask_text", staticmethod(lambda *a: "client found more records"))
    window.reopen_session()
    assert services.inspection.session(screen.session_id).state.value == "open"


def test_services_fixture_is_the_default_db(services):
    assert isinstance(services, Services)


def test_the_real_command_without_a_display_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["MOCKINSPECT_DB"] = str(tmp_path / "never.db")
    done = subprocess.run([sys.executable, "-m", "mockinspect"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "no display" in done.stderr
    assert not (tmp_path / "never.db").exists()


def test_the_window_shows_before_the_database_and_never_an_old_list(qtbot, services, asked):
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.stack.currentWidget() is win.opening and not win.menuBar().isEnabled()
    services.inspection.create_session(*_bundled_scenario(), site="Site opened later")
    win.attach(services, Settings(user_name="Ann Auditor"))
    assert win.stack.currentWidget() is win.start and win.menuBar().isEnabled()
    assert win.start.model.rowCount() == 1
    win.close()
    QThreadPool.globalInstance().waitForDone(5000)


def _bundled_scenario():
    from mockinspect.ui.window import load_catalogue

    catalogue = load_catalogue()
    scenario = catalogue.scenario(sorted(catalogue.scenarios)[0])
    return scenario, catalogue.banks_for(scenario)


def test_a_change_made_elsewhere_shows_in_the_open_answer(qtbot, window, services):
    from mockinspect.domain.session import ResponsePatch

    screen = create_through_wizard(qtbot, window)
    qid = screen.current.question_id
    services.inspection.record_response(screen.session_id, qid, ResponsePatch(notes="from the command line"))
    qtbot.waitUntil(lambda: screen.notes.toPlainText() == "from the command line", timeout=3000)
    assert screen.history_model.rowCount() == 1


def test_export_the_pdf_report_off_the_gui_thread(qtbot, window, tmp_path, monkeypatch):
    screen = create_through_wizard(qtbot, window, site="Prüfstelle Süd & <Co>")
    screen.set_status(ResponseStatus.DEFICIENT)
    target = tmp_path / "report.pdf"
    monkeypatch.setattr(MainWindow, "ask_save_path", staticmethod(lambda *_a: str(target)))
    with qtbot.waitSignal(window.report_exported, timeout=30000):
        qtbot.keyClick(screen.answer, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert target.read_bytes().startswith(b"%PDF")


def test_typing_without_a_pause_is_still_saved_within_the_delay(qtbot, window, services):
    from PySide6.QtCore import QTimer

    screen = create_through_wizard(qtbot, window)  # the fixture's draft delay is 0.2 s
    keys = QTimer(interval=40)  # 25 keys a second, never a pause as long as the delay
    keys.timeout.connect(lambda: screen.answer.insertPlainText("x"))
    keys.start()
    try:
        with qtbot.waitSignal(screen.draft_saved, timeout=1000):
            pass
        assert keys.isActive()  # saved while the typing goes on
        assert services.inspection.drafts(screen.session_id)[0].text.startswith("x")
    finally:
        keys.stop()
