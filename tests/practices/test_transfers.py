"""The transfer ledger: declaring interest, moving a transfer through its stages, the headline
("adopted in N of 11 zones, M municipalities"), the dated history, the e-mail to the owning zone,
and who may do what (refused requests change nothing)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from practices import services
from practices.models import Transfer, TransferStep
from practices.services import TRANSFER_MOVES
from zones.models import Municipality, Zone

from ..factories import MembershipFactory, PracticeFactory, TransferFactory, UserFactory

T = Transfer.Stage
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
IT = {"HTTP_ACCEPT_LANGUAGE": "it"}
HTMX = {"HTTP_HX_REQUEST": "true"}


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


# --- Fixtures ---------------------------------------------------------------------------------


def zone(number):
    return Zone.objects.get(number=number)


@pytest.fixture
def practice(spokesperson):
    """A published practice of zone 5, whose spokesperson is the ``spokesperson`` fixture."""
    return PracticeFactory(zone=zone(5), status="published", title="Bus a chiamata")


@pytest.fixture
def speaker3(territory):
    """The spokesperson of zone 3, another zone."""
    return MembershipFactory(
        zone=zone(3), user=UserFactory(email="portavoce3@example.org", first_name="Ada")
    ).user


@pytest.fixture
def speaker7(territory):
    return MembershipFactory(zone=zone(7), user=UserFactory(email="portavoce7@example.org")).user


def as_user(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(client, practice, **headers):
    response = client.get(practice.get_absolute_url(), **(headers or EN))
    assert response.status_code == 200
    return response.content.decode()


def declare(client, practice, zone_, municipalities=(), note="", **headers):
    data = {"interest-zone": zone_.pk if zone_ else "", "interest-note": note}
    data["interest-municipalities"] = [m.pk for m in municipalities]
    return client.post(
        reverse("practices:transfer-create", args=[practice.pk]), data, **(headers or EN)
    )


def move(client, transfer, to_stage, *, on=None, from_stage=None, **fields):
    prefix = f"transfer-{transfer.pk}"
    data = {
        f"{prefix}-to_stage": to_stage,
        f"{prefix}-on": (on or timezone.localdate()).isoformat(),
        f"{prefix}-from_stage": from_stage or transfer.stage,
    }
    headers = fields.pop("headers", EN)
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return client.post(reverse("practices:transfer-update", args=[transfer.pk]), data, **headers)


def transfer_at(stage, *, practice, zone_, on=None, **fields):
    """A transfer built by hand at ``stage``, with its dated steps up to it."""
    transfer = TransferFactory(practice=practice, zone=zone_, stage=stage, **fields)
    order = [T.INTERESTED, T.IN_CONTACT, T.ADAPTING, T.PILOTING, T.ADOPTED]
    stages = order[: order.index(stage) + 1] if stage in order else [T.INTERESTED, stage]
    start = on or datetime.date(2024, 1, 10)
    for index, step_stage in enumerate(stages):
        TransferStep.objects.create(
            transfer=transfer, stage=step_stage, on=start + datetime.timedelta(days=30 * index)
        )
    return transfer


def snapshot(transfer):
    transfer.refresh_from_db()
    return (
        transfer.stage,
        transfer.notes,
        transfer.cost,
        transfer.result,
        transfer.drop_reason,
        transfer.steps.count(),
    )


# --- Declaring interest -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_spokesperson_of_another_zone_declares_interest_and_the_owning_zone_is_told(
    practice, spokesperson, speaker3, speaker7, staff_user, django_capture_on_commit_callbacks
):
    deputy5 = MembershipFactory(
        zone=zone(5), role="deputy", user=UserFactory(email="vice5@example.org")
    ).user
    towns = list(Municipality.objects.filter(zone=zone(3)).order_by("name")[:2])
    client = as_user(speaker3)
    with django_capture_on_commit_callbacks(execute=True):
        response = declare(client, practice, zone(3), towns, note="Ci serve per la valle.")

    transfer = Transfer.objects.get(practice=practice)
    assert response.status_code == 303
    assert response["Location"] == f"{practice.get_absolute_url()}#transfer-{transfer.pk}"
    assert transfer.zone == zone(3)
    assert transfer.stage == T.INTERESTED
    assert transfer.created_by == speaker3
    assert transfer.notes == "Ci serve per la valle."
    assert set(transfer.municipalities.all()) == set(towns)
    [step] = transfer.steps.all()
    assert (step.stage, step.on, step.by) == (T.INTERESTED, timezone.localdate(), speaker3)

    # One e-mail to each spokesperson of the owning zone (nobody sees the others' addresses).
    assert sorted(m.to[0] for m in mail.outbox) == sorted([spokesperson.email, deputy5.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert "Bus a chiamata" in message.subject
    assert "Ci serve per la valle." in message.body
    assert f"{practice.get_absolute_url()}#transfer-{transfer.pk}" in message.body
    assert all(town.name in message.body for town in towns)

    shown = client.get(response["Location"], **EN).content.decode()
    assert "The interest of zone 3 AMT Sud is recorded" in shown
    assert f'id="transfer-{transfer.pk}"' in shown
    assert "Ci serve per la valle." in shown


@pytest.mark.django_db
def test_a_failing_mail_server_never_breaks_the_declaration(
    practice, speaker3, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = declare(as_user(speaker3), practice, zone(3))
    assert len(callbacks) == 1  # the e-mail was tried, after the commit, and failed quietly
    assert response.status_code == 303
    assert Transfer.objects.filter(practice=practice, zone=zone(3)).exists()


@pytest.mark.django_db
def test_staff_choose_the_zone_and_the_form_offers_only_zones_that_may_still_declare(
    practice, staff_client, speaker3
):
    transfer_at(T.DROPPED, practice=practice, zone_=zone(7), drop_reason="Costi troppo alti.")
    shown = page(staff_client, practice)
    form = shown[shown.index('id="transfer-interest"') :]
    options = form[form.index('name="interest-zone"') : form.index("</select>")]
    assert "Choose the zone" in options
    for number in (1, 2, 3, 4, 6, 8, 9, 10, 11):
        assert f">{zone(number)}<" in options
    assert f">{zone(5)}<" not in options  # the owning zone
    assert f">{zone(7)}<" not in options  # already in the ledger
    response = declare(staff_client, practice, zone(9), note="Per conto della zona 9.")
    assert response.status_code == 303
    assert Transfer.objects.get(practice=practice, zone=zone(9)).created_by is not None


@pytest.mark.django_db
def test_who_sees_the_declare_interest_form(practice, spokesperson, speaker3, staff_user):
    outsider = UserFactory()
    expected = {None: False, outsider: False, spokesperson: False, speaker3: True}
    expected[staff_user] = True
    for user, shown in expected.items():
        assert ('id="transfer-interest"' in page(as_user(user), practice)) is shown, user
    # Once zone 3 has declared, its spokesperson has nothing left to declare.
    declare(as_user(speaker3), practice, zone(3))
    assert 'id="transfer-interest"' not in page(as_user(speaker3), practice)


@pytest.mark.django_db
def test_a_spokesperson_of_one_zone_declares_without_choosing_it(practice, speaker3):
    shown = page(as_user(speaker3), practice)
    form = shown[shown.index('id="transfer-interest"') :]
    assert f'type="hidden" name="interest-zone" value="{zone(3).pk}"' in form
    assert "For zone 3 " in form
    nichelino = Municipality.objects.get(name="Nichelino")  # in zone 3
    assert f'value="{nichelino.pk}"' in form
    assert 'value="{}"'.format(Municipality.objects.get(name="Pinerolo").pk) not in form


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, zone_number, status, expected",
    [
        ("visitor", 3, "published", "login"),
        ("owner", 5, "published", "message"),  # the owning zone cannot take up its practice
        ("other", 7, "published", 403),  # zone 7 is not theirs
        ("other", 3, "draft", 404),  # another zone's draft is not visible
        ("other", 3, "submitted", 404),
        ("staff", 3, "draft", "message"),  # staff see drafts, but only published ones travel
        ("staff", 3, "archived", "message"),
        ("no zone", 3, "published", 403),
    ],
)
def test_declaring_interest_is_refused_and_nothing_is_created(
    spokesperson, speaker3, staff_user, who, zone_number, status, expected
):
    practice = PracticeFactory(zone=zone(5), status=status)
    user = {
        "visitor": None,
        "owner": spokesperson,
        "other": speaker3,
        "staff": staff_user,
        "no zone": UserFactory(),
    }[who]
    client = as_user(user)
    response = declare(client, practice, zone(zone_number))
    assert not Transfer.objects.exists()
    assert not TransferStep.objects.exists()
    assert not mail.outbox
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == "message":
        assert response.status_code == 303
        shown = client.get(response["Location"], **EN).content.decode()
        assert "Nothing was saved" in shown
        assert (
            "cannot take up its own practice" in shown
            or "Only a published practice can be taken up" in shown
        )
    else:
        assert response.status_code == expected


@pytest.mark.django_db
def test_the_same_zone_cannot_declare_twice(practice, speaker3):
    client = as_user(speaker3)
    assert declare(client, practice, zone(3)).status_code == 303
    response = declare(client, practice, zone(3), note="Di nuovo")
    assert response.status_code == 303
    shown = client.get(response["Location"], **EN).content.decode()
    assert "already declared its interest" in shown
    assert Transfer.objects.count() == 1
    assert TransferStep.objects.count() == 1


@pytest.mark.django_db
def test_municipalities_must_belong_to_the_chosen_zone(practice, speaker3):
    pinerolo = Municipality.objects.get(name="Pinerolo")  # zone 5, not zone 3
    client = as_user(speaker3)
    response = declare(client, practice, zone(3), [pinerolo], note="Testo da non perdere")
    assert response.status_code == 303
    assert response["Location"].endswith("#transfer-interest")
    assert not Transfer.objects.exists()
    shown = client.get(response["Location"], **EN).content.decode()
    assert "Choose municipalities of zone 3" in shown and "Pinerolo is not in it" in shown
    assert "Testo da non perdere" in shown  # nothing typed is lost
    # The kept input is shown once: the next visit has a fresh form.
    assert "Testo da non perdere" not in page(client, practice)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "note", ["x" * 5001, "una nota con \x00 un byte nullo"], ids=["too long", "NUL"]
)
def test_bad_notes_are_refused_with_a_message_never_a_500(practice, speaker3, note):
    client = as_user(speaker3)
    response = declare(client, practice, zone(3), note=note)
    assert response.status_code == 303
    assert not Transfer.objects.exists()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_declaring_interest_with_htmx_redraws_the_ledger_in_place(practice, speaker3):
    client = as_user(speaker3)
    response = declare(client, practice, zone(3), note="Via htmx", **EN, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    transfer = Transfer.objects.get()
    assert html.lstrip().startswith('<section id="transfer-ledger"')
    assert f'id="transfer-{transfer.pk}"' in html
    assert "The interest of zone 3 AMT Sud is recorded" in html
    assert 'id="transfer-interest"' not in html  # zone 3 has nothing left to declare
    assert "<html" not in html

    again = declare(client, practice, zone(3), **EN, **HTMX)
    assert again.status_code == 200
    assert "already declared its interest" in again.content.decode()
    assert Transfer.objects.count() == 1


@pytest.mark.django_db
def test_an_anonymous_htmx_request_sends_the_whole_browser_to_log_in(practice):
    response = declare(Client(), practice, zone(3), **EN, **HTMX)
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert not Transfer.objects.exists()


# --- Moving a transfer ------------------------------------------------------------------------

LEGAL_MOVES = sorted((a, b) for a, targets in TRANSFER_MOVES.items() for b in targets)


def test_the_legal_moves_are_the_ones_the_ledger_promises():
    assert (T.INTERESTED, T.IN_CONTACT) in LEGAL_MOVES
    assert (T.PILOTING, T.ADOPTED) in LEGAL_MOVES
    assert all(
        (stage, T.DROPPED) in LEGAL_MOVES
        for stage in TRANSFER_MOVES
        if stage not in (T.ADOPTED, T.DROPPED)
    )
    assert not TRANSFER_MOVES[T.ADOPTED] and not TRANSFER_MOVES[T.DROPPED]
    assert len(LEGAL_MOVES) == (4 + 3 + 2 + 1) + 4  # forward to any later stage; drops


@pytest.mark.django_db
@pytest.mark.parametrize("from_stage, to_stage", LEGAL_MOVES)
def test_every_legal_move_is_recorded_with_its_date_and_notes(
    practice, speaker3, from_stage, to_stage
):
    transfer = transfer_at(from_stage, practice=practice, zone_=zone(3))
    steps_before = transfer.steps.count()
    on = timezone.localdate() - datetime.timedelta(days=1)
    fields = {"note": "Adattato al trasporto locale", "cost": "1.234,50", "result": "Funziona"}
    if to_stage == T.DROPPED:
        fields["drop_reason"] = "Nessun fornitore in valle"
    response = move(as_user(speaker3), transfer, to_stage, on=on, headers=IT, **fields)
    assert response.status_code == 303
    assert response["Location"] == transfer.get_absolute_url()
    transfer.refresh_from_db()
    assert transfer.stage == to_stage
    assert transfer.cost == Decimal("1234.50")
    assert transfer.result == "Funziona"
    assert "Adattato al trasporto locale" in transfer.notes
    assert transfer.drop_reason == fields.get("drop_reason", "")
    assert transfer.steps.count() == steps_before + 1
    last = transfer.steps.last()
    assert (last.stage, last.on, last.by, last.note) == (
        to_stage,
        on,
        speaker3,
        "Adattato al trasporto locale",
    )


ILLEGAL_MOVES = [
    (T.ADOPTED, T.DROPPED),
    (T.ADOPTED, T.PILOTING),
    (T.ADOPTED, T.ADOPTED),
    (T.DROPPED, T.INTERESTED),
    (T.DROPPED, T.ADOPTED),
    (T.INTERESTED, T.INTERESTED),
    (T.PILOTING, T.ADAPTING),
    (T.ADAPTING, T.INTERESTED),
    (T.IN_CONTACT, T.INTERESTED),
    (T.INTERESTED, "finished"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("from_stage, to_stage", ILLEGAL_MOVES)
def test_illegal_moves_are_refused_and_change_nothing(practice, speaker3, from_stage, to_stage):
    transfer = transfer_at(
        from_stage,
        practice=practice,
        zone_=zone(3),
        drop_reason="Motivo" * (from_stage == T.DROPPED),
    )
    before = snapshot(transfer)
    client = as_user(speaker3)
    response = move(
        client, transfer, to_stage, note="Nota", drop_reason="Perché sì" * (to_stage == T.DROPPED)
    )
    assert response.status_code == 303
    assert snapshot(transfer) == before
    shown = client.get(response["Location"], **EN).content.decode()
    assert "Nothing was saved" in shown
    assert "cannot follow the current one" in shown or "its ledger is closed" in shown


@pytest.mark.django_db
@pytest.mark.parametrize("from_stage", [T.ADOPTED, T.DROPPED])
def test_a_closed_transfer_offers_no_form(practice, speaker3, staff_user, from_stage):
    transfer = transfer_at(
        from_stage,
        practice=practice,
        zone_=zone(3),
        drop_reason="Motivo" * (from_stage == T.DROPPED),
    )
    for user in (speaker3, staff_user):
        assert reverse("practices:transfer-update", args=[transfer.pk]) not in page(
            as_user(user), practice
        )


@pytest.mark.django_db
def test_dropping_requires_a_reason_and_keeps_it_readable(practice, speaker3):
    transfer = transfer_at(T.ADAPTING, practice=practice, zone_=zone(3))
    client = as_user(speaker3)
    before = snapshot(transfer)
    response = move(client, transfer, T.DROPPED, note="Tentato", drop_reason="   ")
    assert snapshot(transfer) == before
    shown = client.get(response["Location"], **EN).content.decode()
    assert "Say why the transfer is dropped" in shown
    assert "Tentato" in shown  # the note typed is shown back

    response = move(client, transfer, T.DROPPED, drop_reason="Il fornitore ha chiuso.")
    assert response.status_code == 303
    transfer.refresh_from_db()
    assert (transfer.stage, transfer.drop_reason) == (T.DROPPED, "Il fornitore ha chiuso.")
    shown = page(Client(), practice)  # a visitor reads it too: what did not work is kept
    card = shown[shown.index(f'id="transfer-{transfer.pk}"') :]
    assert "Why it was dropped" in card and "Il fornitore ha chiuso." in card
    assert "Dropped" in card


@pytest.mark.django_db
def test_a_reason_is_refused_when_not_dropping(practice, speaker3):
    transfer = transfer_at(T.INTERESTED, practice=practice, zone_=zone(3))
    before = snapshot(transfer)
    response = move(as_user(speaker3), transfer, T.IN_CONTACT, drop_reason="Boh")
    assert response.status_code == 303
    assert snapshot(transfer) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "on, message",
    [
        (datetime.timedelta(days=1), "cannot be in the future"),
        (datetime.date(2024, 1, 9) - timezone.localdate(), "cannot be before the previous stage"),
    ],
    ids=["future", "before the previous stage"],
)
def test_the_date_of_a_stage_is_checked(practice, speaker3, on, message):
    transfer = transfer_at(T.INTERESTED, practice=practice, zone_=zone(3))  # on 10 Jan 2024
    client = as_user(speaker3)
    before = snapshot(transfer)
    response = move(client, transfer, T.IN_CONTACT, on=timezone.localdate() + on)
    assert snapshot(transfer) == before
    assert message in client.get(response["Location"], **EN).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, language, expected",
    [
        ("1.234,50", IT, Decimal("1234.50")),
        ("€ 2.000", IT, Decimal("2000")),
        ("12,5", IT, Decimal("12.5")),
        ("1,234.50", EN, Decimal("1234.50")),
        ("350", EN, Decimal("350")),
    ],
)
def test_the_cost_is_read_as_written_in_the_language(practice, speaker3, typed, language, expected):
    transfer = transfer_at(T.INTERESTED, practice=practice, zone_=zone(3))
    move(as_user(speaker3), transfer, T.IN_CONTACT, cost=typed, headers=language)
    transfer.refresh_from_db()
    assert transfer.cost == expected


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["-10", "molti soldi", "1" * 20, "NaN"])
def test_a_bad_cost_is_refused(practice, speaker3, typed):
    transfer = transfer_at(T.INTERESTED, practice=practice, zone_=zone(3))
    before = snapshot(transfer)
    response = move(as_user(speaker3), transfer, T.IN_CONTACT, cost=typed)
    assert response.status_code == 303
    assert snapshot(transfer) == before


@pytest.mark.django_db
def test_a_stale_form_is_refused(practice, speaker3):
    """Two people had the form open; the second one's stage would follow a stage they never
    saw."""
    transfer = transfer_at(T.IN_CONTACT, practice=practice, zone_=zone(3))
    before = snapshot(transfer)
    client = as_user(speaker3)
    response = move(client, transfer, T.PILOTING, from_stage=T.INTERESTED)
    assert snapshot(transfer) == before
    assert (
        "Someone else recorded a stage meanwhile"
        in client.get(response["Location"], **EN).content.decode()
    )


@pytest.mark.django_db
def test_moving_with_htmx_updates_the_card_and_the_headline(practice, speaker3):
    transfer = transfer_at(T.PILOTING, practice=practice, zone_=zone(3))
    client = as_user(speaker3)
    response = move(client, transfer, T.ADOPTED, result="Adottato", headers={**EN, **HTMX})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="transfer-{transfer.pk}"')
    assert "is recorded in the ledger of zone 3" in html
    assert '<div id="transfer-headline"' in html and 'hx-swap-oob="true"' in html
    assert "Adopted in 1 of 11 zones" in html
    assert "<html" not in html

    # A refused move redraws the card with the form and its errors, and changes nothing.
    other = transfer_at(T.INTERESTED, practice=practice, zone_=zone(7))
    staff = as_user(UserFactory(is_superuser=True))
    before = snapshot(other)
    response = move(staff, other, T.DROPPED, note="Da conservare", headers={**EN, **HTMX})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say why the transfer is dropped" in html and "Da conservare" in html
    assert snapshot(other) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, expected",
    [
        ("visitor", "login"),
        ("adopting zone", 303),
        ("staff", 303),
        ("owning zone", 403),
        ("another zone", 403),
        ("no zone", 403),
        ("former spokesperson of the adopting zone", 403),
    ],
)
def test_who_may_move_a_transfer(
    practice, spokesperson, speaker3, speaker7, staff_user, who, expected
):
    former = MembershipFactory(zone=zone(3), active=False).user
    user = {
        "visitor": None,
        "adopting zone": speaker3,
        "staff": staff_user,
        "owning zone": spokesperson,
        "another zone": speaker7,
        "no zone": UserFactory(),
        "former spokesperson of the adopting zone": former,
    }[who]
    transfer = transfer_at(T.INTERESTED, practice=practice, zone_=zone(3))
    before = snapshot(transfer)
    client = as_user(user)
    shown = page(client, practice)
    has_form = reverse("practices:transfer-update", args=[transfer.pk]) in shown
    response = move(client, transfer, T.IN_CONTACT)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    assert has_form is (expected == 303)
    if expected == 303:
        assert snapshot(transfer)[0] == T.IN_CONTACT
    else:
        assert snapshot(transfer) == before


@pytest.mark.django_db
def test_a_transfer_of_a_practice_one_may_not_see_is_404(speaker3, speaker7):
    hidden = PracticeFactory(zone=zone(7), status="draft")
    transfer = transfer_at(T.INTERESTED, practice=hidden, zone_=zone(3))
    before = snapshot(transfer)
    assert move(as_user(speaker3), transfer, T.IN_CONTACT).status_code == 404
    assert snapshot(transfer) == before
    # The owning zone sees its draft, but may not move another zone's transfer.
    assert move(as_user(speaker7), transfer, T.IN_CONTACT).status_code == 403


@pytest.mark.django_db
def test_get_on_the_form_urls_goes_back_to_the_page(practice, speaker3):
    transfer = transfer_at(T.INTERESTED, practice=practice, zone_=zone(3))
    client = as_user(speaker3)
    response = client.get(reverse("practices:transfer-update", args=[transfer.pk]))
    assert (response.status_code, response["Location"]) == (303, transfer.get_absolute_url())
    response = client.get(reverse("practices:transfer-create", args=[practice.pk]))
    assert response.status_code == 303
    assert response["Location"] == f"{practice.get_absolute_url()}#transfer-ledger"
    assert client.put(reverse("practices:transfer-update", args=[transfer.pk])).status_code == 405


# --- The ledger on the practice page ----------------------------------------------------------


@pytest.fixture
def travelled(practice):
    """Zone 3 adopted it in two named municipalities, zone 7 as a whole, zone 4 is piloting,
    zone 6 dropped it, zone 9 just declared."""
    adopted3 = transfer_at(T.ADOPTED, practice=practice, zone_=zone(3), cost=Decimal("1234.5"))
    adopted3.municipalities.set(Municipality.objects.filter(name__in=["Beinasco", "Nichelino"]))
    adopted7 = transfer_at(T.ADOPTED, practice=practice, zone_=zone(7), result="Usato da tutti")
    piloting4 = transfer_at(T.PILOTING, practice=practice, zone_=zone(4))
    piloting4.municipalities.set(Municipality.objects.filter(zone=zone(4))[:3])  # not adopted
    dropped6 = transfer_at(
        T.DROPPED, practice=practice, zone_=zone(6), drop_reason="Troppo costoso per noi."
    )
    interested9 = transfer_at(T.INTERESTED, practice=practice, zone_=zone(9))
    return adopted3, adopted7, piloting4, dropped6, interested9


@pytest.mark.django_db
def test_the_headline_counts_adopting_zones_and_the_municipalities_they_reach(
    client, practice, travelled
):
    zone7_towns = Municipality.objects.filter(zone=zone(7)).count()
    assert zone7_towns > 2
    shown = page(client, practice)
    expected = 2 + zone7_towns  # the two named by zone 3, every one of zone 7
    assert f"Adopted in 2 of 11 zones, {expected} municipalities." in shown
    assert "2 transfers in progress." in shown
    assert "1 dropped, with its reason." in shown
    ledger = client.get(practice.get_absolute_url()).context["transfer_ledger"]
    assert [z.number for z in ledger.adopted_zones] == [3, 7]
    assert (ledger.in_progress_count, ledger.dropped_count) == (2, 1)


@pytest.mark.django_db
def test_the_headline_counts_each_municipality_once_and_follows_the_territory(
    client, practice, travelled
):
    adopted3, *_ = travelled
    # A municipality of zone 7 named by zone 3 too (entered by hand) is counted once.
    adopted3.municipalities.add(Municipality.objects.filter(zone=zone(7)).first())
    zone7_towns = Municipality.objects.filter(zone=zone(7)).count()
    Zone.objects.create(number=12, name="Nuova zona", slug="nuova-zona")
    shown = page(client, practice)
    assert f"Adopted in 2 of 12 zones, {2 + zone7_towns} municipalities." in shown


@pytest.mark.django_db
def test_a_ledger_with_nothing_adopted_says_so(client, practice):
    assert "Adopted in 0 of 11 zones, 0 municipalities." in page(client, practice)
    assert "No other zone has declared its interest yet." in page(client, practice)
    transfer_at(T.INTERESTED, practice=practice, zone_=zone(3))
    shown = page(client, practice)
    assert "Adopted in 0 of 11 zones, 0 municipalities." in shown
    assert "1 transfer in progress." in shown


@pytest.mark.django_db
def test_each_transfer_shows_its_stage_municipalities_dated_history_and_figures(
    client, practice, travelled, speaker3
):
    adopted3, adopted7, *_ = travelled
    step = adopted3.steps.get(stage=T.ADAPTING)
    step.note, step.by = "Orari ridotti d'estate", speaker3
    step.save()
    shown = page(client, practice, **IT)
    card = shown[
        shown.index(f'id="transfer-{adopted3.pk}"') : shown.index(f'id="transfer-{adopted7.pk}"')
    ]
    assert "Beinasco, Nichelino" in card
    assert "bg-success" in card
    assert "1.234,50" in card  # euro, Italian grouping and decimals
    rows = card[card.index("<tbody>") : card.index("</tbody>")]
    assert rows.count("<tr>") == 5
    for stage_step in adopted3.steps.all():
        assert f'datetime="{stage_step.on.isoformat()}"' in rows
    assert "10 gennaio 2024" in rows.lower()  # dates in Italian
    assert "Orari ridotti d&#x27;estate" in rows and "Ada" in rows
    card7 = shown[shown.index(f'id="transfer-{adopted7.pk}"') :]
    assert "Usato da tutti" in card7
    english = page(client, practice)
    card7 = english[english.index(f'id="transfer-{adopted7.pk}"') :]
    assert "None named: the whole zone." in card7[: card7.index("</article>")]
    assert f'href="#transfer-{adopted3.pk}"' in english  # the headline links to the cards


@pytest.mark.django_db
def test_the_ledger_of_an_archived_practice_stays_readable(practice, speaker3):
    transfer = transfer_at(T.DROPPED, practice=practice, zone_=zone(3), drop_reason="Finito")
    practice.status = "archived"
    practice.save()
    shown = page(as_user(speaker3), practice)
    assert f'id="transfer-{transfer.pk}"' in shown and "Finito" in shown
    assert 'id="transfer-interest"' not in shown  # archived practices do not travel any more


def count_page_queries(client, practice):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(practice.get_absolute_url()).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "adopting zone", "staff"])
def test_the_ledger_queries_do_not_grow_with_transfers_and_steps(
    practice, speaker3, staff_user, who, django_assert_max_num_queries
):
    client = as_user({"visitor": None, "adopting zone": speaker3, "staff": staff_user}[who])
    transfer_at(T.PILOTING, practice=practice, zone_=zone(3))
    transfer_at(T.ADOPTED, practice=practice, zone_=zone(4))
    count_page_queries(client, practice)  # warm up (sessions, content types, permissions)
    few = count_page_queries(client, practice)

    for number in (6, 7, 8, 9, 10, 11):
        transfer = transfer_at(T.ADOPTED, practice=practice, zone_=zone(number))
        if number % 2:
            transfer.municipalities.set(Municipality.objects.filter(zone=zone(number))[:4])
        for day in range(3):
            TransferStep.objects.create(
                transfer=transfer, stage=T.ADOPTED, on=datetime.date(2025, 3, 1 + day)
            )
    many = count_page_queries(client, practice)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(practice.get_absolute_url())


@pytest.mark.django_db
def test_the_service_refuses_a_step_drawn_for_a_stage_that_has_changed(territory):
    transfer = TransferFactory(
        practice__zone=Zone.objects.get(number=5), zone=Zone.objects.get(number=3)
    )
    staff = UserFactory(is_superuser=True)
    services.move_transfer(transfer=transfer, to_stage="in_contact", by=staff)
    with translation.override("en"), pytest.raises(services.TransferError, match="since you"):
        services.move_transfer(
            transfer=transfer, to_stage="adapting", by=staff, seen_stage="interested"
        )
    transfer.refresh_from_db()
    assert transfer.stage == "in_contact"
