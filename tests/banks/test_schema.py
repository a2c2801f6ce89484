"""The published JSON Schema: in sync with the models, draft-07 only, and it agrees with the loader."""

from __future__ import annotations

import json

import jsonschema
import pytest

from mockinspect.banks import yaml12
from mockinspect.banks.schema import (
    DRAFT_07_KEYWORDS,
    bank_schema,
    bank_v1_schema,
    documents_schema,
    dumps,
    scenario_schema,
)
from mockinspect.resources import question_banks_dir

from .conftest import VALID_BANK, VALID_BANK2, VALID_SCENARIO

SCHEMAS = {"bank": bank_schema, "scenario": scenario_schema, "documents": documents_schema, "bank-1": bank_v1_schema}
PUBLISHED = ("bank", "scenario", "documents")


@pytest.mark.parametrize("kind", PUBLISHED)
def test_published_copy_is_in_sync(kind):
    published = question_banks_dir() / "schema" / f"{kind}.schema.json"
    assert published.read_text(encoding="utf-8") == dumps(SCHEMAS[kind]()), "run: make schema"


def _keywords(node, out):
    if isinstance(node, dict):
        for key, value in node.items():
            out.add(key)
            if key in ("properties", "definitions", "patternProperties"):
                for sub in value.values():
                    _keywords(sub, out)
            else:
                _keywords(value, out)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, out)


@pytest.mark.parametrize("kind", SCHEMAS)
def test_only_draft_07_keywords(kind):
    schema = SCHEMAS[kind]()
    used: set[str] = set()
    _keywords(schema, used)
    assert used <= DRAFT_07_KEYWORDS, used - DRAFT_07_KEYWORDS
    jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("kind", "text"), [("bank-1", VALID_BANK), ("bank", VALID_BANK2), ("scenario", VALID_SCENARIO)]
)
def test_schema_accepts_what_the_loader_accepts(kind, text):
    jsonschema.Draft7Validator(SCHEMAS[kind]()).validate(yaml12.parse(text).data)


def test_schema_rejects_a_typo_as_the_loader_does():
    data = yaml12.parse(VALID_BANK2.replace("intent: Audit", "intnet: Audit")).data
    errors = list(jsonschema.Draft7Validator(bank_schema()).iter_errors(data))
    assert errors


def test_bundled_banks_pass_the_schema():
    folder = question_banks_dir()
    files = sorted((folder / "banks").glob("*.yaml")) + sorted((folder / "scenarios").glob("*.yaml"))
    files.append(folder / "documents.yaml")
    assert files
    for path in files:
        data = yaml12.parse(path.read_text(encoding="utf-8")).data
        kind = "bank-1" if data["kind"] == "bank" and data.get("format") != 2 else data["kind"]
        jsonschema.Draft7Validator(SCHEMAS[kind]()).validate(data)


def test_schema_is_valid_json_text():
    assert json.loads(dumps(bank_schema()))["$schema"] == "http://json-schema.org/draft-07/schema#"
