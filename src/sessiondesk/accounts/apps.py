from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sessiondesk.accounts"
