from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "sessiondesk.transfer"

    def ready(self) -> None:
        # Models are loaded only now: the settings card and the audit sentences name them.
        from sessiondesk.accounts import audit_sentences, settings_cards
        from sessiondesk.transfer import pages

        settings_cards.register("transfer/settings_card.html", pages.card_context, anchor="import-export")
        audit_sentences.register(pages.SENTENCES, pages.AREAS)
