"""Coverage of a set of banks: per bank and area, how many questions and probes, which
documents and clauses they cite, and which jurisdictions they speak to.

Built from the loaded banks only, so a table printed from it (``mockinspect bank coverage``)
and ``docs/coverage.md`` cannot go stale: they are regenerated, never edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockinspect.domain.bank import Bank, Document, Question
from mockinspect.i18n import tr

WHOLE = ""  # the clause of a citation of a whole document


def clause_key(clause: str) -> tuple[Any, ...]:
    """Natural order: ``§2 < §9 < §11``, ``211.68(b) < 211.192``, ``Q4 < Q10``."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", clause) if part)


@dataclass(frozen=True)
class AreaCoverage:
    """One bank's questions in one area."""

    bank: str
    bank_title: str
    bank_version: str
    area: str
    area_title: str
    questions: int  # primary questions (not probes)
    probes: int
    with_probes: int  # primary questions that have at least one probe or follow-up
    citations: dict[str, tuple[str, ...]]  # document id -> clauses cited, natural order ("" = whole document)
    jurisdictions: tuple[str, ...]  # of the documents cited
    regions: tuple[str, ...]  # region labels written on questions, key points, evidence and citations

    @property
    def clause_count(self) -> int:
        return sum(len(c) for c in self.citations.values())


@dataclass(frozen=True)
class DocumentUse:
    """How often a registry document is cited, and by which banks."""

    id: str
    title: str
    edition: str | None
    jurisdiction: str | None
    verified: str | None  # "edition, on" when someone checked the clauses
    citations: int
    clauses: int
    banks: tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    rows: list[AreaCoverage] = field(default_factory=list)
    documents: list[DocumentUse] = field(default_factory=list)

    @property
    def banks(self) -> list[str]:
        return list(dict.fromkeys(r.bank for r in self.rows))

    @property
    def questions(self) -> int:
        return sum(r.questions for r in self.rows)

    @property
    def probes(self) -> int:
        return sum(r.probes for r in self.rows)

    @property
    def with_probes(self) -> int:
        return sum(r.with_probes for r in self.rows)

    @property
    def probed_percent(self) -> int:
        return round(100 * self.with_probes / self.questions) if self.questions else 0

    def cited_documents(self) -> list[DocumentUse]:
        return [d for d in self.documents if d.citations]

    def to_json(self) -> dict[str, Any]:
        return {
            "banks": len(self.banks),
            "areas": len(self.rows),
            "questions": self.questions,
            "probes": self.probes,
            "questions_with_probes": self.with_probes,
            "rows": [
                {
                    "bank": r.bank,
                    "bank_title": r.bank_title,
                    "bank_version": r.bank_version,
                    "area": r.area,
                    "area_title": r.area_title,
                    "questions": r.questions,
                    "probes": r.probes,
                    "questions_with_probes": r.with_probes,
                    "documents": [{"id": doc, "clauses": list(clauses)} for doc, clauses in r.citations.items()],
                    "jurisdictions": list(r.jurisdictions),
                    "regions": list(r.regions),
                }
                for r in self.rows
            ],
            "documents": [
                {
                    "id": d.id,
                    "title": d.title,
                    "edition": d.edition,
                    "jurisdiction": d.jurisdiction,
                    "verified": d.verified,
                    "citations": d.citations,
                    "clauses": d.clauses,
                    "banks": list(d.banks),
                }
                for d in self.documents
            ],
        }


def _labels(q: Question) -> set[str]:
    found = {r.value for r in q.regions}
    found |= {r.value for k in q.key_points for r in k.regions}
    found |= {r.value for e in q.expected_evidence for r in e.regions}
    found |= {r.value for c in q.citations for r in c.regions}
    return found


