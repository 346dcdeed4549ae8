from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "sessiondesk.integrations.zoom.directory"
    label = "zoom_directory"
    verbose_name = "Zoom directory"
