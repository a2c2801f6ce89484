"""BankService: find, validate and describe question banks and scenarios."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockinspect.banks import schema as bank_schema
from mockinspect.banks.cache import BankCache
from mockinspect.banks.coverage import Coverage
from mockinspect.banks.coverage import build as build_coverage
from mockinspect.banks.problems import Problem
from mockinspect.banks.registry import Entry, Registry, Source, discover, load_files, yaml_files
from mockinspect.banks.validate import check_files
from mockinspect.domain.bank import Bank
from mockinspect.domain.engine import ScriptItem, build_script
from mockinspect.domain.scenario import Scenario
from mockinspect.i18n import tr
from mockinspect.paths import user_bank_dir
from mockinspect.resources import question_banks_dir
from mockinspect.services.errors import UserError


@dataclass
class Catalogue:
    """What is available to run: the newest valid version of each bank and scenario."""

    registry: Registry

    @property
    def banks(self) -> dict[str, Bank]:
        return self.registry.banks

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return self.registry.scenarios

    @property
    def entries(self) -> list[Entry]:
        return self.registry.entries

    @property
    def problems(self) -> list[Problem]:
        return self.registry.problems

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            known = ", ".join(sorted(self.scenarios)) or tr("none")
            raise UserError(tr("unknown scenario '{id}' (known: {known})", id=scenario_id, known=known)) from None

    def banks_for(self, scenario: Scenario) -> list[Bank]:
        """The banks a scenario draws from, newest versions, in a stable order."""
        wanted = scenario.draw.banks or sorted(self.banks)
        missing = [b for b in wanted if b not in self.banks]
        if missing:
            raise UserError(
                tr("scenario '{id}' needs bank(s) not available: {missing}", id=scenario.id, missing=", ".join(missing))
            )
        return [self.banks[b] for b in wanted]

    def script(self, scenario: Scenario, seed: int | None = None) -> list[ScriptItem]:
        """The interview script the scenario gives for ``seed`` (its own seed if None)."""
        return build_script(scenario, self.banks_for(scenario), seed)


class BankService:
    """Finds banks in the bundled folder, the user's folder and any extra folders."""

    def __init__(self, extra_dirs: Sequence[Path] = (), *, include_user: bool = True, cache: BankCache | None = None):
        self.extra_dirs = [Path(d) for d in extra_dirs]
        self.include_user = include_user
        self.cache = cache or BankCache()
        self._catalogue: Catalogue | None = None

    def sources(self) -> list[Source]:
        sources = [Source("bundled", question_banks_dir())]
        if self.include_user:
            sources.append(Source("user", user_bank_dir()))
        for d in self.extra_dirs:
            if not d.is_dir():
                raise UserError(tr("--bank-dir {dir}: not a folder", dir=d))
            sources.append(Source("bank-dir", d))
        return sources

    def catalogue(self, *, reload: bool = False) -> Catalogue:
        if self._catalogue is None or reload:
            self._catalogue = Catalogue(discover(self.sources(), self.cache))
        return self._catalogue

    def validate(self, paths: Sequence[Path]) -> list[Problem]:
        """Every problem in the given files and folders, sorted by file and position.

        Scenarios among them may draw on the available banks as well as the given ones.
        """
        files: list[Path] = []
        problems: list[Problem] = []
        for path in paths:
            if not path.exists():
                problems.append(Problem(str(path), 1, 1, tr("no such file or folder")))
                continue
            found = yaml_files(path)
            if path.is_dir() and not found:
                problems.append(Problem(str(path), 1, 1, tr("no .yaml or .yml files in this folder")))
            files += found
        loaded, load_problems = load_files(dict.fromkeys(files), self.cache)
        problems += load_problems
        given = {f.doc.id for f in loaded if isinstance(f.doc, Bank)}
        context = [b for b in self.catalogue().banks.values() if b.id not in given]
        problems += check_files(loaded, context_banks=context)
        return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.message))

    def coverage(self) -> Coverage:
        """Per bank and area of the banks in use: questions, probes, documents and clauses cited, regions."""
        catalogue = self.catalogue()
        return build_coverage(catalogue.banks.values(), catalogue.registry.documents)

    @staticmethod
    def schema(kind: str = "bank") -> dict[str, Any]:
        return bank_schema.bank_schema() if kind == "bank" else bank_schema.scenario_schema()
