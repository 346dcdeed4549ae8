from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running SessionDesk: the embedded ``up`` instance, the demo data, operator commands."""

    name = "sessiondesk.ops"
