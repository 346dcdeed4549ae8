from typing import Any

from django.conf import settings
from django.http import HttpRequest


def membership(request: HttpRequest) -> dict[str, Any]:
    return {
        "member": getattr(request, "member", None),
        "org": getattr(request, "org", None),
        "dev_mailbox": settings.DEV_MAILBOX,
    }
