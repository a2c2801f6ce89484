"""One error layer: every driver and OS error is a one-line StoreError/UserError, and a file
that is not ours is never changed (nor anything created beside it)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from mockinspect.domain.session import ResponsePatch
from mockinspect.errors import UserError
from mockinspect.services import Services
from mockinspect.services.inspection import InspectionService
from mockinspect.store import (
    Database,
    DiskFullError,
    NotADatabaseError,
    ReadOnlyError,
)
from mockinspect.store.errors import describe
from tests.store.factories import make_scenario, new_session


def _untouched(path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some notes\n", "not an SQLite file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not an SQLite file"),
        (b"SQLite", "not an SQLite file"),  # shorter than the header
    ],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path, content, message):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    for mode in ("write", "read"):
        with pytest.raises(NotADatabaseError, match=message):
            Database(path, mode=mode)  # type: ignore[arg-type]
    _untouched(path, content)


def test_another_programs_sqlite_file_is_read_but_never_changed(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()
    before = path.read_bytes()
    for mode in ("write", "read"):
        with pytest.raises(NotADatabaseError, match="tables of another program"):
            Database(path, mode=mode)  # type: ignore[arg-type]
    _untouched(path, before)


def test_a_folder_and_a_device_are_refused_without_creating_anything(tmp_path):
    with pytest.raises(NotADatabaseError, match="is a folder"):
        Database(tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(NotADatabaseError, match="not a regular file"):
        Database(__import__("pathlib").Path("/dev/null"))
    assert not __import__("pathlib").Path("/dev/null.lock").exists()


def test_a_path_below_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADatabaseError, match="not a folder"):
        Database(tmp_path / "file" / "inspect.db")


def _damage(path, *, truncate: int | None = None, junk_at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    if truncate is not None:
        data = data[:truncate]
    if junk_at is not None:
        data[junk_at : junk_at + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [{"truncate": 4096}, {"junk_at": 4096}, {"junk_at": 16384}])
def test_a_damaged_database_gives_one_line_or_fails_verify(tmp_path, damage):
    path = tmp_path / "damaged.db"
    sid = new_session(path, areas=3, per_area=30)
    _damage(path, **damage)

    def outcome() -> str:
        try:
            with Services.open(path, mode="read", user_name="x") as services:
                services.inspection.snapshot(sid)
                report = services.trail.verify()
                return "ok" if report.problem is None else report.problem.message
        except UserError as exc:
            return str(exc)

    message = outcome()
    assert message != "ok"
    assert "\n" not in message and "Traceback" not in message


def test_user_errors_wrap_store_errors(tmp_path):
    path = tmp_path / "x.db"
    path.write_text("hello")
    with pytest.raises(UserError, match="not an SQLite file"):
        InspectionService.open(path, user_name="x")
    assert path.read_text() == "hello"


def test_a_full_disk_is_a_clear_error_and_the_save_is_undone(db_path, scenario, bank):
    with InspectionService.open(db_path, user_name="x") as service:
        session = service.create_session(scenario, [bank], site="Site")
        qid = service.script(session.id)[0].question_id
        service.record_response(session.id, qid, ResponsePatch(status="compliant", text="short"))
        writer = service.db._writer
        assert writer is not None
        writer.exec_driver_sql("PRAGMA max_page_count = 1")  # the disk is "full": no page may be added
        writer.commit()
        with pytest.raises(UserError, match="disk is full"):
            service.record_response(session.id, qid, ResponsePatch(text="x" * 200_000))
        assert service.response(session.id, qid).text == "short"  # type: ignore[union-attr]


def test_the_translation_of_real_driver_errors(tmp_path):
    """Read-only and busy errors cannot be provoked reliably as root; translate the real ones."""
    path = tmp_path / "ro.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        ro.execute("INSERT INTO t VALUES (1)")
    ro.close()
    assert isinstance(describe(readonly.value, path), ReadOnlyError)
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("SELECT * FROM t")
    holder.rollback()
    for con in (holder, other):
        con.close()
    assert "busy" in str(describe(busy.value, path))
    assert isinstance(describe(OSError(28, "No space left on device"), path), DiskFullError)
    assert isinstance(describe(OSError(30, "Read-only file system"), path), ReadOnlyError)


@pytest.mark.parametrize("seed", [1 << 64, -1, True])
def test_a_seed_that_does_not_fit_64_bits_is_refused(service, scenario, bank, db_path, seed):
    with pytest.raises(UserError, match="seed must be a whole number from 0 to 9223372036854775807"):
        service.create_session(scenario, [bank], site="S", seed=seed)
    assert service.sessions() == []


def test_a_scenario_seed_that_does_not_fit_64_bits_is_refused(service, bank):
    huge = make_scenario(bank).model_copy(
        update={"draw": make_scenario(bank).draw.model_copy(update={"seed": 1 << 70})}
    )
    with pytest.raises(UserError, match="seed must be"):
        service.create_session(huge, [bank], site="S")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE findings SET grade = 'catastrophic'", "unreadable grade 'catastrophic' in finding"),
        ("UPDATE sessions SET started_at = 'yesterday-ish'", "cannot be read"),
        ("UPDATE findings SET citations = '\"not a list\"'", "unreadable citations"),
    ],
)
def test_a_stored_value_that_cannot_be_read_is_one_line(service, session, db_path, sql, message):
    service.raise_finding(session.id, title="T", grade="minor")
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA ignore_check_constraints = ON")
    con.execute(sql)
    con.commit()
    con.close()
    with pytest.raises(UserError, match=message) as caught:
        service.snapshot(session.id)
    assert "\n" not in str(caught.value)


def test_naive_datetimes_are_refused_before_the_store(service, session):
    from mockinspect.domain.session import RequestPatch

    request = service.request_document(session.id, "SOP")
    with pytest.raises(UserError, match="time zone"):
        service.update_document_request(request.id, RequestPatch(delivered_at=datetime(2026, 1, 1)))


def test_citations_given_as_one_string_are_refused(service, session):
    with pytest.raises(UserError, match="list of texts"):
        service.raise_finding(session.id, title="T", grade="minor", citations="21 CFR 211.192")  # type: ignore[arg-type]


def test_a_read_only_service_cannot_write(db_path, session):
    with InspectionService.open(db_path, mode="read", user_name="r") as reader, pytest.raises(UserError, match="read-only"):
        reader.finish_session(session.id)
