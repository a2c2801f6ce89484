"""Bundled, user and --bank-dir banks; versions side by side; the cache."""

from __future__ import annotations

from mockinspect.banks.cache import BankCache
from mockinspect.banks.registry import Source, discover
from mockinspect.paths import user_bank_dir
from mockinspect.services.banks import BankService

from .conftest import VALID_BANK, VALID_SCENARIO


def test_two_versions_listed_newest_used(tmp_path):
    (tmp_path / "old.yaml").write_text(VALID_BANK, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(VALID_BANK.replace("version: 1.0.0", "version: 1.10.0"), encoding="utf-8")
    (tmp_path / "mid.yaml").write_text(VALID_BANK.replace("version: 1.0.0", "version: 1.9.0"), encoding="utf-8")
    registry = discover([Source("bank-dir", tmp_path)])
    assert registry.problems == []
    assert registry.banks["sample"].version == "1.10.0"  # numeric, not text, order
    used = {e.doc.version: e for e in registry.entries}
    assert used["1.10.0"].used and "newest of 3 versions" in used["1.10.0"].note
    assert not used["1.0.0"].used and "1.10.0 from bank-dir" in used["1.0.0"].note


def test_later_source_overrides_at_equal_version(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    (first / "x.yaml").write_text(VALID_BANK, encoding="utf-8")
    (second / "x.yaml").write_text(VALID_BANK.replace("title: Sample bank", "title: Mine"), encoding="utf-8")
    registry = discover([Source("user", first), Source("bank-dir", second)])
    assert registry.problems == []
    assert registry.banks["sample"].title == "Mine"


def test_broken_file_is_listed_not_used(tmp_path):
    (tmp_path / "good.yaml").write_text(VALID_BANK, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(
        VALID_BANK.replace("id: sample", "id: other").replace("SMP-00", "X-00").replace("major", "huge"),
        encoding="utf-8",
    )
    registry = discover([Source("bank-dir", tmp_path)])
    assert list(registry.banks) == ["sample"]
    assert registry.problems and all(p.path.endswith("bad.yaml") for p in registry.problems)


def test_scenario_with_missing_bank_is_not_offered(tmp_path):
    (tmp_path / "s.yaml").write_text(VALID_SCENARIO, encoding="utf-8")
    registry = discover([Source("bank-dir", tmp_path)])
    assert registry.scenarios == {}
    assert "unknown bank 'sample'" in registry.problems[0].message


def test_user_folder_and_bank_dir_are_searched(tmp_path):
    user = user_bank_dir() / "banks"
    user.mkdir(parents=True)
    (user / "s.yaml").write_text(VALID_BANK, encoding="utf-8")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "scen.yaml").write_text(VALID_SCENARIO, encoding="utf-8")
    catalogue = BankService([extra]).catalogue()
    labels = {e.doc.id: e.source.label for e in catalogue.entries}
    assert labels["sample"] == "user" and labels["sample-scenario"] == "bank-dir"
    script = catalogue.script(catalogue.scenario("sample-scenario"))
    assert [item.question_id for item in script] == ["SMP-001"]


def test_cache_hit_gives_the_same_bank_and_a_changed_file_is_reread(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text(VALID_BANK, encoding="utf-8")
    cache = BankCache(tmp_path / "cache")
    first = cache.load(path)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    second = cache.load(path)
    assert second.doc == first.doc
    assert second._root is None  # came from the cache, not the parser
    path.write_text(VALID_BANK.replace("Sample bank", "Changed"), encoding="utf-8")
    assert cache.load(path).doc.title == "Changed"


def test_damaged_cache_entry_is_ignored(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text(VALID_BANK, encoding="utf-8")
    cache = BankCache(tmp_path / "cache")
    cache.load(path)
    [entry] = (tmp_path / "cache").glob("*.json")
    entry.write_bytes(b"bank\n{not json")
    assert cache.load(path).doc.id == "sample"


def test_positions_still_reported_for_a_cached_file(tmp_path):
    good = tmp_path / "a.yaml"
    good.write_text(VALID_BANK, encoding="utf-8")
    svc = BankService(include_user=False)
    svc.cache.load(good)  # now cached
    clash = tmp_path / "b.yaml"
    clash.write_text(VALID_BANK.replace("id: sample", "id: other"), encoding="utf-8")
    problems = svc.validate([tmp_path])
    assert problems and f"({good}:12:9)" in problems[0].message
