"""Topic pages (议题): list, detail, and the forms that sort and decide topics."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from laoyuan.voices import queries


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = queries.topic_or_404(request.user, pk)
    return render(request, "voices/topics/detail.html", {"topic": topic})


urlpatterns: list = [
    path("topics/<int:pk>/", topic_detail, name="topic"),
]
