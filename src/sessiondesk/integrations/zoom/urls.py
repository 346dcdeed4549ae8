from django.urls import path

from sessiondesk.integrations.zoom.pages import connection, health
from sessiondesk.integrations.zoom.pages import policy as policy_views
from sessiondesk.integrations.zoom.webhooks import views

urlpatterns = [
    path("callback/", connection.callback, name="zoom_callback"),
    path("connect/<str:kind>/", connection.connect, name="zoom_connect"),
    path("disconnect/<str:kind>/", connection.disconnect, name="zoom_disconnect"),
    path("data/delete/", connection.delete_my_data, name="zoom_delete_my_data"),
    path("data/delete/<int:member_id>/", connection.delete_member_data, name="zoom_delete_member_data"),
    path("links/<int:pk>/release/", connection.release, name="zoom_release_link"),
    path("admin-mode/", connection.admin_mode, name="zoom_admin_mode"),
    path("preferences/", connection.preferences, name="zoom_preferences"),
    path("webhook/", views.webhook, name="zoom_webhook"),
    path("health/", health.health_page, name="zoom_health"),
    path("meeting-policy/", policy_views.meeting_policy, name="zoom_meeting_policy"),
]
