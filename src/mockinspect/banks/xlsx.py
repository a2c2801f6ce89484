"""A bank as an Excel workbook and back: ``bank export --xlsx`` and ``bank import --xlsx``.

Consultants write and review in Excel. One row per question (probes too, with their parent),
and a sheet each for key points, evidence, citations and probes/follow-ups. Lists are typed
as text separated by commas ("eu, uk"); term groups by " | " ("review, reviewed | release").

Import builds the same data a format-2 YAML file holds, validates it with the format-2 model
and the bank checks, and reports every problem as ``FILE!Sheet!Cell: message``. An import
with any problem writes nothing.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# openpyxl is an optional dependency until it is in pyproject.toml; the ignores keep mypy quiet either way.
from openpyxl import Workbook, load_workbook  # type: ignore[import-not-found,import-untyped,unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-not-found,import-untyped,unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-not-found,import-untyped,unused-ignore]
from pydantic import ValidationError

from mockinspect.banks.format2 import BankFile, convert
from mockinspect.banks.loader import LoadedFile, _message, build, load_text
from mockinspect.banks.migrate import bank_text, same_meaning
from mockinspect.banks.problems import BankFileError, Problem
from mockinspect.banks.validate import check_files
from mockinspect.domain.bank import Bank, Document, FollowUpWhen, Grade
from mockinspect.i18n import tr

MAX_ROWS = 5_000  # data rows per sheet; a bank of 400 questions needs about 2,000 evidence rows
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024

Loc = tuple[object, ...]
Cell = tuple[str, int, int]  # sheet, row, column (1-based)

SHEETS: dict[str, tuple[str, ...]] = {
    "Bank": ("field", "value"),
    "Areas": ("id", "title", "description"),
    "Documents": ("id", "title", "issuer", "reference", "edition", "jurisdiction", "kind", "binding", "note"),
    "Questions": (
        "id",
        "parent",
        "area",
        "prompt",
        "intent",
        "guidance",
        "grade",
        "escalate_critical",
        "escalate_major",
        "escalate_minor",
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
        "review_author",
        "review_reviewer",
        "review_status",
        "review_last_reviewed",
    ),
    "KeyPoints": ("question", "id", "text", "terms", "regions"),
    "Evidence": ("question", "what", "type", "sample", "turnaround", "regions"),
    "Citations": ("question", "doc", "clause", "role", "regions", "note"),
    "Probes": ("question", "ask", "when", "inline"),
}
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "Bank": ("field", "value"),
    "Areas": ("id", "title"),
    "Documents": ("id", "title"),
    "Questions": ("id", "prompt", "guidance"),
    "KeyPoints": ("question", "id", "text"),
    "Evidence": ("question", "what"),
    "Citations": ("question", "doc"),
    "Probes": ("question", "ask", "when"),
}
BANK_FIELDS = ("id", "title", "version", "description", "language")
_LISTS = (
    "tags",
    "alcoa",
    "respondent",
    "applicability",
    "regions",
    "modality",
    "process",
    "site",
    "requires",
    "phase",
    "inspection",
)
_SCALARS = ("fda_system", "location", "sampling", "difficulty", "observation")


class WorkbookError(Exception):
    """Problems with a workbook; ``problems`` lists each, ``FILE!Sheet!Cell: message``."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def cell_problem(book: Path, sheet: str | None, row: int, col: int, message: str) -> Problem:
    """A problem at a cell: printed ``FILE!Sheet!B4: message`` (line and col are 0 so the path is the place)."""
    where = str(book)
    if sheet is not None:
        where += f"!{sheet}"
        if row > 0:
            where += f"!{get_column_letter(max(col, 1))}{row}"
    return Problem(where, 0, 0, message)


# ------------------------------------------------------------------------------- export


def _join(values: Iterable[object]) -> str:
    return ", ".join(str(getattr(v, "value", v)) for v in values)


def when_text(when: FollowUpWhen | None) -> str:
    """``always``, ``on: compliant``, ``any: deficient, missed:kp`` or ``all: ...``."""
    if when is None:
        return "always"
    items = [s.value for s in when.status] + [f"missed:{k}" for k in when.missed_key_points]
    if when.match == "any" and when.status and not when.missed_key_points:
        return "on: " + ", ".join(items)
    return f"{when.match}: " + ", ".join(items)


