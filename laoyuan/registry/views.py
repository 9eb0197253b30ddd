"""PLACEHOLDER: replaced by the real views."""

from django.http import Http404


def workspace(request, pk=None):
    raise Http404


def community_detail(request, pk=None):
    raise Http404


def compound_detail(request, pk=None):
    raise Http404


def age_structure(request, pk=None):
    raise Http404


def building_detail(request, pk=None):
    raise Http404


def grid_detail(request, pk=None):
    raise Http404


def unit_detail(request, pk=None):
    raise Http404


def resident_list(request, pk=None):
    raise Http404


def resident_detail(request, pk=None):
    raise Http404


def resident_edit(request, pk=None):
    raise Http404


def resident_reveal(request, pk=None):
    raise Http404


def resident_create(request, pk=None):
    raise Http404


def portal(request, pk=None):
    raise Http404


def portal_reveal(request, pk=None):
    raise Http404
