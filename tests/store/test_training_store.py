"""Training records in the store: migrations 0005 and 0006 on a database with data, and the
training repository's writes, each kept in the audit trail (which still verifies)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from mockinspect.domain.session import ResponsePatch
from mockinspect.services.inspection import InspectionService
from mockinspect.services.trail import TrailService
from mockinspect.store import ConflictError, Database, ReadOnlyError, TrainingRepository, migrate
from mockinspect.store.engine import make_engine
from tests.store.factories import new_session

NEW_TABLES = ("trainees", "training_sessions", "training_scores", "training_overrides", "training_schedule")


def _tables(path):
    con = sqlite3.connect(path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    return names


def _dump(path):
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    tables = sorted(_tables(path) - {"alembic_version", *NEW_TABLES})
    out = {t: [dict(r) for r in con.execute(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}
    con.close()
    return out


def _downgrade(path, target):
    from alembic import command

    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), target)
    finally:
        engine.dispose()


def test_upgrade_from_0004_keeps_every_row_and_the_trail(tmp_path):
    path = tmp_path / "old.db"
    sid = new_session(path)
    with InspectionService.open(path, user_name="Ann") as service:
        for qid in ("Q-1-001", "Q-1-002"):
            service.record_response(sid, qid, ResponsePatch(status="deficient", text="We review it 🙂 & <ok>"))
        service.raise_finding(sid, title="Audit trail not reviewed", grade="major", question_ids=["Q-1-001"])
    _downgrade(path, "0004")
    assert not set(NEW_TABLES) & _tables(path)
    before = _dump(path)
    assert before["responses"] and before["findings"] and before["audit_trail"]

    with Database(path) as db:  # opening upgrades to the head
        assert TrainingRepository(db).trainees() == []

    assert set(NEW_TABLES) <= _tables(path)
    assert _dump(path) == before
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD_REVISION,)]
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    assert len(list((tmp_path / "backups").glob("old-*-rev0004.db"))) == 1
    with TrailService.open(path, user_name="Ann") as trail:
        assert trail.verify().problem is None
        assert trail.verify(sid).problem is None


def _rows(path, table):
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY 1")]
    con.close()
    return rows


def test_upgrade_from_0005_keeps_training_records_and_the_trail(tmp_path):
    path = tmp_path / "t5.db"
    sid = new_session(path)
    with Database(path) as db:
        repo = TrainingRepository(db)
        ann = repo.add_trainee({"name": "Ann Ö", "employee_id": "E-1"}, who="lead")
        repo.link_session(sid, ann.id, {"inspection_date": date(2027, 3, 1), "assessor": "Bo"}, who="lead")
        repo.add_score(
            sid, "Q-1-001", {"text": "We review it.", "score": {"score": 40.0}, "scorer_version": "1.0.0",
                             "lexicon_version": "1.1.0"}, who="Ann",
        )  # fmt: skip
    _downgrade(path, "0005")
    assert "self_rating" not in _rows(path, "training_scores")[0]
    before = {t: _rows(path, t) for t in ("trainees", "training_sessions", "training_scores", "audit_trail")}

    with Database(path) as db:  # opening upgrades 0005 -> head
        repo = TrainingRepository(db)
        link = repo.training_link(sid)
        assert link is not None and link.trainer_rating is None and link.silence_seconds is None
        assert [a.self_rating for a in repo.scores(sid)] == [None]
        assert repo.scores(sid)[0].scorer_version == "1.0.0"  # a stored score keeps its own version

    after = {t: _rows(path, t) for t in before}
    new_columns = {"self_rating", "silence_seconds", "trainer_rating", "trainer_comment", "rated_by", "rated_at"}
    for table, rows in before.items():
        assert [{k: v for k, v in r.items() if k not in new_columns} for r in after[table]] == rows
    assert after["training_scores"][0]["self_rating"] is None
    assert len(list((tmp_path / "backups").glob("t5-*-rev0005.db"))) == 1
    with TrailService.open(path, user_name="Ann") as trail:
        assert trail.verify().problem is None
    con = sqlite3.connect(path)  # the new columns refuse what the app never writes
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("UPDATE training_scores SET self_rating = 6")
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("UPDATE training_sessions SET trainer_rating = 0")
    con.close()


def test_ratings_and_silence_are_audited(tmp_path):
    path = tmp_path / "r.db"
    sid = new_session(path)
    with Database(path) as db:
        repo = TrainingRepository(db)
        ann = repo.add_trainee({"name": "Ann"}, who="lead")
        repo.link_session(sid, ann.id, {"silence_seconds": 7}, who="lead")
        scored = repo.add_score(
            sid, "Q-1-001", {"text": "x", "score": {}, "scorer_version": "1", "lexicon_version": "1", "self_rating": 4},
            who="Ann",
        )  # fmt: skip
        assert scored.self_rating == 4 and repo.scores(sid)[0].self_rating == 4
        rated = repo.update_link(sid, {"trainer_rating": 3, "trainer_comment": "Calm; vague on records."}, who="Bo")
        assert (rated.trainer_rating, rated.trainer_comment, rated.rated_by) == (3, "Calm; vague on records.", "Bo")
        assert rated.rated_at is not None and rated.silence_seconds == 7
        with pytest.raises(ValueError, match="cannot change"):
            repo.update_link(sid, {"trainee_id": 2}, who="Bo")
    with TrailService.open(path, user_name="x") as trail:
        fields = {r.field for r in trail.history() if r.entity == "training_session"}
        assert {"trainer_rating", "trainer_comment", "rated_by"} <= fields
        assert trail.verify().problem is None
    con = sqlite3.connect(path)  # a rating changed behind the app's back is found
    con.execute("UPDATE training_sessions SET trainer_rating = 5")
    con.commit()
    con.close()
    with TrailService.open(path, user_name="x") as trail:
        problem = trail.verify(sid).problem
        assert problem is not None and problem.entity == "training_session" and problem.field == "trainer_rating"


def test_training_records_are_audited_and_the_trail_verifies(tmp_path):
    path = tmp_path / "t.db"
    sid = new_session(path)
    with Database(path) as db:
        repo = TrainingRepository(db)
        ann = repo.add_trainee({"name": "Ann Ö & <Co>", "employee_id": "E-1", "role": "QC analyst"}, who="lead")
        with pytest.raises(ConflictError):
            repo.add_trainee({"name": "ann ö & <co>"}, who="lead")
        link = repo.link_session(sid, ann.id, {"inspection_date": date(2027, 3, 1), "assessor": "Bo"}, who="lead")
        assert repo.training_link(sid) == link and link.inspection_date == date(2027, 3, 1)
        schedule = {"trainee_id": ann.id, "question_id": "Q-1-001", "ease": 2.5, "interval_days": 1,
                    "repetitions": 1, "due": date(2027, 1, 2), "last_quality": 4, "last_session_id": sid}  # fmt: skip
        first = repo.add_score(
            sid, "Q-1-001",
            {"text": "We review it.", "seconds": 12.5, "score": {"score": 40.0, "passed": False},
             "scorer_version": "1", "lexicon_version": "1"},
            schedule=schedule, who="Ann",
        )  # fmt: skip
        second = repo.add_score(
            sid, "Q-1-001",
            {"text": "Again.", "score": {"score": 80.0}, "scorer_version": "1", "lexicon_version": "1"}, who="Ann",
        )  # fmt: skip
        assert (first.attempt, second.attempt) == (1, 2)
        changed, overrides = repo.override_score(
            first.id,
            {"score": {"score": 75.0, "passed": True}, "confirmed": {"kp1": 1.0}},
            [{"key_point_id": "kp1", "from_credit": 0.0, "to_credit": 1.0}],
            schedule={**schedule, "last_quality": 5, "previous": {"ease": 2.5}},
            who="Bo",
            reason="said 'checked' for reviewed",
        )
        assert changed.confirmed == {"kp1": 1.0} and changed.score["passed"] is True
        assert [(o.key_point_id, o.from_credit, o.to_credit, o.who, o.reason) for o in overrides] == [
            ("kp1", 0.0, 1.0, "Bo", "said 'checked' for reviewed")
        ]
        assert repo.overrides(sid) == overrides
        assert [a.attempt for a in repo.scores(sid)] == [1, 2]
        assert [a.id for a in repo.trainee_scores(ann.id)] == [first.id, second.id]
        entry = repo.schedule_entry(ann.id, "Q-1-001")
        assert entry is not None and entry.last_quality == 5 and entry.due == date(2027, 1, 2)
        assert entry.previous == {"ease": 2.5} and entry.session_id == sid
        renamed = repo.update_trainee(ann.id, {"department": "QC"}, who="lead")
        assert repo.trainees() == [renamed] and repo.find_trainee("ANN Ö & <CO>") == renamed
        assert [link.session_id for link in repo.trainee_sessions(ann.id)] == [sid]
    with TrailService.open(path, user_name="x") as trail:
        entities = {r.entity for r in trail.history()}
        assert {"trainee", "training_session", "training_score", "training_override", "training_schedule"} <= entities
        assert trail.verify().problem is None
        assert trail.verify(sid).problem is None
    con = sqlite3.connect(path)  # a changed score behind the app's back is found
    con.execute("UPDATE training_scores SET score = '{\"score\": 99.0}' WHERE attempt = 2")
    con.commit()
    con.close()
    with TrailService.open(path, user_name="x") as trail:
        problem = trail.verify(sid).problem
        assert problem is not None and problem.entity == "training_score"


def test_a_finished_session_takes_scores_only_with_a_reason(tmp_path):
    path = tmp_path / "f.db"
    sid = new_session(path)
    with InspectionService.open(path, user_name="Ann") as service:
        service.finish_session(sid)
    with Database(path) as db:
        repo = TrainingRepository(db)
        values = {"text": "x", "score": {}, "scorer_version": "1", "lexicon_version": "1"}
        with pytest.raises(ReadOnlyError):
            repo.add_score(sid, "Q-1-001", values, who="Ann")
        assert repo.add_score(sid, "Q-1-001", values, who="Ann", reason="late entry").attempt == 1


def test_every_migration_downgrades_to_the_first_and_upgrades_back(tmp_path):
    path = tmp_path / "round.db"
    new_session(path)
    with Database(path):
        pass
    for target in ("0005", "0004", "0003", "0002", "0001"):  # each downgrade runs (0002's named its checks twice)
        _downgrade(path, target)
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    con.close()
    with Database(path):  # and back to the head
        pass
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD_REVISION,)]
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
