"""Write a bank as format 2: ``bank migrate`` (format 1 -> 2) and the text the XLSX import writes.

The writer is hand-made rather than a YAML dump, so the file reads as an author would
write it: one line per text (no wrapping), short lists in brackets, citations in the
one-line form, probes under their question, sections by area. Whatever it writes is
read back and compared with the bank it came from (``same_meaning``) before it is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from mockinspect.domain.bank import Bank, Citation, Evidence, FollowUpWhen, KeyPoint, Question

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/bank.schema.json"
_Q_FIELDS_AFTER = (
    "escalate",
    "observation",
    "tags",
    "alcoa",
    "fda_system",
    "time_minutes",
    "respondent",
    "location",
    "sampling",
    "difficulty",
    "applicability",
    "regions",
    "modality",
    "process",
    "site",
    "requires",
    "phase",
    "inspection",
)


_INHERITED = (
    "applicability",
    "regions",
    "modality",
    "process",
    "site",
    "requires",
    "phase",
    "inspection",
    "fda_system",
)


class MigrationError(Exception):
    """The bank cannot be written in format 2 without changing its meaning."""


def scalar(value: object) -> str:
    """One YAML scalar or flow collection on one line, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, width=1_000_000, allow_unicode=True, sort_keys=False)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    if isinstance(value, str) and _needs_quotes_in_12(value) and not text.startswith(("'", '"')):
        text = "'" + value.replace("'", "''") + "'"
    return text


def _needs_quotes_in_12(value: str) -> bool:
    """Plain scalars that YAML 1.2 reads as a number though PyYAML (1.1) writes them bare."""
    v = value.strip()
    return v.startswith(("0o", "0x")) or v.lstrip("+-").replace(".", "", 1).isdigit()


def _when(when: FollowUpWhen | None) -> str:
    if when is None:
        return "always"
    if not when.status and not when.missed_key_points:
        raise MigrationError("a follow-up whose 'when' lists nothing is never asked; remove it or give a condition")
    if when.match == "any" and when.status and not when.missed_key_points:
        statuses = [s.value for s in when.status]
        return "{on: " + (scalar(statuses[0]) if len(statuses) == 1 else scalar(statuses)) + "}"
    items = [scalar(s.value) for s in when.status] + ["{missed: " + scalar(k) + "}" for k in when.missed_key_points]
    return "{" + when.match + ": [" + ", ".join(items) + "]}"


def _citation(c: Citation) -> str:
    if c.role is None and not c.regions and c.note is None:
        return scalar(c.short())
    data: dict[str, Any] = {"doc": c.doc}
    if c.clause:
        data["clause"] = c.clause
    if c.role:
        data["role"] = c.role.value
    if c.regions:
        data["regions"] = [r.value for r in c.regions]
    if c.note:
        data["note"] = c.note
    return scalar(data)


def _evidence(e: Evidence) -> str:
    return scalar(e.model_dump(mode="json", exclude_defaults=True) if not isinstance(e, str) else e)


def _key_point(k: KeyPoint) -> str:
    if not k.regions:
        return scalar(k.text)
    return scalar({"text": k.text, "regions": [r.value for r in k.regions]})


def _flow_or_block(out: list[str], pad: str, key: str, items: Sequence[str], limit: int = 110) -> None:
    """``key: [a, b, ...]``, wrapped onto indented continuation lines; a block list if an item is too long."""
    if not items:
        return
    if any(len(i) > limit - len(pad) - 8 for i in items):
        out.append(f"{pad}{key}:")
        out += [f"{pad}  - {i}" for i in items]
        return
    lines = [f"{pad}{key}: ["]
    for n, item in enumerate(items):
        piece = item + ("]" if n == len(items) - 1 else ",")
        sep = "" if lines[-1].endswith("[") else " "
        if len(lines[-1]) + len(sep) + len(piece) > limit:
            lines.append(f"{pad}  {piece}")
        else:
            lines[-1] += sep + piece
    out += lines


