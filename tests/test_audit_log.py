"""The security audit log (roundtable.audit): one event per log-in, password, two-step
verification and role change, with the right user and actor; read-only in the admin, for
administrators; pruned after its retention period; kept, scrubbed, when an account is erased."""

import datetime
import re
from io import StringIO

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from roundtable.anonymise import anonymise_user
from roundtable.audit import AuditEvent
from roundtable.personal_data import personal_data
from roundtable.roles import staff_group
from zones.models import Membership, Zone

from .factories import PASSWORD, MembershipFactory, UserFactory, totp_code
from .test_mfa import AUTHENTICATE, log_in, reauthenticate, set_up_totp, without_mfa

Kind = AuditEvent.Kind
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def kinds(user=None):
    events = AuditEvent.objects.order_by("pk")
    if user is not None:
        events = events.filter(user=user)
    return [event.kind for event in events]


def last(kind):
    return AuditEvent.objects.filter(kind=kind).latest("pk")


@pytest.fixture
def giulia(db):
    return UserFactory(email="giulia@example.org")


@pytest.fixture
def admin(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


# --- Logging in and out ---------------------------------------------------------------------------


def test_log_in_and_log_out(client, giulia):
    log_in(client, giulia)
    event = last(Kind.LOGIN)
    assert (event.user, event.actor, event.ip_address) == (giulia, giulia, "127.0.0.1")
    client.post(reverse("account_logout"))
    assert kinds(giulia) == [Kind.LOGIN, Kind.LOGOUT]
    assert last(Kind.LOGOUT).actor == giulia


def test_a_failed_log_in_keeps_the_address_tried(client, giulia):
    client.post(reverse("account_login"), {"login": "GIULIA@example.org", "password": "wrong"})
    client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"})
    known, unknown = AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).order_by("pk")
    assert (known.user, known.actor, known.identifier) == (giulia, None, "giulia@example.org")
    assert (unknown.user, unknown.identifier) == (None, "nobody@example.org")
    assert "wrong" not in str(known.detail) + str(unknown.detail)
    assert not AuditEvent.objects.filter(kind=Kind.LOGIN).exists()


