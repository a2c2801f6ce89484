"""What a session froze when it was run: its questions and its scenario, as they were.

A session stores the full content it asked (PRODUCT.md: "it freezes the exact questions"),
keyed by the SHA-256 of its canonical JSON, so a report or a training record is rebuilt
exactly as it was after the banks change, and a changed row is found by re-hashing it.

The views here read that JSON leniently: a question frozen by an older bank format still
opens after the format moves on (unknown keys are kept in ``raw``, missing ones are empty).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockinspect.domain.bank import Grade


def canonical_json(value: Any) -> str:
    """The one text a frozen value is stored and hashed as (sorted keys, UTF-8 kept)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def content_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(_text(v) for v in value)
    return ()


@dataclass(frozen=True)
class FrozenKeyPoint:
    id: str
    text: str
    # Groups of alternative words (bank format 2); training mode's matcher reads them.
    terms: tuple[tuple[str, ...], ...] = ()


def _terms(value: Any) -> tuple[tuple[str, ...], ...]:
    """``[[a, b], [c]]`` as tuples; anything else (an older format, a damaged row) is no terms."""
    if not isinstance(value, list | tuple):
        return ()
    groups = (tuple(_text(t) for t in g if _text(t).strip()) for g in value if isinstance(g, list | tuple))
    return tuple(g for g in groups if g)


def _key_points(value: Any, terms: Any = None) -> tuple[FrozenKeyPoint, ...]:
    by_id = terms if isinstance(terms, Mapping) else {}  # the authoring form: terms beside the points
    if isinstance(value, Mapping):  # the compact form: {id: text}
        return tuple(
            FrozenKeyPoint(
                _text(k),
                _text(v if not isinstance(v, Mapping) else v.get("text")),
                _terms(v.get("terms") if isinstance(v, Mapping) else by_id.get(k)),
            )
            for k, v in value.items()
        )
    points = []
    for i, item in enumerate(value if isinstance(value, list | tuple) else (), start=1):
        if isinstance(item, Mapping):
            kid = _text(item.get("id", f"kp{i}"))
            points.append(FrozenKeyPoint(kid, _text(item.get("text")), _terms(item.get("terms", by_id.get(kid)))))
        else:
            points.append(FrozenKeyPoint(f"kp{i}", _text(item), _terms(by_id.get(f"kp{i}"))))
    return tuple(points)


def _evidence(value: Any) -> tuple[str, ...]:
    out = []
    for item in value if isinstance(value, list | tuple) else ():
        if isinstance(item, Mapping):
            what = _text(item.get("what") or item.get("text"))
            sample = item.get("sample")
            out.append(f"{what} ({sample})" if sample else what)
        else:
            out.append(_text(item))
    return tuple(out)


def _citations(value: Any) -> tuple[str, ...]:
    out = []
    for item in value if isinstance(value, list | tuple) else ():
        if isinstance(item, Mapping):
            ref = item.get("ref") or " ".join(_text(item.get(k)) for k in ("doc", "clause") if item.get(k))
            out.append(_text(ref).strip())
        else:
            out.append(_text(item))
    return tuple(c for c in out if c)


def _grade(value: Any) -> Grade | None:
    if isinstance(value, Mapping):
        value = value.get("default")
    try:
        return Grade(value)
    except ValueError:
        return None


def _probe_ids(raw: Mapping[str, Any]) -> tuple[str, ...]:
    ids = []
    for item in raw.get("follow_ups") or raw.get("probes") or ():
        if isinstance(item, Mapping):
            ask = item.get("ask") or item.get("id")
            if ask:
                ids.append(_text(ask))
    return tuple(ids)


@dataclass(frozen=True)
class FrozenQuestion:
    """A question exactly as a session asked it."""

    content_hash: str
    id: str
    area: str
    prompt: str
    intent: str
    guidance: str
    key_points: tuple[FrozenKeyPoint, ...]
    expected_evidence: tuple[str, ...]
    citations: tuple[str, ...]
    default_grade: Grade | None
    probe_ids: tuple[str, ...]
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, content_hash: str, text: str) -> FrozenQuestion:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("frozen question content is not a JSON object")
        return cls(
            content_hash=content_hash,
            id=_text(raw.get("id")),
            area=_text(raw.get("area")),
            prompt=_text(raw.get("prompt")),
            intent=_text(raw.get("intent")),
            guidance=_text(raw.get("guidance")),
            key_points=_key_points(raw.get("key_points"), raw.get("terms")),
            expected_evidence=_evidence(raw.get("expected_evidence", raw.get("evidence"))),
            citations=_citations(raw.get("citations")),
            default_grade=_grade(raw.get("default_grade", raw.get("grade"))),
            probe_ids=_probe_ids(raw),
            raw=raw,
        )


@dataclass(frozen=True)
class FrozenAgendaSection:
    title: str
    day: int
    areas: tuple[str, ...]
    minutes: int


@dataclass(frozen=True)
class FrozenScenario:
    """The scenario a session ran, with the titles of the areas, banks and documents it drew on."""

    content_hash: str
    id: str
    title: str
    version: str
    persona: str
    persona_title: str
    description: str
    agenda: tuple[FrozenAgendaSection, ...]
    area_titles: Mapping[str, str]
    banks: tuple[tuple[str, str, str], ...]  # (id, title, version)
    document_titles: Mapping[str, str]
    seconds_per_question: int | None
    request_minutes: int | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    def area_title(self, area: str) -> str:
        return self.area_titles.get(area) or area

    @classmethod
    def from_json(cls, content_hash: str, text: str) -> FrozenScenario:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("frozen scenario content is not a JSON object")
        scenario = raw.get("scenario") or {}
        agenda = tuple(
            FrozenAgendaSection(
                title=_text(s.get("title")),
                day=int(s.get("day") or 1),
                areas=_texts(s.get("areas")),
                minutes=int(s.get("minutes") or 0),
            )
            for s in scenario.get("agenda") or ()
            if isinstance(s, Mapping)
        )
        training = scenario.get("training") or {}
        drill = scenario.get("document_requests") or {}
        return cls(
            content_hash=content_hash,
            id=_text(scenario.get("id")),
            title=_text(scenario.get("title")),
            version=_text(scenario.get("version")),
            persona=_text(scenario.get("persona")),
            persona_title=_text(raw.get("persona_title") or scenario.get("persona")),
            description=_text(scenario.get("description")),
            agenda=agenda,
            area_titles={_text(k): _text(v) for k, v in (raw.get("areas") or {}).items()},
            banks=tuple(
                (_text(b.get("id")), _text(b.get("title")), _text(b.get("version")))
                for b in raw.get("banks") or ()
                if isinstance(b, Mapping)
            ),
            document_titles={_text(k): _text(v) for k, v in (raw.get("documents") or {}).items()},
            seconds_per_question=training.get("seconds_per_question") if isinstance(training, Mapping) else None,
            request_minutes=drill.get("expected_minutes") if isinstance(drill, Mapping) else None,
            raw=raw,
        )


class FrozenQuestions(Mapping[str, FrozenQuestion]):
    """The frozen questions of a session by content hash, parsed when first looked up
    (a 5,000-question session reads its JSON texts at once, but parses only what is shown)."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = dict(texts)
        self._parsed: dict[str, FrozenQuestion | None] = {}

    def __getitem__(self, key: str) -> FrozenQuestion:
        if key not in self._parsed:
            try:
                self._parsed[key] = FrozenQuestion.from_json(key, self._texts[key])
            except ValueError:
                self._parsed[key] = None  # damaged: verify reports it; the script keeps the prompt
        found = self._parsed[key]
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]
