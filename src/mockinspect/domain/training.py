"""Training mode: score a trainee's typed answer, sum up a session, schedule the next review.

Pure functions, no I/O (the lexicon arrives already parsed; ``resources/training/lexicon.json``
is the bundled one). Every number comes with its reasons: which words matched which key point,
which phrase was flagged, why a dimension got its score. Scores are advisory: the assessor
confirms or overrides key-point credit (``confirmed``), and the score is recomputed from that.

The design follows the training brief (rubric §2, scoring §3, SM-2 §4, lexicon §6); reading the
answer and matching key points (§5) is ``domain.matching``, whose names are re-exported here.
Where this module departs from the brief it says so at the place (search for "brief:").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from mockinspect.domain.frozen import FrozenKeyPoint, FrozenQuestion
from mockinspect.domain.matching import (
    NUMBER_RE,
    WINDOW,
    KeyPointMatch,
    Lexicon,
    Phrase,
    Scope,
    TermToken,
    Token,
    clause,
    find_term,
    lexicon_from_data,
    longest_at,
    match_key_point,
    phrase_hits,
    term_tokens,
    tokenize,
    word_count,
)
from mockinspect.i18n import tr

# 1.1.0: the matcher's ConText hypotheticals, sentence windows, half credit for points made apart,
# unapproved practice and wrong figures (see docs/training.md); every stored score keeps the version
# that made it (ItemScore.scorer_version), so a filed record still says what scored it.
SCORER_VERSION = "1.1.0"
RUBRIC_VERSION = "1.0"

PASS_SCORE = 70.0
BAND_MIN_WORDS, BAND_MAX_WORDS = 15, 120  # typed answers (brief §3)
TERSE_WORDS = 8
BLUFF_WORDS = 40  # a long answer that covers no key point is bluffing
COMPETENT_PASS_RATE = 0.8
COMPETENT_MEAN = 75.0
RETRY_BELOW = 4  # within a session an item comes back until its quality reaches 4

# (key, name, weight): the rubric of brief §2
DIMENSIONS: tuple[tuple[str, str, float], ...] = (
    ("A", "Key-point coverage and accuracy", 0.40),
    ("B", "Scope and length", 0.15),
    ("C", "Certainty and honesty", 0.15),
    ("D", "SOPs and records", 0.15),
    ("E", "Ownership and composure", 0.15),
)


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Flag:
    """Something an inspector notes in an answer. Critical kinds (the item fails): guessed-figure,
    wrong-figure, unapproved-practice, blame. Others: hedge, guess, red-flag, workaround, too-terse,
    short, long, over-answering, volunteering, bluffing, negated, over-time; and the good ones:
    honest-gap, dont-know, follow-through, sop-cited, show-offer, routed, clarify."""

    kind: str
    phrase: str
    span: tuple[int, int] | None
    critical: bool
    reason: str


@dataclass(frozen=True)
class Dimension:
    key: str  # "A".."E"
    name: str
    weight: float
    score: int  # 0..3
    reason: str


@dataclass(frozen=True)
class ItemScore:
    question_id: str
    key_points: tuple[KeyPointMatch, ...]
    flags: tuple[Flag, ...]
    dimensions: tuple[Dimension, ...]
    score: float  # S, 0..100
    passed: bool
    critical: bool
    quality: int  # SM-2 q, 0..5
    seconds: float | None
    reasons: tuple[str, ...]
    words: int = 0
    not_applicable: bool = False
    scorer_version: str = SCORER_VERSION
    lexicon_version: str = ""

    @property
    def coverage(self) -> float:
        """Mean key-point credit, 0..1 (1 when the question has no key points)."""
        if not self.key_points:
            return 1.0
        return sum(k.credit for k in self.key_points) / len(self.key_points)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "key_points": [
                {
                    "key_point_id": k.key_point_id,
                    "credit": k.credit,
                    "matched_spans": [list(s) for s in k.matched_spans],
                    "matched_words": list(k.matched_words),
                    "negated": k.negated,
                    "reason": k.reason,
                    "text": k.text,
                    "overridden": k.overridden,
                    "matcher_credit": k.matcher_credit,
                }
                for k in self.key_points
            ],
            "flags": [
                {
                    "kind": f.kind,
                    "phrase": f.phrase,
                    "span": list(f.span) if f.span is not None else None,
                    "critical": f.critical,
                    "reason": f.reason,
                }
                for f in self.flags
            ],
            "dimensions": [
                {"key": d.key, "name": d.name, "weight": d.weight, "score": d.score, "reason": d.reason}
                for d in self.dimensions
            ],
            "score": self.score,
            "passed": self.passed,
            "critical": self.critical,
            "quality": self.quality,
            "seconds": self.seconds,
            "reasons": list(self.reasons),
            "words": self.words,
            "not_applicable": self.not_applicable,
            "scorer_version": self.scorer_version,
            "lexicon_version": self.lexicon_version,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ItemScore:
        try:
            return cls(
                question_id=str(data["question_id"]),
                key_points=tuple(
                    KeyPointMatch(
                        key_point_id=str(k["key_point_id"]),
                        credit=float(k["credit"]),
                        matched_spans=tuple((int(a), int(b)) for a, b in k.get("matched_spans", ())),
                        matched_words=tuple(str(w) for w in k.get("matched_words", ())),
                        negated=bool(k.get("negated", False)),
                        reason=str(k.get("reason", "")),
                        text=str(k.get("text", "")),
                        overridden=bool(k.get("overridden", False)),
                        matcher_credit=None if k.get("matcher_credit") is None else float(k["matcher_credit"]),
                    )
                    for k in data.get("key_points", ())
                ),
                flags=tuple(
                    Flag(
                        kind=str(f["kind"]),
                        phrase=str(f.get("phrase", "")),
                        span=None if f.get("span") is None else (int(f["span"][0]), int(f["span"][1])),
                        critical=bool(f.get("critical", False)),
                        reason=str(f.get("reason", "")),
                    )
                    for f in data.get("flags", ())
                ),
                dimensions=tuple(
                    Dimension(
                        str(d["key"]), str(d["name"]), float(d["weight"]), int(d["score"]), str(d.get("reason", ""))
                    )
                    for d in data.get("dimensions", ())
                ),
                score=float(data["score"]),
                passed=bool(data["passed"]),
                critical=bool(data["critical"]),
                quality=int(data["quality"]),
                seconds=None if data.get("seconds") is None else float(data["seconds"]),
                reasons=tuple(str(r) for r in data.get("reasons", ())),
                words=int(data.get("words", 0)),
                not_applicable=bool(data.get("not_applicable", False)),
                scorer_version=str(data.get("scorer_version", "")),
                lexicon_version=str(data.get("lexicon_version", "")),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"not a stored item score: {exc}") from None


def missed_key_points(item: ItemScore) -> tuple[str, ...]:
    """Key points without full credit: what the engine's ``missed:`` probe triggers look at.

    A half-credited point counts as missed: an inspector pushes on a point made only in part.
    """
    return tuple(k.key_point_id for k in item.key_points if k.credit < 1)


def key_points_hit(item: ItemScore) -> tuple[str, ...]:
    """Key points with full credit (the complement of ``missed_key_points``)."""
    return tuple(k.key_point_id for k in item.key_points if k.credit >= 1)


def needs_retry(item: ItemScore) -> bool:
    """Within a session an item comes back until its quality reaches 4 (brief §4)."""
    return not item.not_applicable and item.quality < RETRY_BELOW


# ---------------------------------------------------------------------------------------------
# Flags


def _span(tokens: Sequence[Token], first: int, last: int) -> tuple[int, int]:
    return tokens[first].start, tokens[last].end


def _text_of(text: str, tokens: Sequence[Token], first: int, last: int) -> str:
    a, b = _span(tokens, first, last)
    return text[a:b]


def _negated_before(tokens: Sequence[Token], i: int, lex: Lexicon) -> bool:
    """A denial ("we never share passwords", "never later from memory or on scrap paper") is not an
    admission: a negation up to WINDOW words back in the same clause ("No, ..." aside)."""
    for j in clause(tokens, i, lex, backwards=True):
        if j >= i or i - j > WINDOW:
            continue
        trig = longest_at(tokens, j, lex.negation_before)
        if trig is not None and not (trig.tokens == ("no",) and tokens[j].punct_after == ","):
            return True
    return False


def _is_month_may(tokens: Sequence[Token], i: int) -> bool:
    """brief: "may (not May the month)": capital May inside a sentence, or May beside a number."""
    t = tokens[i]
    if t.norm != "may":
        return False
    near_number = any(0 <= j < len(tokens) and tokens[j].number for j in (i - 1, i + 1))
    sentence_start = i == 0 or tokens[i - 1].sentence != t.sentence
    if near_number or (t.raw == "May" and not sentence_start):
        return True
    # "May I ...": a polite request at the start of a sentence, not a hedge
    return sentence_start and i + 1 < len(tokens) and tokens[i + 1].norm in ("i", "we")


def _hedges(text: str, tokens: Sequence[Token], lex: Lexicon, taken: set[int]) -> list[Flag]:
    flags = []
    for kind, phrases in lex.hedges.items():
        for first, last, p in phrase_hits(tokens, phrases):
            if any(i in taken for i in range(first, last + 1)) or tokens[first].quoted:
                continue
            if p.tokens == ("may",) and _is_month_may(tokens, first):
                continue
            if p.tokens == ("could",) and last + 1 < len(tokens) and tokens[last + 1].norm in ("you", "i", "we"):
                continue  # "could you clarify": a question, not a hedge
            taken.update(range(first, last + 1))
            said = _text_of(text, tokens, first, last)
            reason = tr("{kind} hedge: an inspector notes '{phrase}' as uncertainty", kind=kind, phrase=said)
            if kind == "frequency":
                reason = tr("'{phrase}' says the procedure is not always followed (a GMP red flag)", phrase=said)
            flags.append(Flag("hedge", said, _span(tokens, first, last), False, reason))
    for first, last, p in phrase_hits(tokens, lex.approximators):
        if any(i in taken for i in range(first, last + 1)) or tokens[first].quoted:
            continue
        before_number = last + 1 < len(tokens) and tokens[last + 1].number
        after_number = p.tokens == ("or", "so") and first > 0 and tokens[first - 1].number
        if before_number or after_number:
            taken.update(range(first, last + 1))
            said = _text_of(text, tokens, first, last)
            reason = tr("approximate figure: '{phrase}' before a number", phrase=said)
            flags.append(Flag("hedge", said, _span(tokens, first, last), False, reason))
    flags.sort(key=lambda f: f.span[0] if f.span else 0)
    return flags


def _phrase_flags(
    text: str,
    tokens: Sequence[Token],
    phrases: Iterable[Phrase],
    kind: str,
    reason: str,
    taken: set[int],
    *,
    critical: bool = False,
    denial_cancels: bool = False,
    by_stem: bool = False,
    lex: Lexicon | None = None,
) -> list[Flag]:
    flags = []
    for first, last, _phrase in phrase_hits(tokens, phrases, by_stem=by_stem):
        if any(i in taken for i in range(first, last + 1)):
            continue
        if denial_cancels and lex is not None and _negated_before(tokens, first, lex):
            continue
        taken.update(range(first, last + 1))
        said = _text_of(text, tokens, first, last)  # the reason quotes the answer as typed
        flags.append(Flag(kind, said, _span(tokens, first, last), critical, tr(reason, phrase=said)))
    return flags


def _document_ids(text: str, lex: Lexicon) -> list[Flag]:
    flags = []
    seen: list[tuple[int, int]] = []
    for pattern in lex.document_ids:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in seen):
                continue
            seen.append((m.start(), m.end()))
            flags.append(
                Flag(
                    "sop-cited", m.group(), (m.start(), m.end()), False, tr("names the document: {doc}", doc=m.group())
                )
            )
    return flags


def _figures(tokens: Sequence[Token], kps: Sequence[FrozenKeyPoint], text: str) -> list[tuple[str, Flag]]:
    """A figure that contradicts a key point: a number with the unit the key point gives a number
    for, near the key point's other words, when no accepted value is given (brief §2: a guessed
    figure stated as fact, a contradiction of the SOP). Returns (key point id, flag)."""
    flags = []
    for kp in kps:
        accepted: dict[str, set[str]] = {}  # unit stem -> accepted numbers
        other_groups: list[list[tuple[TermToken, ...]]] = []
        for group in kp.terms:
            numeric = False
            for term in group:
                tt = term_tokens(term)
                for a, b in pairwise(tt):
                    if NUMBER_RE.match(a.norm.lstrip("-")) and not b.exact:
                        accepted.setdefault(b.stem, set()).add(a.norm)
                        numeric = True
            if not numeric:
                other_groups.append([term_tokens(t) for t in group])
        if not accepted:
            continue
        context = [h for g in other_groups for tt in g if tt for h in find_term(tokens, tt)]
        pairs = list(pairwise(tokens))
        if any(n.number and u.stem in accepted and n.norm in accepted[u.stem] for n, u in pairs):
            continue  # an accepted figure is given
        for i in range(len(tokens) - 1):
            t, unit = tokens[i], tokens[i + 1]
            if not t.number or unit.stem not in accepted or t.norm in accepted[unit.stem]:
                continue
            if not any(abs(h.first - i) <= WINDOW or abs(h.last - i) <= WINDOW for h in context):
                continue
            want = " or ".join(f"{n} {unit.raw}" for n in sorted(accepted[unit.stem]))
            flags.append(
                (
                    kp.id,
                    Flag(
                        "wrong-figure",
                        _text_of(text, tokens, i, i + 1),
                        _span(tokens, i, i + 1),
                        True,
                        tr(
                            "'{said}' contradicts the key point ({want}): a figure stated as fact",
                            said=_text_of(text, tokens, i, i + 1),
                            want=want,
                        ),
                    ),
                )
            )
    return flags


# ---------------------------------------------------------------------------------------------
# Scoring


def _band_flags(words: int) -> tuple[list[Flag], int, str]:
    top = BAND_MAX_WORDS
    if words == 0:
        return [], 0, tr("no answer")
    if words < TERSE_WORDS:
        flag = Flag(
            "too-terse",
            "",
            None,
            False,
            tr("{n} words: a one-word answer looks evasive (under {min})", n=words, min=TERSE_WORDS),
        )
        return [flag], 0, tr("{n} words: too terse", n=words)
    if words < BAND_MIN_WORDS:
        flag = Flag(
            "short",
            "",
            None,
            False,
            tr("{n} words: short of the {lo}–{hi} word band", n=words, lo=BAND_MIN_WORDS, hi=top),
        )
        return [flag], 2, tr("{n} words: a little short", n=words)
    if words > 1.5 * top:
        flag = Flag(
            "over-answering",
            "",
            None,
            False,
            tr("{n} words: over 1.5 × the {hi}-word band; answer the question, then stop", n=words, hi=top),
        )
        return [flag], 1, tr("{n} words: over-answering", n=words)
    if words > top:
        flag = Flag("long", "", None, False, tr("{n} words: longer than the {hi}-word band", n=words, hi=top))
        return [flag], 2, tr("{n} words: a little long", n=words)
    return [], 3, tr("{n} words: within the {lo}–{hi} word band", n=words, lo=BAND_MIN_WORDS, hi=top)


def _coverage_score(coverage: float) -> int:
    return 3 if coverage >= 0.9 else 2 if coverage >= 0.6 else 1 if coverage >= 0.35 else 0


def quality_from(score: float, critical: bool, a_score: int, *, answered: bool = True) -> int:
    """SM-2 grade q from the item (brief §4): critical 1; S<50 2; 50–69 3; 70–84 4; >=85 5; A<=1 caps at 2."""
    if not answered:
        return 0
    if critical:
        return 1
    q = 2 if score < 50 else 3 if score < 70 else 4 if score < 85 else 5
    return min(q, 2) if a_score <= 1 else q


@dataclass(frozen=True)
class _Reading:
    """What the lexicon finds in one answer."""

    clarify: list[Flag]
    dont_know: list[Flag]
    follow: list[Flag]
    show: list[Flag]
    routed: list[Flag]
    guesses: list[Flag]
    blame: list[Flag]
    unapproved: list[Flag]
    workaround: list[Flag]
    red: list[Flag]
    volunteering: list[Flag]
    hedges: list[Flag]
    docs: list[Flag]
    records: int
    scope: Scope

    @property
    def honest_gap(self) -> bool:
        return bool(self.dont_know) and bool(self.follow or self.show or self.routed or self.docs)


def _read(text: str, tokens: Sequence[Token], lex: Lexicon) -> _Reading:
    taken: set[int] = set()

    def phrases(items: tuple[Phrase, ...], kind: str, reason: str, **kw: Any) -> list[Flag]:
        return _phrase_flags(text, tokens, items, kind, reason, taken, lex=lex, **kw)

    # Claimed first, so their words are not read again as hedges ("could you clarify", "I'd guess").
    clarify = phrases(lex.clarify, "clarify", "asks for clarification: '{phrase}'")
    dont_know = phrases(lex.dont_know, "dont-know", "says so when not knowing: '{phrase}'")
    follow = phrases(lex.follow_through, "follow-through", "offers to find out: '{phrase}'")
    show = phrases(lex.show_offer, "show-offer", "offers to show the record: '{phrase}'")
    routed = phrases(lex.routing, "routed", "routes it to the owner: '{phrase}'")
    guesses = phrases(lex.guess_markers, "guess", "guess marker: '{phrase}' (don't guess in front of an inspector)")
    critical: dict[str, Any] = {"critical": True, "denial_cancels": True, "by_stem": True}
    blame = phrases(lex.blame, "blame", "blames someone: '{phrase}' (critical)", **critical)
    unapproved = phrases(
        lex.unapproved_practice,
        "unapproved-practice",
        "admits an unapproved practice: '{phrase}' (critical)",
        **critical,
    )
    workaround = phrases(
        lex.workaround, "workaround", "describes a workaround: '{phrase}'", denial_cancels=True, by_stem=True
    )
    red = phrases(lex.red_flags, "red-flag", "red flag: '{phrase}'", by_stem=True)
    volunteering = phrases(lex.volunteering, "volunteering", "volunteers more than was asked: '{phrase}'")
    hedges = _hedges(text, tokens, lex, taken)
    hypothetical: set[int] = set()
    for f in dont_know + follow + routed:
        hypothetical.update(clause(tokens, _index_at(tokens, f.span), lex, backwards=False))
    return _Reading(
        clarify=clarify,
        dont_know=dont_know,
        follow=follow,
        show=show,
        routed=routed,
        guesses=guesses,
        blame=blame,
        unapproved=unapproved,
        workaround=workaround,
        red=red,
        volunteering=volunteering,
        hedges=hedges,
        docs=_document_ids(text, lex),
        records=len(phrase_hits(tokens, lex.record_words, by_stem=True)),
        scope=Scope(frozenset(hypothetical)),
    )


def _overlaps(span: tuple[int, int] | None, spans: Iterable[tuple[int, int]]) -> bool:
    return span is not None and any(a < span[1] and span[0] < b for a, b in spans)


def _index_at(tokens: Sequence[Token], span: tuple[int, int] | None) -> int:
    start = span[0] if span else 0
    return next((i for i, t in enumerate(tokens) if t.end > start), len(tokens) - 1)


def _override(matches: list[KeyPointMatch], confirmed: Mapping[str, float]) -> None:
    for kid, credit in confirmed.items():
        if credit not in (0, 0.5, 1):
            raise ValueError(tr("a key point's credit is 0, 0.5 or 1, not {credit}", credit=credit))
        for i, m in enumerate(matches):
            if m.key_point_id == kid and m.credit != credit:
                why = tr(
                    "set to {to} by the assessor (the matcher gave {was}: {why})", to=credit, was=m.credit, why=m.reason
                )
                matches[i] = replace(
                    m,
                    credit=float(credit),
                    negated=m.negated and credit == 0,
                    overridden=True,
                    matcher_credit=m.credit,
                    reason=why,
                )


def score_answer(
    question: FrozenQuestion,
    text: str,
    *,
    lexicon: Lexicon,
    seconds: float | None = None,
    time_limit: float | None = None,
    confirmed: Mapping[str, float] | None = None,
) -> ItemScore:
    """Score one typed answer against the question's frozen key points, with every reason.

    ``confirmed``: key-point id -> credit (0, 0.5, 1) set by the trainee or a trainer; it replaces
    the matcher's credit for that point and the item is scored again from it.
    """
    lex = lexicon
    tokens = tokenize(text)
    kps = question.key_points
    reading = _read(text, tokens, lex) if tokens else None
    scope = reading.scope if reading else Scope()
    matches = [match_key_point(tokens, kp, lex, scope) for kp in kps]
    wrong = _figures(tokens, kps, text)
    for kid, f in wrong:
        for i, m in enumerate(matches):
            if m.key_point_id == kid and m.credit > 0:
                reason = tr("a wrong figure ({said}): no credit", said=f.phrase)
                matches[i] = replace(m, credit=0.0, reason=f"{reason}; {m.reason}")
    for i, m in enumerate(matches):
        bad = next((f for f in reading.unapproved if _overlaps(f.span, m.matched_spans)), None) if reading else None
        if bad is not None and m.credit > 0:
            reason = tr("said as part of an unapproved practice ('{phrase}'): no credit", phrase=bad.phrase)
            matches[i] = replace(m, credit=0.0, reason=f"{reason}; {m.reason}")
    _override(matches, confirmed or {})
    if reading is None:
        return _unanswered(question, matches, seconds, lex)

    words = word_count(text)
    guessed = [
        Flag(
            "guessed-figure",
            g.phrase,
            g.span,
            True,
            tr("a guessed figure: '{phrase}' next to a number (critical)", phrase=g.phrase),
        )
        for g in reading.guesses
        if any(t.number and t.sentence == tokens[_index_at(tokens, g.span)].sentence for t in tokens)
    ]
    figures = [f for _, f in wrong]
    coverage = sum(m.credit for m in matches) / len(matches) if matches else 1.0
    band, b, b_reason = _band_flags(words)
    bluffing = words >= BLUFF_WORDS and bool(matches) and coverage == 0 and not reading.honest_gap
    if bluffing:
        band.append(Flag("bluffing", "", None, False, tr("{n} words and no key point covered: bluffing", n=words)))
        b, b_reason = 0, tr("{n} words that cover no key point", n=words)
    if reading.volunteering and b > 0:
        b = max(0, b - len(reading.volunteering))
        b_reason += tr("; volunteers extra ({n})", n=len(reading.volunteering))
    scores = {
        "A": _dimension_a(matches, coverage, bool(figures), reading.honest_gap),
        "B": (b, b_reason),
        "C": _dimension_c(reading, guessed),
        "D": _dimension_d(reading, coverage),
        "E": _dimension_e(reading),
    }
    dimensions = tuple(Dimension(k, tr(name), w, scores[k][0], scores[k][1]) for k, name, w in DIMENSIONS)
    s = round(sum(dim.weight * dim.score / 3 for dim in dimensions) * 100, 1)

    negated = [
        Flag(
            "negated",
            ", ".join(m.matched_words),
            m.matched_spans[0] if m.matched_spans else None,
            False,
            tr("key point '{kp}' stated in the negative", kp=m.key_point_id),
        )
        for m in matches
        if m.negated
    ]
    honest = (
        [
            Flag(
                "honest-gap",
                reading.dont_know[0].phrase,
                reading.dont_know[0].span,
                False,
                tr("says what they don't know and how they will find out: credit for honesty"),
            )
        ]
        if reading.honest_gap
        else []
    )
    r = reading
    flags = guessed + r.blame + r.unapproved + figures + r.red + r.workaround + r.guesses + r.hedges + band
    flags += r.volunteering + negated + honest + r.dont_know + r.docs + r.show + r.routed + r.follow + r.clarify
    if seconds is not None and time_limit is not None and seconds > time_limit:
        why = tr(
            "{s} s against {limit} s for the question (recorded, not scored)", s=round(seconds), limit=round(time_limit)
        )
        flags.append(Flag("over-time", "", None, False, why))
    flags.sort(key=lambda f: (not f.critical, f.span[0] if f.span else math.inf))
    critical = any(f.critical for f in flags)
    passed = s >= PASS_SCORE and not critical
    a = scores["A"][0]
    q = quality_from(s, critical, a)
    reasons = [tr("S = {s}: {parts}", s=_fmt(s), parts=", ".join(f"{d.key}={d.score}" for d in dimensions))]
    if critical:
        reasons.append(tr("fails on a critical flag: {flags}", flags="; ".join(f.reason for f in flags if f.critical)))
    elif not passed:
        reasons.append(tr("below the pass mark of {mark}", mark=_fmt(PASS_SCORE)))
    if a <= 1 and q <= 2 and not critical and s >= 50:
        reasons.append(tr("coverage A={a} holds the review grade at 2: good manners alone never advance an item", a=a))
    return ItemScore(
        question_id=question.id,
        key_points=tuple(matches),
        flags=tuple(flags),
        dimensions=dimensions,
        score=s,
        passed=passed,
        critical=critical,
        quality=q,
        seconds=seconds,
        reasons=tuple(reasons),
        words=words,
        lexicon_version=lex.version,
    )


def _dimension_a(
    matches: Sequence[KeyPointMatch], coverage: float, wrong_figure: bool, honest_gap: bool
) -> tuple[int, str]:
    if not matches:
        return 3, tr("the question has no key points: not scored on coverage")
    a = _coverage_score(coverage)
    got = sum(m.credit for m in matches)
    reason = tr("{got} of {total} key points ({pct}%)", got=_fmt(got), total=len(matches), pct=round(coverage * 100))
    if (wrong_figure or any(m.negated for m in matches)) and a > 1:
        a = 1
        reason += tr("; wrong facts stated (negated point or wrong figure)")
    if honest_gap and coverage < 0.35:
        a = 0
        reason += tr("; the knowledge gap still counts")
    return a, reason


def _dimension_c(r: _Reading, guessed: Sequence[Flag]) -> tuple[int, str]:
    n = len(r.hedges)
    if guessed:
        return 0, tr("states a guessed figure")
    if r.guesses:
        return 1, tr("guesses ({phrase})", phrase=r.guesses[0].phrase)
    if r.honest_gap:
        return 3, tr("says plainly what they don't know and will find out")
    if n >= 2:
        return 1, tr("{n} hedges", n=n)
    if n == 1:
        return 2, tr("one hedge ('{phrase}')", phrase=r.hedges[0].phrase)
    if r.dont_know:
        return 2, tr("says they don't know, but not how they will find out")
    return 3, tr("no hedging")


def _dimension_d(r: _Reading, coverage: float) -> tuple[int, str]:
    if r.workaround or r.unapproved:
        return 0, tr("describes a workaround or an unapproved practice")
    d = 1
    parts = []
    if r.records:
        d += 1
        parts.append(tr("mentions the procedure or record"))
    if r.docs or r.show:
        d += 1
        parts.append(tr("names the document") if r.docs else tr("offers to show it"))
    if r.docs and r.show:
        d = 3
    if coverage >= 0.6 and d < 2:
        d = 2
        parts.append(tr("describes the approved process"))
    if r.honest_gap:
        d = max(d, 3 if (r.docs or r.show) else 2)
    return min(d, 3), "; ".join(parts) or tr("names no procedure or record")


def _dimension_e(r: _Reading) -> tuple[int, str]:
    e = 3
    parts = []
    if r.red:
        e = max(0, 3 - 2 * len(r.red))
        parts.append(tr("red flag: {phrases}", phrases=", ".join(f"'{f.phrase}'" for f in r.red)))
    if r.blame:
        e = 0
        parts.append(tr("blames: {phrases}", phrases=", ".join(f"'{f.phrase}'" for f in r.blame)))
    if r.routed and not r.blame:
        parts.append(tr("routes to the owner"))
    return e, "; ".join(parts) or tr("calm, owns the answer")


def _unanswered(
    question: FrozenQuestion, matches: Sequence[KeyPointMatch], seconds: float | None, lex: Lexicon
) -> ItemScore:
    dims = tuple(Dimension(k, tr(name), w, 0, tr("no answer")) for k, name, w in DIMENSIONS)
    return ItemScore(
        question_id=question.id,
        key_points=tuple(matches),
        flags=(),
        dimensions=dims,
        score=0.0,
        passed=False,
        critical=False,
        quality=0,
        seconds=seconds,
        reasons=(tr("no answer given"),),
        words=0,
        lexicon_version=lex.version,
    )


def not_applicable_score(question_id: str) -> ItemScore:
    """A question marked not applicable: kept in the record, never counted in a score or pass rate."""
    return ItemScore(
        question_id=question_id,
        key_points=(),
        flags=(),
        dimensions=(),
        score=0.0,
        passed=False,
        critical=False,
        quality=0,
        seconds=None,
        reasons=(tr("not applicable: not counted"),),
        not_applicable=True,
    )


def _fmt(value: float) -> str:
    return f"{value:g}"


# ---------------------------------------------------------------------------------------------
# Session result


@dataclass(frozen=True)
class AreaResult:
    area: str
    items: int  # scored (applicable) items
    not_applicable: int
    passed: int
    mean_score: float
    pass_rate: float
    critical: int
    weakest: tuple[str, ...]  # question ids, lowest score first


@dataclass(frozen=True)
class SessionResult:
    items: int
    not_applicable: int
    passed: int
    mean_score: float
    pass_rate: float
    critical: int
    result: str  # "competent" or "further-practice"
    reasons: tuple[str, ...]
    areas: tuple[AreaResult, ...] = field(default=())

    @property
    def competent(self) -> bool:
        return self.result == "competent"


def session_result(items: Mapping[str, ItemScore], areas: Mapping[str, str]) -> SessionResult:
    """Per area and overall (brief §3): competent when >= 80% of items pass, mean S >= 75 and no
    critical flag. Not-applicable items are left out of every figure, so they never lower one.
    ``areas`` maps question id -> area; a question without one goes under "".
    """
    by_area: dict[str, list[ItemScore]] = {}
    for qid, item in items.items():
        by_area.setdefault(areas.get(qid, ""), []).append(item)
    area_rows = []
    for area, group in by_area.items():
        scored = [i for i in group if not i.not_applicable]
        area_rows.append(
            AreaResult(
                area=area,
                items=len(scored),
                not_applicable=len(group) - len(scored),
                passed=sum(i.passed for i in scored),
                mean_score=_mean([i.score for i in scored]),
                pass_rate=sum(i.passed for i in scored) / len(scored) if scored else 0.0,
                critical=sum(i.critical for i in scored),
                weakest=tuple(
                    i.question_id for i in sorted(scored, key=lambda i: (i.score, i.question_id)) if not i.passed
                ),
            )
        )
    scored = [i for i in items.values() if not i.not_applicable]
    n = len(scored)
    passed = sum(i.passed for i in scored)
    mean = _mean([i.score for i in scored])
    rate = passed / n if n else 0.0
    critical = sum(i.critical for i in scored)
    reasons = []
    if not n:
        reasons.append(tr("nothing scored yet"))
    else:
        ok_rate = rate >= COMPETENT_PASS_RATE
        ok_mean = mean >= COMPETENT_MEAN
        reasons.append(
            tr(
                "{p} of {n} items passed ({pct}%; {need}% needed)",
                p=passed,
                n=n,
                pct=round(rate * 100),
                need=round(COMPETENT_PASS_RATE * 100),
            )
            + ("" if ok_rate else tr(": too few"))
        )
        reasons.append(
            tr("mean S {mean} ({need} needed)", mean=_fmt(mean), need=_fmt(COMPETENT_MEAN))
            + ("" if ok_mean else tr(": too low"))
        )
        if critical:
            reasons.append(tr("{n} item(s) with a critical flag", n=critical))
    competent = n > 0 and rate >= COMPETENT_PASS_RATE and mean >= COMPETENT_MEAN and critical == 0
    area_rows.sort(key=lambda r: (r.mean_score if r.items else math.inf, r.area))
    return SessionResult(
        items=n,
        not_applicable=len(items) - n,
        passed=passed,
        mean_score=mean,
        pass_rate=rate,
        critical=critical,
        result="competent" if competent else "further-practice",
        reasons=tuple(reasons),
        areas=tuple(area_rows),
    )


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


# ---------------------------------------------------------------------------------------------
# SM-2


INITIAL_EASE = 2.5
MIN_EASE = 1.3
MAX_INTERVAL = 30


@dataclass(frozen=True)
class Schedule:
    ease: float
    interval_days: int
    repetitions: int
    due: date
    last_quality: int

    def to_json(self) -> dict[str, Any]:
        return {
            "ease": self.ease,
            "interval_days": self.interval_days,
            "repetitions": self.repetitions,
            "due": self.due.isoformat(),
            "last_quality": self.last_quality,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Schedule:
        try:
            return cls(
                float(data["ease"]),
                int(data["interval_days"]),
                int(data["repetitions"]),
                date.fromisoformat(str(data["due"])),
                int(data["last_quality"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stored schedule: {exc}") from None


def interval_cap(today: date, inspection_date: date | None) -> int:
    """min(30, max(1, 0.2 × days until the inspection)) (brief §4).

    brief: an inspection date already past would cap every interval at one day; it is ignored instead.
    """
    if inspection_date is None or inspection_date <= today:
        return MAX_INTERVAL
    return min(MAX_INTERVAL, max(1, math.floor(0.2 * (inspection_date - today).days)))


def schedule_next(previous: Schedule | None, quality: int, today: date, inspection_date: date | None) -> Schedule:
    """SM-2 (SuperMemo, 1987) fed by the rubric's q.

    q >= 3: EF' = EF + (0.1 − (5−q)(0.08 + (5−q)·0.02)), floor 1.3, then the interval: 1, 6, then
    the previous interval × EF, rounded. q < 3: repetitions and interval go back to 1 day, EF
    unchanged (the SM-2 text). The interval is capped by ``interval_cap``.
    """
    if not 0 <= quality <= 5:
        raise ValueError(tr("an SM-2 quality is 0 to 5, not {q}", q=quality))
    ease = previous.ease if previous else INITIAL_EASE
    reps = previous.repetitions if previous else 0
    last = previous.interval_days if previous else 0
    if quality >= 3:
        ease = max(MIN_EASE, ease + (0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02)))
        reps += 1
        interval = 1 if reps == 1 else 6 if reps == 2 else math.floor(last * ease + 0.5)
    else:
        reps = 0
        interval = 1
    interval = max(1, min(interval, interval_cap(today, inspection_date)))
    return Schedule(round(ease, 4), interval, reps, today + timedelta(days=interval), quality)


# -- self-rating and calibration ---------------------------------------------------------------

SELF_RATINGS = (1, 2, 3, 4, 5)
_EARNED_BANDS = ((30.0, 1), (50.0, 2), (PASS_SCORE, 3), (85.0, 4))  # S below the bound -> rating


def earned_rating(item: ItemScore) -> int:
    """The score on the trainee's 1-5 self-rating scale: S < 30 -> 1, < 50 -> 2, < 70 -> 3,
    < 85 -> 4, else 5; a critical flag caps it at 2 (the item fails whatever its S)."""
    earned = next((r for bound, r in _EARNED_BANDS if item.score < bound), 5)
    return min(earned, 2) if item.critical else earned


@dataclass(frozen=True)
class Calibration:
    """How the trainee's own rating compares with the score (confidence calibration)."""

    self_rating: int
    earned: int
    kind: str  # "over-confident", "under-confident", "calibrated"
    reason: str


