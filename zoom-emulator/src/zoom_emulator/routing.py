"""A route table built from each resource's urls.py, matched with werkzeug."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.routing import Map, Rule

from .openapi import Operation


@dataclass(frozen=True)
class Scopes:
    """Scopes that allow an operation on the caller itself (`user`) or on anyone in the account (`admin`).

    Each tuple lists classic and granular names; holding any one is enough. `:master` variants of
    admin scopes are accepted too.
    """

    user: tuple[str, ...] = ()
    admin: tuple[str, ...] = ()

    def granular_user(self) -> str:
        return next((s for s in self.user if s.count(":") >= 2), self.user[0] if self.user else "")

    def granular_admin(self) -> str:
        return next((s for s in self.admin if s.count(":") >= 3), self.admin[0] if self.admin else "")


@dataclass(frozen=True)
class Route:
    rule: str
    methods: tuple[str, ...]
    handler: Callable[..., Any]
    # "rest" needs a bearer token and counts toward rate limits; "oauth", "page" and "control" do not.
    kind: str = "rest"
    category: str = "Light"
    scopes: Scopes = field(default_factory=Scopes)
    # Counts toward the per-host 100 meeting create/update calls per UTC day.
    daily_meeting: bool = False
    # The operation in Zoom's published documents: request bodies are checked against its request
    # schema (openapi.check), and the conformance tests hold answers to its response schemas.
    operation: Operation | None = None


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = {f"r{i}": route for i, route in enumerate(routes)}
        self.map = Map(
            [Rule(r.rule, endpoint=name, methods=list(r.methods)) for name, r in self.routes.items()],
            strict_slashes=False,
            merge_slashes=True,
        )

    def bind(self, environ: dict[str, Any]) -> Any:
        return self.map.bind_to_environ(environ)
