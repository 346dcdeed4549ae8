from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, URLPattern, path, re_path, resolve

from sessiondesk.api import docs
from sessiondesk.api.main import api

View = Callable[..., HttpResponse]


def json_method_errors(view: View) -> View:
    """Ninja answers a wrong method with an empty 405; callers get the same JSON as other errors."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/html"):
            allowed = response.get("Allow", "")
            detail = f"{request.method} is not allowed here; use {allowed}."
            response = JsonResponse({"detail": detail, "field": None}, status=405, headers={"Allow": allowed})
        return response

    return wrapper


def unknown_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    detail = f"No API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            if resolve(request.path + "/").func is not unknown_endpoint:
                detail = f"No API endpoint at {request.path}; did you mean {request.path}/?"
        except Resolver404:
            pass
    return JsonResponse({"detail": detail, "field": None}, status=404)


# Not unpacked into module names: Django would read a module-level ``app_name`` as this URLconf's.
ninja_urls = api.urls
for pattern in ninja_urls[0]:
    if isinstance(pattern, URLPattern):
        pattern.callback = json_method_errors(pattern.callback)

urlpatterns = [
    path("docs/assets/<str:name>", docs.asset, name="api_docs_asset"),
    path("", ninja_urls),
    re_path(r"^(?P<rest>.*)$", unknown_endpoint),
]
