from django.urls import path

from sessiondesk.meetings import views

urlpatterns = [
    path("sessions/<int:pk>/meeting/", views.meeting_block, name="meeting_block"),
    path("sessions/<int:pk>/meeting/retry/", views.meeting_retry, name="meeting_retry"),
]
