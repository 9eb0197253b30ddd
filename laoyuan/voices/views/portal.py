"""portal pages of voices (to be filled in by its owner: the routes below are placeholders)."""

from django.http import Http404
from django.urls import path


def _todo(request, **kwargs):
    raise Http404


urlpatterns: list = [
    path("portal/voices/", _todo, name="portal_voices"),
    path("portal/topics/<int:pk>/", _todo, name="portal_topic"),
]
