from django.apps import AppConfig


class ZoomConfig(AppConfig):
    name = "sessiondesk.integrations.zoom"
    label = "zoom"
    verbose_name = "Zoom"

    def ready(self) -> None:
        # The Settings page's Meeting Preferences card (accounts names no integration).
        from sessiondesk.accounts import settings_cards
        from sessiondesk.integrations.zoom.pages.settings_card import ANCHOR, card_context

        settings_cards.register("zoom/settings_card.html", card_context, anchor=ANCHOR)
        # The audit log's sentences for Zoom's actions.
        from sessiondesk.accounts import audit_sentences
        from sessiondesk.integrations.zoom import audit_sentences as zoom_sentences

        audit_sentences.register(zoom_sentences.SENTENCES, zoom_sentences.AREAS)