def calibration(self_rating: int, item: ItemScore) -> Calibration:
    """Over-confident when the trainee rated the answer 2+ points above what it earned, or
    4-5 for an item that failed; under-confident when 2+ below, or 1-2 for an item that
    passed; else calibrated. A trainee who knows when an answer is weak can say "I'll find
    out" in front of an inspector instead of bluffing."""
    if self_rating not in SELF_RATINGS:
        raise ValueError(f"a self-rating is 1 to 5, not {self_rating!r}")
    earned = earned_rating(item)
    gap = self_rating - earned
    if gap >= 2 or (self_rating >= 4 and not item.passed):
        kind = "over-confident"
        reason = tr(
            "you rated it {r}/5; it earned {e}/5: you thought it better than it was",
            r=self_rating, e=earned,
        )  # fmt: skip
    elif gap <= -2 or (self_rating <= 2 and item.passed):
        kind = "under-confident"
        reason = tr("you rated it {r}/5; it earned {e}/5: it was better than you thought", r=self_rating, e=earned)
    else:
        kind = "calibrated"
        reason = tr("you rated it {r}/5; it earned {e}/5: you judged it well", r=self_rating, e=earned)
    return Calibration(self_rating, earned, kind, reason)


__all__ = [
    "DIMENSIONS",
    "PASS_SCORE",
    "RUBRIC_VERSION",
    "SCORER_VERSION",
    "SELF_RATINGS",
    "AreaResult",
    "Calibration",
    "Dimension",
    "Flag",
    "ItemScore",
    "KeyPointMatch",
    "Lexicon",
    "Phrase",
    "Schedule",
    "Scope",
    "SessionResult",
    "Token",
    "calibration",
    "earned_rating",
    "interval_cap",
    "key_points_hit",
    "lexicon_from_data",
    "match_key_point",
    "missed_key_points",
    "needs_retry",
    "not_applicable_score",
    "quality_from",
    "schedule_next",
    "score_answer",
    "session_result",
    "tokenize",
    "word_count",
]
