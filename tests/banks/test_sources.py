"""Banks from several sources: id clashes across sources, equal versions, warnings, the cache, odd files."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from mockinspect.banks.cache import BankCache
from mockinspect.banks.loader import LoadedFile, load_file
from mockinspect.banks.problems import BankFileError
from mockinspect.banks.registry import Source, discover
from mockinspect.resources import question_banks_dir
from mockinspect.services.banks import BankService

from .conftest import VALID_BANK, VALID_SCENARIO

# A user bank with its own bank id that reuses a question id of the bundled starter bank.
THIEF = (
    VALID_BANK.replace("id: sample", "id: thief")
    .replace("id: SMP-001", "id: DI-003")
    .replace("ask: SMP-002", "ask: TH-002")
    .replace("id: SMP-002", "id: TH-002")
)


def test_question_id_reused_across_sources_is_an_error_in_discover(tmp_path):
    (tmp_path / "thief.yaml").write_text(THIEF, encoding="utf-8")
    registry = discover([Source("bundled", question_banks_dir()), Source("bank-dir", tmp_path)])
    clash = [p for p in registry.problems if "DI-003" in p.message]
    assert len(clash) == 1, registry.problems
    assert clash[0].path == str(tmp_path / "thief.yaml")
    assert "also used by bank 'data-integrity'" in clash[0].message
    assert (clash[0].line, clash[0].col) == (12, 9)
    assert "thief" not in registry.banks  # never a silent swap: the reusing bank is not used
    assert registry.banks["data-integrity"].questions  # the bundled one still is


def test_question_id_reused_across_user_and_bank_dir(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "one.yaml").write_text(VALID_BANK, encoding="utf-8")
    (b / "two.yaml").write_text(VALID_BANK.replace("id: sample", "id: other"), encoding="utf-8")
    registry = discover([Source("user", a), Source("bank-dir", b)])
    assert {p.path for p in registry.problems} == {str(b / "two.yaml")}
    assert list(registry.banks) == ["sample"]


def test_validate_reports_a_question_id_taken_by_a_bundled_bank(tmp_path):
    path = tmp_path / "thief.yaml"
    path.write_text(THIEF, encoding="utf-8")
    problems = BankService(include_user=False).validate([path])
    assert [p.message for p in problems] == ["question id 'DI-003' is also used by bank 'data-integrity'"]
    assert (problems[0].line, problems[0].col) == (12, 9)


def test_bank_list_warns_about_the_clash(tmp_path):
    (tmp_path / "thief.yaml").write_text(THIEF, encoding="utf-8")
    catalogue = BankService([tmp_path], include_user=False).catalogue()
    assert catalogue.registry.warnings == [
        f"warning: {tmp_path / 'thief.yaml'}: 1 problem(s), not used; run: mockinspect bank validate "
        f"{tmp_path / 'thief.yaml'}"
    ]


@pytest.mark.parametrize("other", ["1.0", "01.00.000", "1"])
def test_versions_equal_as_numbers_are_one_version_in_one_folder(tmp_path, other):
    (tmp_path / "a.yaml").write_text(VALID_BANK, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(VALID_BANK.replace("version: 1.0.0", f"version: '{other}'"), encoding="utf-8")
    problems = BankService(include_user=False).validate([tmp_path])
    assert len(problems) == 1, problems
    assert f"version {other} equals 1.0.0" in problems[0].message
    registry = discover([Source("bank-dir", tmp_path)])
    assert len(registry.problems) == 1


def test_equal_versions_in_two_sources_say_override_not_newer(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x.yaml").write_text(VALID_BANK.replace("version: 1.0.0", "version: '1.0'"), encoding="utf-8")
    (b / "x.yaml").write_text(VALID_BANK.replace("title: Sample bank", "title: Mine"), encoding="utf-8")
    registry = discover([Source("user", a), Source("bank-dir", b)])
    assert registry.problems == []
    assert registry.banks["sample"].title == "Mine"
    old = next(e for e in registry.entries if not e.used)
    assert old.note == "not used: overridden by the same version (1.0.0) from bank-dir"
    assert [e.rank for e in registry.entries] == [0, 1]


def test_scenario_versions_equal_as_numbers(tmp_path):
    (tmp_path / "b.yaml").write_text(VALID_BANK, encoding="utf-8")
    (tmp_path / "s1.yaml").write_text(VALID_SCENARIO, encoding="utf-8")
    (tmp_path / "s2.yaml").write_text(VALID_SCENARIO.replace("version: 1.0.0", "version: '1.0'"), encoding="utf-8")
    problems = BankService(include_user=False).validate([tmp_path])
    assert len(problems) == 1 and "equals 1.0.0" in problems[0].message


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def _in_thread(fn, unblock: Path, timeout: float = 10) -> dict[str, object]:
    """Run ``fn`` in a thread; if it hangs on the FIFO, open its write end so the test can end."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        fd = os.open(unblock, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("reading hung")
    return out


