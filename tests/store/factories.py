"""Banks, scenarios and sessions built in code, so store and service tests need no bank files."""

from __future__ import annotations

from pathlib import Path

from mockinspect.domain.bank import Bank
from mockinspect.domain.scenario import Scenario
from mockinspect.services.inspection import InspectionService


def make_bank(areas: int = 2, per_area: int = 4, *, bank_id: str = "test-bank", version: str = "1.0.0") -> Bank:
    area_ids = [f"area-{a}" for a in range(1, areas + 1)]
    return Bank.model_validate(
        {
            "kind": "bank",
            "id": bank_id,
            "title": "Test bank",
            "version": version,
            "documents": [{"id": "EU-GMP-Annex-11", "title": "Computerised systems"}],
            "areas": [{"id": a, "title": a.title()} for a in area_ids],
            "questions": [
                {
                    "id": f"Q-{a}-{q:03d}",
                    "area": area,
                    "prompt": f"Show me record {q} of {area}.",
                    "intent": "To see the record.",
                    "guidance": "The record is complete and reviewed.",
                    "key_points": [{"id": "kp1", "text": "reviewed", "terms": [["review", "reviewed"]]}],
                    "citations": [{"doc": "EU-GMP-Annex-11", "clause": "9"}],
                    "default_grade": "major",
                }
                for a, area in enumerate(area_ids, start=1)
                for q in range(1, per_area + 1)
            ],
        }
    )


def make_scenario(bank: Bank, *, persona: str = "fda", per_area: int | None = None) -> Scenario:
    areas = [a.id for a in bank.areas]
    count = per_area or max(sum(1 for q in bank.questions if q.area == a) for a in areas)
    return Scenario.model_validate(
        {
            "kind": "scenario",
            "id": "test-scenario",
            "title": "Test scenario",
            "version": "1.0.0",
            "persona": persona,
            "agenda": [{"title": f"Day {i}", "day": i, "areas": [a], "minutes": 60} for i, a in enumerate(areas, 1)],
            "draw": {"banks": [bank.id], "per_area": count, "seed": 3},
        }
    )


def new_session(db_path: Path, *, areas: int = 2, per_area: int = 4, persona: str = "fda", user: str = "tester") -> str:
    bank = make_bank(areas, per_area)
    with InspectionService.open(db_path, user_name=user) as service:
        return service.create_session(make_scenario(bank, persona=persona), [bank], site="Test site", lead="Lead").id
