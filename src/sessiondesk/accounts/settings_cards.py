"""Extra cards on the settings page, registered by other apps (e.g. Zoom "Meeting preferences").

An app registers once, from its ``AppConfig.ready``::

    settings_cards.register("zoom/settings_card.html", zoom_card_context)

``context(request)`` returns the card's template context, or None to hide the card for this viewer.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

CardContext = Callable[[HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class Card:
    template: str
    context: dict[str, Any]


_registry: list[tuple[str, CardContext]] = []


def register(template: str, context: CardContext = lambda request: {}) -> None:
    if all(t != template for t, _ in _registry):
        _registry.append((template, context))


def cards_for(request: HttpRequest) -> list[Card]:
    cards = []
    for template, context in _registry:
        values = context(request)
        if values is not None:
            cards.append(Card(template, values))
    return cards
