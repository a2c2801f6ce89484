"""The registry: every bank and scenario found in the bundled, user and extra folders.

Two versions of one bank can sit side by side; both are listed, the newest is used,
and the listing says which. At equal versions the later source wins (an extra folder
over the user folder over the bundled banks), so a user can override a bundled bank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mockinspect.banks.cache import BankCache
from mockinspect.banks.loader import LoadedFile
from mockinspect.banks.problems import BankFileError, Problem
from mockinspect.banks.validate import check_files
from mockinspect.domain.bank import Bank, version_key
from mockinspect.domain.scenario import Scenario


@dataclass(frozen=True)
class Source:
    label: str  # "bundled", "user" or "bank-dir"
    root: Path


@dataclass
class Entry:
    """One file found: what it holds, where it came from, and whether it is the one used."""

    file: LoadedFile
    source: Source
    used: bool = False
    note: str = ""

    @property
    def doc(self) -> Bank | Scenario:
        return self.file.doc


@dataclass
class Registry:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    banks: dict[str, Bank] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)


def yaml_files(root: Path) -> list[Path]:
    """YAML files under ``root`` (or ``root`` itself), skipping hidden folders, in a stable order."""
    if not root.is_dir():
        return [root]  # a file, or something that is neither (a device): reading it will say what is wrong
    found = [
        p
        for pattern in ("*.yaml", "*.yml")
        for p in root.rglob(pattern)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(found)


def load_files(paths: Iterable[Path], cache: BankCache) -> tuple[list[LoadedFile], list[Problem]]:
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(cache.load(path))
        except BankFileError as exc:
            problems.extend(exc.problems)
    return loaded, problems


def discover(sources: Sequence[Source], cache: BankCache | None = None) -> Registry:
    """Load every source; a file with any problem is listed but not used."""
    cache = cache or BankCache()
    registry = Registry()
    rank: dict[int, int] = {}
    for i, source in enumerate(sources):
        rank[id(source)] = i
        if not source.root.exists():
            continue
        files, problems = load_files(yaml_files(source.root), cache)
        registry.problems += problems
        # Banks are checked within their own source: the same bank id and version in a
        # later source is an override, not a clash.
        registry.problems += check_files([f for f in files if f.doc.kind == "bank"])
        registry.entries += [Entry(f, source) for f in files]

    _choose(registry, "bank", registry.banks, rank)
    scenario_files = [e.file for e in registry.entries if e.doc.kind == "scenario"]
    registry.problems += check_files(scenario_files, context_banks=registry.banks.values())
    _choose(registry, "scenario", registry.scenarios, rank)
    return registry


def _choose(registry: Registry, kind: str, target: dict, rank: dict[int, int]) -> None:
    broken = {p.path for p in registry.problems}
    by_id: dict[str, list[Entry]] = {}
    for e in registry.entries:
        if e.doc.kind != kind:
            continue
        if str(e.file.path) in broken:
            e.note = "has problems; not used"
        else:
            by_id.setdefault(e.doc.id, []).append(e)
    for ident, group in by_id.items():
        group.sort(key=lambda e: (version_key(e.doc.version), rank[id(e.source)]))
        chosen = group[-1]
        chosen.used = True
        target[ident] = chosen.doc
        for other in group[:-1]:
            other.note = f"not used: {chosen.doc.version} from {chosen.source.label} is newer or overrides it"
        if len(group) > 1:
            chosen.note = f"used: newest of {len(group)} versions"
