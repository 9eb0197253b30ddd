"""PLACEHOLDER: replaced by the real views."""

from django.http import Http404


def template_download(request, pk=None):
    raise Http404


def import_upload(request, pk=None):
    raise Http404


def import_list(request, pk=None):
    raise Http404


def import_detail(request, pk=None):
    raise Http404


def import_commit(request, pk=None):
    raise Http404


def rejected_download(request, pk=None):
    raise Http404


def original_download(request, pk=None):
    raise Http404
