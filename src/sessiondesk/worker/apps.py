from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "sessiondesk.worker"
    label = "worker"
