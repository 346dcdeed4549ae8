from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "sessiondesk.scheduling"
