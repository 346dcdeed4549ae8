from django.urls import path

from sessiondesk.scheduling.views import (
    availability,
    calendars,
    clients,
    portal,
    public,
    session_types,
    sessions,
)

urlpatterns: list = [
    path("", sessions.session_list, name="home"),
    path("sessions/week/", sessions.session_week, name="session_week"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/reschedule/", sessions.session_reschedule, name="session_reschedule"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("book/<slug:org_slug>/<slug:calendar_slug>/", public.booking_page, name="public_booking"),
    path("book/<slug:org_slug>/<slug:calendar_slug>/day/", public.booking_day, name="public_booking_day"),
    path(
        "book/<slug:org_slug>/<slug:calendar_slug>/details/",
        public.booking_details,
        name="public_booking_details",
    ),
    path("manage/<str:token>/", portal.manage_booking, name="manage_booking"),
    path("manage/<str:token>/booked/", portal.booking_confirmed, name="booking_confirmed"),
    path("manage/<str:token>/meeting/", portal.booking_meeting, name="booking_meeting"),
    path("manage/<str:token>/invite.ics", portal.booking_invite, name="booking_invite"),
    path("manage/<str:token>/reschedule/", portal.manage_reschedule, name="manage_reschedule"),
    path("manage/<str:token>/reschedule/day/", portal.manage_reschedule_day, name="manage_reschedule_day"),
    path("manage/<str:token>/cancel/", portal.manage_cancel, name="manage_cancel"),
    path("portal/<str:token>/", portal.client_portal, name="client_portal"),
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/<int:pk>/", clients.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", clients.client_edit, name="client_edit"),
    path("session-types/", session_types.session_type_list, name="session_type_list"),
    path("session-types/new/", session_types.session_type_create, name="session_type_create"),
    path("session-types/<int:pk>/edit/", session_types.session_type_edit, name="session_type_edit"),
    path("calendars/", calendars.calendar_list, name="calendar_list"),
    path("calendars/new/", calendars.calendar_create, name="calendar_create"),
    path("calendars/<int:pk>/", calendars.calendar_detail, name="calendar_detail"),
    path("calendars/<int:pk>/edit/", calendars.calendar_edit, name="calendar_edit"),
    path("availability/", availability.availability_edit, name="availability_edit"),
    path("availability/window-row/", availability.window_row, name="availability_window_row"),
    path("availability/overrides/", availability.override_add, name="override_add"),
    path("availability/overrides/<int:pk>/delete/", availability.override_delete, name="override_delete"),
    path(
        "members/<int:member_id>/availability/", availability.member_availability, name="member_availability"
    ),
    path(
        "members/<int:member_id>/availability/overrides/",
        availability.member_override_add,
        name="member_override_add",
    ),
    path(
        "members/<int:member_id>/availability/overrides/<int:pk>/delete/",
        availability.member_override_delete,
        name="member_override_delete",
    ),
]
