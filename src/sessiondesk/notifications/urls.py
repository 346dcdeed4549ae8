from django.urls import path

from sessiondesk.notifications import mailbox_views

urlpatterns = [
    path("dev/mailbox/", mailbox_views.mailbox, name="mailbox"),
    path("dev/mailbox/clear/", mailbox_views.mailbox_clear, name="mailbox_clear"),
    path("dev/mailbox/<int:pk>/", mailbox_views.mailbox_message, name="mailbox_message"),
    path("dev/mailbox/<int:pk>/html/", mailbox_views.mailbox_html, name="mailbox_html"),
    path(
        "dev/mailbox/<int:pk>/attachments/<int:index>/",
        mailbox_views.mailbox_attachment,
        name="mailbox_attachment",
    ),
]
