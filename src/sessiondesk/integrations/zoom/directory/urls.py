from django.urls import path

from sessiondesk.integrations.zoom.directory import page_actions, views

urlpatterns = [
    path("", views.users, name="zoom_directory_users"),
    path("sync/", page_actions.sync_now, name="zoom_directory_sync"),
    path("sync/status/", views.sync_status, name="zoom_directory_sync_status"),
    path("onboard/", page_actions.onboard_user, name="zoom_directory_onboard"),
    path("adopt/", page_actions.adopt_user, name="zoom_directory_adopt"),
    path("remove-integration/", page_actions.remove_integration, name="zoom_directory_remove"),
    path("<int:pk>/", views.user_detail, name="zoom_directory_user"),
    path("<int:pk>/offboard/", page_actions.offboard_user, name="zoom_directory_offboard"),
    path("<int:pk>/role/", page_actions.change_role, name="zoom_directory_role"),
    path("<int:pk>/groups/add/", page_actions.add_group, name="zoom_directory_group_add"),
    path("<int:pk>/groups/remove/", page_actions.remove_group, name="zoom_directory_group_remove"),
    path("<int:pk>/link/", page_actions.link_member, name="zoom_directory_link"),
]
