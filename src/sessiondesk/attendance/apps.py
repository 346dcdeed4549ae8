from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "sessiondesk.attendance"
