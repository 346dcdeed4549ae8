"""Zoom's published API documents (zoom-api.json, see SOURCE.md) as schemas the emulator can use.

An operation is named by its document, path and method, as Zoom writes them:
``Operation("zoom.json", "/users/{userId}/meetings", "post")``. Schemas come back with every
``$ref`` resolved and every ``allOf`` merged into one object schema, so a reader (the request
checker, the conformance tests) walks plain nested dicts.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DOCUMENTS = Path(__file__).resolve().parent / "zoom-api.json"

USERS = "zoom-users-endpoints.json"
ACCOUNTS = "zoom-accounts-endpoints.json"
V2_2021 = "zoom.json"
USER_EVENTS = "zoom-users-events-webhooks.json"
APP_EVENTS = "zoom-marketplace-events-webhooks.json"


@dataclass(frozen=True)
class Operation:
    document: str
    path: str
    method: str

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path} ({self.document})"


@cache
def documents() -> dict[str, Any]:
    return json.loads(DOCUMENTS.read_text())


def raw_operation(op: Operation) -> dict[str, Any]:
    return documents()[op.document]["paths"][op.path][op.method]


@cache
def request_schema(op: Operation) -> dict[str, Any] | None:
    """The JSON body schema (OpenAPI 3 requestBody, or a Swagger 2 `in: body` parameter)."""
    raw = raw_operation(op)
    schema = None
    if "requestBody" in raw:
        schema = raw["requestBody"].get("content", {}).get("application/json", {}).get("schema")
    for parameter in raw.get("parameters", []):
        if parameter.get("in") == "body":
            schema = parameter.get("schema")
    return flatten(op.document, schema) if schema else None


@cache
def response_schema(op: Operation, status: str) -> dict[str, Any] | None:
    response = raw_operation(op)["responses"].get(status)
    if response is None:
        return None
    schema = (
        response.get("content", {}).get("application/json", {}).get("schema")
        if "content" in response
        else response.get("schema")
    )
    return flatten(op.document, schema) if schema else None


@cache
def event_schema(document: str, event: str) -> dict[str, Any]:
    raw = documents()[document]["paths"][event]["post"]
    return flatten(document, raw["requestBody"]["content"]["application/json"]["schema"])


@cache
def documented_fields(document: str, event: str) -> frozenset[str]:
    """The fields an event's `payload.object` may carry."""
    payload = event_schema(document, event)["properties"]["payload"]
    return frozenset(payload["properties"]["object"].get("properties", {}))


def flatten(document: str, schema: Any, depth: int = 0) -> Any:
    """`schema` with references inlined and `allOf` parts merged (Zoom's documents have no cycles)."""
    if depth > 40:
        raise ValueError(f"{document}: schema nests too deep")
    if isinstance(schema, list):
        return [flatten(document, item, depth + 1) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return flatten(document, lookup(document, schema["$ref"]), depth + 1)
    out = {key: flatten(document, value, depth + 1) for key, value in schema.items() if key != "allOf"}
    for part in schema.get("allOf", []):
        merge(out, flatten(document, part, depth + 1))
    return out


def merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if key == "properties":
            properties = into.setdefault("properties", {})
            for name, sub in value.items():
                if isinstance(properties.get(name), dict) and isinstance(sub, dict):
                    merge(properties[name], sub)
                else:
                    properties[name] = sub
        elif key == "required":
            into["required"] = sorted({*into.get("required", []), *value})
        else:
            into.setdefault(key, value)


def lookup(document: str, ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"{document}: only local references are supported, not {ref}")
    node: Any = documents()[document]
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node
