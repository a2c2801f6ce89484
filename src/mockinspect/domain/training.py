"""Training mode: score a trainee's typed answer, sum up a session, schedule the next review.

Pure functions, no I/O (the lexicon arrives already parsed; ``resources/training/lexicon.json``
is the bundled one). Every number comes with its reasons: which words matched which key point,
which phrase was flagged, why a dimension got its score. Scores are advisory: the assessor
confirms or overrides key-point credit (``confirmed``), and the score is recomputed from that.

The design follows the training brief (rubric §2, scoring §3, SM-2 §4, matcher §5, lexicon §6).
Where this module departs from the brief it says so at the place (search for "brief:").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise, product
from typing import Any

import snowballstemmer

from mockinspect.domain.frozen import FrozenKeyPoint, FrozenQuestion
from mockinspect.i18n import tr

SCORER_VERSION = "1.0.0"
RUBRIC_VERSION = "1.0"

WINDOW = 8  # tokens between the first and last term group of a key point
SENTENCE_WINDOW = 20  # ...or this many when they sit in one sentence (a claim is made in a sentence)
SCATTER_WINDOW = 30  # every group present but further apart: half credit
NEGATION_SCOPE = 5  # tokens a negation trigger reaches
FUZZY_MIN_LETTERS = 6
FUZZY_MIN_RATIO = 0.9
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

CRITICAL_KINDS = frozenset({"blame", "unapproved-practice", "wrong-figure", "guessed-figure"})


# ---------------------------------------------------------------------------------------------
# The lexicon


@dataclass(frozen=True)
class Phrase:
    """A lexicon phrase as written, as normalised tokens and as stems ('*' = any one word)."""

    text: str
    tokens: tuple[str, ...]
    stems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    version: str
    hedges: Mapping[str, tuple[Phrase, ...]]  # kind (opinion, modal, adverb, frequency) -> phrases
    approximators: tuple[Phrase, ...]
    guess_markers: tuple[Phrase, ...]
    red_flags: tuple[Phrase, ...]
    blame: tuple[Phrase, ...]
    unapproved_practice: tuple[Phrase, ...]
    workaround: tuple[Phrase, ...]
    volunteering: tuple[Phrase, ...]
    dont_know: tuple[Phrase, ...]
    follow_through: tuple[Phrase, ...]
    routing: tuple[Phrase, ...]
    show_offer: tuple[Phrase, ...]
    clarify: tuple[Phrase, ...]
    record_words: tuple[Phrase, ...]
    document_ids: tuple[re.Pattern[str], ...]
    negation_before: tuple[Phrase, ...]
    negation_after: tuple[Phrase, ...]
    pseudo_negations: tuple[Phrase, ...]
    terminators: tuple[Phrase, ...]
    stop_words: frozenset[str]


_PHRASE_LISTS = (
    "approximators",
    "guess_markers",
    "red_flags",
    "blame",
    "unapproved_practice",
    "workaround",
    "volunteering",
    "dont_know",
    "follow_through",
    "routing",
    "show_offer",
    "clarify",
    "record_words",
)


def _phrase(text: str, where: str) -> Phrase:
    parts = _phrase_tokens(text)
    if not parts or all(t is None for t in parts):
        raise ValueError(f"lexicon: {where}: {text!r} has no words")
    tokens = tuple("*" if t is None else t.norm for t in parts)
    stems = tuple("*" if t is None else t.stem for t in parts)
    return Phrase(text, tokens, stems)


def _phrase_tokens(text: str) -> list[Token | None]:
    out: list[Token | None] = []
    for part in text.split():
        if part == "*":
            out.append(None)
        else:
            out.extend(tokenize(part))
    return out


def _strings(data: Mapping[str, Any], key: str, where: str = "") -> list[str]:
    value = data.get(key)
    name = f"{where}{key}"
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"lexicon: '{name}' must be a list of non-empty strings")
    return value


def lexicon_from_data(data: Mapping[str, Any]) -> Lexicon:
    """Build a lexicon from parsed JSON (``resources/training/lexicon.json``); ValueError names what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError("lexicon: the file must hold a JSON object")
    if data.get("kind") != "training-lexicon":
        raise ValueError("lexicon: 'kind' must be 'training-lexicon'")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ValueError("lexicon: 'version' must be a non-empty string (the lexicon is under change control)")
    hedges_raw = data.get("hedges")
    if not isinstance(hedges_raw, Mapping) or not hedges_raw:
        raise ValueError("lexicon: 'hedges' must map a kind (opinion, modal, ...) to a list of phrases")
    hedges = {
        str(kind): tuple(_phrase(p, f"hedges.{kind}") for p in _strings(hedges_raw, kind, "hedges."))
        for kind in hedges_raw
    }
    lists = {name: tuple(_phrase(p, name) for p in _strings(data, name)) for name in _PHRASE_LISTS}
    negation = data.get("negation")
    if not isinstance(negation, Mapping):
        raise ValueError("lexicon: 'negation' must be an object with before, after, pseudo and terminators")
    neg = {
        key: tuple(_phrase(p, f"negation.{key}") for p in _strings(negation, key, "negation."))
        for key in ("before", "after", "pseudo", "terminators")
    }
    patterns = []
    for i, pattern in enumerate(_strings(data, "document_id_patterns")):
        try:
            patterns.append(re.compile(pattern, re.IGNORECASE if pattern.startswith("\\b(?:sop|") else 0))
        except re.error as exc:
            raise ValueError(f"lexicon: document_id_patterns[{i}] is not a valid pattern: {exc}") from None
    return Lexicon(
        version=version.strip(),
        hedges=hedges,
        document_ids=tuple(patterns),
        negation_before=neg["before"],
        negation_after=neg["after"],
        pseudo_negations=neg["pseudo"],
        terminators=neg["terminators"],
        stop_words=frozenset(t.casefold() for t in _strings(data, "stop_words")),
        **lists,
    )