def _as_format2(bank: Bank) -> Bank:
    if bank.format == 2:
        return bank
    text = bank_text(bank)
    converted = load_text(Path("<converted>"), text, "").doc
    if not isinstance(converted, Bank):  # pragma: no cover
        raise TypeError("conversion did not give a bank")
    return converted


def export_workbook(bank: Bank, out: Path, registry_ids: Iterable[str] = ()) -> None:
    """Write ``bank`` (either format) to ``out`` as a workbook, whole or not at all."""
    bank = _as_format2(bank)
    shared = set(registry_ids)
    wb = Workbook()
    for default in list(wb.worksheets):
        wb.remove(default)
    sheets = {name: wb.create_sheet(name) for name in SHEETS}
    for name, ws in sheets.items():
        ws.append(list(SHEETS[name]))
        ws.freeze_panes = "A2"
    for name in BANK_FIELDS:
        sheets["Bank"].append([name, getattr(bank, name) or ""])
    sheets["Bank"].append(["format", 2])
    for a in bank.areas:
        sheets["Areas"].append([a.id, a.title, a.description or ""])
    for d in bank.documents:
        if d.id in shared:
            continue
        sheets["Documents"].append(
            [
                d.id,
                d.title,
                d.issuer or "",
                d.reference or "",
                d.edition or "",
                d.jurisdiction.value if d.jurisdiction else "",
                d.kind.value if d.kind else "",
                "" if d.binding is None else d.binding,
                d.note or "",
            ]
        )
    for q in bank.questions:
        gov = q.governance
        row: list[object] = [
            q.id,
            q.parent or "",
            "" if q.parent else q.area,
            q.prompt,
            q.intent,
            q.guidance,
            q.default_grade.value,
            q.escalate.get(Grade.CRITICAL, ""),
            q.escalate.get(Grade.MAJOR, ""),
            q.escalate.get(Grade.MINOR, ""),
            q.observation or "",
            _join(q.tags),
            _join(q.alcoa),
            q.fda_system.value if q.fda_system else "",
            q.time_minutes if q.time_minutes is not None else "",
            _join(q.respondent),
            q.location.value if q.location else "",
            q.sampling or "",
            q.difficulty.value,
            _join(q.applicability),
            _join(q.regions),
            _join(q.modality),
            _join(q.process),
            _join(q.site),
            _join(q.requires),
            _join(q.phase),
            _join(q.inspection),
            gov.author or "" if gov else "",
            gov.reviewer or "" if gov else "",
            gov.status.value if gov else "",
            gov.last_reviewed or "" if gov else "",
        ]
        sheets["Questions"].append(row)
        for k in q.key_points:
            terms = " | ".join(", ".join(group) for group in k.terms)
            sheets["KeyPoints"].append([q.id, k.id, k.text, terms, _join(k.regions)])
        for e in q.expected_evidence:
            sheets["Evidence"].append(
                [
                    q.id,
                    e.what,
                    e.type.value if e.type else "",
                    e.sample or "",
                    e.turnaround.value if e.turnaround else "",
                    _join(e.regions),
                ]
            )
        for c in q.citations:
            sheets["Citations"].append(
                [q.id, c.doc, c.clause or "", c.role.value if c.role else "", _join(c.regions), c.note or ""]
            )
        children = {p.id for p in bank.questions if p.parent == q.id}
        for f in q.follow_ups:
            sheets["Probes"].append([q.id, f.ask, when_text(f.when), "yes" if f.ask in children else "no"])
    for ws in sheets.values():
        for i, header in enumerate(ws[1], 1):
            ws.column_dimensions[get_column_letter(i)].width = 60 if header.value in _WIDE else 18
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorkbookError(
            [cell_problem(out, None, 0, 0, tr("cannot write: {reason}", reason=exc.strerror or exc))]
        ) from None


_WIDE = {"prompt", "intent", "guidance", "text", "what", "observation", "title", "description", "note", "terms"}


# ------------------------------------------------------------------------------- import


