"""The registry: every bank and scenario found in the bundled, user and extra folders.

Two versions of one bank can sit side by side; both are listed, the newest is used,
and the listing says which. At equal versions the later source wins (an extra folder
over the user folder over the bundled banks), so a user can override a bundled bank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockinspect.banks.cache import BankCache
from mockinspect.banks.format2 import DocumentRegistry
from mockinspect.banks.loader import LoadedFile
from mockinspect.banks.problems import BankFileError, Problem
from mockinspect.banks.validate import check_files, check_question_ids_across_sources
from mockinspect.domain.bank import Bank, Document, version_key
from mockinspect.domain.scenario import Scenario
from mockinspect.i18n import tr


@dataclass(frozen=True)
class Source:
    label: str  # "bundled", "user" or "bank-dir"
    root: Path


@dataclass
class Entry:
    """One file found: what it holds, where it came from, and whether it is the one used.

    ``rank`` is the source's precedence (0 = bundled; later sources win at equal versions).
    """

    file: LoadedFile
    source: Source
    rank: int = 0
    used: bool = False
    note: str = ""

    @property
    def doc(self) -> Bank | Scenario:
        doc = self.file.doc
        if isinstance(doc, DocumentRegistry):  # discover() never makes an entry of one
            raise TypeError(f"{self.file.path} is a document registry, not a bank or scenario")
        return doc


@dataclass
class Registry:
    """Everything found. ``problems`` lists every problem; ``warnings`` one line per broken file.

    Every command that reads banks prints ``warnings`` on stderr, so a broken file in a
    ``--bank-dir`` or the user folder is never silently left out.
    """

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    banks: dict[str, Bank] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)


def warning_lines(problems: Iterable[Problem], skip: Iterable[str] = ()) -> list[str]:
    """One line per file with problems, saying how to see them (files in ``skip`` left out)."""
    counts: dict[str, int] = {}
    for p in problems:
        counts[p.path] = counts.get(p.path, 0) + 1
    skipped = set(skip)
    return [
        tr("warning: {path}: {n} problem(s), not used; run: mockinspect bank validate {path}", path=path, n=n)
        for path, n in sorted(counts.items())
        if path not in skipped
    ]


def yaml_files(root: Path) -> list[Path]:
    """YAML files under ``root`` (or ``root`` itself), skipping hidden folders, in a stable order.

    Anything named ``*.yaml`` that is not a folder is listed, a FIFO or device included, so
    that reading it reports it (it is refused before a byte is read) instead of hiding it.
    """
    if not root.is_dir():
        return [root]  # a file, or something that is neither (a device): reading it will say what is wrong
    found = [
        p
        for pattern in ("*.yaml", "*.yml")
        for p in root.rglob(pattern)
        if not p.is_dir() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(found)


def load_files(paths: Iterable[Path], cache: BankCache) -> tuple[list[LoadedFile], list[Problem]]:
    loaded: list[LoadedFile] = []
    problems: list[Problem] = []
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
    bank_groups: list[list[LoadedFile]] = []
    loaded: list[tuple[int, Source, list[LoadedFile]]] = []
    for rank, source in enumerate(sources):
        if not source.root.exists():
            continue
        files, problems = load_files(yaml_files(source.root), cache)
        registry.problems += problems
        loaded.append((rank, source, files))
        # documents.yaml of every source: a later source's entry replaces an earlier one
        for f in files:
            if isinstance(f.doc, DocumentRegistry):
                registry.problems += check_files([f], context_documents=())
                registry.documents.update((d.id, d) for d in f.doc.documents)
    for rank, source, files in loaded:
        # Banks are checked within their own source: the same bank id and version in a
        # later source is an override, not a clash.
        bank_files = [f for f in files if f.doc.kind == "bank"]
        checked = check_files(bank_files, context_documents=registry.documents.values())
        registry.problems += checked
        broken = {p.path for p in checked}
        bank_groups.append([f for f in bank_files if str(f.path) not in broken])
        registry.entries += [Entry(f, source, rank) for f in files if not isinstance(f.doc, DocumentRegistry)]
    # Question ids across sources: a bank of another id may not reuse one.
    registry.problems += check_question_ids_across_sources(bank_groups)

    _choose(registry, "bank", registry.banks)
    for ident, bank in list(registry.banks.items()):
        registry.banks[ident] = with_documents(bank, registry.documents)
    scenario_files = [e.file for e in registry.entries if e.doc.kind == "scenario"]
    registry.problems += check_files(
        scenario_files, context_banks=registry.banks.values(), context_documents=registry.documents.values()
    )
    _choose(registry, "scenario", registry.scenarios)
    registry.warnings = warning_lines(registry.problems)
    registry.warnings += [n for e in registry.entries if e.used for n in e.file.notices]
    return registry


def with_documents(bank: Bank, documents: dict[str, Document]) -> Bank:
    """The bank with the registry documents it cites added to its own, so a reader finds every title."""
    own = {d.id for d in bank.documents}
    cited = dict.fromkeys(c.doc for q in bank.questions for c in q.citations if c.doc not in own)
    extra = [documents[d] for d in cited if d in documents]
    return bank.model_copy(update={"documents": [*bank.documents, *extra]}) if extra else bank


def _choose(registry: Registry, kind: str, target: dict[str, Any]) -> None:
    broken = {p.path for p in registry.problems}
    by_id: dict[str, list[Entry]] = {}
    for e in registry.entries:
        if e.doc.kind != kind:
            continue
        if str(e.file.path) in broken:
            e.note = tr("has problems; not used")
        else:
            by_id.setdefault(e.doc.id, []).append(e)
    for ident, group in by_id.items():
        group.sort(key=lambda e: (version_key(e.doc.version), e.rank))
        chosen = group[-1]
        chosen.used = True
        target[ident] = chosen.doc
        for other in group[:-1]:
            if version_key(other.doc.version) == version_key(chosen.doc.version):
                other.note = tr(
                    "not used: overridden by the same version ({v}) from {source}",
                    v=chosen.doc.version,
                    source=chosen.source.label,
                )
            else:
                other.note = tr(
                    "not used: {v} from {source} is newer", v=chosen.doc.version, source=chosen.source.label
                )
        if len(group) > 1:
            chosen.note = tr("used: newest of {n} versions", n=len(group))