def test_a_fifo_is_refused_without_reading(tmp_path):
    path = _fifo(tmp_path)

    def load() -> list:
        try:
            load_file(path)
        except BankFileError as exc:
            return exc.problems
        return []

    out = _in_thread(load, path)
    assert "error" not in out, out
    [problem] = out["value"]
    assert problem.message == "not a regular file (a FIFO); banks are read from regular files"


def test_a_fifo_in_a_bank_folder_is_reported_not_read(tmp_path):
    path = _fifo(tmp_path)
    (tmp_path / "b.yaml").write_text(VALID_BANK, encoding="utf-8")

    def run() -> list:
        return BankService(include_user=False).validate([tmp_path])

    out = _in_thread(run, path)
    assert [p.message for p in out["value"]] == ["not a regular file (a FIFO); banks are read from regular files"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_before_it_is_read():
    started = time.monotonic()
    with pytest.raises(BankFileError) as info:
        load_file(Path("/dev/zero"))
    assert time.monotonic() - started < 5
    assert info.value.problems[0].message.startswith("not a regular file (a character device)")


def test_cache_hit_touches_the_entry_so_pruning_is_lru(tmp_path):
    cache = BankCache(tmp_path / "cache")
    path = tmp_path / "b.yaml"
    path.write_text(VALID_BANK, encoding="utf-8")
    cache.load(path)
    [entry] = (tmp_path / "cache").glob("*.json")
    os.utime(entry, (1_000_000, 1_000_000))
    cache.load(path)  # a hit
    assert entry.stat().st_mtime > 1_000_000


def test_pruning_keeps_the_most_recently_used_and_removes_stale_tmp(tmp_path, monkeypatch):
    from mockinspect.banks import cache as cache_module

    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 2)
    folder = tmp_path / "cache"
    cache = BankCache(folder)
    files = []
    for i in range(2):
        p = tmp_path / f"b{i}.yaml"
        p.write_text(VALID_BANK.replace("Sample bank", f"Bank {i}"), encoding="utf-8")
        files.append(p)
        cache.load(p)
    hot = cache._entry(load_file(files[0]).sha256)
    for i, entry in enumerate(sorted(folder.glob("*.json"))):
        os.utime(entry, (1_000_000 + i, 1_000_000 + i))
    cache.load(files[0])  # hit: now the most recently used
    stale = folder / "left-over.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1_000_000, 1_000_000))
    third = tmp_path / "b2.yaml"
    third.write_text(VALID_BANK.replace("Sample bank", "Bank 2"), encoding="utf-8")
    cache.load(third)
    assert hot.exists()
    assert len(list(folder.glob("*.json"))) == 2
    assert not stale.exists()


def test_positions_are_not_taken_from_a_changed_file(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text(VALID_BANK, encoding="utf-8")
    loaded = load_file(path)
    cached = LoadedFile(path, loaded.doc, loaded.sha256)  # as a cache hit: no node tree kept
    path.write_text("\n" * 50 + VALID_BANK, encoding="utf-8")
    assert cached.position(("questions", 0, "id")) == (1, 1)
    unchanged = LoadedFile(path, load_file(path).doc, load_file(path).sha256)
    assert unchanged.position(("questions", 0, "id")) == (62, 9)
