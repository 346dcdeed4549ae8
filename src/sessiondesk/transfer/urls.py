from django.urls import path

from sessiondesk.transfer import export_views, import_views

urlpatterns = [
    path("sessions/export.csv", export_views.sessions_csv, name="export_sessions"),
    path("clients/export.csv", export_views.clients_csv, name="export_clients"),
    path("members/export.csv", export_views.members_csv, name="export_members"),
    path("audit/export.csv", export_views.audit_csv, name="export_audit"),
    path("settings/export.json", export_views.organization_json, name="export_organization"),
    path("import/", import_views.upload, name="import_upload"),
    path("import/<int:pk>/", import_views.mapping, name="import_mapping"),
    path("import/<int:pk>/preview/", import_views.preview, name="import_preview"),
    path("import/<int:pk>/start/", import_views.start, name="import_start"),
    path("import/<int:pk>/progress/", import_views.progress, name="import_progress"),
    path("import/<int:pk>/result/", import_views.result, name="import_result"),
]