# ---------------------------------------------------------------------------------------------
# Normalisation: tokens with their character spans in the answer as typed


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    raw: str  # as typed (one part of a hyphenated word, or the whole of a code)
    norm: str  # NFKC, case-folded, contraction expanded, number words as digits
    stem: str  # Snowball stem; acronyms, codes and numbers are left alone
    exact: bool  # acronym, code, number or unit: never stemmed or fuzzy-matched
    number: bool
    sentence: int = 0
    quoted: bool = False
    punct_after: str = ""  # the first mark between this word and the next ("," "." ...)


_WORD_RE = re.compile(
    r"[°º]\s?[CcFf]\b|℃|℉|%"  # units written with a symbol
    r"|[^\W_]+(?:['’][^\W_]+)*(?:[-/.][^\W_]+(?:['’][^\W_]+)*)*",
)
_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
_GLUED_UNIT_RE = re.compile(r"^(\d+(?:[.,]\d+)?)([a-zA-Z°]+)$")
_MINUS = "-−–‐‒—"  # hyphen-minus, minus sign, en dash, hyphen, figure dash, em dash
_SENTENCE_END = re.compile(r"[.!?;]\s")
_QUOTES = {'"': '"', "“": "”", "«": "»", "„": "“"}

_CONTRACTIONS = {
    "n't": ("not",),
    "'ll": ("will",),
    "'re": ("are",),
    "'ve": ("have",),
    "'d": ("would",),
    "'m": ("am",),
}
_SPECIAL_CONTRACTIONS = {
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
    "let's": ("let", "us"),
}
_IS_AFTER = frozenset(
    {"it", "that", "there", "what", "who", "he", "she", "here", "where", "this", "everything", "nobody"}
)
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90"}
_UNITS = {"c": "°c", "°c": "°c", "ºc": "°c", "℃": "°c", "degc": "°c", "celsius": "°c", "centigrade": "°c"}
_UNITS |= {"f": "°f", "°f": "°f", "ºf": "°f", "℉": "°f", "fahrenheit": "°f", "%": "percent", "per cent": "percent"}

_STEMMER = snowballstemmer.stemmer("english")


