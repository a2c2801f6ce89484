from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

VALID_BANK = """\
kind: bank
id: sample
title: Sample bank
version: 1.0.0
documents:
  - id: EU-GMP-Annex-11
    title: Computerised systems
areas:
  - id: data-integrity
    title: Data integrity
questions:
  - id: SMP-001
    area: data-integrity
    prompt: Show me the audit trail review for the last released batch.
    intent: Audit trails are only useful if someone reads them.
    guidance: A documented, risk-based review before release.
    key_points:
      - id: before-release
        text: Reviewed before batch release
        terms: [[review, reviewed], [release]]
    follow_ups:
      - ask: SMP-002
        when:
          status: [deficient]
          missed_key_points: [before-release]
    citations:
      - doc: EU-GMP-Annex-11
        clause: "9"
    default_grade: major
    tags: [audit-trail]
  - id: SMP-002
    area: data-integrity
    prompt: Who reviewed it, and against which SOP?
    intent: Checks the review is owned and proceduralised.
    guidance: A named reviewer working to an approved SOP.
    default_grade: minor
    follow_up_only: true
"""

VALID_SCENARIO = """\
kind: scenario
id: sample-scenario
title: Sample
version: 1.0.0
persona: fda
agenda:
  - title: Day one
    areas: [data-integrity]
    minutes: 60
draw:
  banks: [sample]
  per_area: 3
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text)


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


VALID_BANK2 = """\
kind: bank
format: 2
id: sample2
title: Sample bank, format 2
version: 2.0.0
documents:
  - {id: PRIVATE-SOP, title: Our own SOP}
areas:
  - {id: data-integrity, title: Data integrity}
sections:
  - area: data-integrity
    regions: [eu, us]
    questions:
      - id: SM2-001
        prompt: Show me the audit trail review for the last released batch.
        intent: Audit trails are only useful if someone reads them.
        guidance: A documented, risk-based review before release.
        key_points:
          before-release: Reviewed before batch release
          documented: The review record says what was seen
        terms:
          before-release: [[review, reviewed], [release]]
        evidence:
          - Audit-trail review records for the last 3 released lots
          - {what: Audit-trail configuration screen, type: live-demo, turnaround: immediate}
        cite: ["EU-GMP-Annex-11 §9", "21-CFR-211 211.192", {doc: PIC-S-PI-041, clause: "§11.2", role: grading}]
        grade: major
        escalate: {critical: a result was changed and the change hidden from review}
        observation: Audit trails for [system] were not reviewed before release of [lots].
        alcoa: [attributable, complete]
        fda_system: laboratory
        tags: [audit-trail]
        probes:
          - when: {any: [deficient, {missed: before-release}]}
            prompt: Who reviewed it, and against which SOP?
            guidance: A named reviewer working to an approved SOP.
            cite: [PRIVATE-SOP]
          - when: {on: compliant}
            prompt: Show me where this entry was seen in the review record.
            guidance: The reviewer finds the entry in the record.
            grade: minor
"""
