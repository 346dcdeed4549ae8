from django.urls import path

from sessiondesk.attendance import views

urlpatterns = [
    path("sessions/<int:pk>/attendance/", views.attendance_card, name="attendance_card"),
    path("sessions/<int:pk>/attendance/outcome/", views.correct_outcome, name="attendance_correct_outcome"),
    path("sessions/<int:pk>/attendance/line/", views.correct_line, name="attendance_correct_line"),
    path("attendance/", views.attendance_reports, name="attendance_reports"),
    path("attendance/policy/", views.attendance_policy, name="attendance_policy"),
]