def _question(
    out: list[str],
    q: Question,
    pad: str,
    *,
    by_id: dict[str, Question],
    probes_of: dict[str, list[str]],
    parent: Question | None,
    when: str | None,
    derived_id: str | None,
    section_area: str | None,
) -> None:
    first = True

    def line(text: str) -> None:
        nonlocal first
        out.append((pad[:-2] + "- " if first else pad) + text)
        first = False

    if parent is None:
        line(f"id: {scalar(q.id)}")
        if q.area != section_area:
            line(f"area: {scalar(q.area)}")
    else:
        if q.id != derived_id:
            line(f"id: {scalar(q.id)}")
        line(f"when: {when}")
    line(f"prompt: {scalar(q.prompt)}")
    if parent is None or q.intent != parent.intent:
        line(f"intent: {scalar(q.intent)}")
    line(f"guidance: {scalar(q.guidance)}")
    if q.key_points:
        line("key_points:")
        out += [f"{pad}  {scalar(k.id)}: {_key_point(k)}" for k in q.key_points]
    if any(k.terms for k in q.key_points):
        line("terms:")
        out += [f"{pad}  {scalar(k.id)}: {scalar(k.terms)}" for k in q.key_points if k.terms]
    if q.expected_evidence:
        line("evidence:")
        out += [f"{pad}  - {_evidence(e)}" for e in q.expected_evidence]
    _flow_or_block(out, pad, "cite", [_citation(c) for c in q.citations])
    if parent is None or q.default_grade != parent.default_grade:
        line(f"grade: {q.default_grade.value}")
    for name in _Q_FIELDS_AFTER:
        value = getattr(q, name)
        if name == "difficulty" and parent is not None and value == parent.difficulty:
            continue
        if name == "difficulty" and parent is None and value == "intermediate":
            continue
        if name in _INHERITED and parent is not None and value == getattr(parent, name):
            continue  # a probe inherits these from its question
        if value in (None, [], {}):
            continue
        if isinstance(value, dict):
            line(f"{name}:")
            out += [f"{pad}  {getattr(k, 'value', k)}: {scalar(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            line(f"{name}: {scalar([getattr(v, 'value', v) for v in value])}")
        else:
            line(f"{name}: {scalar(getattr(value, 'value', value))}")
    if q.governance is not None:
        line(f"review: {scalar(q.governance.model_dump(mode='json', exclude_none=True))}")
    inline = probes_of.get(q.id, [])
    others = [f for f in q.follow_ups if f.ask not in inline]
    if others:
        line("follow_ups:")
        for f in others:
            out.append(f"{pad}  - {{ask: {scalar(f.ask)}, when: {_when(f.when)}}}")
    if inline:
        line("probes:")
        for n, pid in enumerate(inline, 1):
            fu = next(f for f in q.follow_ups if f.ask == pid)
            _question(
                out,
                by_id[pid],
                pad + "    ",
                by_id=by_id,
                probes_of=probes_of,
                parent=q,
                when=_when(fu.when),
                derived_id=f"{q.id}-P{n}",
                section_area=section_area,
            )


def bank_text(bank: Bank, *, registry_ids: Iterable[str] = (), header: Sequence[str] = (SCHEMA_LINE,)) -> str:
    """The bank in format 2. Documents found in the registry are left to it; the rest stay private."""
    shared = set(registry_ids)
    by_id = {q.id: q for q in bank.questions}
    # A follow-up-only question asked by exactly one question of this bank becomes its inline probe.
    askers: dict[str, list[str]] = {}
    for q in bank.questions:
        for f in q.follow_ups:
            askers.setdefault(f.ask, []).append(q.id)
    probes_of: dict[str, list[str]] = {}
    inlined: set[str] = set()
    for q in bank.questions:
        for f in q.follow_ups:
            target = by_id.get(f.ask)
            if (
                target is not None
                and target.follow_up_only
                and askers.get(f.ask) == [q.id]
                and target.area == q.area
                and f.ask not in inlined
            ):
                probes_of.setdefault(q.id, []).append(f.ask)
                inlined.add(f.ask)
    out = [*header, "kind: bank", "format: 2", f"id: {scalar(bank.id)}", f"title: {scalar(bank.title)}"]
    out.append(f"version: {scalar(bank.version)}")
    if bank.description:
        out.append(f"description: {scalar(bank.description)}")
    if bank.language != "en":
        out.append(f"language: {scalar(bank.language)}")
    private = [d for d in bank.documents if d.id not in shared]
    if private:
        out.append("documents:")
        for d in private:
            out.append(f"  - {scalar(d.model_dump(mode='json', exclude_none=True))}")
    out.append("areas:")
    for a in bank.areas:
        out.append(f"  - {scalar(a.model_dump(mode='json', exclude_none=True))}")
    out.append("sections:")
    top = [q for q in bank.questions if q.id not in inlined]
    areas_in_order = list(dict.fromkeys(q.area for q in top))
    for area in areas_in_order:
        out.append(f"  - area: {scalar(area)}")
        out.append("    questions:")
        for q in (q for q in top if q.area == area):
            _question(
                out,
                q,
                "        ",
                by_id=by_id,
                probes_of=probes_of,
                parent=None,
                when=None,
                derived_id=None,
                section_area=area,
            )
    return "\n".join(out) + "\n"


def meaning(bank: Bank) -> dict[str, Any]:
    """What a bank says, independent of how it was written (format, order, shared documents)."""
    questions = {}
    for q in bank.questions:
        data = q.model_dump(mode="json")
        data.pop("parent", None)
        data["follow_ups"] = sorted(data["follow_ups"], key=lambda f: f["ask"])
        questions[q.id] = data
    return {
        "id": bank.id,
        "title": bank.title,
        "version": bank.version,
        "description": bank.description,
        "language": bank.language,
        "areas": [a.model_dump(mode="json") for a in bank.areas],
        "questions": questions,
    }


def same_meaning(a: Bank, b: Bank) -> list[str]:
    """Where two banks differ in meaning (empty: they say the same)."""
    ma, mb = meaning(a), meaning(b)
    diffs = [f"{k} differs" for k in ("id", "title", "version", "description", "language", "areas") if ma[k] != mb[k]]
    qa, qb = ma["questions"], mb["questions"]
    diffs += [f"question {q} is missing" for q in qa if q not in qb]
    diffs += [f"question {q} is new" for q in qb if q not in qa]
    for q in qa:
        if q in qb and qa[q] != qb[q]:
            fields = sorted(k for k in set(qa[q]) | set(qb[q]) if qa[q].get(k) != qb[q].get(k))
            diffs.append(f"question {q} differs in {', '.join(fields)}")
    return diffs
