"""Expert opinions on published practices: written on their own page, shown on the practice's.

Staff and experts (``practices.permissions.can_give_expert_opinion``) write one opinion each
per practice: asking to write a second one opens the first. The author edits their own,
staff any (``can_edit_expert_opinion``); nobody else. A refused request is a 403 (a 404 when
the practice is not visible to the user); a visitor is sent to log in.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import permissions
from ..forms_opinions import ExpertOpinionForm
from ..models import ExpertOpinion, Practice

TEMPLATE = "practices/expert_opinion_form.html"


def detail_context(request, practice: Practice) -> dict:
    """The expert opinions on the practice page, in two queries at most whatever their number:
    the opinions with their authors for a logged-in user, only how many there are and the date
    of the latest for a visitor."""
    user = request.user
    may_read = permissions.can_read_expert_opinions(user)
    may_give = permissions.can_give_expert_opinion(user, practice)
    opinions, own = [], None
    if may_read:
        opinions = list(practice.expert_opinions.select_related("author"))
        for opinion in opinions:
            opinion.practice = practice  # the predicates read its status
            opinion.may_edit = permissions.can_edit_expert_opinion(user, opinion)
            if opinion.author_id == user.pk:
                own = opinion
        count = len(opinions)
        latest = max((opinion.given_on for opinion in opinions), default=None)
    else:
        summary = practice.expert_opinions.aggregate(count=Count("pk"), latest=Max("given_on"))
        count, latest = summary["count"], summary["latest"]
    return {
        "expert_opinions": {
            "shown": bool(count) or may_give,
            "may_read": may_read,
            "opinions": opinions,
            "count": count,
            "latest": latest,
            # An author who already wrote one edits it (the link on their opinion).
            "may_give": may_give and own is None,
        }
    }


def _login_first(request):
    return redirect_to_login(request.get_full_path())


def _render_form(request, practice, form, *, opinion=None, current=None, status=200):
    return render(
        request,
        TEMPLATE,
        {
            "section": "practices",
            "practice": practice,
            "opinion": opinion,
            "form": form,
            "current": current,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def expert_opinion_create(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).select_related("zone"), pk=pk
    )
    if not permissions.can_give_expert_opinion(request.user, practice):
        raise PermissionDenied
    own = practice.expert_opinions.filter(author=request.user).first()
    if own is not None:
        messages.info(request, _("You have already given an opinion on this practice: edit it."))
        return redirect("practices:expert-opinion-edit", pk=own.pk)
    if request.method != "POST":
        return _render_form(request, practice, ExpertOpinionForm())
    form = ExpertOpinionForm(request.POST)
    if not form.is_valid():
        return _render_form(request, practice, form, status=400)
    opinion = form.save(commit=False)
    opinion.practice = practice
    opinion.author = request.user
    opinion.save()
    messages.success(request, _("Your expert opinion is on the practice's page."))
    return redirect(opinion.get_absolute_url())


@require_http_methods(["GET", "POST"])
def expert_opinion_edit(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    opinion = get_object_or_404(
        ExpertOpinion.objects.select_related("practice", "practice__zone", "author"),
        pk=pk,
        practice__in=Practice.objects.visible_to(request.user),
    )
    practice = opinion.practice
    if not permissions.can_edit_expert_opinion(request.user, opinion):
        raise PermissionDenied
    if request.method != "POST":
        return _render_form(request, practice, ExpertOpinionForm(instance=opinion), opinion=opinion)
    form = ExpertOpinionForm(request.POST, instance=opinion)
    if not form.is_valid():
        return _render_form(request, practice, form, opinion=opinion, status=400)
    with transaction.atomic():
        if form.is_stale():
            current = ExpertOpinion.objects.filter(pk=opinion.pk).first()
            if current is None:  # deleted meanwhile (in the admin)
                raise Http404
            # Saving again now replaces the current version: the form carries its moment.
            form.data = form.data.copy()
            form.data["loaded_at"] = current.updated_at.isoformat()
            return _render_form(
                request, practice, form, opinion=opinion, current=current, status=409
            )
        form.save()
    messages.success(request, _("The expert opinion is saved."))
    return redirect(opinion.get_absolute_url())
