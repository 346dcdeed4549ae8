from django.urls import path

from sessiondesk.integrations.zoom import health, policy_views, views, webhook_views

urlpatterns = [
    path("callback/", views.callback, name="zoom_callback"),
    path("connect/<str:kind>/", views.connect, name="zoom_connect"),
    path("disconnect/<str:kind>/", views.disconnect, name="zoom_disconnect"),
    path("data/delete/", views.delete_my_data, name="zoom_delete_my_data"),
    path("data/delete/<int:member_id>/", views.delete_member_data, name="zoom_delete_member_data"),
    path("links/<int:pk>/release/", views.release, name="zoom_release_link"),
    path("admin-mode/", views.admin_mode, name="zoom_admin_mode"),
    path("preferences/", views.preferences, name="zoom_preferences"),
    path("webhook/", webhook_views.webhook, name="zoom_webhook"),
    path("health/", health.health_page, name="zoom_health"),
    path("meeting-policy/", policy_views.meeting_policy, name="zoom_meeting_policy"),
]
