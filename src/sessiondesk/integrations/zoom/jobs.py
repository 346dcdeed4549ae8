"""The Zoom connection's worker jobs, registered from ZoomConfig.ready()."""

from sessiondesk.meetings import jobs


def register() -> None:
    from sessiondesk.integrations.zoom import deauthorize, reconnect, tokens, webhooks

    jobs.register("zoom-token-refresh", tokens.refresh_ahead, limit=10)
    jobs.register("zoom-reconnect-reminders", reconnect.send_reminders, limit=20)
    jobs.register("zoom-webhooks", webhooks.process_due, limit=20)
    webhooks.register_handler("app_deauthorized", deauthorize.after_deauthorization)