def test_behind_a_proxy_the_visitor_address_is_recorded_not_the_proxys(client, giulia, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # DJANGO_TRUSTED_PROXY_COUNT
    client.post(
        reverse("account_login"),
        {"login": "giulia@example.org", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        REMOTE_ADDR="10.0.0.2",
    )
    assert last(Kind.LOGIN_FAILED).ip_address == "203.0.113.7"


# --- Two-step verification ------------------------------------------------------------------------


def test_setting_up_using_and_failing_two_step_verification(
    client, spokesperson, django_capture_on_commit_callbacks
):
    log_in(client, spokesperson)
    with django_capture_on_commit_callbacks(execute=True):
        secret, _ = set_up_totp(client)
    assert kinds(spokesperson)[-2:] == [Kind.MFA_ACTIVATED, Kind.RECOVERY_CODES_GENERATED]
    assert last(Kind.MFA_ACTIVATED).actor == spokesperson
    assert secret not in str(last(Kind.MFA_ACTIVATED).detail)

    with django_capture_on_commit_callbacks(execute=True):
        reauthenticate(client, reverse("mfa_generate_recovery_codes"))
        client.post(reverse("mfa_generate_recovery_codes"))
    assert kinds(spokesperson)[-1] == Kind.RECOVERY_CODES_GENERATED
    client.post(reverse("account_logout"))

    log_in(client, spokesperson)
    client.post(AUTHENTICATE, {"code": "000000"})
    assert last(Kind.MFA_FAILED).user == spokesperson
    code = RecoveryCodes(
        spokesperson.authenticator_set.get(type="recovery_codes")
    ).get_unused_codes()[0]
    client.post(AUTHENTICATE, {"code": code})
    used = last(Kind.RECOVERY_CODE_USED)
    assert (used.user, used.detail["unused_left"]) == (spokesperson, 9)
    assert code not in str(used.detail)

    with django_capture_on_commit_callbacks(execute=True):
        reauthenticate(client, reverse("mfa_deactivate_totp"))
        client.post(reverse("mfa_deactivate_totp"))
    assert kinds(spokesperson)[-1] == Kind.MFA_DEACTIVATED
    assert AuditEvent.objects.filter(kind=Kind.MFA_DEACTIVATED).count() == 1


# --- Passwords ---------------------------------------------------------------------------------


def test_password_reset_requested_and_done(client, giulia):
    client.post(reverse("account_reset_password"), {"email": "giulia@example.org"})
    assert last(Kind.PASSWORD_RESET_REQUESTED).user == giulia
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[0].body)[0]
    path = re.sub(r"^https?://[^/]+", "", link)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    new = "a-brand-new-password-7"
    client.post(form_url, {"password1": new, "password2": new})
    done = last(Kind.PASSWORD_RESET_DONE)
    assert (done.user, done.actor) == (giulia, giulia)
    assert new not in str(done.detail)


def test_an_unknown_address_asking_for_a_reset_leaves_no_user_event(client, db):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert not AuditEvent.objects.filter(kind=Kind.PASSWORD_RESET_REQUESTED).exists()


def test_password_changed(client, giulia):
    log_in(client, giulia)
    new = "another-long-password-9"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert (last(Kind.PASSWORD_CHANGED).user, last(Kind.PASSWORD_CHANGED).actor) == (giulia,) * 2


# --- Roles -------------------------------------------------------------------------------------


def admin_change_data(user, **changes):
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "date_joined_0": joined.strftime("%d/%m/%Y"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_role_changes_in_the_admin_name_the_administrator(client, admin, giulia, territory):
    client.force_login(admin)
    url = reverse("admin:auth_user_change", args=[giulia.pk])
    zone = Zone.objects.get(number=5)
    data = admin_change_data(
        giulia,
        is_staff="on",
        groups=[staff_group().pk],
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-zone": zone.pk,
            "memberships-0-role": "deputy",
            "memberships-0-since": "01/01/2026",
            "memberships-0-active": "on",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    flags, groups, started = (
        last(Kind.FLAGS_CHANGED),
        last(Kind.GROUPS_ADDED),
        last(Kind.MEMBERSHIP_STARTED),
    )
    assert flags.detail == {"changes": {"is_staff": [False, True]}}
    assert groups.detail == {"groups": ["Staff metropolitano"]}
    assert started.detail["zone"] == 5 and started.detail["role"] == "deputy"
    for event in (flags, groups, started):
        assert (event.user, event.actor, event.ip_address) == (giulia, admin, "127.0.0.1")


def test_role_changes_by_a_script_have_no_actor(giulia):
    group = staff_group()
    giulia.groups.add(group)
    group.user_set.remove(giulia)
    giulia.is_superuser = True
    giulia.save()
    giulia.groups.add(group)
    giulia.groups.clear()
    assert kinds(giulia) == [
        Kind.GROUPS_ADDED,
        Kind.GROUPS_REMOVED,
        Kind.FLAGS_CHANGED,
        Kind.GROUPS_ADDED,
        Kind.GROUPS_REMOVED,
    ]
    assert last(Kind.FLAGS_CHANGED).detail == {"changes": {"is_superuser": [False, True]}}
    assert {event.actor for event in AuditEvent.objects.all()} == {None}


def test_deactivating_a_user_and_new_admins_are_recorded(db):
    user = UserFactory(is_superuser=True)
    assert last(Kind.FLAGS_CHANGED).detail == {"changes": {"is_superuser": [None, True]}}
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert last(Kind.FLAGS_CHANGED).detail == {"changes": {"is_active": [True, False]}}
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    user.first_name = "Nuovo"
    user.save()
    assert AuditEvent.objects.filter(kind=Kind.FLAGS_CHANGED).count() == 2


def test_zone_roles_started_and_ended(territory, giulia):
    membership = MembershipFactory(user=giulia, zone=Zone.objects.get(number=3))
    assert last(Kind.MEMBERSHIP_STARTED).detail["zone"] == 3
    membership.role = Membership.Role.DEPUTY
    membership.save()
    assert kinds(giulia) == [Kind.MEMBERSHIP_STARTED]
    membership.until = timezone.localdate()
    membership.active = False
    membership.save()
    ended = last(Kind.MEMBERSHIP_ENDED)
    assert (ended.user, ended.detail["until"]) == (giulia, timezone.localdate().isoformat())


# --- Reading it in the admin ---------------------------------------------------------------------


def test_administrators_read_the_log_and_nobody_edits_it(client, admin, giulia):
    event = AuditEvent.objects.create(kind=Kind.LOGIN, user=giulia, ip_address="10.0.0.1")
    client.force_login(admin)
    changelist = reverse("admin:roundtable_auditevent_changelist")
    page = client.get(changelist, {"q": "giulia@"}).content.decode()
    assert "giulia@example.org" in page and "10.0.0.1" in page
    assert client.get(changelist, {"kind__exact": "logout"}).context["cl"].result_count == 0
    assert client.get(changelist, {"kind__exact": "login"}).context["cl"].result_count >= 1
    detail = client.get(reverse("admin:roundtable_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:roundtable_auditevent_add")).status_code == 403
    delete = reverse("admin:roundtable_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:roundtable_auditevent_change", args=[event.pk])
    assert client.post(change, {"kind": "logout"}).status_code == 403
    event.refresh_from_db()
    assert event.kind == Kind.LOGIN


def test_an_administrator_resetting_a_lost_phone_is_recorded(client, admin, staff_user):
    totp = staff_user.authenticator_set.get(type="totp")
    client.force_login(admin)
    url = reverse("admin:mfa_authenticator_delete", args=[totp.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    event = last(Kind.MFA_DEACTIVATED)
    assert (event.user, event.actor, event.detail) == (staff_user, admin, {"type": "totp"})


def test_the_admin_never_shows_an_authenticators_secret(client, admin, staff_user):
    totp = staff_user.authenticator_set.get(type="totp")
    client.force_login(admin)
    listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert listing.status_code == page.status_code == 200
    assert staff_user.email in listing.content.decode()
    for response in (listing, page):
        assert totp.data["secret"] not in response.content.decode()
    assert b'name="data"' not in page.content  # shown, not editable


def test_staff_cannot_read_the_log(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:roundtable_auditevent_changelist"))
    assert response.status_code == 403


def test_the_admin_list_uses_a_constant_number_of_queries(
    client, admin, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            user = UserFactory()
            AuditEvent.objects.create(kind=Kind.LOGIN, user=user, actor=admin)

    client.force_login(admin)
    url = reverse("admin:roundtable_auditevent_changelist")
    add(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- Retention, erasure, the user's own copy ------------------------------------------------------


def test_prune_deletes_events_older_than_the_retention(giulia, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 30
    old = AuditEvent.objects.create(kind=Kind.LOGIN, user=giulia)
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=31))
    recent = AuditEvent.objects.create(kind=Kind.LOGIN, user=giulia)
    AuditEvent.objects.filter(pk=recent.pk).update(at=timezone.now() - datetime.timedelta(days=29))
    out = StringIO()
    call_command("prune_audit_log", stdout=out)
    assert "Deleted 1 audit events older than 30 days." in out.getvalue()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_retention_defaults_to_a_year():
    from django.conf import settings

    assert settings.AUDIT_LOG_RETENTION_DAYS == 365


def test_erasing_an_account_keeps_its_events_without_the_address(client, giulia, admin):
    client.post(reverse("account_login"), {"login": "giulia@example.org", "password": "wrong"})
    log_in(client, giulia)
    RecoveryCodes.activate(giulia)
    anonymise_user(giulia, by=admin)
    events = AuditEvent.objects.filter(user=giulia)
    assert {Kind.LOGIN, Kind.LOGIN_FAILED} <= set(events.values_list("kind", flat=True))
    assert not AuditEvent.objects.filter(identifier__icontains="giulia").exists()
    assert not giulia.authenticator_set.exists()


def test_the_users_data_download_lists_their_events_and_no_secret(client, staff_user):
    log_in(client, staff_user)
    client.post(AUTHENTICATE, {"code": totp_code()})
    data = personal_data(staff_user)
    events = {event["kind"]: event for event in data["security_events"]}
    # Becoming staff (by a script here: nobody named), then logging in.
    assert list(events) == [Kind.FLAGS_CHANGED, Kind.GROUPS_ADDED, Kind.LOGIN]
    assert events[Kind.LOGIN]["by_yourself"] is True
    assert events[Kind.LOGIN]["ip_address"] == "127.0.0.1"
    assert "actor" not in events[Kind.LOGIN]
    assert [method["type"] for method in data["two_step_verification"]] == ["totp"]
    assert "secret" not in str(data["two_step_verification"])


def test_an_event_about_a_staff_member_without_mfa_is_still_written(client, db):
    user = without_mfa(UserFactory(email="nuovo@example.org", is_staff=True))
    log_in(client, user)
    assert last(Kind.LOGIN).user == user
