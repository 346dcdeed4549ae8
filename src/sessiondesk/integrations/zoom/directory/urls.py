from django.urls import path

from sessiondesk.integrations.zoom.directory import posts, views

urlpatterns = [
    path("", views.users, name="zoom_directory_users"),
    path("sync/", posts.sync_now, name="zoom_directory_sync"),
    path("sync/status/", views.sync_status, name="zoom_directory_sync_status"),
    path("onboard/", posts.onboard_user, name="zoom_directory_onboard"),
    path("adopt/", posts.adopt_user, name="zoom_directory_adopt"),
    path("remove-integration/", posts.remove_integration, name="zoom_directory_remove"),
    path("<int:pk>/", views.user_detail, name="zoom_directory_user"),
    path("<int:pk>/offboard/", posts.offboard_user, name="zoom_directory_offboard"),
    path("<int:pk>/role/", posts.change_role, name="zoom_directory_role"),
    path("<int:pk>/groups/add/", posts.add_group, name="zoom_directory_group_add"),
    path("<int:pk>/groups/remove/", posts.remove_group, name="zoom_directory_group_remove"),
    path("<int:pk>/link/", posts.link_member, name="zoom_directory_link"),
]
