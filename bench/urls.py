"""Every URL of the app, and "hello": the cheapest answer through the same middleware."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kodeks.urls import urlpatterns as app_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hej", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/hello/", hello), *app_urlpatterns]
