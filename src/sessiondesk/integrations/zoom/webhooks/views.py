"""``POST /integrations/zoom/webhook/``: the endpoint to register as the app's Event notification
endpoint URL (and deauthorization notification URL) in the Zoom Marketplace."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sessiondesk.integrations.zoom.webhooks import receive


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    # The personal (user-managed) and organisation (admin-managed) apps may have different secrets.
    secrets = [
        getattr(settings, name, "")
        for name in (
            "ZOOM_WEBHOOK_SECRET_TOKEN",
            "ZOOM_ORG_WEBHOOK_SECRET_TOKEN",
            "ZOOM_ORG_READONLY_WEBHOOK_SECRET_TOKEN",
        )
    ]
    raw = request.body
    secret = receive.matching_secret(
        secrets,
        request.headers.get("x-zm-request-timestamp", ""),
        request.headers.get("x-zm-signature", ""),
        raw,
    )
    if secret is None:
        # 4xx: Zoom does not retry, and a forged or replayed request learns nothing.
        return JsonResponse({"error": "invalid signature"}, status=401)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        body = None
    # Even a signed body must have Zoom's shape: {"event": "…", "payload": {…}}.
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("event"), str)
        or not body["event"]
        or not isinstance(body.get("payload", {}), dict)
    ):
        return JsonResponse({"error": "the body is not a Zoom event"}, status=400)
    event = body["event"]
    if event == "endpoint.url_validation":
        plain = (body.get("payload") or {}).get("plainToken")
        if not isinstance(plain, str) or not plain:
            return JsonResponse({"error": "plainToken missing"}, status=400)
        return JsonResponse(receive.url_validation_answer(secret, plain))
    row = receive.receive(event, body, raw)
    return JsonResponse({"status": "received" if row is not None else "duplicate"})
