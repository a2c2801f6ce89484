"""The hot path's precompiled statements write and read exactly what plain Core does."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from mockinspect.store import Database
from mockinspect.store.prepared import Prepared
from mockinspect.store.responses import _ANSWER_LOOKUP
from mockinspect.store.tables import metadata, responses_t
from tests.store.factories import new_session


def test_no_table_has_python_side_defaults_the_fast_path_would_skip():
    for table in metadata.sorted_tables:
        for column in table.columns:
            assert column.default is None and column.onupdate is None, f"{table.name}.{column.name}"


def test_prepared_and_core_write_and_read_the_same_row(tmp_path):
    path = tmp_path / "p.db"
    session_id = new_session(path)
    values = {
        "session_id": session_id,
        "status": "deficient",
        "text": "Ünïcode ✓ 日本語 <b>&",
        "notes": None,
        "answered_by": "Bob",
        "key_points_hit": ["kp1", "kp2"],
        "seconds_taken": 42,
        "created_at": datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 1, 9, 31, 0, tzinfo=UTC),
    }
    with Database(path) as db, db.write("t") as (conn, _audit):
        types = {c.name: c.type for c in responses_t.columns}
        keys = [c.name for c in responses_t.columns if c.name != "id"]
        fast = Prepared(insert(responses_t).returning(responses_t.c.id), conn.dialect, column_keys=keys, types=types)
        cursor = fast.execute(conn, {**values, "question_id": "Q-1-001"})
        fast_id = cursor.fetchone()[0]
        cursor.close()
        core_id = conn.execute(
            insert(responses_t).returning(responses_t.c.id), {**values, "question_id": "Q-1-002"}
        ).scalar_one()
        rows = {
            r["id"]: {k: v for k, v in r.items() if k not in ("id", "question_id")}
            for r in conn.execute(select(responses_t)).mappings()
        }
        assert rows[fast_id] == rows[core_id]
        lookup = Prepared(_ANSWER_LOOKUP, conn.dialect, result_types=types)
        for qid in ("Q-1-001", "Q-1-002"):
            found = lookup.first(conn, {"sid": session_id, "qid": qid})
            core = conn.execute(_ANSWER_LOOKUP, {"sid": session_id, "qid": qid}).mappings().first()
            assert found == dict(core)  # type: ignore[arg-type]
            assert found["created_at"] == values["created_at"] and found["key_points_hit"] == ["kp1", "kp2"]
        assert list(lookup.columns) == list(_ANSWER_LOOKUP.selected_columns.keys())
        conn.rollback()
