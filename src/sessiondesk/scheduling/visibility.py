"""What a member may see, for the pages and the API alike: their organisation only; consultants only
the sessions they take part in, the calendars they belong to, and the clients of their sessions or
that they added. Owners, admins and staff see the whole organisation."""

from django.db.models import Q, QuerySet

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.models import Calendar, Client, Session, SessionClient, SessionCoHost


def sessions_for(member: Member) -> QuerySet[Session]:
    sessions = Session.objects.filter(org_id=member.org_id)
    if not member.manages_org:
        # Two indexed lookups (hosted, co-hosted) instead of one OR over a join of every session.
        co_hosted = SessionCoHost.objects.filter(member_id=member.pk).values("session_id")
        sessions = sessions.filter(Q(consultant_id=member.pk) | Q(pk__in=co_hosted))
    return sessions


def calendars_for(member: Member) -> QuerySet[Calendar]:
    calendars = Calendar.objects.filter(org_id=member.org_id)
    if not member.manages_org:
        calendars = calendars.filter(pk__in=Calendar.objects.filter(members=member).values("pk"))
    return calendars


def clients_for(member: Member) -> QuerySet[Client]:
    clients = Client.objects.filter(org_id=member.org_id)
    if not member.manages_org:
        attending = SessionClient.objects
        hosted = attending.filter(session__consultant=member).values("client_id")
        co_hosted = SessionCoHost.objects.filter(member=member).values("session_id")
        joined = attending.filter(session_id__in=co_hosted).values("client_id")
        clients = clients.filter(Q(pk__in=hosted) | Q(pk__in=joined) | Q(created_by=member))
    return clients
