"""Schema creation, Alembic upgrades with data, backups, and the foreign-key trap."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from mockinspect.store import Database, MigrationError, migrate
from mockinspect.store.engine import make_engine
from mockinspect.store.tables import metadata

T0 = "2024-03-01 09:00:00.000000"


def test_head_constant_is_alembics_head():
    assert ScriptDirectory.from_config(migrate.alembic_config()).get_current_head() == migrate.HEAD_REVISION


def test_new_database_is_stamped_at_head_and_matches_the_migrations(tmp_path):
    created, migrated = tmp_path / "created.db", tmp_path / "migrated.db"
    Database(created).close()
    migrate.prepare(migrated, target=migrate.HEAD_REVISION)  # runs every migration from empty
    for path in (created, migrated):
        engine = make_engine(path)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn)
            assert context.get_current_revision() == migrate.HEAD_REVISION
            assert compare_metadata(context, metadata) == [], path.name
        engine.dispose()


def test_pragmas_on_our_engine(tmp_path):
    with Database(tmp_path / "p.db") as db, db.engine.connect() as conn:
        read = {
            p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert read == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}


def _seed_first_revision(path):
    """A database at revision 0001 with a session, its script, answers, evidence and a linked finding."""
    migrate.prepare(path, target="0001")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute(
        "INSERT INTO sessions VALUES ('s1','Site Ä & <Co>','audit','sc','1.0.0','Title','fda','Ann',7,'open',?,NULL)",
        (T0,),
    )
    con.execute("INSERT INTO participants VALUES (1,'s1','Bob','QA head','Site')")
    for i in (1, 2, 3):
        con.execute(
            "INSERT INTO script_items VALUES (?,?,?,?,?,?,?,?,?,?)",
            (i, "s1", i, 0, "di", f"Q{i}", "bank", "1.0.0", "a" * 64, f"prompt {i} 日本語"),
        )
        con.execute(
            "INSERT INTO responses VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (i, "s1", f"Q{i}", "deficient", f"answer {i} 🙂", None, "Bob", '["kp1"]', 30, T0, T0),
        )
    con.execute(
        "INSERT INTO evidence (id,session_id,response_id,kind,path,size,sha256,created_at) "
        "VALUES (1,'s1',2,'file','/x',5,?,?)",
        ("b" * 64, T0),
    )
    con.execute("INSERT INTO document_requests VALUES (1,'s1','Q1','SOP-12','open',NULL,?,NULL,NULL)", (T0,))
    con.execute(
        "INSERT INTO findings VALUES (1,'s1','Audit trails not reviewed',NULL,'major',4,3,2,'[\"Annex 11 §9\"]',"
        "NULL,NULL,'open',NULL,?,?)",
        (T0, T0),
    )
    con.execute("INSERT INTO finding_responses VALUES (1,1),(1,2)")
    con.execute("INSERT INTO finding_evidence VALUES (1,1)")
    con.commit()
    con.close()


TABLES = (
    "sessions",
    "participants",
    "script_items",
    "responses",
    "evidence",
    "document_requests",
    "findings",
    "finding_responses",
    "finding_evidence",
)


def _dump(path):
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    out = {t: [dict(r) for r in con.execute(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in TABLES}
    con.close()
    return out


def test_upgrade_from_first_revision_keeps_every_row(tmp_path):
    path = tmp_path / "old.db"
    _seed_first_revision(path)
    before = _dump(path)
    assert all(before[t] for t in TABLES)

    db = Database(path)  # opening upgrades automatically
    db.close()

    after = _dump(path)
    for table in TABLES:
        new_columns = ("address", "scenario_hash", "parent_id", "systemic")  # added since 0001: NULL on old rows
        rows = [{k: v for k, v in r.items() if k not in new_columns or v is not None} for r in after[table]]
        assert rows == before[table], table
    assert [r["address"] for r in after["sessions"]] == [None]
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD_REVISION,)]
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with pytest.raises(sqlite3.IntegrityError):  # the new CHECK constraint is in force
        con.execute("UPDATE responses SET status = 'bogus' WHERE id = 1")
    con.close()
    backups = list((tmp_path / "backups").glob("old-*-rev0001.db"))
    assert len(backups) == 1
    assert _dump(backups[0]) == before


def test_the_same_upgrade_with_foreign_keys_on_loses_cascaded_rows(tmp_path):
    """Why migrations run with foreign keys off: this is the data loss the store prevents."""
    path = tmp_path / "old.db"
    _seed_first_revision(path)
    migrate.prepare(path, foreign_keys=True)
    after = _dump(path)
    assert after["sessions"]
    assert after["responses"] == [] and after["finding_responses"] == []


def test_a_failing_upgrade_is_undone_and_leaves_a_backup(tmp_path):
    path = tmp_path / "old.db"
    _seed_first_revision(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE responses SET status = 'weird' WHERE id = 3")  # the 0002 CHECK rejects it
    con.commit()
    con.close()
    before = _dump(path)
    with pytest.raises(MigrationError, match="failed and was undone"):
        Database(path)
    assert _dump(path) == before
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    con.close()
    assert len(list((tmp_path / "backups").glob("old-*.db"))) == 1


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Database(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(MigrationError, match="newer mockinspect"):
        Database(path)


def test_backups_keep_only_the_newest(tmp_path):
    path = tmp_path / "b.db"
    with Database(path) as db:
        made = [migrate.backup(path, tmp_path / "bk", f"n{i}", keep=3) for i in range(5)]
        assert db.path == path
    kept = sorted((tmp_path / "bk").glob("b-*.db"))
    assert kept == made[-3:]
    con = sqlite3.connect(kept[-1])
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
