"""The JSON Schema of the bank and scenario formats, kept to draft-07 for editors.

VS Code's YAML extension (yaml-language-server) fully supports draft-07 only; pydantic
writes 2020-12 style ``$defs``. We move definitions to ``definitions`` and drop the few
keywords draft-07 lacks, so authors get checking and completion as they type.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from mockinspect.banks.format2 import BankFile, DocumentRegistry
from mockinspect.domain.bank import Bank
from mockinspect.domain.scenario import Scenario

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# Keywords of draft-07 (validation + annotations) that a generated schema may use.
DRAFT_07_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$ref",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "readOnly",
        "type",
        "enum",
        "const",
        "properties",
        "additionalProperties",
        "required",
        "items",
        "additionalItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "anyOf",
        "oneOf",
        "allOf",
        "not",
        "definitions",
        "format",
        "propertyNames",
        "patternProperties",
        "dependencies",
        "if",
        "then",
        "else",
        "contains",
        "minProperties",
        "maxProperties",
    }
)


def _draft07(model: type[BaseModel], schema_id: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}", mode="validation")
    definitions = schema.pop("$defs", {})
    out: dict[str, Any] = {"$schema": DRAFT_07, "$id": schema_id}
    out.update(schema)
    if definitions:
        out["definitions"] = definitions
    return out


def bank_schema() -> dict[str, Any]:
    """The bank format authors write: format 2."""
    return _draft07(BankFile, "urn:mockinspect:schema:bank")


def bank_v1_schema() -> dict[str, Any]:
    """Format 1, still read (``bank migrate`` converts it)."""
    return _draft07(Bank, "urn:mockinspect:schema:bank-1")


def documents_schema() -> dict[str, Any]:
    return _draft07(DocumentRegistry, "urn:mockinspect:schema:documents")


SCHEMAS = {
    "bank": bank_schema,
    "scenario": lambda: scenario_schema(),
    "documents": documents_schema,
    "bank-1": bank_v1_schema,
}


def schema_for(kind: str) -> dict[str, Any]:
    return SCHEMAS[kind]()


def scenario_schema() -> dict[str, Any]:
    return _draft07(Scenario, "urn:mockinspect:schema:scenario")


def dumps(schema: dict[str, Any]) -> str:
    """The text written to ``question_banks/schema/*.schema.json`` (stable, so a test can compare)."""
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
