"""Checks that span a whole bank, several files, or a scenario and the banks it draws from.

pydantic checks each file's shape; these check its meaning: unique ids, declared areas and
documents, follow-ups that exist and do not loop, scenarios that name real banks, areas and
questions. Every problem carries the position of the offending value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence

from mockinspect.banks.format2 import DocumentRegistry
from mockinspect.banks.loader import LoadedFile, load_file
from mockinspect.banks.problems import BankFileError, Problem
from mockinspect.domain.bank import Bank, Document, Grade, version_key
from mockinspect.domain.scenario import Scenario
from mockinspect.i18n import tr
from mockinspect.resources import question_banks_dir


def bundled_documents() -> list[Document]:
    """The shared document registry shipped with the app (``question_banks/documents.yaml``)."""
    return list(_bundled_documents())


@functools.cache
def _bundled_documents() -> tuple[Document, ...]:
    path = question_banks_dir() / "documents.yaml"
    try:
        doc = load_file(path).doc
    except BankFileError:
        return ()
    return tuple(doc.documents) if isinstance(doc, DocumentRegistry) else ()


def check_files(
    files: Sequence[LoadedFile],
    context_banks: Iterable[Bank] = (),
    context_documents: Iterable[Document] | None = None,
) -> list[Problem]:
    """Every meaning-level problem in ``files``.

    ``context_banks`` are other known banks (bundled, the user's) that scenarios may draw
    from; banks among ``files`` take precedence over them. A question id that a context
    bank with another bank id already uses is a clash, as it would be between files.
    ``context_documents`` are the registry documents citations may name (None: the
    bundled ``documents.yaml``); ``documents`` files among ``files`` add to them.
    """
    problems: list[Problem] = []
    bank_files = [f for f in files if isinstance(f.doc, Bank)]
    scenario_files = [f for f in files if isinstance(f.doc, Scenario)]
    context = list(context_banks)
    documents = {d.id for d in (bundled_documents() if context_documents is None else context_documents)}
    for f in files:
        if isinstance(f.doc, DocumentRegistry):
            problems += _duplicates(f, [d.id for d in f.doc.documents], _document_loc, tr("document"))
            documents.update(d.id for d in f.doc.documents)
    known_questions = {q.id for b in context for q in b.questions}
    known_questions.update(q.id for f in bank_files for q in _bank(f).questions)
    for f in bank_files:
        problems += _check_bank(f, documents, known_questions)
    problems += _check_across_banks(bank_files)
    problems += _check_unique_scenarios(scenario_files)

    problems += _check_against_context(bank_files, context)
    newest: dict[str, Bank] = {bank.id: bank for bank in context}
    given: dict[str, Bank] = {}
    for f in bank_files:
        bank = _bank(f)
        if bank.id not in given or version_key(bank.version) > version_key(given[bank.id].version):
            given[bank.id] = bank
    newest.update(given)
    for f in scenario_files:
        problems += _check_scenario(f, newest)
    return problems


def check_question_ids_across_sources(groups: Sequence[Sequence[LoadedFile]]) -> list[Problem]:
    """Question ids that banks with different bank ids define in different sources.

    ``groups`` are the valid bank files of each source, in precedence order (bundled,
    user, bank-dir). Within one source ``check_files`` reports clashes; here the file of
    the later source is reported, at the reused id, so it is not used: a user's bank can
    never silently replace a question another bank defines.
    """
    problems: list[Problem] = []
    owner: dict[str, tuple[str, LoadedFile, int, int]] = {}  # qid -> (bank id, file, question index, group)
    for gi, group in enumerate(groups):
        claimed: dict[str, tuple[str, LoadedFile, int, int]] = {}
        for f in group:
            bank = _bank(f)
            for qi, q in enumerate(bank.questions):
                seen = owner.get(q.id)
                if seen is not None and seen[0] != bank.id and seen[3] != gi:
                    problems.append(_clash(f, qi, q.id, seen[0], seen[1], seen[2]))
                else:
                    claimed.setdefault(q.id, (bank.id, f, qi, gi))
        for qid, claim in claimed.items():
            owner.setdefault(qid, claim)
    return problems


def _key_point_loc(at: tuple[object, ...], i: int) -> tuple[object, ...]:
    return (*at, "key_points", i, "id")


def _document_loc(i: int) -> tuple[object, ...]:
    return ("documents", i, "id")


def _bank(f: LoadedFile) -> Bank:
    if not isinstance(f.doc, Bank):
        raise TypeError(f"{f.path} holds a {f.doc.kind}, not a bank")
    return f.doc


def _scenario(f: LoadedFile) -> Scenario:
    if not isinstance(f.doc, Scenario):
        raise TypeError(f"{f.path} holds a {f.doc.kind}, not a scenario")
    return f.doc


def _clash(f: LoadedFile, qi: int, qid: str, other_bank: str, other: LoadedFile, other_qi: int) -> Problem:
    other_line, other_col = other.position_of(("questions", other_qi, "id"))
    return f.problem(
        ("questions", qi, "id"),
        tr(
            "question id '{id}' is also used by bank '{bank}' ({path}:{line}:{col})",
            id=qid,
            bank=other_bank,
            path=other.path,
            line=other_line,
            col=other_col,
        ),
    )


def _check_against_context(files: Sequence[LoadedFile], context: Sequence[Bank]) -> list[Problem]:
    owner: dict[str, str] = {}
    for bank in context:
        for q in bank.questions:
            owner.setdefault(q.id, bank.id)
    problems = []
    for f in files:
        bank = _bank(f)
        for qi, q in enumerate(bank.questions):
            other = owner.get(q.id)
            if other is not None and other != bank.id:
                problems.append(
                    f.problem(
                        ("questions", qi, "id"),
                        tr("question id '{id}' is also used by bank '{bank}'", id=q.id, bank=other),
                    )
                )
    return problems


def _duplicates(f: LoadedFile, ids: list[str], loc_of: Callable[[int], tuple[object, ...]], what: str) -> list[Problem]:
    first: dict[str, int] = {}
    out = []
    for i, ident in enumerate(ids):
        if ident in first:
            line, _ = f.position_of(loc_of(first[ident]))
            out.append(
                f.problem(
                    loc_of(i), tr("duplicate {what} id '{id}' (first at line {line})", what=what, id=ident, line=line)
                )
            )
        else:
            first[ident] = i
    return out


_GRADE_ORDER = {Grade.RECOMMENDATION: 0, Grade.MINOR: 1, Grade.MAJOR: 2, Grade.CRITICAL: 3}


def _check_bank(
    f: LoadedFile, registry: set[str] | None = None, known_questions: set[str] | None = None
) -> list[Problem]:
    bank = _bank(f)
    problems: list[Problem] = []
    problems += _duplicates(f, [d.id for d in bank.documents], lambda i: ("documents", i, "id"), tr("document"))
    problems += _duplicates(f, [a.id for a in bank.areas], lambda i: ("areas", i, "id"), tr("area"))
    problems += _duplicates(f, [q.id for q in bank.questions], lambda i: ("questions", i, "id"), tr("question"))

    documents = {d.id for d in bank.documents} | (registry or set())
    elsewhere = known_questions or set()
    areas = {a.id for a in bank.areas}
    questions = {q.id: q for q in bank.questions}
    targeted: set[str] = set()
    for qi, q in enumerate(bank.questions):
        at = ("questions", qi)
        if q.area not in areas:
            problems.append(f.problem((*at, "area"), tr("area '{area}' is not declared under 'areas'", area=q.area)))
        for ci, citation in enumerate(q.citations):
            if citation.doc not in documents:
                problems.append(
                    f.problem(
                        (*at, "citations", ci, "doc"),
                        tr("document '{doc}' is not in documents.yaml or under 'documents'", doc=citation.doc),
                    )
                )
        for grade in q.escalate:
            if _GRADE_ORDER[grade] <= _GRADE_ORDER[q.default_grade]:
                problems.append(
                    f.problem(
                        (*at, "escalate"),
                        tr(
                            "escalate to '{grade}' is not graver than the default grade '{default}'",
                            grade=grade.value,
                            default=q.default_grade.value,
                        ),
                    )
                )
        problems += _duplicates(f, [k.id for k in q.key_points], functools.partial(_key_point_loc, at), tr("key point"))
        key_points = {k.id for k in q.key_points}
        for fi, follow_up in enumerate(q.follow_ups):
            targeted.add(follow_up.ask)
            if follow_up.ask == q.id:
                problems.append(f.problem((*at, "follow_ups", fi, "ask"), tr("a question cannot follow up on itself")))
            elif follow_up.ask not in questions and follow_up.ask not in elsewhere:
                problems.append(
                    f.problem(
                        (*at, "follow_ups", fi, "ask"),
                        tr(
                            "follow-up '{id}' is not a question in this bank or another available one", id=follow_up.ask
                        ),
                    )
                )
            if follow_up.when is not None:
                for ki, kp in enumerate(follow_up.when.missed_key_points):
                    if kp not in key_points:
                        problems.append(
                            f.problem(
                                (*at, "follow_ups", fi, "when", "missed_key_points", ki),
                                tr("'{kp}' is not one of this question's key points", kp=kp),
                            )
                        )
    for qi, q in enumerate(bank.questions):
        if q.follow_up_only and q.id not in targeted:
            problems.append(
                f.problem(
                    ("questions", qi, "follow_up_only"),
                    tr("'{id}' is follow-up-only but no question follows up with it", id=q.id),
                )
            )
    problems += _follow_up_cycles(f, bank)
    return problems


def _follow_up_cycles(f: LoadedFile, bank: Bank) -> list[Problem]:
    """Report each follow-up cycle once, at the follow-up that closes it."""
    index = {q.id: i for i, q in enumerate(bank.questions)}
    edges = {q.id: [fu.ask for fu in q.follow_ups if fu.ask in index and fu.ask != q.id] for q in bank.questions}
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    problems: list[Problem] = []
    for start in edges:
        if start in state:
            continue
        path: list[str] = [start]
        iters = [iter(edges[start])]
        state[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                here = path[-1]
                fi = next(i for i, fu in enumerate(bank.questions[index[here]].follow_ups) if fu.ask == nxt)
                problems.append(
                    f.problem(
                        ("questions", index[here], "follow_ups", fi, "ask"),
                        tr("follow-up cycle: {cycle}", cycle=" -> ".join(cycle)),
                    )
                )
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(edges[nxt]))
    return problems


def _check_across_banks(files: list[LoadedFile]) -> list[Problem]:
    """Within one set of files: one file per bank version (equal as numbers), one bank per question id."""
    problems: list[Problem] = []
    versions: dict[tuple[str, tuple[int, int, int]], LoadedFile] = {}
    owner: dict[str, tuple[str, LoadedFile, int]] = {}  # question id -> (bank id, file, index)
    for f in files:
        bank = _bank(f)
        key = (bank.id, version_key(bank.version))
        if key in versions:
            problems.append(_same_version(f, "bank", bank.id, bank.version, versions[key]))
            continue
        versions[key] = f
        for qi, q in enumerate(bank.questions):
            seen = owner.get(q.id)
            if seen is None:
                owner[q.id] = (bank.id, f, qi)
            elif seen[0] != bank.id:
                problems.append(_clash(f, qi, q.id, seen[0], seen[1], seen[2]))
    return problems


def _same_version(f: LoadedFile, what: str, ident: str, version: str, other: LoadedFile) -> Problem:
    other_version = str(getattr(other.doc, "version", ""))
    loc: tuple[object, ...] = ("version",)
    if other_version == version:
        message = tr(
            "{what} '{id}' version {v} is also in {other}; give one of them a new version",
            what=what,
            id=ident,
            v=version,
            other=other.path,
        )
    else:
        message = tr(
            "{what} '{id}' version {v} equals {ov} in {other} (versions are compared as numbers); "
            "give one of them a new version",
            what=what,
            id=ident,
            v=version,
            ov=other_version,
            other=other.path,
        )
    return f.problem(loc, message)


def _check_unique_scenarios(files: list[LoadedFile]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, tuple[int, int, int]], LoadedFile] = {}
    for f in files:
        scenario = _scenario(f)
        key = (scenario.id, version_key(scenario.version))
        if key in seen:
            problems.append(_same_version(f, "scenario", scenario.id, scenario.version, seen[key]))
        else:
            seen[key] = f
    return problems


def _check_scenario(f: LoadedFile, banks: dict[str, Bank]) -> list[Problem]:
    scenario = _scenario(f)
    problems: list[Problem] = []
    rules = scenario.draw
    for bi, bank_id in enumerate(rules.banks):
        if bank_id not in banks:
            problems.append(f.problem(("draw", "banks", bi), tr("unknown bank '{id}'", id=bank_id)))
    drawn = [banks[b] for b in rules.banks if b in banks] if rules.banks else list(banks.values())
    questions = {q.id: q for bank in drawn for q in bank.questions}
    areas = {a.id for bank in drawn for a in bank.areas}
    for si, section in enumerate(scenario.agenda):
        for ai, area in enumerate(section.areas):
            if area not in areas:
                problems.append(
                    f.problem(("agenda", si, "areas", ai), tr("no drawn bank has an area '{area}'", area=area))
                )
    agenda_areas = set(scenario.areas)
    for field_name in ("include", "exclude"):
        for qi, qid in enumerate(getattr(rules, field_name)):
            if qid not in questions:
                problems.append(
                    f.problem(("draw", field_name, qi), tr("question '{id}' is not in the drawn banks", id=qid))
                )
            elif field_name == "include" and questions[qid].area not in agenda_areas:
                problems.append(
                    f.problem(
                        ("draw", field_name, qi),
                        tr(
                            "question '{id}' is in area '{area}', which is not on the agenda",
                            id=qid,
                            area=questions[qid].area,
                        ),
                    )
                )
    return problems