@dataclass
class _Reader:
    book: Path
    problems: list[Problem] = field(default_factory=list)
    cells: dict[Loc, Cell] = field(default_factory=dict)

    def at(self, sheet: str, row: int, col: int, message: str) -> None:
        self.problems.append(cell_problem(self.book, sheet, row, col, message))

    def locate(self, loc: Loc) -> Cell | None:
        for n in range(len(loc), -1, -1):
            hit = self.cells.get(loc[:n])
            if hit is not None:
                return hit
        return None

    def problem_at(self, loc: Loc, message: str) -> Problem:
        hit = self.locate(loc)
        if hit is None:
            return cell_problem(self.book, "Questions", 0, 0, message)
        return cell_problem(self.book, hit[0], hit[1], hit[2], message)


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]
    columns: dict[str, int]

    def col(self, name: str) -> int:
        return self.columns.get(name, 1)


def _read_sheet(r: _Reader, ws: Worksheet, name: str) -> list[_Row]:
    for merged in ws.merged_cells.ranges:
        r.problems.append(
            Problem(f"{r.book}!{name}!{merged.coord}", 0, 0, tr("merged cells are not allowed; unmerge them"))
        )
    if ws.max_row - 1 > MAX_ROWS:
        r.at(name, MAX_ROWS + 2, 1, tr("more than {n} rows; split the bank", n=f"{MAX_ROWS:,}"))
        return []
    rows = ws.iter_rows()
    header = next(rows, ())
    columns: dict[str, int] = {}
    for cell in header:
        if cell.value is None:
            continue
        title = str(cell.value).strip()
        column = int(cell.column or 1)
        if title not in SHEETS[name]:
            r.at(
                name,
                1,
                column,
                tr("unknown column '{title}' (expected: {known})", title=title, known=", ".join(SHEETS[name])),
            )
        elif title in columns:
            r.at(name, 1, column, tr("column '{title}' appears twice", title=title))
        else:
            columns[title] = column
    for required in REQUIRED_COLUMNS[name]:
        if required not in columns:
            r.at(name, 1, len(columns) + 1, tr("column '{title}' is missing", title=required))
    out: list[_Row] = []
    for cells in rows:
        values: dict[str, Any] = {}
        for cell in cells:
            if cell.value is None:
                continue
            column = int(cell.column or 1)
            named = next((t for t, c in columns.items() if c == column), None)
            if named is None:
                continue
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                r.at(name, int(cell.row or 0), column, tr("a formula; type the value itself"))
                continue
            value = cell.value
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
            values[named] = value
        if values:
            out.append(_Row(name, int(cells[0].row or 0), values, columns))
    return out


def _text(r: _Reader, row: _Row, name: str) -> str | None:
    value = row.values.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str):
        r.at(row.sheet, row.number, row.col(name), tr("must be text, not a number or date; format the cell as Text"))
        return None
    return value


def _list(r: _Reader, row: _Row, name: str) -> list[str]:
    text = _text(r, row, name)
    return [part.strip() for part in text.split(",") if part.strip()] if text else []


def _when(r: _Reader, row: _Row) -> Any:
    text = _text(r, row, "when")
    if text is None:
        return "always"
    mode, _, rest = text.partition(":")
    mode = mode.strip()
    if mode == "always" and not rest.strip():
        return "always"
    items = [p.strip() for p in rest.split(",") if p.strip()]
    if mode not in ("on", "any", "all") or not items:
        r.at(
            row.sheet,
            row.number,
            row.col("when"),
            tr("write always, on: STATUS, any: ... or all: ... (e.g. any: deficient, missed:kp-id)"),
        )
        return "always"
    conditions: list[Any] = [{"missed": p.split(":", 1)[1].strip()} if p.startswith("missed:") else p for p in items]
    if mode == "on":
        return {"on": items if len(items) > 1 else items[0]}
    return {mode: conditions}


