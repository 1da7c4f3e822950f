"""(being written)"""

from django.http import Http404


def transfer_create(request, *args, **kwargs):
    raise Http404


def transfer_update(request, *args, **kwargs):
    raise Http404

def detail_context(request, practice) -> dict:
    """Context for the transfer ledger (where the practice has travelled, the declare-interest form) on the practice page."""
    return {}
