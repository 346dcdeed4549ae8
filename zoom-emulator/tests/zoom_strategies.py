"""Hypothesis strategies drawn from Zoom's published schemas (zoom_emulator.openapi): request bodies
and query strings an API client could send, nulls and Zoom-only fields included, and the same with
one field of the wrong type."""

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

# Values a client would send for fields that name things in the seeded account; random text
# covers the rest.
KNOWN_STRINGS: dict[str, list[str]] = {
    "timezone": ["America/New_York", "Europe/Berlin", "UTC", "Mars/Olympus"],
    "alternative_hosts": ["owner@acme.test", "admin@acme.test;owner@acme.test", "nobody@acme.test", ""],
    "schedule_for": ["tutor@acme.test", "u-admin", "nobody@acme.test"],
    "email": ["new@acme.test", "other@acme.test", "tutor@acme.test", "not-an-email"],
    "id": ["u-tutor", "u-basic", "u-admin", "missing"],
    "password": ["abc123", "s3cret-pass", "x" * 12, "a b"],
    "name": ["Tutors", "Mentors", ""],
}
# Fields only Zoom writes, and fields it does not know: sent by careless clients, ignored by Zoom.
EXTRAS = {
    "global_dial_in_numbers": [{"country": "US", "number": "+1 000"}],
    "join_url": "https://example.test/j/1",
    "id": 123,
    "uuid": "abc==",
    "no_such_field": {"x": 1},
}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def zoom_date_times() -> st.SearchStrategy[str]:
    moments = st.integers(0, 130 * 365 * 86400).map(lambda s: EPOCH + timedelta(seconds=s))
    return st.one_of(
        moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
        moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S")),
    )


def values(schema: dict[str, Any], name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -5), schema.get("maximum", 400))
    if kind == "number":
        return st.floats(-1000, 1000, allow_nan=False)
    if kind == "string":
        if schema.get("format") == "date-time":
            return zoom_date_times()
        known = next((v for k, v in KNOWN_STRINGS.items() if name == k or name.endswith(k)), None)
        shortest = schema.get("minLength", 0)
        text = st.text(min_size=shortest, max_size=max(shortest, min(schema.get("maxLength", 30), 30)))
        return st.one_of(st.sampled_from(known), text) if known else text
    if kind == "array" and depth < 4:
        items = schema.get("items") or {}
        return st.lists(values(items, name, depth + 1), max_size=min(3, schema.get("maxItems", 3)))
    if (kind == "object" or "properties" in schema) and depth < 4:
        return objects(schema, depth + 1)
    return st.none()


def objects(
    schema: dict[str, Any], depth: int = 0, nulls: bool = True, every: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """Objects of the schema; `every` gives every documented field a value."""
    properties = schema.get("properties", {})
    required = set(properties) if every else set(schema.get("required", []))
    optional = {
        # A null one time in four: enough to meet every field as null, not so often that bodies
        # come out empty.
        name: (
            st.one_of(values(sub, name, depth), values(sub, name, depth), values(sub, name, depth), st.none())
            if nulls
            else values(sub, name, depth)
        )
        for name, sub in properties.items()
        if name not in required
    }
    return st.fixed_dictionaries(
        {name: values(properties[name], name, depth) for name in required if name in properties},
        optional=optional,
    )


def bodies(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies a client might send: typed as documented, with nulls, Zoom-only and unknown fields."""
    extras = st.fixed_dictionaries({}, optional={k: st.just(v) for k, v in EXTRAS.items()})
    documented = st.one_of(objects(schema), objects(schema, every=True))
    return st.tuples(documented, extras).map(lambda pair: {**pair[1], **pair[0]})


def typed_paths(schema: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """(field path as Zoom names it, declared type) for every property down to settings.*."""
    found = []
    for name, sub in schema.get("properties", {}).items():
        if sub.get("readOnly") or "type" not in sub:
            continue
        path = f"{prefix}.{name}" if prefix else name
        found.append((path, sub["type"]))
        if sub["type"] == "object" and not prefix:
            found += typed_paths(sub, path)
    return found


WRONG = {
    "string": 12345,
    "integer": "ten",
    "number": "ten",
    "boolean": "yes",
    "array": "one,two",
    "object": "on",
}


def with_wrong_type(body: dict[str, Any], path: str, kind: str) -> dict[str, Any]:
    out = dict(body)
    parts = path.split(".")
    node = out
    for part in parts[:-1]:
        node[part] = dict(node[part]) if isinstance(node.get(part), dict) else {}
        node = node[part]
    node[parts[-1]] = WRONG[kind]
    return out


def query_strings(parameters: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, str]]:
    """Query strings from the operation's `in: query` parameters: documented values and junk."""
    optional: dict[str, st.SearchStrategy[str]] = {}
    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        schema = parameter.get("schema") or parameter
        documented = values(schema, parameter["name"]).map(
            lambda v: str(v).lower() if isinstance(v, bool) else str(v)
        )
        optional[parameter["name"]] = st.one_of(documented, st.text(max_size=8))
    return st.fixed_dictionaries({}, optional=optional)
