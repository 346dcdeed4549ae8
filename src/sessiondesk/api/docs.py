"""Swagger UI served from the files django-ninja ships, so the docs page loads nothing from a CDN
(ninja itself falls back to a CDN unless it is an installed app)."""

import json
from pathlib import Path
from typing import Any

import ninja
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP, build_policy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
    "favicon.png": "image/png",
}


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: "ninja.NinjaAPI", **kwargs: Any) -> HttpResponse:
        swagger = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        context = {"api": api, "swagger_settings": json.dumps(swagger)}
        response = render(request, "api/docs.html", context)
        # Swagger UI sets style attributes from its scripts; scripts stay limited to our own files.
        policy: dict[str, Any] = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
        response[CSP.HEADER_ENFORCE] = build_policy(policy)
        return response


@require_GET
@cache_control(public=True, max_age=86400)
def asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404(name)
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=ASSETS[name])
