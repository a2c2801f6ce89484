"""Reads never block saves: a long read on a worker thread runs beside the writer (WAL)."""

from __future__ import annotations

import threading

from sqlalchemy import text

from mockinspect.domain.session import DraftPatch, ResponsePatch


def test_a_save_completes_while_a_long_read_is_open_on_another_thread(service, session):
    """The reader holds its transaction open until the main thread has saved twice.

    If reads took the write lock (as they did), the saves would wait for the reader, the
    reader would wait for the saves, and the events below would time out: no time is
    asserted, a deadlock fails the test."""
    qid = service.script(session.id)[0].question_id
    reading = threading.Event()
    saved = threading.Event()
    seen: dict[str, object] = {}

    def long_read() -> None:
        with service.db.read() as conn:
            seen["before"] = conn.execute(text("SELECT count(*) FROM responses")).scalar_one()
            reading.set()
            seen["released"] = saved.wait(timeout=30)
            # the same transaction still sees its own moment (snapshot isolation)
            seen["inside"] = conn.execute(text("SELECT count(*) FROM responses")).scalar_one()

    worker = threading.Thread(target=long_read)
    worker.start()
    assert reading.wait(timeout=30)
    service.save_draft(session.id, qid, DraftPatch(text="typing while a report is built"))
    service.record_response(session.id, qid, ResponsePatch(status="compliant", text="saved beside a reader"))
    saved.set()
    worker.join(timeout=30)
    assert seen == {"before": 0, "released": True, "inside": 0}
    assert service.response(session.id, qid).text == "saved beside a reader"  # type: ignore[union-attr]


def test_reads_in_the_writing_process_use_a_deferred_begin(service):
    with service.db.read() as conn:
        # a deferred transaction takes no lock until it reads; a writer may still begin
        with service.db.write("probe") as (wconn, _audit):
            wconn.execute(text("SELECT 1"))
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
