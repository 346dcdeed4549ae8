"""Clients through the same form the pages use, so both refuse the same input with the same words."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Status
from ninja.errors import HttpError

from sessiondesk.accounts.models import Member
from sessiondesk.api import access, paging
from sessiondesk.api.auth import member_of
from sessiondesk.api.errors import form_invalid
from sessiondesk.api.present import client_out
from sessiondesk.api.schemas import ClientIn, ClientOut, ClientPage, ClientPatch, Error
from sessiondesk.scheduling import validation, visibility
from sessiondesk.scheduling.forms.clients import ClientForm
from sessiondesk.scheduling.models import Client

router = Router(tags=["clients"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
FIELDS = ("name", "email", "phone", "timezone", "notes")


class ClientFilters(paging.PageParams):
    q: str = Field("", max_length=200, description="Words to find in the name, email or phone.")


def _save(member: Member, client: Client, values: dict[str, Any]) -> Client:
    if values.get("timezone"):
        validation.validate_client_timezone(values["timezone"])
    data = {name: getattr(client, name) for name in FIELDS} | values
    form = ClientForm(data, org=member.org, instance=client)
    if not form.is_valid():
        raise form_invalid(form)
    if not form.has_changed() and client.pk:
        return client
    saved = form.save_for(member)
    if saved is None:
        raise form_invalid(form)
    return saved


@router.get("/", response={200: ClientPage, **ERRORS}, summary="List or search clients, by name")
def list_clients(request: HttpRequest, filters: Query[ClientFilters]) -> dict:
    clients = visibility.clients_for(member_of(request))
    for word in filters.q.replace("\x00", "").split():
        clients = clients.filter(
            Q(name__icontains=word) | Q(email__icontains=word) | Q(phone__icontains=word)
        )
    found = paging.page(clients, paging.BY_NAME, filters)
    return found | {"items": [client_out(c) for c in found["items"]]}


@router.get("/{client_id}", response={200: ClientOut, **ERRORS}, summary="Get a client")
def get_client(request: HttpRequest, client_id: int) -> dict:
    return client_out(access.get_or_404(visibility.clients_for(member_of(request)), client_id, "Client"))


@router.post("/", response={201: ClientOut, **ERRORS}, summary="Add a client")
def create_client(request: HttpRequest, payload: ClientIn) -> Status[dict]:
    member = member_of(request)
    values = payload.model_dump()
    values["timezone"] = values["timezone"] or member.org.timezone
    return Status(201, client_out(_save(member, Client(org=member.org), values)))


@router.patch("/{client_id}", response={200: ClientOut, **ERRORS}, summary="Change a client")
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> dict:
    member = member_of(request)
    client = access.get_or_404(visibility.clients_for(member), client_id, "Client")
    if not member.manages_org and client.created_by_id != member.pk:
        raise HttpError(403, "Consultants can change only the clients they added.")
    values = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return client_out(_save(member, client, values))
