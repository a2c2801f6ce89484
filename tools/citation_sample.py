"""Draw the reproducible citation sample for the independent citation audit (issue 10).

Loads every bundled bank (not the user's folder), lists every (question, citation) pair,
probes included, and draws a seeded random sample: every bank gives at least ``--per-bank``
pairs, the rest are drawn at random from the pairs not yet chosen. The same seed and the same
bank files give the same sample.

    .venv/bin/python tools/citation_sample.py                 # seed 20261207, 70 pairs, a table
    .venv/bin/python tools/citation_sample.py --seed 7 -n 60  # another draw
    .venv/bin/python tools/citation_sample.py --all           # every pair (for grepping)

Not part of the package: a helper for the audit recorded in docs/citation-audit.md.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass

from mockinspect.services.banks import BankService

DEFAULT_SEED = 20261207
DEFAULT_SIZE = 70
DEFAULT_PER_BANK = 3


@dataclass(frozen=True)
class Pair:
    bank: str
    question: str
    citation: str
    used_for: str


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def all_pairs() -> list[Pair]:
    """Every (question, citation) pair of the bundled banks, probes included, in file order."""
    catalogue = BankService(include_user=False).catalogue()
    pairs: list[Pair] = []
    for bank_id in sorted(catalogue.banks):
        bank = catalogue.banks[bank_id]
        for q in bank.questions:
            for c in q.citations:
                used = c.note or q.prompt
                pairs.append(Pair(bank_id, q.id, c.short(), _one_line(used, 140)))
    return pairs


def _key(seed: int, p: Pair) -> str:
    """The pair's place in the seeded random order: a hash of the seed and the pair itself."""
    return hashlib.sha256(f"{seed}|{p.bank}|{p.question}|{p.citation}".encode()).hexdigest()


def draw(pairs: list[Pair], *, seed: int, size: int, per_bank: int) -> list[Pair]:
    """``per_bank`` pairs from each bank, then the rest at random from what is left.

    The seed orders the pairs at random through a hash of the seed and each pair, so editing one
    question moves no other pair in the order: the draw stays stable while the banks are edited
    elsewhere, and the same seed and files always give the same sample.
    """
    order = sorted(pairs, key=lambda p: _key(seed, p))
    chosen: list[Pair] = []
    taken: dict[str, int] = {}
    for p in order:
        if taken.get(p.bank, 0) < per_bank:
            chosen.append(p)
            taken[p.bank] = taken.get(p.bank, 0) + 1
    if len(chosen) > size:
        raise SystemExit(f"{len(taken)} banks x {per_bank} = {len(chosen)} pairs, more than the sample size {size}")
    picked = set(chosen)
    chosen += [p for p in order if p not in picked][: size - len(chosen)]
    position = {p: i for i, p in enumerate(pairs)}
    return sorted(chosen, key=lambda p: position[p])


def table(sample: list[Pair]) -> str:
    lines = ["| # | Bank | Question | Citation | What the question uses it for |", "|---|---|---|---|---|"]
    for i, p in enumerate(sample, 1):
        used = p.used_for.replace("|", "\\|")
        lines.append(f"| {i} | {p.bank} | {p.question} | `{p.citation}` | {used} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("-n", "--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--per-bank", type=int, default=DEFAULT_PER_BANK)
    parser.add_argument("--all", action="store_true", help="list every pair instead of drawing a sample")
    args = parser.parse_args(argv)
    pairs = all_pairs()
    banks = len({p.bank for p in pairs})
    if args.all:
        for p in pairs:
            print(f"{p.bank}\t{p.question}\t{p.citation}")
        return 0
    sample = draw(pairs, seed=args.seed, size=args.size, per_bank=args.per_bank)
    print(
        f"seed {args.seed}: {len(sample)} of {len(pairs)} citation pairs in {banks} banks (at least {args.per_bank} each)"
    )
    print()
    print(table(sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