def read_workbook(path: Path) -> tuple[dict[str, Any], _Reader]:
    """The format-2 data a workbook holds, and where each value came from; WorkbookError on any problem."""
    r = _Reader(path)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise WorkbookError([cell_problem(path, None, 0, 0, tr("not a regular file"))])
        if path.stat().st_size > MAX_WORKBOOK_BYTES:
            raise WorkbookError([cell_problem(path, None, 0, 0, tr("larger than 20 MB; split the bank"))])
        wb = load_workbook(path, data_only=False)
    except WorkbookError:
        raise
    except OSError as exc:
        raise WorkbookError(
            [cell_problem(path, None, 0, 0, tr("cannot read: {reason}", reason=exc.strerror or exc))]
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise WorkbookError(
            [cell_problem(path, None, 0, 0, tr("not an Excel workbook (.xlsx): {reason}", reason=exc))]
        ) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; never a traceback
        raise WorkbookError(
            [cell_problem(path, None, 0, 0, tr("cannot open the workbook: {reason}", reason=exc))]
        ) from None
    rows: dict[str, list[_Row]] = {}
    for name in SHEETS:
        if name not in wb.sheetnames:
            if name in ("Bank", "Areas", "Questions"):
                r.problems.append(cell_problem(path, name, 0, 0, tr("sheet is missing")))
            rows[name] = []
            continue
        rows[name] = _read_sheet(r, wb[name], name)
    if r.problems:
        raise WorkbookError(r.problems)
    data = _assemble(r, rows)
    if r.problems:
        raise WorkbookError(r.problems)
    return data, r


def _assemble(r: _Reader, rows: dict[str, list[_Row]]) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": "bank", "format": 2}
    for row in rows["Bank"]:
        key = _text(r, row, "field")
        if key is None:
            continue
        if key == "format":
            continue
        if key not in BANK_FIELDS:
            r.at(
                "Bank",
                row.number,
                row.col("field"),
                tr("unknown field '{key}' (expected: {known})", key=key, known=", ".join(BANK_FIELDS)),
            )
            continue
        value = _text(r, row, "value")
        if value is not None:
            data[key] = value
        r.cells[(key,)] = ("Bank", row.number, row.col("value"))
    data["areas"] = []
    for row in rows["Areas"]:
        loc: Loc = ("areas", len(data["areas"]))
        area = {k: v for k in ("id", "title", "description") if (v := _text(r, row, k)) is not None}
        for k in area:
            r.cells[(*loc, k)] = ("Areas", row.number, row.col(k))
        r.cells[loc] = ("Areas", row.number, 1)
        data["areas"].append(area)
    documents: list[dict[str, Any]] = []
    for row in rows["Documents"]:
        loc = ("documents", len(documents))
        doc: dict[str, Any] = {}
        for k in SHEETS["Documents"]:
            if k == "binding":
                value = row.values.get(k)
                if value is not None and not isinstance(value, bool):
                    r.at("Documents", row.number, row.col(k), tr("must be TRUE or FALSE"))
                elif value is not None:
                    doc[k] = value
            elif (v := _text(r, row, k)) is not None:
                doc[k] = v
            r.cells[(*loc, k)] = ("Documents", row.number, row.col(k))
        r.cells[loc] = ("Documents", row.number, 1)
        documents.append(doc)
    if documents:
        data["documents"] = documents

    # questions: top-level ones grouped into one section per area; probes under their parent
    bodies: dict[str, dict[str, Any]] = {}
    rows_of: dict[str, _Row] = {}
    parents: dict[str, str] = {}
    order: list[str] = []
    for row in rows["Questions"]:
        qid = _text(r, row, "id")
        if qid is None:
            continue
        if qid in bodies:
            r.at(
                "Questions",
                row.number,
                row.col("id"),
                tr("duplicate question id '{id}' (first at row {n})", id=qid, n=rows_of[qid].number),
            )
            continue
        body = _question_body(r, row)
        bodies[qid], rows_of[qid] = body, row
        parent = _text(r, row, "parent")
        if parent:
            parents[qid] = parent
        order.append(qid)
    for sheet in ("KeyPoints", "Evidence", "Citations"):
        for row in rows[sheet]:
            qid = _text(r, row, "question")
            if qid is None or qid not in bodies:
                r.at(
                    sheet,
                    row.number,
                    row.col("question"),
                    tr("'{id}' is not a question on the Questions sheet", id=qid),
                )
                continue
            body = bodies[qid]
            if sheet == "KeyPoints":
                kid, text = _text(r, row, "id"), _text(r, row, "text")
                if kid is None or text is None:
                    r.at(sheet, row.number, row.col("id" if kid is None else "text"), tr("required"))
                    continue
                regions = _list(r, row, "regions")
                body.setdefault("key_points", {})[kid] = {"text": text, "regions": regions} if regions else text
                body.setdefault("_cells", {})[("key_points", kid)] = (sheet, row.number, row.col("text"))
                terms = _text(r, row, "terms")
                if terms:
                    groups = [[w.strip() for w in g.split(",") if w.strip()] for g in terms.split("|")]
                    body.setdefault("terms", {})[kid] = [g for g in groups if g]
                    body["_cells"][("terms", kid)] = (sheet, row.number, row.col("terms"))
            elif sheet == "Evidence":
                item: dict[str, Any] = {
                    k: v for k in ("what", "type", "sample", "turnaround") if (v := _text(r, row, k)) is not None
                }
                if regions := _list(r, row, "regions"):
                    item["regions"] = regions
                items = body.setdefault("evidence", [])
                body.setdefault("_cells", {})[("evidence", len(items))] = (sheet, row.number, row.col("what"))
                items.append(item["what"] if set(item) == {"what"} else item)
            else:
                cite: dict[str, Any] = {
                    k: v for k in ("doc", "clause", "role", "note") if (v := _text(r, row, k)) is not None
                }
                if regions := _list(r, row, "regions"):
                    cite["regions"] = regions
                items = body.setdefault("cite", [])
                body.setdefault("_cells", {})[("cite", len(items))] = (sheet, row.number, row.col("doc"))
                simple = set(cite) <= {"doc", "clause"}
                items.append(" ".join(str(cite[k]) for k in ("doc", "clause") if k in cite) if simple else cite)
    probe_when: dict[str, tuple[Any, _Row]] = {}
    for row in rows["Probes"]:
        qid, ask = _text(r, row, "question"), _text(r, row, "ask")
        if qid is None or qid not in bodies or ask is None:
            r.at(
                "Probes", row.number, row.col("question"), tr("'{id}' is not a question on the Questions sheet", id=qid)
            )
            continue
        when = _when(r, row)
        inline = str(row.values.get("inline", "no")).strip().lower() in ("yes", "true", "1")
        if inline or parents.get(ask) == qid:
            probe_when[ask] = (when, row)
        else:
            fus = bodies[qid].setdefault("follow_ups", [])
            bodies[qid].setdefault("_cells", {})[("follow_ups", len(fus))] = ("Probes", row.number, row.col("ask"))
            fus.append({"ask": ask, "when": when})
    sections: dict[str, dict[str, Any]] = {}
    placed: dict[str, Loc] = {}
    area_of: dict[str, str | None] = {}

    def place(qid: str, loc: Loc) -> None:
        body = bodies[qid]
        cells = body.pop("_cells", {})
        row = rows_of[qid]
        r.cells[loc] = ("Questions", row.number, 1)
        for name in SHEETS["Questions"]:
            r.cells[(*loc, name)] = ("Questions", row.number, row.col(name))
        r.cells[(*loc, "escalate")] = ("Questions", row.number, row.col("escalate_critical"))
        r.cells[(*loc, "review")] = ("Questions", row.number, row.col("review_status"))
        for sub, cell in cells.items():
            r.cells[(*loc, *sub)] = cell
        placed[qid] = loc
        for n, child in enumerate(c for c in order if parents.get(c) == qid):
            child_loc = (*loc, "probes", n)
            when, wrow = probe_when.get(child, ("always", rows_of[child]))
            child_area = bodies[child].pop("area", None)
            if child_area is not None and child_area != area_of.get(qid):
                crow = rows_of[child]
                r.at(
                    "Questions",
                    crow.number,
                    crow.col("area"),
                    tr("a probe is asked in its parent's area; leave it empty"),
                )
            area_of[child] = area_of.get(qid)
            bodies[child]["when"] = when
            bodies[child]["id"] = child
            r.cells[(*child_loc, "when")] = ("Probes", wrow.number, wrow.col("when"))
            bodies[qid].setdefault("probes", []).append(bodies[child])
            place(child, child_loc)

    for qid in order:
        if qid in parents:
            if parents[qid] not in bodies:
                row = rows_of[qid]
                r.at(
                    "Questions",
                    row.number,
                    row.col("parent"),
                    tr("parent '{id}' is not a question on this sheet", id=parents[qid]),
                )
            continue
        body = bodies[qid]
        area = body.pop("area", None)
        if area is None:
            row = rows_of[qid]
            r.at("Questions", row.number, row.col("area"), tr("a question needs an area"))
            continue
        area_of[qid] = area
        section = sections.setdefault(area, {"area": area, "questions": []})
        loc = ("sections", list(sections).index(area), "questions", len(section["questions"]))
        body["id"] = qid
        section["questions"].append(body)
        place(qid, loc)
        r.cells[(*loc, "area")] = ("Questions", rows_of[qid].number, rows_of[qid].col("area"))
        r.cells[("sections", list(sections).index(area), "area")] = r.cells[(*loc, "area")]
    for qid in order:
        if qid in parents and qid not in placed and parents[qid] in bodies:
            row = rows_of[qid]
            r.at("Questions", row.number, row.col("parent"), tr("probe '{id}' is inside a loop of parents", id=qid))
    data["sections"] = list(sections.values())
    return data


def _question_body(r: _Reader, row: _Row) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in (
        "area",
        "prompt",
        "intent",
        "guidance",
        "grade",
        "observation",
        "sampling",
        "fda_system",
        "location",
        "difficulty",
    ):
        if (v := _text(r, row, name)) is not None:
            body[name] = v
    escalate = {g: v for g in ("critical", "major", "minor") if (v := _text(r, row, f"escalate_{g}")) is not None}
    if escalate:
        body["escalate"] = escalate
    for name in _LISTS:
        if values := _list(r, row, name):
            body[name] = values
    minutes = row.values.get("time_minutes")
    if minutes is not None:
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not float(minutes).is_integer():
            r.at(row.sheet, row.number, row.col("time_minutes"), tr("must be a whole number of minutes"))
        else:
            body["time_minutes"] = int(minutes)
    review = {
        k: v
        for k in ("author", "reviewer", "status", "last_reviewed")
        if (v := _text(r, row, f"review_{k}")) is not None
    }
    if review:
        body["review"] = review
    return body


def import_workbook(
    path: Path,
    *,
    context_banks: Sequence[Bank] = (),
    context_documents: Iterable[Document] | None = None,
    registry_ids: Iterable[str] = (),
) -> str:
    """The format-2 YAML text of a workbook; WorkbookError listing every problem (nothing is written)."""
    data, reader = read_workbook(path)
    try:
        model = BankFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc)
            problems.append(reader.problem_at(loc, f"{where}: {_message(err)}" if where else _message(err)))
        raise WorkbookError(problems) from None
    try:
        loaded = build(path, "bank2", model, "")
    except BankFileError:  # conversion problems: positions come from the cell map
        _, _, found = convert(model)
        raise WorkbookError([reader.problem_at(loc, msg) for loc, msg in found]) from None
    sheet_file = _WorkbookFile(path, loaded.doc, "", source=model, locmap=loaded.locmap, tag="bank2", reader=reader)
    bank = loaded.doc
    if not isinstance(bank, Bank):  # pragma: no cover
        raise TypeError("a workbook gives a bank")
    others = [b for b in context_banks if b.id != bank.id]
    problems = check_files([sheet_file], context_banks=others, context_documents=context_documents)
    if problems:
        raise WorkbookError(problems)
    text = bank_text(bank, registry_ids=registry_ids)
    again = load_text(path.with_suffix(".yaml"), text, "").doc
    if not isinstance(again, Bank) or same_meaning(bank, again):  # pragma: no cover - writer and reader disagree
        raise WorkbookError([cell_problem(path, None, 0, 0, tr("the bank cannot be written as YAML without change"))])
    return text


@dataclass
class _WorkbookFile(LoadedFile):
    """A bank read from a workbook: problems point at cells, not lines."""

    reader: _Reader | None = None

    def problem_at(self, loc: tuple[object, ...], message: str, *, key: bool = False) -> Problem:
        if self.reader is None:
            return cell_problem(self.path, None, 0, 0, message)
        return self.reader.problem_at(loc, message)

    def problem(self, loc: tuple[object, ...], message: str, *, key: bool = False) -> Problem:
        if self.locmap is not None:
            loc, _ = self.locmap.translate(loc)
        return self.problem_at(loc, message)

    def position(self, loc: tuple[object, ...], *, key: bool = False) -> tuple[int, int]:
        hit = self.reader.locate(loc) if self.reader is not None else None
        return (hit[1], hit[2]) if hit else (0, 0)
