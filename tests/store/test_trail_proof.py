"""What the trail proves beyond its chain: the file's integrity, that every live row has its
records, the frozen content, and anchors (this laptop's, and a hash printed on a report)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from mockinspect.domain.session import FindingPatch, ResponsePatch
from mockinspect.errors import UserError
from mockinspect.paths import user_data_dir
from mockinspect.services import Services
from tests.store.factories import make_bank, make_scenario

FIXTURE_0002 = Path(__file__).with_name("data") / "rev0002.db"
TABLES = (
    "finding_evidence", "finding_responses", "findings", "document_requests", "evidence", "responses", "drafts",
    "script_items", "participants", "sessions", "audit_trail",
)  # fmt: skip


def _busy(path: Path) -> str:
    bank = make_bank()
    with Services.open(path, user_name="Ann") as services:
        s = services.inspection
        session = s.create_session(make_scenario(bank), [bank], site="Site")
        qids = [e.question_id for e in s.script(session.id)]
        s.record_response(session.id, qids[0], ResponsePatch(status="deficient", text="No review"))
        finding = s.raise_finding(session.id, title="No review", grade="major", question_ids=[qids[0]])
        s.edit_finding(finding.id, FindingPatch(capa="Review weekly"))
        return session.id


def _verify(path: Path, anchor: str | None = None) -> str:
    with Services.open(path, mode="read", user_name="checker") as services:
        report = services.trail.verify(anchor=anchor)
    return "ok" if report.ok else report.problem.message  # type: ignore[union-attr]


def _sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def test_an_untouched_database_verifies_and_has_an_anchor(db_path):
    _busy(db_path)
    assert _verify(db_path) == "ok"
    anchors = list((user_data_dir() / "anchors").glob("*.json"))
    assert len(anchors) == 1
    kept = json.loads(anchors[0].read_text())
    with Services.open(db_path, mode="read", user_name="x") as services:
        head = services.trail.head()
    assert (kept["records"], kept["hash"]) == (head.records, head.hash)


def test_an_emptied_database_fails_verify(db_path):
    _busy(db_path)
    _sql(db_path, *(f"DELETE FROM {t}" for t in TABLES))
    message = _verify(db_path)
    assert "the newest records were removed" in message


def test_a_database_that_lost_its_identity_fails_verify(db_path):
    _busy(db_path)
    _sql(db_path, *(f"DELETE FROM {t}" for t in (*TABLES, "meta")))
    assert "identity" in _verify(db_path)


def test_cutting_off_the_newest_records_with_their_data_is_found(db_path):
    _busy(db_path)
    with Services.open(db_path, mode="read", user_name="x") as services:
        records = services.trail.history()
    cut = records[-3].seq  # the CAPA edit and the finding's create records go, with the finding itself
    _sql(
        db_path,
        "DELETE FROM finding_responses",
        "DELETE FROM findings",
        f"DELETE FROM audit_trail WHERE seq >= {cut}",
    )
    assert "records were removed" in _verify(db_path)


def test_a_report_anchor_proves_the_database_still_holds_its_records(db_path):
    _busy(db_path)
    with Services.open(db_path, mode="read", user_name="x") as services:
        head = services.trail.head()
    assert _verify(db_path, anchor=head.hash) == "ok"
    assert _verify(db_path, anchor=head.hash[:16]) == "ok"
    assert "no audit trail record has the hash" in _verify(db_path, anchor="ab" * 32)
    with pytest.raises(UserError, match="12 to 64 hex digits"):
        _verify(db_path, anchor="xyz")
    # without this laptop's anchor, the report's hash still catches a rewrite of the records
    shutil.rmtree(user_data_dir() / "anchors")
    _sql(db_path, f"DELETE FROM audit_trail WHERE seq = {head.records}", "UPDATE findings SET capa = NULL")
    assert _verify(db_path) == "ok"  # the chain and the data agree again: only an anchor can tell
    assert "no audit trail record has the hash" in _verify(db_path, anchor=head.hash)


def test_changed_frozen_content_is_found(db_path):
    _busy(db_path)
    _sql(db_path, "UPDATE frozen_content SET json = replace(json, 'Show me', 'Tell me') WHERE kind = 'question'")
    assert "frozen content" in _verify(db_path)


def test_a_database_written_by_the_previous_version_upgrades_and_still_verifies(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE_0002, path)
    sid = "13529086dcec4021a8271dd20bfa5ac5"
    with Services.open(path, user_name="Upgrader") as services:
        assert services.trail.verify().ok
        snap = services.inspection.snapshot(sid)
        assert snap.session.site == "Zell & Co <GmbH> 日本語" and snap.scenario is None
        assert [f.capa for f in snap.findings] == ["Introduce review"]
        assert {r.status for r in snap.responses.values()} == {"compliant", "deficient"}
        export = services.inspection.export(sid)
        assert export["trail"]["records"] == 18
        qid = snap.script[2].question_id
        services.inspection.record_response(sid, qid, ResponsePatch(text="typed after the upgrade"))
        assert services.trail.verify().ok
    assert list((tmp_path / "backups").glob("old-*-rev0002.db"))


def test_a_bank_upgrade_does_not_change_a_sessions_export(db_path):
    bank = make_bank()
    with Services.open(db_path, user_name="Ann") as services:
        session = services.inspection.create_session(make_scenario(bank), [bank], site="Site")
        qid = services.inspection.script(session.id)[0].question_id
        services.inspection.record_response(session.id, qid, ResponsePatch(status="deficient"))
        before = services.inspection.export(session.id)
        newer = bank.model_copy(
            update={
                "version": "2.0.0",
                "areas": [a.model_copy(update={"title": a.title + " (renamed)"}) for a in bank.areas],
                "questions": [q.model_copy(update={"prompt": "Reworded: " + q.prompt}) for q in bank.questions],
            }
        )
        services.inspection.create_session(make_scenario(newer), [newer], site="Other site")
        after = services.inspection.export(session.id)
    assert after == before
    assert before["script"][0]["question"]["prompt"].startswith("Show me")
    assert before["scenario"]["areas"]["area-1"] == "Area-1"