def build(banks: Iterable[Bank], documents: Mapping[str, Document]) -> Coverage:
    """Coverage of ``banks`` (in bank-id order, areas in the order each bank declares them)."""
    rows: list[AreaCoverage] = []
    cited_by: dict[str, set[str]] = {}
    citation_count: dict[str, int] = {}
    clause_sets: dict[str, set[str]] = {}
    for bank in sorted(banks, key=lambda b: b.id):
        own = {d.id: d for d in bank.documents}
        for area in bank.areas:
            questions = [q for q in bank.questions if q.area == area.id]
            if not questions:
                continue
            primary = [q for q in questions if not q.follow_up_only]
            clauses: dict[str, set[str]] = {}
            labels: set[str] = set()
            for q in questions:
                labels |= _labels(q)
                for c in q.citations:
                    clauses.setdefault(c.doc, set()).add(c.clause or WHOLE)
                    cited_by.setdefault(c.doc, set()).add(bank.id)
                    citation_count[c.doc] = citation_count.get(c.doc, 0) + 1
                    clause_sets.setdefault(c.doc, set()).add(c.clause or WHOLE)
            jurisdictions = set()
            for doc_id in clauses:
                doc = own.get(doc_id) or documents.get(doc_id)
                if doc is not None and doc.jurisdiction is not None:
                    jurisdictions.add(doc.jurisdiction.value)
            rows.append(
                AreaCoverage(
                    bank=bank.id,
                    bank_title=bank.title,
                    bank_version=bank.version,
                    area=area.id,
                    area_title=area.title,
                    questions=len(primary),
                    probes=len(questions) - len(primary),
                    with_probes=sum(1 for q in primary if q.follow_ups),
                    citations={doc: tuple(sorted(found, key=clause_key)) for doc, found in sorted(clauses.items())},
                    jurisdictions=tuple(sorted(jurisdictions)),
                    regions=tuple(sorted(labels)),
                )
            )
    uses = []
    for doc_id in sorted(set(documents) | set(cited_by)):
        doc = documents.get(doc_id)
        verified = f"{doc.verified.edition}, {doc.verified.on}" if doc is not None and doc.verified else None
        uses.append(
            DocumentUse(
                id=doc_id,
                title=doc.title if doc is not None else tr("(declared in a bank)"),
                edition=doc.edition if doc is not None else None,
                jurisdiction=doc.jurisdiction.value if doc is not None and doc.jurisdiction is not None else None,
                verified=verified,
                citations=citation_count.get(doc_id, 0),
                clauses=len(clause_sets.get(doc_id, ())),
                banks=tuple(sorted(cited_by.get(doc_id, ()))),
            )
        )
    return Coverage(rows=rows, documents=uses)


def clause_list(clauses: Iterable[str]) -> str:
    """``§9, §12`` or ``(whole document)``, for printing."""
    return ", ".join(c or tr("(whole document)") for c in clauses)


def _cell(value: object) -> str:
    """Text safe in one Markdown table cell."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _table(headers: list[str], rows: Iterable[Iterable[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def markdown(cov: Coverage, command: str) -> str:
    """The coverage as a Markdown page; ``command`` is how it was generated (said at the top)."""
    out = [
        tr("# Question bank coverage"),
        "",
        tr(
            "Generated from the bank files by `{command}` (`make coverage`). Do not edit by hand: "
            "a test regenerates it and fails when this page and the banks differ.",
            command=command,
        ),
        "",
        tr(
            "**{banks} banks, {areas} areas, {questions} primary questions, {probes} probes; "
            "{with_probes} primary questions ({percent}%) have probes; {docs} documents cited.**",
            banks=len(cov.banks),
            areas=len(cov.rows),
            questions=cov.questions,
            probes=cov.probes,
            with_probes=cov.with_probes,
            percent=cov.probed_percent,
            docs=len(cov.cited_documents()),
        ),
        "",
        tr("## Banks and areas"),
        "",
        tr(
            "Questions are primary questions (probes not counted); *with probes* counts the primary questions "
            "an inspector follows up. *Jurisdictions* are those of the documents cited; *region labels* are "
            "written on questions, key points, evidence or citations where an expectation belongs to one "
            "jurisdiction."
        ),
        "",
    ]
    out += _table(
        [
            tr("Bank"),
            tr("Area"),
            tr("Questions"),
            tr("Probes"),
            tr("With probes"),
            tr("Documents"),
            tr("Clauses"),
            tr("Jurisdictions"),
            tr("Region labels"),
        ],
        (
            [
                f"`{r.bank}`",
                f"`{r.area}`",
                r.questions,
                r.probes,
                r.with_probes,
                len(r.citations),
                r.clause_count,
                ", ".join(r.jurisdictions) or "-",
                ", ".join(r.regions) or "-",
            ]
            for r in cov.rows
        ),
    )
    out += ["", tr("## Documents and clauses cited, per bank and area"), ""]
    for bank_id in cov.banks:
        rows = [r for r in cov.rows if r.bank == bank_id]
        out += [f"### `{bank_id}`: {_cell(rows[0].bank_title)} ({rows[0].bank_version})", ""]
        out += _table(
            [tr("Area"), tr("Document"), tr("Clauses")],
            ([f"`{r.area}`", doc, clause_list(clauses)] for r in rows for doc, clauses in r.citations.items()),
        )
        out.append("")
    out += [
        tr("## Documents in the registry"),
        "",
        tr(
            "Every document in `question_banks/documents.yaml` (and any a bank declares), how often it is "
            "cited, and whether its clauses were checked against an edition (`verified`)."
        ),
        "",
    ]
    out += _table(
        [
            tr("Document"),
            tr("Edition"),
            tr("Jurisdiction"),
            tr("Citations"),
            tr("Distinct clauses"),
            tr("Banks"),
            tr("Verified"),
        ],
        (
            [
                d.id,
                d.edition or "-",
                d.jurisdiction or "-",
                d.citations,
                d.clauses,
                ", ".join(d.banks) or "-",
                d.verified or "-",
            ]
            for d in cov.documents
        ),
    )
    return "\n".join(out) + "\n"
