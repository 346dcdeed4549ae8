"""Swagger UI served from the files django-ninja ships, so the docs page loads nothing from a CDN
(ninja itself falls back to a CDN unless it is an installed app)."""

import json
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
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
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        context = {"api": api, "swagger_settings": json.dumps(settings)}
        return render(request, "api/docs.html", context)


@require_GET
@cache_control(public=True, max_age=86400)
def asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404(name)
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=ASSETS[name])
