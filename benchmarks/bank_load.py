"""Bank loading: ours vs the bare parse of the same YAML, in the same run.

Generates a 10,000-question format-2 bank (sections, short citations, compact key points,
structured evidence and an inline probe on every tenth question), then times:
  bare   yaml.load with PyYAML's C loader (the fastest YAML parser installed)
  cold   our load + full validation, with an empty cache
  warm   loading the unchanged bank again (content-hash cache in the cache folder)
and the bundled banks cold and warm. Targets: cold <= 2x bare, warm <= 0.3 s,
bundled < 200 ms.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, result, timed
from mockinspect.banks.cache import BankCache
from mockinspect.banks.validate import check_files
from mockinspect.services.banks import BankService

N_QUESTIONS = 10_000
AREAS = [f"area-{i}" for i in range(20)]


def generate_bank(n: int = N_QUESTIONS) -> str:
    """A format-2 bank of ``n`` questions (probes included), about as dense as the starter bank."""
    out = [
        "kind: bank",
        "format: 2",
        "id: generated",
        "title: Generated benchmark bank",
        "version: 1.0.0",
        "documents:",
        "  - {id: EU-GMP-Annex-11, title: Computerised systems}",
        "  - {id: 21-CFR-211, title: Current good manufacturing practice for finished pharmaceuticals}",
        "areas:",
    ]
    out += [f"  - {{id: {a}, title: Area {a}}}" for a in AREAS]
    out.append("sections:")
    bodies: list[str] = []
    made = 0
    while made < n:
        i = made
        probe = ""
        if i % 10 == 0 and made + 1 < n:
            made += 1
            probe = f"""
        probes:
          - when: {{any: [deficient, {{missed: reviewer}}]}}
            prompt: Show me where record {i} was reviewed.
            guidance: The reviewer finds the entry in the review record."""
        bodies.append(
            f"""      - id: Q{i:05d}
        prompt: Show me who reviewed record {i} and when.
        intent: Checks the review of record {i} is real.
        guidance: A trained reviewer checks the record and its audit trail before release.
        key_points:
          reviewer: A named reviewer
          before-release: Reviewed before release
        terms:
          reviewer: [[reviewer, QA]]
        evidence:
          - Review record for record {i}
          - {{what: Audit trail of record {i}, type: record, sample: last 3 lots}}
        cite: [EU-GMP-Annex-11 §9, 21-CFR-211 211.192]
        grade: major
        tags: [review, record-{i % 7}]{probe}"""
        )
        made += 1
    chunk = -(-len(bodies) // len(AREAS))
    for k, a in enumerate(AREAS):
        part = bodies[k * chunk : (k + 1) * chunk]
        if part:
            out += [f"  - area: {a}", "    regions: [eu, us]", "    questions:", *part]
    return "\n".join(out) + "\n"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="mockinspect-bench-"))
    os.environ["MOCKINSPECT_DATA_DIR"] = str(work / "data")
    os.environ["MOCKINSPECT_CACHE_DIR"] = str(work / "cache")
    path = work / "generated.yaml"
    text = generate_bank()
    path.write_text(text, encoding="utf-8")
    questions = len(BankCache(work / "count").load(path).doc.questions)  # type: ignore[union-attr]
    print(f"generated format-2 bank: {questions} questions, {len(text.encode()) / 1e6:.2f} MB")

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    print(f"bare parser: {loader.__name__}")

    def bare() -> None:
        yaml.load(path.read_text(encoding="utf-8"), Loader=loader)

    counter = iter(range(1_000_000))

    def cold() -> None:
        cache = BankCache(work / f"cold-{next(counter)}")  # a fresh, empty cache each time
        loaded = cache.load(path)
        assert not check_files([loaded])

    warm_cache = BankCache(work / "warm")
    warm_cache.load(path)

    def warm() -> None:
        loaded = warm_cache.load(path)
        assert not check_files([loaded])

    bare_t, cold_t, warm_t = [], [], []
    for _ in range(3):  # interleave so both sides see the same machine state
        bare_t += timed(bare, 1)
        cold_t += timed(cold, 1)
        warm_t += timed(warm, 1)
    b, c, w = median(bare_t), median(cold_t), median(warm_t)
    print(f"bare C-loader parse: median {b:.3f} s  ({', '.join(f'{x:.3f}' for x in bare_t)})")
    print(f"our cold load+validate: median {c:.3f} s  ({', '.join(f'{x:.3f}' for x in cold_t)})")
    print(f"our warm load (cache): median {w:.3f} s  ({', '.join(f'{x:.3f}' for x in warm_t)})")

    def bundled_cold() -> None:
        BankService(include_user=False, cache=BankCache(work / f"bundled-{next(counter)}")).catalogue()

    bundled_cache = BankCache(work / "bundled-warm")
    BankService(include_user=False, cache=bundled_cache).catalogue()
    bundled_warm_t = timed(lambda: BankService(include_user=False, cache=bundled_cache).catalogue(), 5)
    bundled_cold_t = timed(bundled_cold, 3)
    print(
        f"bundled banks: cold median {median(bundled_cold_t) * 1000:.1f} ms, warm median {median(bundled_warm_t) * 1000:.1f} ms"
    )

    result("bank_load_cold", c / b, 2.0, bare_s=f"{b:.3f}", ours_s=f"{c:.3f}", format=2)
    result("bank_load_warm", w / 0.3, 1.0, warm_s=f"{w:.3f}", note="ratio=warm/0.3s")
    result("bank_load_bundled", median(bundled_cold_t) / 0.2, 1.0, cold_ms=f"{median(bundled_cold_t) * 1000:.1f}")


if __name__ == "__main__":
    main()
