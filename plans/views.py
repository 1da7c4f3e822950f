"""Views of the plans app (the plans, their axes, the consultations)."""

from django.http import Http404


def plan_list(request):  # replaced by the plans helper
    raise Http404


def plan_detail(request, code):  # replaced by the plans helper
    raise Http404
