"""Format 2: sections, inline probes, short citations, compact key points, the registry, migration."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockinspect.banks.loader import load_file, load_text
from mockinspect.banks.migrate import bank_text, same_meaning
from mockinspect.banks.problems import BankFileError
from mockinspect.banks.registry import Source, discover
from mockinspect.banks.tools import ToolError, migrate_file, next_question_id
from mockinspect.domain.bank import Bank, Grade, Question, Region, ResponseStatus
from mockinspect.domain.engine import follow_ups_for
from mockinspect.resources import question_banks_dir
from mockinspect.services.banks import BankService

from .conftest import VALID_BANK, VALID_BANK2

DATA = Path(__file__).parent / "data"


def validate(*paths: Path) -> list:
    return BankService(include_user=False).validate(list(paths))


def line_of(text: str, needle: str) -> int:
    return next(i for i, s in enumerate(text.splitlines(), 1) if needle in s)


def test_format2_bank_loads_into_the_domain(write):
    bank = load_file(write("b.yaml", VALID_BANK2)).doc
    assert isinstance(bank, Bank) and bank.format == 2
    q, p1, p2 = bank.questions
    assert [q.id, p1.id, p2.id] == ["SM2-001", "SM2-001-P1", "SM2-001-P2"]
    assert q.area == p1.area == "data-integrity"  # from the section
    assert q.regions == [Region.EU, Region.US] and p1.regions == q.regions  # section default, inherited
    assert [k.id for k in q.key_points] == ["before-release", "documented"]
    assert q.key_points[0].terms == [["review", "reviewed"], ["release"]] and q.key_points[1].terms == []
    assert q.expected_evidence[1].type == "live-demo" and str(q.expected_evidence[0]).startswith("Audit-trail")
    assert [c.short() for c in q.citations][:2] == ["EU-GMP-Annex-11 §9", "21-CFR-211 211.192"]
    assert q.citations[2].role == "grading"
    assert q.escalate == {Grade.CRITICAL: "a result was changed and the change hidden from review"}
    assert p1.follow_up_only and p1.parent == "SM2-001" and p1.intent == q.intent and p1.default_grade == Grade.MAJOR
    assert p2.default_grade == Grade.MINOR
    assert validate(write("c.yaml", VALID_BANK2)) == []


def test_triggers_any_all_and_on_compliant(write):
    bank = load_file(write("b.yaml", VALID_BANK2)).doc
    q = bank.questions[0]
    assert follow_ups_for(q, ResponseStatus.DEFICIENT, ["before-release", "documented"]) == ["SM2-001-P1"]
    assert follow_ups_for(q, ResponseStatus.OBSERVATION, ["documented"]) == ["SM2-001-P1"]  # missed
    assert follow_ups_for(q, ResponseStatus.COMPLIANT, ["before-release"]) == ["SM2-001-P2"]  # verification
    text = VALID_BANK2.replace(
        "{any: [deficient, {missed: before-release}]}", "{all: [deficient, {missed: before-release}]}"
    )
    q = load_file(write("c.yaml", text)).doc.questions[0]
    assert follow_ups_for(q, ResponseStatus.DEFICIENT, ["documented"]) == ["SM2-001-P1"]
    assert follow_ups_for(q, ResponseStatus.DEFICIENT, ["before-release"]) == []
    assert follow_ups_for(q, ResponseStatus.OBSERVATION, []) == []


def test_a_frozen_question_reads_back_and_format1_hashes_are_unchanged(write):
    bank = load_file(write("b.yaml", VALID_BANK2)).doc
    for q in bank.questions:
        assert Question.model_validate(q.model_dump(mode="json")) == q
    old = load_file(write("a.yaml", VALID_BANK)).doc
    # the hashes sessions recorded before format 2 existed (computed at commit 8a4c888)
    assert [q.content_hash() for q in old.questions] == [
        "ef271ee59c7204cf48960c6fc38a01900e26c19ca1d40703afb4ce70a9222cd9",
        "218543219990bf786aac540335169e90df3946c17b9ab586f24de798cad36f92",
    ]


@pytest.mark.parametrize(
    ("old", "new", "needle", "col", "message"),
    [
        ("      - id: SM2-001\n", "      - id: SM2-001\n        colour: red\n", "colour: red", 9, "unknown key"),
        ('"21-CFR-211 211.192"', '"21-CFR-999 1.1"', "21-CFR-999", None, "document '21-CFR-999' is not in"),
        ("{missed: before-release}]", "{missed: after}]", "{missed: after}", 19, "'after' is not one of"),
        ("            cite: [PRIVATE-SOP]", "            cite: [NOPE-SOP]", "NOPE-SOP", 20, "document 'NOPE-SOP'"),
        ("escalate: {critical:", "escalate: {minor:", "escalate:", 19, "not graver than"),
        (
            "      - id: SM2-001\n",
            "      - id: SM2-001\n        area: qc\n",
            "area: qc",
            15,
            "area 'qc' is not declared",
        ),
        ("{on: compliant}", "{on: compliant, any: [deficient]}", "on: compliant", 19, "exactly one of"),
        ("before-release: [[review", "after: [[review", "after: [[", 11, "'after' is not a key point"),
    ],
)
def test_problems_point_where_the_author_wrote_them(write, old, new, needle, col, message):
    text = VALID_BANK2.replace(old, new)
    assert text != VALID_BANK2
    problems = validate(write("b.yaml", text))
    hits = [p for p in problems if message in p.message]
    assert len(hits) == 1, problems
    assert hits[0].line == line_of(text, needle), (hits[0], text)
    if col is not None:
        assert hits[0].col == col, hits[0]


def test_derived_probe_id_clash_is_reported(write):
    text = VALID_BANK2.replace(
        "    questions:\n",
        "    questions:\n      - id: SM2-001-P1\n        prompt: p\n"
        "        intent: i\n        guidance: g\n        grade: minor\n",
        1,
    )
    problems = validate(write("b.yaml", text))
    assert any("duplicate question id 'SM2-001-P1'" in p.message for p in problems), problems


def test_format1_still_loads_with_a_notice(write, tmp_path):
    loaded = load_file(write("old/b.yaml", VALID_BANK))
    assert loaded.doc.format == 1 and "bank migrate" in loaded.notices[0]
    registry = discover([Source("bank-dir", tmp_path / "old")])
    assert any(w.startswith("notice:") and "bank migrate" in w for w in registry.warnings)


def test_migrate_round_trips_the_old_starter_bank_with_the_same_meaning():
    path = DATA / "data-integrity-format1.yaml"
    old = load_file(path).doc
    text = migrate_file(path)
    new = load_text(path, text, "").doc
    assert same_meaning(old, new) == []
    assert len(text.splitlines()) / len(old.questions) < 30
    # and once more: format 2 written from the format-2 bank is the same text
    assert bank_text(new) == text


def test_migrate_refuses_format2_and_broken_files(write):
    with pytest.raises(ToolError, match="already format 2"):
        migrate_file(write("b.yaml", VALID_BANK2))
    with pytest.raises(ToolError, match="version"):
        migrate_file(write("c.yaml", VALID_BANK.replace("version: 1.0.0", "version: x")))


def test_registry_documents_resolve_citations_and_a_private_one_too(tmp_path):
    (tmp_path / "b.yaml").write_text(VALID_BANK2, encoding="utf-8")
    registry = discover([Source("bundled", question_banks_dir()), Source("bank-dir", tmp_path)])
    assert registry.problems == []
    bank = registry.banks["sample2"]
    titles = {d.id: d.title for d in bank.documents}
    assert "PRIVATE-SOP" in titles and "EU-GMP-Annex-11" in titles and "21-CFR-211" in titles
    assert registry.documents["21-CFR-211"].jurisdiction == "us"


def test_a_user_documents_file_adds_documents(tmp_path):
    (tmp_path / "documents.yaml").write_text(
        "kind: documents\ndocuments:\n  - {id: SITE-SOP-7, title: Our audit-trail SOP}\n", encoding="utf-8"
    )
    (tmp_path / "b.yaml").write_text(VALID_BANK2.replace("cite: [PRIVATE-SOP]", "cite: [SITE-SOP-7 §4]"))
    registry = discover([Source("bundled", question_banks_dir()), Source("bank-dir", tmp_path)])
    assert registry.problems == [] and "SITE-SOP-7" in registry.documents
    assert validate(tmp_path) == []


def test_new_id_takes_the_areas_prefix_and_skips_used_ids(write):
    bundled = BankService(include_user=False).catalogue().banks.values()

    def after_highest(prefix: str) -> str:  # the bundled banks grow: one past the highest id in use
        used = [int(q.id.split("-")[1]) for b in bundled for q in b.questions if q.id.startswith(f"{prefix}-")]
        return f"{prefix}-{max(used) + 1:03d}"

    assert next_question_id("data-integrity", bundled) == after_highest("DI")
    assert next_question_id("computerised-systems", bundled) == after_highest("CS")
    with pytest.raises(ToolError, match="no bank has an area"):
        next_question_id("nowhere", bundled)
    empty = load_file(
        write(
            "e.yaml",
            VALID_BANK2.replace(
                "{id: data-integrity, title: Data integrity}",
                "{id: data-integrity, title: Data integrity}\n  - {id: cold-chain, title: Cold chain}",
            ),
        )
    ).doc
    assert next_question_id("cold-chain", [empty]) == "CC-001"


def test_bad_trigger_all_with_two_statuses(write):
    text = VALID_BANK2.replace("{any: [deficient, {missed: before-release}]}", "{all: [deficient, observation]}")
    with pytest.raises(BankFileError) as info:
        load_file(write("b.yaml", text))
    assert "an answer has one status" in info.value.problems[0].message


def test_starter_bank_is_compact_and_cites_precisely():
    path = question_banks_dir() / "banks" / "data-integrity.yaml"
    bank = load_file(path).doc
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines / len(bank.questions) < 30
    by_id = {q.id: q for q in bank.questions}
    cites = {qid: [c.short() for c in q.citations] for qid, q in by_id.items()}
    assert "EU-GMP-Annex-11 §8" not in cites["DI-004"] and "PIC-S-PI-041 §9.10" in cites["DI-004"]
    assert "21-CFR-11 11.10(k)" not in cites["CS-004"] and "21-CFR-211 211.68(b)" in cites["CS-004"]
    assert "21-CFR-211 211.160" not in cites["QCD-003"] and "21-CFR-211 211.165" in cites["QCD-003"]
    assert "21-CFR-211 211.194" not in cites["QCD-005"] and "21-CFR-1271 1271.195(c)" in cites["QCD-005"]
    for qid in ("DI-002", "DI-007", "CS-005-P1", "CS-006"):
        assert by_id[qid].default_grade == Grade.MAJOR, qid
    assert all(c.clause for c in by_id["DI-001"].citations if c.doc == "FDA-DI-QA")
    assert [c.role for c in by_id["DI-007"].citations if c.clause == "§11.2"] == ["grading"]


def test_positions_of_a_cached_format2_file_and_across_files(tmp_path):
    from mockinspect.banks.cache import BankCache

    a = tmp_path / "a.yaml"
    a.write_text(VALID_BANK2, encoding="utf-8")
    cache = BankCache(tmp_path / "cache")
    cache.load(a)
    hit = cache.load(a)
    assert hit.locmap is None and hit._root is None  # from the cache: nothing parsed yet
    b = tmp_path / "b.yaml"
    b.write_text(VALID_BANK2.replace("id: sample2", "id: other2"), encoding="utf-8")
    problems = validate(a, b)
    first = next(p for p in problems if "'SM2-001'" in p.message)
    assert first.path == str(b) and first.line == line_of(VALID_BANK2, "- id: SM2-001")
    assert f"({a}:{line_of(VALID_BANK2, '- id: SM2-001')}:" in first.message
    probe = next(p for p in problems if "'SM2-001-P1'" in p.message)
    assert probe.line == line_of(VALID_BANK2, "- when: {any:")  # a derived id points at its probe


def test_a_persona_sees_its_own_regions_expectations_and_citations_first():
    registry = discover([Source("bundled", question_banks_dir())])
    bank = registry.banks["data-integrity"]
    by_id = {q.id: q for q in bank.questions}
    eu = by_id["CS-005"].for_regions([Region.EU], registry.documents)
    assert not any("Part 11 certification" in e.what for e in eu.expected_evidence)
    assert eu.citations[0].doc.startswith("EU-GMP") and eu.citations[-1].doc == "21-CFR-11"
    us = by_id["CS-005"].for_regions(["us"], registry.documents)
    assert any("Part 11 certification" in e.what for e in us.expected_evidence)
    assert us.citations[0].doc == "21-CFR-11"
    assert "deputy-is-qp" not in [k.id for k in by_id["CS-005-P1"].for_regions(["us"]).key_points]
    assert by_id["CS-005"].for_regions([]) == by_id["CS-005"]


def test_a_cached_format2_bank_hashes_as_a_fresh_one(tmp_path):
    from mockinspect.banks.cache import BankCache

    cache = BankCache(tmp_path / "cache")
    path = question_banks_dir() / "banks" / "data-integrity.yaml"
    cache.load(path)
    cached, fresh = cache.load(path).doc, load_file(path).doc
    assert cached == fresh
    assert [q.content_hash() for q in cached.questions] == [q.content_hash() for q in fresh.questions]


def test_scenarios_draw_only_what_applies_to_the_persona_and_site():
    from mockinspect.domain.engine import build_script
    from mockinspect.domain.scenario import Scenario

    bank = BankService(include_user=False).catalogue().banks["data-integrity"]
    base = {
        "kind": "scenario",
        "id": "s",
        "title": "S",
        "version": "1.0.0",
        "agenda": [{"title": "All", "areas": [a.id for a in bank.areas], "minutes": 600}],
        "draw": {"per_area": 50},
    }
    fda = {i.question_id for i in build_script(Scenario.model_validate({**base, "persona": "fda"}), [bank])}
    eu = {i.question_id for i in build_script(Scenario.model_validate({**base, "persona": "eu"}), [bank])}
    assert "DI-006" not in fda and "CS-003" not in fda  # written for EU/UK/PIC/S inspectors
    assert {"DI-006", "CS-003"} <= eu
    no_cds = Scenario.model_validate({**base, "persona": "eu", "where": {"capabilities": ["lims"]}})
    assert "QCD-002" not in {i.question_id for i in build_script(no_cds, [bank])}
    assert not any(q.endswith(("-P1", "-P2")) for q in fda | eu)  # probes are never drawn


def test_a_follow_up_may_ask_a_question_of_another_bank_by_full_id(write, tmp_path):
    other = VALID_BANK2.replace("id: sample2", "id: lab").replace("SM2-", "LAB-")
    asking = VALID_BANK2.replace(
        "        tags: [audit-trail]\n",
        "        tags: [audit-trail]\n        follow_ups: [{ask: LAB-001, when: {on: deficient}}]\n",
    )
    a, b = write("x/a.yaml", asking), write("x/b.yaml", other)
    assert validate(a, b) == []
    [problem] = validate(a)  # without the other bank it is unknown
    assert problem.message == "follow-up 'LAB-001' is not a question in this bank or another available one"
    assert problem.line == line_of(asking, "ask: LAB-001")
    q = load_file(a).doc.questions[0]
    assert follow_ups_for(q, ResponseStatus.DEFICIENT, ["before-release", "documented"]) == ["SM2-001-P1", "LAB-001"]
