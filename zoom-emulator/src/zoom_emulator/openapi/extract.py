"""Make ``zoom-api.json``: the parts of Zoom's published API documents the emulator checks requests
and responses against (SOURCE.md says where each document comes from).

    python src/zoom_emulator/openapi/extract.py DIR_WITH_THE_DOCUMENTS   (from the zoom-emulator folder)

For each document it keeps the paths listed in ``WANTED`` (every method of each) and every
definition or component they reference, directly or through other references, unchanged; so
``$ref``s resolve exactly as they would in the whole document. A path added here costs no code: its
request bodies are checked and cleaned from the schema.
"""

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# document -> paths kept whole; None keeps every path (webhook documents: one path per event)
WANTED: dict[str, list[str] | None] = {
    "zoom-users-endpoints.json": [
        "/users",
        "/users/{userId}",
        "/users/{userId}/status",
        "/users/{userId}/permissions",
        "/users/summary",
        "/groups",
        "/groups/{groupId}",
        "/groups/{groupId}/members",
        "/groups/{groupId}/members/{memberId}",
    ],
    "zoom-accounts-endpoints.json": [
        "/roles",
        "/roles/{roleId}",
        "/roles/{roleId}/members",
        "/roles/{roleId}/members/{memberId}",
    ],
    "zoom.json": [
        "/users/{userId}",
        "/users/{userId}/meetings",
        "/meetings/{meetingId}",
        "/meetings/{meetingId}/status",
        "/meetings/{meetingId}/registrants",
        "/meetings/{meetingId}/batch_registrants",
        "/meetings/{meetingId}/registrants/status",
        "/meetings/{meetingId}/registrants/{registrantId}",
        "/past_meetings/{meetingUUID}",
        "/past_meetings/{meetingUUID}/participants",
        "/report/meetings/{meetingId}/participants",
        "/roles",
        "/roles/{roleId}",
    ],
    "zoom-users-events-webhooks.json": None,
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
    (HERE / "zoom-api.json").write_text(json.dumps(out, sort_keys=True, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
