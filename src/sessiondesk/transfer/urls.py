from django.urls import path

from sessiondesk.transfer import export_views

urlpatterns = [
    path("sessions/export.csv", export_views.sessions_csv, name="export_sessions"),
    path("clients/export.csv", export_views.clients_csv, name="export_clients"),
    path("members/export.csv", export_views.members_csv, name="export_members"),
    path("audit/export.csv", export_views.audit_csv, name="export_audit"),
    path("settings/export.json", export_views.organization_json, name="export_organization"),
]
