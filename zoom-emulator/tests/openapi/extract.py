"""Make ``schemas.json``: the parts of Zoom's published OpenAPI documents that the conformance tests
use (see SOURCE.md for where each document comes from).

    python tests/openapi/extract.py DIR_WITH_THE_DOCUMENTS   (from the zoom-emulator folder)

For each document it keeps the operations and events listed in ``WANTED`` and every definition or
component they reference, directly or through other references, unchanged; so the tests resolve
``$ref``s exactly as they would in the whole document.
"""

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# document -> paths kept whole (every method and response of each)
WANTED = {
    "zoom-users-endpoints.json": ["/users/{userId}", "/users", "/groups", "/groups/{groupId}/members"],
    "zoom-accounts-endpoints.json": ["/roles", "/roles/{roleId}/members"],
    "zoom.json": [
        "/users/{userId}",
        "/users/{userId}/meetings",
        "/meetings/{meetingId}",
        "/meetings/{meetingId}/registrants",
        "/meetings/{meetingId}/batch_registrants",
    ],
    "zoom-users-events-webhooks.json": None,  # every event
    "zoom-marketplace-events-webhooks.json": ["app_deauthorized"],
}
REF = re.compile(r'"\$ref":\s*"#/([^"]+)"')


def lookup(doc: dict[str, Any], pointer: str) -> Any:
    node: Any = doc
    for part in pointer.split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def place(target: dict[str, Any], pointer: str, value: Any) -> None:
    parts = pointer.split("/")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def extract(doc: dict[str, Any], paths: list[str] | None) -> dict[str, Any]:
    kept: dict[str, Any] = {"paths": {p: doc["paths"][p] for p in (paths or doc["paths"])}}
    todo = REF.findall(json.dumps(kept))
    seen: set[str] = set()
    while todo:
        pointer = todo.pop()
        if pointer in seen:
            continue
        seen.add(pointer)
        value = lookup(doc, pointer)
        place(kept, pointer, value)
        todo += REF.findall(json.dumps(value))
    return kept


def main(source: Path) -> None:
    out = {name: extract(json.loads((source / name).read_text()), paths) for name, paths in WANTED.items()}
    (HERE / "schemas.json").write_text(json.dumps(out, sort_keys=True, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
