"""The Strategic Plan on a practice's page: its tags for every reader, and the staff's small
"Strategic Plan axes" form, which tags any practice whatever its status.

The form is the ``plan-tags`` partial of ``practices/practice_detail.html``. With htmx, a
refused form comes back in place with its errors, and a saved one reloads the page (the
practice's version moved on: the other forms of the page must carry the new one); without
JavaScript, a redirect to the page, or the whole page again (400) with the errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from plans.tagging import PlanTagsForm

from .. import permissions
from ..models import Practice
from ..plan_tags import tag_practice

TEMPLATE = "practices/practice_detail.html"
AUTO_ID = "id_plan_tags_%s"
ANCHOR = "plan-tags"


def detail_context(request, practice: Practice, *, form=None) -> dict:
    may_tag = permissions.can_tag_practice(request.user, practice)
    if may_tag and form is None:
        form = PlanTagsForm(tagged=practice, auto_id=AUTO_ID)
    return {"practice": practice, "plan_tag_form": form if may_tag else None}


def practice_plan_tags(request, pk: int):
    # The practice page's helpers; imported here because that module imports this one.
    from .practice import _detail_queryset, _login_first, _page_context

    if not request.user.is_authenticated:
        return _login_first(request)
    practice = get_object_or_404(_detail_queryset(request.user), pk=pk)
    if not permissions.can_tag_practice(request.user, practice):
        raise PermissionDenied
    target = f"{practice.get_absolute_url()}#{ANCHOR}"
    if request.method != "POST":
        return redirect(target)
    form = PlanTagsForm(request.POST, tagged=practice, auto_id=AUTO_ID)
    if not form.is_valid():
        if request.htmx:
            context = detail_context(request, practice, form=form)
            return render(request, f"{TEMPLATE}#plan-tags", context)
        context = _page_context(request, practice)
        context.update(detail_context(request, practice, form=form))
        return render(request, TEMPLATE, context, status=400)
    if tag_practice(practice=practice, tags=form.plan_tags, by=request.user):
        messages.success(request, _("The axes of the Strategic Plan are saved."))
    else:
        messages.info(request, _("The axes of the Strategic Plan were already these: no change."))
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)
