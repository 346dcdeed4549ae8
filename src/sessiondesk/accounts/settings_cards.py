"""Extra cards on the settings page, registered by other apps (e.g. Zoom "Meeting preferences").

An app registers once, from its ``AppConfig.ready``::

    settings_cards.register("zoom/settings_card.html", zoom_card_context, anchor="meeting-preferences")

``context(request)`` returns the card's template context, or None to hide the card for this viewer.
``anchor``: the card's element id. A page that redirects to ``settings?at=<anchor>#<anchor>`` has its
messages shown inside the card (``messages_at``), where the browser scrolls, not above it.
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
    anchor: str = ""


_registry: list[tuple[str, CardContext, str]] = []


def register(template: str, context: CardContext = lambda request: {}, anchor: str = "") -> None:
    if all(t != template for t, _, _ in _registry):
        _registry.append((template, context, anchor))


def cards_for(request: HttpRequest) -> list[Card]:
    cards = []
    for template, context, anchor in _registry:
        values = context(request)
        if values is not None:
            cards.append(Card(template, values, anchor))
    return cards


def messages_at(request: HttpRequest, cards: list[Card]) -> str:
    """The anchor of the card the page was opened at (``?at=``) if it shows one, else ""."""
    at = request.GET.get("at", "")
    return at if at and any(card.anchor == at for card in cards) else ""
