"""The app's routes and one that fails unexpectedly, for the tests of how errors are logged."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from sessiondesk.urls import urlpatterns as app_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the disk is full")


urlpatterns = [path("failing/", fail), *app_urlpatterns]
