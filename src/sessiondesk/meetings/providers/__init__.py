"""The provider registry: one line per provider, loaded on first use (like healthchecks' TRANSPORTS)."""

from django.utils.module_loading import import_string

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.meetings.providers.base import (
    Fix,
    HostingGap,
    Meeting,
    MeetingProvider,
    Preference,
    ProviderError,
    commit_intent,
)
from sessiondesk.scheduling.models import Provider

__all__ = [
    "PROVIDERS",
    "Fix",
    "HostingGap",
    "Meeting",
    "MeetingProvider",
    "Preference",
    "ProviderError",
    "commit_intent",
    "default_for",
    "get",
    "hosting_gap",
    "offered",
    "register",
    "unregister",
]

PROVIDERS: dict[str, str] = {
    "none": "sessiondesk.meetings.providers.builtin.NoMeetingProvider",
    "custom": "sessiondesk.meetings.providers.builtin.CustomLinkProvider",
    "zoom": "sessiondesk.integrations.zoom.meetings.provider.ZoomProvider",
}

_loaded: dict[str, MeetingProvider] = {}
_registered: dict[str, MeetingProvider] = {}


def get(name: str) -> MeetingProvider | None:
    """The provider called ``name``, or None when this installation does not offer it."""
    if name in _registered:
        return _registered[name]
    if name not in _loaded:
        if name not in PROVIDERS:
            return None
        _loaded[name] = import_string(PROVIDERS[name])()
    return _loaded[name]


def register(name: str, provider: MeetingProvider) -> None:
    """Install a provider instance at runtime, taking precedence over ``PROVIDERS`` (tests, plug-ins)."""
    _registered[name] = provider


def unregister(name: str) -> None:
    _registered.pop(name, None)


def offered(org: Organization, keep: str = "") -> list[tuple[str, str]]:
    """The providers people of ``org`` may choose, as (name, label); ``keep`` stays listed (a
    session's current provider)."""
    choices = []
    for name, label in Provider.choices:
        provider = get(name)
        if provider is not None and (provider.offered(org) or name == keep):
            choices.append((name, label))
    return choices


def default_for(member: Member) -> Preference:
    """The meeting a member's new online sessions start with: their preference (with its link, for
    "Custom link") where a provider keeps one and the preferred provider is offered; otherwise no
    meeting."""
    for name in PROVIDERS:
        provider = get(name)
        choice = provider.default_for(member) if provider is not None else None
        if choice is not None:
            chosen = get(choice.provider)
            return choice if chosen is not None and chosen.offered(member.org) else Preference(Provider.NONE)
    return Preference(Provider.NONE)


def hosting_gap(name: str, actor: Member, consultant: Member) -> HostingGap | None:
    """Why ``consultant`` cannot host a meeting of provider ``name`` yet, or None."""
    provider = get(name)
    return provider.hosting_gap(actor, consultant) if provider is not None else None
