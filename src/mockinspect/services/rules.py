"""The rule data a user may replace: the risk matrix and the persona outcome rules.

Each is looked for first in the user config folder (``risk/matrix.json``,
``personas/<persona>.json``), then in the bundled ``resources/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from mockinspect.domain.outcome import PersonaRules
from mockinspect.domain.risk import RiskMatrix
from mockinspect.i18n import tr
from mockinspect.paths import user_config_dir
from mockinspect.resources import resource
from mockinspect.services.errors import UserError

M = TypeVar("M", bound=BaseModel)


def rule_file(*parts: str) -> Path:
    """The user's copy if there is one, else the bundled file."""
    own = user_config_dir().joinpath(*parts)
    return own if own.is_file() else resource(*parts)


def _load(model: type[M], path: Path) -> M:
    return _cached(model, path, *_stamp(path))  # type: ignore[return-value]


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError as exc:
        raise UserError(tr("cannot read {path}: {error}", path=path, error=exc.strerror or exc)) from exc
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=32)
def _cached(model: type[BaseModel], path: Path, _mtime: int, _size: int) -> BaseModel:
    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise UserError(tr("{path}: {where}: {message}", path=path, where=where, message=first["msg"])) from exc
    except OSError as exc:
        raise UserError(tr("cannot read {path}: {error}", path=path, error=exc.strerror or exc)) from exc


def risk_matrix() -> RiskMatrix:
    return _load(RiskMatrix, rule_file("risk", "matrix.json"))


def persona_rules(persona: str) -> PersonaRules:
    path = rule_file("personas", f"{persona}.json")
    if not path.is_file():
        raise UserError(tr("no outcome rules for persona '{persona}' (looked for {path})", persona=persona, path=path))
    return _load(PersonaRules, path)
