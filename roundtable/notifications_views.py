"""The user's notifications in the portal, and how often they want them by e-mail.

The notices themselves are written by ``zones.notifications.notify`` (each app says what it
tells); these pages only list them, mark them read and keep the user's e-mail preference.
Opening a notice goes through ``notification_open``, which marks it read and follows its link
only when the link is a path on this site (never to another host).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from zones.models import Notification, NotificationPreference

PER_PAGE = 25


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["frequency"]
        widgets = {"frequency": forms.RadioSelect}
        labels = {"frequency": gettext_lazy("E-mail about your notifications")}


def _preference(user) -> NotificationPreference:
    """The user's saved preference, or the default one (saved only when they choose)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def _page(request, form: PreferenceForm, status: int = 200):
    notices = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "roundtable/notifications.html",
        {"section": "notifications", "page_obj": page, "notices": page.object_list, "form": form},
        status=status,
    )


@require_safe
def notification_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _page(request, PreferenceForm(instance=_preference(request.user)))


def _local_path(request, url: str) -> str | None:
    """``url`` when it is a path on this site, else None: a notice never sends anyone away."""
    if (
        url.startswith("/")
        and not url.startswith("//")
        and url.isprintable()
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    ):
        return url
    return None


@require_safe
def notification_open(request, pk: int):
    """Mark a notice read and follow its link (a GET: it is what the user clicks in the list)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    target = _local_path(request, notice.url)
    return HttpResponseRedirect(target) if target else redirect("notifications")


@require_POST
def notifications_mark_all_read(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    else:
        messages.info(request, _("You had no unread notifications."))
    return redirect("notifications")


@require_POST
def notification_preferences(request):
    """Save how often the user hears by e-mail; the preference is created on the first save."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = PreferenceForm(request.POST, instance=_preference(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of the options for your e-mails."))
        return _page(request, form, status=400)
    form.save()
    messages.success(request, _("Your choice for e-mails is saved."))
    return redirect("notifications")
