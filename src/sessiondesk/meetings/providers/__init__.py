"""The provider registry: one line per provider, loaded on first use (like healthchecks' TRANSPORTS)."""

from django.utils.module_loading import import_string

from sessiondesk.meetings.providers.base import Meeting, MeetingProvider, ProviderError, commit_intent

__all__ = [
    "PROVIDERS",
    "Meeting",
    "MeetingProvider",
    "ProviderError",
    "commit_intent",
    "get",
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
