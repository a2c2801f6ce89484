"""Undo and redo for evidence links and document requests, each a compensating audited change;
requests are due in the persona's time."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from mockinspect.domain.session import DocumentRequestStatus
from tests.ui.test_window import create_through_wizard


def reasons(services, session_id, entity):
    return [r.reason for r in services.trail.history(session_id=session_id, entity=entity)]


def test_undo_and_redo_a_url_link(qtbot, window, services):
    screen = create_through_wizard(qtbot, window)
    qtbot.keyClick(screen.answer, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert screen.url.hasFocus()
    qtbot.keyClicks(screen.url, "https://qms.example/deviations/DEV-24-118")
    with qtbot.waitSignal(screen.evidence_attached, timeout=3000):
        qtbot.keyClick(screen.url, Qt.Key.Key_Return)
    assert [e.url for e in services.inspection.evidence(screen.session_id)] == ["https://qms.example/deviations/DEV-24-118"]
    qtbot.keyClick(screen.url, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # to the agenda: text fields keep Ctrl+Z
    qtbot.keyClick(screen.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert services.inspection.evidence(screen.session_id) == []
    assert screen.evidence_model.rowCount() == 0
    window.redo()
    assert len(services.inspection.evidence(screen.session_id)) == 1
    assert screen.evidence_model.rowCount() == 1
    assert reasons(services, screen.session_id, "evidence") == [None, "undo", "redo"]


def test_undo_removing_a_file_link_links_it_again_with_its_first_hash(qtbot, window, services, tmp_path, qtmodeltester):
    screen = create_through_wizard(qtbot, window)
    record = tmp_path / "batch record.pdf"
    record.write_bytes(b"%PDF-1.4 first")
    with qtbot.waitSignal(screen.evidence_attached, timeout=5000):
        screen.attach_files([str(record)])
    first = services.inspection.evidence(screen.session_id)[0]
    record.write_bytes(b"%PDF-1.4 changed after linking")
    screen.evidence_table.selectRow(0)
    qtbot.mouseClick(screen.detach_button, Qt.MouseButton.LeftButton)
    assert services.inspection.evidence(screen.session_id) == []
    window.undo()
    again = services.inspection.evidence(screen.session_id)
    assert [(e.path, e.sha256, e.size) for e in again] == [(first.path, first.sha256, first.size)]
    qtbot.waitUntil(lambda: screen.evidence_model.data(screen.evidence_model.index(0, 2)) == "changed", timeout=5000)
    qtmodeltester.check(screen.evidence_model)


def test_undo_a_request_and_its_delivery(qtbot, window, services):
    screen = create_through_wizard(qtbot, window)
    qtbot.keyClick(screen.answer, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    (request,) = services.inspection.document_requests(screen.session_id)
    screen.request_table.selectRow(0)
    screen.mark_request(DocumentRequestStatus.DELIVERED)
    assert services.inspection.document_request(request.id).status is DocumentRequestStatus.DELIVERED
    window.undo()
    back = services.inspection.document_request(request.id)
    assert back.status is DocumentRequestStatus.OPEN and back.delivered_at is None and back.due_at == request.due_at
    window.undo()
    assert services.inspection.document_requests(screen.session_id) == []
    assert screen.request_model.rowCount() == 0
    window.redo()
    assert [r.description for r in services.inspection.document_requests(screen.session_id)] == [request.description]
    assert reasons(services, screen.session_id, "document_request")[-2:] == ["undo", "redo"]


def test_a_typed_request_is_due_in_the_scenario_drill_time(qtbot, window, services):
    screen = create_through_wizard(qtbot, window)
    minutes = screen.snap.scenario.request_minutes
    screen.request_text.setText("Cleaning log of the isolator, last 3 months")
    qtbot.keyClick(screen.request_text, Qt.Key.Key_Return)
    (request,) = services.inspection.document_requests(screen.session_id)
    assert request.due_at - request.requested_at == timedelta(minutes=minutes)
    assert screen.request_model.data(screen.request_model.index(0, 2))  # the due time is shown


def test_a_refused_link_leaves_nothing_to_undo(qtbot, window, asked):
    screen = create_through_wizard(qtbot, window)
    window.finish_session()
    screen.url.setText("https://qms.example/deviations/DEV-24-118")
    qtbot.keyClick(screen.url, Qt.Key.Key_Return)
    assert asked.calls[-1][0] == "error"
    assert not screen.undo_stack.canUndo() or screen.undo_stack.undoText() != "link evidence"