# Snowball strips suffixes, so "kept" never meets "keep": irregular past forms go to their base first.
_IRREGULAR = {
    "kept": "keep",
    "made": "make",
    "done": "do",
    "did": "do",
    "written": "write",
    "wrote": "write",
    "held": "hold",
    "ran": "run",
    "taken": "take",
    "took": "take",
    "given": "give",
    "gave": "give",
    "sent": "send",
    "brought": "bring",
    "chosen": "choose",
    "chose": "choose",
    "frozen": "freeze",
    "froze": "freeze",
    "shown": "show",
    "known": "know",
    "knew": "know",
    "seen": "see",
    "saw": "see",
    "got": "get",
    "gotten": "get",
    "left": "leave",
    "lost": "lose",
    "paid": "pay",
    "said": "say",
    "sold": "sell",
    "spent": "spend",
    "stood": "stand",
    "told": "tell",
    "thought": "think",
    "understood": "understand",
    "went": "go",
    "gone": "go",
    "began": "begin",
    "begun": "begin",
    "drawn": "draw",
    "drew": "draw",
    "built": "build",
    "caught": "catch",
    "taught": "teach",
    "bought": "buy",
    "meant": "mean",
    "signed off": "sign off",
    "overwritten": "overwrite",
    "overwrote": "overwrite",
    "rewritten": "rewrite",
    "rewrote": "rewrite",
    "withdrawn": "withdraw",
    "withdrew": "withdraw",
    "undertaken": "undertake",
    "forgotten": "forget",
    "forgot": "forget",
}


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(_IRREGULAR.get(word, word)))


def _is_acronym(raw: str) -> bool:
    letters = [c for c in raw if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    # QA, OOS, LIMS, SOPs (a plural acronym), CoA; a capitalised word (Review) is not one
    return len(letters) >= 2 and (upper == len(letters) or (upper >= 2 and upper >= len(letters) - 1))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'")


def _expand(raw: str) -> tuple[str, ...]:
    """``don't`` -> (do, not); ``I'll`` -> (i, will); ``QA's`` -> (qa,)."""
    word = _fold(raw)
    if word in _SPECIAL_CONTRACTIONS:
        return _SPECIAL_CONTRACTIONS[word]
    for suffix, expansion in _CONTRACTIONS.items():
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)], *expansion)
    if word.endswith("'s") and len(word) > 2:
        base = word[:-2]
        return (base, "is") if base in _IS_AFTER else (base,)
    if "'" in word:
        return (word.replace("'", ""),)
    return (word,)


def _make(start: int, end: int, raw: str, norm: str) -> Token:
    norm = _NUMBER_WORDS.get(norm, norm)
    unit = _UNITS.get(norm)
    if unit is not None and (len(norm) > 1 or not raw.isalpha()):
        return Token(start, end, raw, unit, unit, True, False)
    number = bool(_NUMBER_RE.match(norm.lstrip("-")))
    exact = number or _is_acronym(raw) or any(c.isdigit() for c in norm)
    return Token(start, end, raw, norm, norm if exact else _stem(norm), exact, number)


def _pieces(text: str, m: re.Match[str]) -> list[Token]:
    raw, start = m.group(), m.start()
    if raw[0] in "°º℃℉%":
        return [_make(start, m.end(), raw, _fold(raw).replace(" ", ""))]
    has_digit = any(c.isdigit() for c in raw)
    has_alpha = any(c.isalpha() for c in raw)
    if has_digit and has_alpha and not _GLUED_UNIT_RE.match(raw):
        return [_make(start, m.end(), raw, _fold(raw))]  # a code: SOP-QA-012, 21CFR, DI-004
    out: list[Token] = []
    for part in re.finditer(r"[^-/]+", raw):
        piece, s = part.group(), start + part.start()
        if has_digit and not _NUMBER_RE.match(piece):
            glued = _GLUED_UNIT_RE.match(piece)
            if glued:  # 8C, 5ml, -150C
                number_end = s + len(glued.group(1))
                out.append(_make(s, number_end, glued.group(1), glued.group(1)))
                unit = _fold(glued.group(2))
                unit = _UNITS.get(unit, _UNITS.get("°" + unit, unit)) if unit in ("c", "f") else unit
                out.append(_make(number_end, s + len(piece), glued.group(2), unit))
                continue
        if piece.replace(".", "").isalpha() and "." in piece:  # e.g -> e, g
            for sub in re.finditer(r"[^.]+", piece):
                out.append(_make(s + sub.start(), s + sub.end(), sub.group(), _fold(sub.group())))
            continue
        for word in _expand(piece):
            out.append(_make(s, s + len(piece), piece, word))
    if (
        out
        and out[0].number
        and start > 0
        and text[start - 1] in _MINUS
        and (start < 2 or not text[start - 2].isalnum())
    ):
        first = out[0]
        out[0] = replace(first, start=start - 1, norm="-" + first.norm, stem="-" + first.stem)
    return out


