"""Reading an answer: the lexicon, words with their spans, and the key-point matcher.

Normalisation (NFKC, case folding, contractions, number words, units and minus signs,
sentences and quotes), Snowball stems that leave acronyms, codes and numbers alone, term
groups within a window of words, typo-tolerant matching of long words only, and NegEx-style
negation with pseudo-negations and double negatives. Pure functions; the lexicon arrives
already parsed. ``domain.training`` scores answers with it.

Where this module departs from the training brief it says so at the place ("brief:").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import product
from typing import Any

import snowballstemmer

from mockinspect.domain.frozen import FrozenKeyPoint
from mockinspect.i18n import tr

WINDOW = 8  # tokens between the first and last term group of a key point
SENTENCE_WINDOW = 20  # ...or this many when they sit in one sentence (a claim is made in a sentence)
SCATTER_WINDOW = 30  # every group present but further apart: half credit
NEGATION_SCOPE = 5  # tokens a negation trigger reaches
FUZZY_MIN_LETTERS = 6
FUZZY_MIN_RATIO = 0.9

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
            patterns.append(re.compile(pattern))  # case rules inline: (?i) where case does not matter
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
NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
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
    number = bool(NUMBER_RE.match(norm.lstrip("-")))
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
        if has_digit and not NUMBER_RE.match(piece):
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


# Scripts written without spaces between words (Chinese, Japanese; Korean too, inside a phrase):
# one "word" is a whole run, so a term is found inside it (code review §3.4).
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@dataclass(frozen=True)
class TermToken:
    norm: str
    stem: str
    exact: bool
    unspaced: bool = False


def term_token(t: Token) -> TermToken:
    return TermToken(t.norm, t.stem, t.exact, bool(_UNSPACED.search(t.norm)))


@lru_cache(maxsize=16384)
def term_tokens(term: str) -> tuple[TermToken, ...]:
    return tuple(term_token(t) for t in tokenize(term))


def _token_matches(t: Token, want: TermToken) -> tuple[bool, bool]:
    """(matches, by fuzzy)."""
    if want.unspaced:
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


def find_term(tokens: Sequence[Token], term: tuple[TermToken, ...]) -> list[_Hit]:
    hits = []
    n = len(term)
    inside = n == 1 and term[0].unspaced
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


def phrase_at(tokens: Sequence[Token], i: int, phrase: Phrase, *, by_stem: bool = False) -> bool:
    """Whether ``phrase`` starts at word ``i``: on the words as written (hedges: "likely" is not
    "like"), or on their stems (practices: "backdated" is "backdate")."""
    if i + len(phrase.tokens) > len(tokens):
        return False
    if by_stem:
        return all(p == "*" or tokens[i + k].stem == p for k, p in enumerate(phrase.stems))
    return all(p == "*" or tokens[i + k].norm == p for k, p in enumerate(phrase.tokens))


def longest_at(tokens: Sequence[Token], i: int, phrases: tuple[Phrase, ...]) -> Phrase | None:
    if i >= len(tokens):
        return None
    return next((p for p in _by_first_word(phrases, False).get(tokens[i].norm, ()) if phrase_at(tokens, i, p)), None)


def phrase_hits(
    tokens: Sequence[Token], phrases: Iterable[Phrase], *, by_stem: bool = False
) -> list[tuple[int, int, Phrase]]:
    """Every (first, last, phrase) occurrence, longest first where two start at one word."""
    hits = []
    index = _by_first_word(tuple(phrases), by_stem)
    for i, t in enumerate(tokens):
        for p in index.get(t.stem if by_stem else t.norm, ()):
            if phrase_at(tokens, i, p, by_stem=by_stem):
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
        if tokens[prev].sentence != sentence_first or longest_at(tokens, prev, lex.terminators):
            break
        start = prev
    found: list[tuple[int, str]] = []
    i = start
    while i <= last:
        pseudo = longest_at(tokens, i, lex.pseudo_negations)
        if pseudo is not None:
            i += len(pseudo.tokens)
            continue
        trig = longest_at(tokens, i, lex.negation_before)
        if trig is not None and not (trig.tokens == ("no",) and tokens[i].punct_after == ","):  # "No, QA reviews it"
            found.append((i, trig.text))
            i += len(trig.tokens)
            continue
        i += 1
    j = last + 1
    while j < len(tokens) and j - last <= NEGATION_SCOPE and tokens[j].sentence == sentence_last:
        if longest_at(tokens, j, lex.terminators):
            break
        post = longest_at(tokens, j, lex.negation_after)
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
# The key-point matcher


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


def _content_words(text: str, lex: Lexicon) -> list[tuple[TermToken, ...]]:
    seen: set[str] = set()
    out: list[tuple[TermToken, ...]] = []
    for t in tokenize(text):
        if t.norm in lex.stop_words or (len(t.norm) < 3 and not t.exact) or t.stem in seen:
            continue
        seen.add(t.stem)
        out.append((term_token(t),))
    return out


NEAREST = 4  # per other group, the hits nearest an anchor that are tried with it


def _best_window(
    groups: Sequence[Sequence[_Hit]], tokens: Sequence[Token], limit: int = WINDOW
) -> list[tuple[_Hit, ...]]:
    """Choices of one hit per group on distinct words within ``limit`` words (or SENTENCE_WINDOW
    in one sentence, when ``limit`` is WINDOW), tightest first. Each hit of the rarest group is
    an anchor tried with the NEAREST hits of every other group, so a long answer costs about
    its length, and a match late in it is found as surely as an early one."""
    reach = max(limit, SENTENCE_WINDOW)
    anchor_group = min(range(len(groups)), key=lambda g: len(groups[g]))
    seen: set[tuple[tuple[int, int], ...]] = set()
    choices = []
    ordered = [sorted(hits, key=lambda h: h.first) for hits in groups]
    starts = [[h.first for h in hits] for hits in ordered]
    for anchor in groups[anchor_group]:
        near = [
            [anchor] if g == anchor_group else _nearest(ordered[g], starts[g], anchor.first, reach)
            for g in range(len(groups))
        ]
        for combo in product(*near):
            key = tuple((h.first, h.last) for h in combo)
            if key in seen or _overlapping(combo):
                continue
            seen.add(key)
            width = max(h.first for h in combo) - min(h.last for h in combo)
            one_sentence = len({tokens[h.first].sentence for h in combo}) == 1
            if width <= limit or (limit == WINDOW and one_sentence and width <= SENTENCE_WINDOW):
                choices.append((width, combo))
    choices.sort(key=lambda c: (c[0], min(h.first for h in c[1])))
    return [c for _, c in choices]


def _nearest(hits: Sequence[_Hit], starts: Sequence[int], at: int, reach: int) -> list[_Hit]:
    """The NEAREST hits to word ``at`` within ``reach`` words (``hits`` sorted by where they start)."""
    right = bisect_left(starts, at)
    left = right - 1
    out: list[_Hit] = []
    while len(out) < NEAREST:
        take_left = left >= 0 and (right >= len(hits) or at - starts[left] <= starts[right] - at)
        if take_left:
            if at - starts[left] > reach:
                break
            out.append(hits[left])
            left -= 1
        elif right < len(hits):
            if starts[right] - at > reach:
                break
            out.append(hits[right])
            right += 1
        else:
            break
    return out


def _overlapping(combo: Iterable[_Hit]) -> bool:
    """Two groups may not be met by one word (a run of unspaced script aside)."""
    words: set[int] = set()
    for h in combo:
        if h.inside:
            continue
        span = set(range(h.first, h.last + 1))
        if span & words:
            return True
        words |= span
    return False


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
        tt = term_tokens(term)
        if tt:
            hits.extend(h for h in find_term(tokens, tt) if h.first not in scope.hypothetical)
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
        hits = [h for h in find_term(tokens, w) if h.first not in scope.hypothetical]
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


def clause(tokens: Sequence[Token], i: int, lex: Lexicon, *, backwards: bool = True) -> range:
    """The words of the clause around word ``i``: its sentence, cut at "but", "however"..."""
    sentence = tokens[i].sentence
    first = i
    while backwards and first > 0 and tokens[first - 1].sentence == sentence:
        if longest_at(tokens, first - 1, lex.terminators):
            break
        first -= 1
    last = i
    while last + 1 < len(tokens) and tokens[last + 1].sentence == sentence:
        if longest_at(tokens, last + 1, lex.terminators):
            break
        last += 1
    return range(first, last + 1)
