from django.urls import path

from sessiondesk.accounts.views import audit_log, auth, invitation_accept, members, pickers, settings_page

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invite/<str:token>/", invitation_accept.invitation_accept, name="invitation_accept"),
    path("members/", members.member_list, name="member_list"),
    path("members/invite/", members.invitation_create, name="invitation_create"),
    path("members/invitations/<int:pk>/revoke/", members.invitation_revoke, name="invitation_revoke"),
    path("members/<int:pk>/role/", members.member_role, name="member_role"),
    path("members/<int:pk>/deactivate/", members.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reactivate/", members.member_reactivate, name="member_reactivate"),
    path("audit/", audit_log.audit_log, name="audit_log"),
    path("pick/members/", pickers.members, name="pick_members"),
    path("settings/", settings_page.settings_page, name="settings"),
    path("settings/profile/", settings_page.settings_profile, name="settings_profile"),
    path("settings/password/", settings_page.settings_password, name="settings_password"),
    path("settings/organization/", settings_page.settings_organization, name="settings_organization"),
    path("settings/tokens/", settings_page.api_token_create, name="api_token_create"),
    path("settings/tokens/<int:pk>/revoke/", settings_page.api_token_revoke, name="api_token_revoke"),
]
