"""The whole organisation as one JSON document (``transfer.backup``), for owners and admins."""

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Router
from ninja.errors import HttpError

from sessiondesk.api.auth import member_of
from sessiondesk.api.schemas import Error
from sessiondesk.transfer.export_views import org_json_response

router = Router(tags=["organisation"])


@router.get(
    "/export",
    response={200: dict, 401: Error, 403: Error},
    summary="Everything of your organisation as JSON, without secrets (owners and admins)",
)
def export_organization(request: HttpRequest) -> StreamingHttpResponse:
    member = member_of(request)
    if not member.is_admin:
        raise HttpError(403, "Only owners and admins can export the organisation.")
    return org_json_response(member)
