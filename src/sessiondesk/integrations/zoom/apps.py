from django.apps import AppConfig


class ZoomConfig(AppConfig):
    name = "sessiondesk.integrations.zoom"
    label = "zoom"
    verbose_name = "Zoom"

    def ready(self) -> None:
        from sessiondesk.accounts import settings_cards
        from sessiondesk.integrations.zoom.settings_card import card_context

        settings_cards.register("zoom/settings_card.html", card_context)

        from sessiondesk.integrations.zoom import jobs

        jobs.register()

        from sessiondesk.integrations.zoom import meeting_events, sweep, webhooks
        from sessiondesk.meetings import jobs as meeting_jobs

        webhooks.register_handler("meeting.deleted", meeting_events.on_meeting_deleted)
        webhooks.register_handler("meeting.updated", meeting_events.on_meeting_updated)
        meeting_jobs.register("zoom-meeting-sweep", sweep.run, limit=20)
