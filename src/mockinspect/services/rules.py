"""The rule data a user may replace: the risk matrix and the persona outcome rules.

Each is looked for first in the user config folder (``risk/matrix.json``,
``personas/<persona>.json``), then in the bundled ``resources/``.
"""

from __future__ import annotations

from collections.abc import Mapping
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


# How fast a kind of expected evidence is usually produced, when the bank does not say.
_TURNAROUND_BY_TYPE = {
    "procedure": "controlled-document",
    "record": "on-site-record",
    "list": "list",
    "live-demo": "immediate",
    "interview": "immediate",
}


def request_due_minutes(persona: str, evidence: object = None, fallback: int | None = None) -> int | None:
    """Minutes the persona gives a requested record. The bank's ``turnaround`` for the record
    (a system report takes hours, a live demo none) decides first; then the scenario's drill
    time (``fallback``); then the kind of record (``type``: a procedure, a list...); then the
    persona's time for a record held on site. ``evidence`` is the expected evidence as frozen
    (a text, or a mapping). An "immediate" item gets 1 minute; None when nothing sets a time."""
    from mockinspect.domain.bank import Turnaround

    given = by_type = None
    if isinstance(evidence, Mapping):
        given = evidence.get("turnaround")
        by_type = _TURNAROUND_BY_TYPE.get(str(evidence.get("type") or ""))
    if given is None and fallback is not None:
        return fallback
    try:
        rule = persona_rules(persona).turnaround.get(Turnaround(given or by_type or Turnaround.ON_SITE_RECORD.value))
    except (UserError, ValueError):
        rule = None
    if rule is None or rule.minutes is None:
        return fallback
    return max(1, rule.minutes)
