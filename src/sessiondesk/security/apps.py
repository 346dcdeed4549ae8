from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Rate limits shared by every process (counted in the database) and the 429 answer."""

    name = "sessiondesk.security"