def tokenize(text: str) -> list[Token]:
    """Words of ``text`` with their spans, sentence numbers and whether they sit inside quotes."""
    found: list[Token] = []
    for m in _WORD_RE.finditer(text):
        found.extend(_pieces(text, m))
    found = _merge_units(found)
    quoted = _quoted_ranges(text)
    out: list[Token] = []
    sentence = 0
    for i, t in enumerate(found):
        gap = text[t.end : found[i + 1].start].strip() if i + 1 < len(found) else text[t.end :].strip()
        if i > 0 and _boundary(text[found[i - 1].end : t.start], found[i - 1]):
            sentence += 1
        in_quotes = any(a <= t.start < b for a, b in quoted)
        out.append(replace(t, sentence=sentence, quoted=in_quotes, punct_after=gap[:1]))
    return out


_ABBREVIATIONS = frozenset(
    {"e", "g", "i", "eg", "ie", "etc", "vs", "approx", "no", "nr", "ref", "cf", "dr", "mr", "ms", "st"}
)


def _boundary(gap: str, before: Token) -> bool:
    if "\n" in gap:
        return True
    if not _SENTENCE_END.search(gap + " "):
        return False
    return not (gap.lstrip().startswith(".") and before.norm in _ABBREVIATIONS)


def _merge_units(tokens: list[Token]) -> list[Token]:
    """``degrees C`` / ``degrees Celsius`` / ``per cent`` become one unit token."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and t.norm in ("degree", "degrees", "deg") and nxt.norm in ("c", "°c", "f", "°f"):
            unit = "°c" if "c" in nxt.norm else "°f"
            out.append(Token(t.start, nxt.end, f"{t.raw} {nxt.raw}", unit, unit, True, False, t.sentence, t.quoted))
            i += 2
            continue
        if nxt is not None and t.number and nxt.raw in ("C", "F") and nxt.start - t.end <= 1:  # 8 C
            unit = "°c" if nxt.raw == "C" else "°f"
            out += [t, replace(nxt, norm=unit, stem=unit, exact=True)]
            i += 2
            continue
        if nxt is not None and t.norm == "per" and nxt.norm == "cent":
            out.append(
                Token(t.start, nxt.end, f"{t.raw} {nxt.raw}", "percent", "percent", True, False, t.sentence, t.quoted)
            )
            i += 2
            continue
        out.append(t)
        i += 1
    return out


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    ranges = []
    i = 0
    while i < len(text):
        close = _QUOTES.get(text[i])
        if close is not None:
            j = text.find(close, i + 1)
            if j > i:
                ranges.append((i, j))
                i = j + 1
                continue
        i += 1
    return ranges


def word_count(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


# ---------------------------------------------------------------------------------------------
# Matching


def _indel_ratio(a: str, b: str) -> float:
    """2·LCS / (len a + len b): RapidFuzz's ``fuzz.ratio`` / 100, for short words."""
    if not a or not b:
        return 0.0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return 2 * prev[-1] / (len(a) + len(b))


