"""(being written)"""

from django.http import Http404


def practice_list(request, *args, **kwargs):
    raise Http404
