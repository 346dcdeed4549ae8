"""Every error leaves the API as JSON ``{"detail": "<message>", "field": "<name or null>"}``."""

import functools
import json
import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sessiondesk.scheduling.errors import BookingError

logger = logging.getLogger(__name__)

# Pydantic's wording is written for programmers; these read better to whoever calls the API.
MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
    "timezone_aware": "Include a UTC offset, e.g. 2026-03-02T15:00:00+01:00 or 2026-03-02T14:00:00Z.",
    "datetime_type": "Use an ISO 8601 date and time with a UTC offset, e.g. 2026-03-02T15:00:00+01:00.",
    "datetime_parsing": "Use an ISO 8601 date and time with a UTC offset, e.g. 2026-03-02T15:00:00+01:00.",
    "datetime_from_date_parsing": "Use an ISO 8601 date and time with a UTC offset, e.g. 2026-03-02T15:00:00+01:00.",
    "date_parsing": "Use an ISO 8601 date, e.g. 2026-03-02.",
    "date_from_datetime_parsing": "Use an ISO 8601 date, e.g. 2026-03-02.",
    "model_attributes_type": "Send a JSON object.",
    "model_type": "Send a JSON object.",
    "dict_type": "Send a JSON object.",
}


# Names of the parameters that wrap a body or query schema; callers never see them.
WRAPPERS = ("payload", "filters", "query")


class NotFound(HttpError):
    def __init__(self, what: str) -> None:
        super().__init__(404, f"{what} not found.")


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, field: str | None = None, errors: list | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.errors = errors


def form_invalid(form: BaseForm) -> ApiError:
    """A 422 carrying a Django form's errors, worded as the pages word them."""
    errors = [
        {"field": None if name == NON_FIELD_ERRORS else name, "message": item["message"]}
        for name, items in form.errors.get_json_data().items()
        for item in items
    ]
    first = errors[0]
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return ApiError(422, detail, first["field"], errors)


def error(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field}, status=status)


def _field(loc: tuple[Any, ...] | list[Any]) -> str | None:
    # ("body", "payload", "repeat", "count") -> "repeat.count": the source and ninja's wrapper go.
    parts = [str(p) for p in loc[1:]]
    if parts and parts[0] in WRAPPERS:
        parts = parts[1:]
    return ".".join(parts) or None


def _message(item: dict[str, Any]) -> str:
    kind = item.get("type", "")
    if kind in MESSAGES:
        return MESSAGES[kind]
    ctx_error = (item.get("ctx") or {}).get("error")
    if kind == "value_error" and ctx_error:
        return str(ctx_error)
    message = str(item.get("msg", "Invalid value."))
    return message if message.endswith(".") else message + "."


def on_validation_error(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field(item.get("loc", ())), "message": _message(item)} for item in exc.errors]
    for item in errors:
        if item["field"] is None and item["message"] == MESSAGES["missing"]:
            item["message"] = "Send a JSON object in the request body."
    first = errors[0] if errors else {"field": None, "message": "Invalid request."}
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    payload = {"detail": detail, "field": first["field"], "errors": errors}
    return api.create_response(request, payload, status=422)


def on_http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, json.JSONDecodeError):
        return error(
            api, request, 400, f"Malformed JSON: {cause.msg} at line {cause.lineno} column {cause.colno}."
        )
    if isinstance(cause, RequestDataTooBig):
        return error(api, request, 413, "The request body is too large.")
    if isinstance(cause, UnicodeDecodeError):
        return error(api, request, 400, "The request body must be UTF-8 encoded JSON.")
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return error(api, request, 400, "The request body must be a JSON object.")
    return error(api, request, exc.status_code, str(exc))


def on_authentication_error(api: NinjaAPI, request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = str(exc)
    if detail == "Unauthorized":
        detail = "Authentication required: send the header 'Authorization: Bearer <your API token>'."
    response = error(api, request, 401, detail)
    response["WWW-Authenticate"] = "Bearer"
    return response


def on_booking_error(api: NinjaAPI, request: HttpRequest, exc: BookingError) -> HttpResponse:
    return error(api, request, exc.status, exc.message, exc.field)


def on_api_error(api: NinjaAPI, request: HttpRequest, exc: ApiError) -> HttpResponse:
    payload: dict[str, Any] = {"detail": exc.message, "field": exc.field}
    if exc.errors is not None:
        payload["errors"] = exc.errors
    return api.create_response(request, payload, status=exc.status)


def on_too_big(api: NinjaAPI, request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error(api, request, 413, "The request body is too large.")


def on_404(api: NinjaAPI, request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(api, request, 404, "Not found.")


def on_unexpected(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error(api, request, 500, "Something went wrong on our side; the change was not saved.")


def install(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Any]] = [
        (ValidationError, on_validation_error),
        (AuthenticationError, on_authentication_error),
        (HttpError, on_http_error),
        (BookingError, on_booking_error),
        (ApiError, on_api_error),
        (Http404, on_404),
        (RequestDataTooBig, on_too_big),
        (Exception, on_unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, functools.partial(handler, api))