def _one_transposition(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


@lru_cache(maxsize=65536)
def _fuzzy(a: str, b: str) -> bool:
    """A typo of a long word: Indel similarity >= 0.9 (brief §5.4), or one swapped pair of letters.

    brief: a ratio of 90 lets "recieved" (87.5) through only as a swap; swaps are the commonest typing slip.
    """
    if min(len(a), len(b)) < FUZZY_MIN_LETTERS or not a.isalpha() or not b.isalpha():
        return False
    return _indel_ratio(a, b) >= FUZZY_MIN_RATIO or _one_transposition(a, b)


@dataclass(frozen=True)
class _TermToken:
    norm: str
    stem: str
    exact: bool


@lru_cache(maxsize=16384)
def _term_tokens(term: str) -> tuple[_TermToken, ...]:
    return tuple(_TermToken(t.norm, t.stem, t.exact) for t in tokenize(term))


# Scripts written without spaces between words (Chinese, Japanese; Korean too, inside a phrase):
# one "word" is a whole run, so a term is found inside it (code review §3.4).
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def _token_matches(t: Token, want: _TermToken) -> tuple[bool, bool]:
    """(matches, by fuzzy)."""
    if _UNSPACED.search(want.norm):
        return want.norm in t.norm, False
    if want.exact:
        return (t.norm == want.norm or (not t.number and t.norm == want.norm + "s")), False
    if t.exact:
        if not t.raw.isalpha():
            return False, False
        return (_stem(t.norm) == want.stem or t.norm == want.norm), False  # REVIEWED typed in capitals
    if t.stem == want.stem or t.norm == want.norm:
        return True, False
    return (True, True) if _fuzzy(t.norm, want.norm) else (False, False)


@dataclass(frozen=True)
class _Hit:
    first: int  # token index
    last: int
    fuzzy: bool
    inside: bool = False  # found inside an unspaced run: several terms may share the word


def _find_term(tokens: Sequence[Token], term: tuple[_TermToken, ...]) -> list[_Hit]:
    hits = []
    n = len(term)
    inside = n == 1 and bool(_UNSPACED.search(term[0].norm))
    for i in range(len(tokens) - n + 1):
        fuzzy = False
        for k, want in enumerate(term):
            ok, fz = _token_matches(tokens[i + k], want)
            if not ok:
                break
            fuzzy = fuzzy or fz
        else:
            hits.append(_Hit(i, i + n - 1, fuzzy, inside))
    return hits


def _phrase_at(tokens: Sequence[Token], i: int, phrase: Phrase, *, by_stem: bool = False) -> bool:
    """Whether ``phrase`` starts at word ``i``: on the words as written (hedges: "likely" is not
    "like"), or on their stems (practices: "backdated" is "backdate")."""
    if i + len(phrase.tokens) > len(tokens):
        return False
    if by_stem:
        return all(p == "*" or tokens[i + k].stem == p for k, p in enumerate(phrase.stems))
    return all(p == "*" or tokens[i + k].norm == p for k, p in enumerate(phrase.tokens))


def _longest_at(tokens: Sequence[Token], i: int, phrases: tuple[Phrase, ...]) -> Phrase | None:
    if i >= len(tokens):
        return None
    return next((p for p in _by_first_word(phrases, False).get(tokens[i].norm, ()) if _phrase_at(tokens, i, p)), None)


def _phrase_hits(
    tokens: Sequence[Token], phrases: Iterable[Phrase], *, by_stem: bool = False
) -> list[tuple[int, int, Phrase]]:
    """Every (first, last, phrase) occurrence, longest first where two start at one word."""
    hits = []
    index = _by_first_word(tuple(phrases), by_stem)
    for i, t in enumerate(tokens):
        for p in index.get(t.stem if by_stem else t.norm, ()):
            if _phrase_at(tokens, i, p, by_stem=by_stem):
                hits.append((i, i + len(p.tokens) - 1, p))
    return hits


@lru_cache(maxsize=256)
def _by_first_word(phrases: tuple[Phrase, ...], by_stem: bool) -> dict[str, tuple[Phrase, ...]]:
    """Phrases by their first word (no lexicon phrase starts with '*'), longest first."""
    index: dict[str, list[Phrase]] = {}
    for p in sorted(phrases, key=lambda p: -len(p.tokens)):
        index.setdefault((p.stems if by_stem else p.tokens)[0], []).append(p)
    return {k: tuple(v) for k, v in index.items()}


@dataclass(frozen=True)
class _Negation:
    negated: bool
    triggers: tuple[str, ...]
    reason: str


def _negation(tokens: Sequence[Token], first: int, last: int, lex: Lexicon) -> _Negation:
    """NegEx: a trigger up to NEGATION_SCOPE words before the match (or inside it), or a post-trigger
    just after, in the same sentence and not past a terminator (but, however...). Pseudo-negations
    ("not only", "no later than", "not ... until") are not triggers; two triggers cancel (brief §5 pitfall:
    double negatives, "no lot is released without the review")."""
    sentence_first, sentence_last = tokens[first].sentence, tokens[last].sentence
    start = first
    while start > 0 and first - start < NEGATION_SCOPE:
        prev = start - 1
        if tokens[prev].sentence != sentence_first or _longest_at(tokens, prev, lex.terminators):
            break
        start = prev
    found: list[tuple[int, str]] = []
    i = start
    while i <= last:
        pseudo = _longest_at(tokens, i, lex.pseudo_negations)
        if pseudo is not None:
            i += len(pseudo.tokens)
            continue
        trig = _longest_at(tokens, i, lex.negation_before)
        if trig is not None and not (trig.tokens == ("no",) and tokens[i].punct_after == ","):  # "No, QA reviews it"
            found.append((i, trig.text))
            i += len(trig.tokens)
            continue
        i += 1
    j = last + 1
    while j < len(tokens) and j - last <= NEGATION_SCOPE and tokens[j].sentence == sentence_last:
        if _longest_at(tokens, j, lex.terminators):
            break
        post = _longest_at(tokens, j, lex.negation_after)
        if post is not None:
            found.append((j, post.text))
            break
        j += 1
    words = tuple(w for _, w in found)
    if not found:
        return _Negation(False, (), "")
    if len(found) % 2 == 0:
        return _Negation(False, words, tr("double negative read as affirmative ({words})", words=", ".join(words)))
    return _Negation(True, words, tr("negated by '{word}'", word=words[0]))


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class KeyPointMatch:
    key_point_id: str
    credit: float  # 0, 0.5 or 1
    matched_spans: tuple[tuple[int, int], ...]  # character offsets in the answer text
    matched_words: tuple[str, ...]
    negated: bool
    reason: str
    text: str = ""  # the key point as the bank states it
    overridden: bool = False  # the credit was set by a person, not the matcher
    matcher_credit: float | None = None  # what the matcher said, when overridden


@dataclass(frozen=True)
class Flag:
    kind: str  # hedge, guess, red-flag, blame, unapproved-practice, workaround, wrong-figure, guessed-figure,
    # too-terse, short, long, over-answering, volunteering, bluffing, honest-gap, dont-know, sop-cited,
    # show-offer, routed, clarify, negated, over-time
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
# Key points


def _content_words(text: str, lex: Lexicon) -> list[tuple[_TermToken, ...]]:
    seen: set[str] = set()
    out: list[tuple[_TermToken, ...]] = []
    for t in tokenize(text):
        if t.norm in lex.stop_words or (len(t.norm) < 3 and not t.exact) or t.stem in seen:
            continue
        seen.add(t.stem)
        out.append((_TermToken(t.norm, t.stem, t.exact),))
    return out


def _best_window(
    groups: Sequence[Sequence[_Hit]], tokens: Sequence[Token], limit: int = WINDOW
) -> list[tuple[_Hit, ...]]:
    """Every choice of one hit per group on distinct words within ``limit`` words (or
    SENTENCE_WINDOW in one sentence, when ``limit`` is WINDOW), tightest first."""
    capped = [sorted(g, key=lambda h: h.first)[:24] for g in groups]
    choices = []
    for combo in product(*capped):
        words: set[int] = set()
        overlap = False
        for h in combo:
            if h.inside:
                continue
            span = set(range(h.first, h.last + 1))
            if span & words:
                overlap = True
                break
            words |= span
        if overlap:
            continue
        width = max(h.first for h in combo) - min(h.last for h in combo)
        one_sentence = len({tokens[h.first].sentence for h in combo}) == 1
        if width <= limit or (limit == WINDOW and one_sentence and width <= SENTENCE_WINDOW):
            choices.append((width, combo))
    choices.sort(key=lambda c: (c[0], min(h.first for h in c[1])))
    return [c for _, c in choices]


def _spans(tokens: Sequence[Token], hits: Iterable[_Hit]) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    spans = []
    words = []
    for h in sorted(hits, key=lambda h: h.first):
        a, b = tokens[h.first].start, tokens[h.last].end
        spans.append((a, b))
        words.append(" ".join(dict.fromkeys(tokens[i].raw for i in range(h.first, h.last + 1))))
    return tuple(spans), tuple(words)


@dataclass(frozen=True)
class Scope:
    """Words whose claims are not statements of fact: ``hypothetical`` words follow "I don't know",
    "I'll check" or "I'll get the owner" in their clause ("I'll get the system owner, who can show you
    the restore test record" knows nothing about restore tests). ConText's "hypothetical" (Harkema et
    al. 2009), which extends NegEx; brief: not in the brief, whose honest gap would otherwise earn
    key-point credit for the words of its own promise.

    Hedged clauses are not in the scope: a hedge costs C, not A (brief §6). Capping a hedged point at
    half credit was tried and agreed less with the hand grades (86.7% against 87.5%)."""

    hypothetical: frozenset[int] = frozenset()


def _group_hits(tokens: Sequence[Token], group: Sequence[str], scope: Scope) -> list[_Hit]:
    hits: list[_Hit] = []
    for term in group:
        tt = _term_tokens(term)
        if tt:
            hits.extend(h for h in _find_term(tokens, tt) if h.first not in scope.hypothetical)
    return hits


def match_key_point(
    tokens: Sequence[Token], kp: FrozenKeyPoint, lex: Lexicon, scope: Scope | None = None
) -> KeyPointMatch:
    """Credit for one key point: 1 when a word of every term group falls within WINDOW words of the
    others (SENTENCE_WINDOW inside one sentence) and is not negated; 0.5 when every group is present
    but scattered (within SCATTER_WINDOW), or (three groups or more) all but one group sit together;
    0 when negated or absent. Words in ``scope.hypothetical`` do not count. Without terms, the key
    point's own content words."""
    scope = scope or Scope()
    if not kp.terms:
        return _match_by_text(tokens, kp, lex, scope)
    groups = [_group_hits(tokens, group, scope) for group in kp.terms]
    missing = [i for i, g in enumerate(groups) if not g]
    if not missing:
        found = _judge(tokens, kp, lex, scope, _best_window(groups, tokens))
        if found is not None:
            return found
        scattered = _best_window(groups, tokens, SCATTER_WINDOW)
        if scattered:
            spans, words = _spans(tokens, scattered[0])
            reason = tr("partly: {words} are in the answer but not together", words=", ".join(words))
            return KeyPointMatch(kp.id, 0.5, spans, words, False, reason, kp.text)
    elif len(groups) >= 3 and len(missing) == 1:
        found = _judge(tokens, kp, lex, scope, _best_window([g for g in groups if g], tokens))
        if found is not None and not found.negated:
            absent = " / ".join(kp.terms[missing[0]][:3])
            reason = tr("partly: {words}; nothing for {absent}", words=", ".join(found.matched_words), absent=absent)
            return replace(found, credit=min(found.credit, 0.5), reason=reason)
    absent = "; ".join(" / ".join(kp.terms[i][:3]) for i in missing) or tr("the words are too far apart")
    return KeyPointMatch(kp.id, 0.0, (), (), False, tr("not covered: nothing for {absent}", absent=absent), kp.text)


def _judge(
    tokens: Sequence[Token], kp: FrozenKeyPoint, lex: Lexicon, scope: Scope, windows: Sequence[tuple[_Hit, ...]]
) -> KeyPointMatch | None:
    """The best of the candidate windows: a plain statement beats a negated one."""
    negated: KeyPointMatch | None = None
    for combo in windows:
        first = min(h.first for h in combo)
        last = max(h.last for h in combo)
        spans, words = _spans(tokens, combo)
        neg = _negation(tokens, first, last, lex)
        if neg.negated:
            if negated is None:
                reason = tr(
                    "stated in the negative: {words} ({why}); a negated point earns nothing",
                    words=", ".join(words),
                    why=neg.reason,
                )
                negated = KeyPointMatch(kp.id, 0.0, spans, words, True, reason, kp.text)
            continue
        reason = tr("found: {words}", words=", ".join(words))
        fuzzy = [w for h, w in zip(sorted(combo, key=lambda h: h.first), words, strict=True) if h.fuzzy]
        if fuzzy:
            reason += tr(" (read as a typo: {words})", words=", ".join(fuzzy))
        if neg.reason:
            reason += f"; {neg.reason}"
        return KeyPointMatch(kp.id, 1.0, spans, words, False, reason, kp.text)
    return negated


def _match_by_text(tokens: Sequence[Token], kp: FrozenKeyPoint, lex: Lexicon, scope: Scope) -> KeyPointMatch:
    """No term groups: the key point's content words; half of them found earns 1, a quarter 0.5."""
    words = _content_words(kp.text, lex)
    if not words:
        return KeyPointMatch(kp.id, 0.0, (), (), False, tr("the key point has no words to look for"), kp.text)
    found: list[_Hit] = []
    for w in words:
        hits = [h for h in _find_term(tokens, w) if h.first not in scope.hypothetical]
        if hits:
            found.append(hits[0])
    share = len(found) / len(words)
    spans, matched = _spans(tokens, found)
    if not found:
        return KeyPointMatch(kp.id, 0.0, (), (), False, tr("not covered: none of the key point's words"), kp.text)
    negs = [_negation(tokens, h.first, h.last, lex) for h in found]
    if sum(n.negated for n in negs) * 2 > len(negs):
        why = next(n.reason for n in negs if n.negated)
        reason = tr(
            "stated in the negative: {words} ({why}); a negated point earns nothing", words=", ".join(matched), why=why
        )
        return KeyPointMatch(kp.id, 0.0, spans, matched, True, reason, kp.text)
    credit = 1.0 if share >= 0.5 and len(found) >= 2 else 0.5 if share >= 0.25 else 0.0
    reason = tr(
        "{n} of the key point's {total} words: {words}", n=len(found), total=len(words), words=", ".join(matched)
    )
    return KeyPointMatch(kp.id, credit, spans if credit else (), matched if credit else (), False, reason, kp.text)


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
    for j in _clause(tokens, i, lex, backwards=True):
        if j >= i or i - j > WINDOW:
            continue
        trig = _longest_at(tokens, j, lex.negation_before)
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
        for first, last, p in _phrase_hits(tokens, phrases):
            if any(i in taken for i in range(first, last + 1)) or tokens[first].quoted:
                continue
            if p.tokens == ("may",) and _is_month_may(tokens, first):
                continue
            if p.tokens == ("could",) and last + 1 < len(tokens) and tokens[last + 1].norm in ("you", "i", "we"):
                continue  # "could you clarify": a question, not a hedge
            taken.update(range(first, last + 1))
            reason = tr("{kind} hedge: an inspector notes '{phrase}' as uncertainty", kind=kind, phrase=p.text)
            if kind == "frequency":
                reason = tr("'{phrase}' says the procedure is not always followed (a GMP red flag)", phrase=p.text)
            said = _text_of(text, tokens, first, last)
            flags.append(Flag("hedge", said, _span(tokens, first, last), False, reason))
    for first, last, p in _phrase_hits(tokens, lex.approximators):
        if any(i in taken for i in range(first, last + 1)) or tokens[first].quoted:
            continue
        before_number = last + 1 < len(tokens) and tokens[last + 1].number
        after_number = p.tokens == ("or", "so") and first > 0 and tokens[first - 1].number
        if before_number or after_number:
            taken.update(range(first, last + 1))
            reason = tr("approximate figure: '{phrase}' before a number", phrase=p.text)
            flags.append(Flag("hedge", _text_of(text, tokens, first, last), _span(tokens, first, last), False, reason))
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
    for first, last, p in _phrase_hits(tokens, phrases, by_stem=by_stem):
        if any(i in taken for i in range(first, last + 1)):
            continue
        if denial_cancels and lex is not None and _negated_before(tokens, first, lex):
            continue
        taken.update(range(first, last + 1))
        flags.append(
            Flag(
                kind,
                _text_of(text, tokens, first, last),
                _span(tokens, first, last),
                critical,
                tr(reason, phrase=p.text),
            )
        )
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
        other_groups: list[list[tuple[_TermToken, ...]]] = []
        for group in kp.terms:
            numeric = False
            for term in group:
                tt = _term_tokens(term)
                for a, b in pairwise(tt):
                    if _NUMBER_RE.match(a.norm.lstrip("-")) and not b.exact:
                        accepted.setdefault(b.stem, set()).add(a.norm)
                        numeric = True
            if not numeric:
                other_groups.append([_term_tokens(t) for t in group])
        if not accepted:
            continue
        context = [h for g in other_groups for tt in g if tt for h in _find_term(tokens, tt)]
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
        hypothetical.update(_clause(tokens, _index_at(tokens, f.span), lex, backwards=False))
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
        records=len(_phrase_hits(tokens, lex.record_words, by_stem=True)),
        scope=Scope(frozenset(hypothetical)),
    )


def _overlaps(span: tuple[int, int] | None, spans: Iterable[tuple[int, int]]) -> bool:
    return span is not None and any(a < span[1] and span[0] < b for a, b in spans)


def _index_at(tokens: Sequence[Token], span: tuple[int, int] | None) -> int:
    start = span[0] if span else 0
    return next((i for i, t in enumerate(tokens) if t.end > start), len(tokens) - 1)


def _clause(tokens: Sequence[Token], i: int, lex: Lexicon, *, backwards: bool = True) -> range:
    """The words of the clause around word ``i``: its sentence, cut at "but", "however"..."""
    sentence = tokens[i].sentence
    first = i
    while backwards and first > 0 and tokens[first - 1].sentence == sentence:
        if _longest_at(tokens, first - 1, lex.terminators):
            break
        first -= 1
    last = i
    while last + 1 < len(tokens) and tokens[last + 1].sentence == sentence:
        if _longest_at(tokens, last + 1, lex.terminators):
            break
        last += 1
    return range(first, last + 1)


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
