"""(being written)"""

from django.http import Http404


def practice_detail(request, *args, **kwargs):
    raise Http404


def attachment_create(request, *args, **kwargs):
    raise Http404


def attachment_download(request, *args, **kwargs):
    raise Http404


def attachment_delete(request, *args, **kwargs):
    raise Http404


def comment_create(request, *args, **kwargs):
    raise Http404


def comment_hide(request, *args, **kwargs):
    raise Http404


def comment_report(request, *args, **kwargs):
    raise Http404
