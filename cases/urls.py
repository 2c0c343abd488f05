from __future__ import annotations

from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_library, name="library"),
    path("<id:pk>/", views.case_detail, name="case"),
]
