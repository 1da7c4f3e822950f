"""Creating and editing practices: the form, its validation, and the stale-edit refusal."""

import re

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from practices.forms_editing import PracticeForm
from practices.models import Practice, Theme, Transition
from zones.models import Municipality, Zone

from ..factories import MembershipFactory, PracticeFactory, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CREATE = reverse("practices:practice-create")


def edit_url(practice) -> str:
    return reverse("practices:practice-edit", kwargs={"pk": practice.pk})


def practice_data(owning_zone, **changes) -> dict:
    """A complete, valid form for a practice of ``owning_zone``."""
    zone = owning_zone
    data = {
        "title": "Scuole aperte d'estate",
        "kind": "good_practice",
        "summary": "Le scuole restano aperte a luglio per attività all'aperto.",
        "description": "## Come\n\n- accordo con le famiglie\n- **volontari**",
        "zone": zone.pk,
        "municipalities": list(
            zone.municipalities.order_by("name").values_list("pk", flat=True)[:2]
        ),
        "themes": [Theme.objects.get(slug="scuola-e-istruzione").pk],
        "main_institution": "Unione montana",
        "contact_person": "Maria Rossi, assessora",
        "start_date": "2020-06-15",
        "end_date": "2020-09-10",
        "resources_needed": "Due educatori per plesso.",
        "evidence_of_success": "300 bambini iscritti.",
        "potential_for_transfer": "Serve un accordo con l'istituto comprensivo.",
        "recheck_by": "",
    }
    data.update(changes)
    return data


def edit_data(practice, **changes) -> dict:
    """The edit form as loaded for ``practice`` (at its current version), with ``changes``."""
    data = practice_data(
        practice.zone,
        title=practice.title,
        kind=practice.kind,
        summary=practice.summary,
        description=practice.description,
        municipalities=list(practice.municipalities.values_list("pk", flat=True)),
        themes=list(practice.themes.values_list("pk", flat=True)),
        version=practice.version,
    )
    data.update(changes)
    return data


def snapshot(practice) -> dict:
    """Everything an edit could change, to show that a refused one changed nothing."""
    practice = Practice.objects.get(pk=practice.pk)
    return {
        "fields": {f.name: getattr(practice, f.name) for f in Practice._meta.concrete_fields},
        "municipalities": set(practice.municipalities.values_list("pk", flat=True)),
        "themes": set(practice.themes.values_list("pk", flat=True)),
        "transitions": list(practice.transitions.values_list("pk", flat=True)),
    }


def loaded_version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.fixture
def zone3(territory):
    return Zone.objects.get(number=3)


# --- creating ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_spokesperson_creates_a_draft_of_their_zone(spokesperson_client, spokesperson, zone5):
    page = spokesperson_client.get(CREATE, **EN)
    assert page.status_code == 200
    html = page.content.decode()
    # The one zone they speak for is the only choice, already chosen.
    assert re.search(rf'<option value="{zone5.pk}" selected>', html)
    assert html.count("<option") == len(Practice.Kind.choices) + 1
    assert 'type="date"' in html
    # Their zone's municipalities are offered, no other zone's.
    assert html.count('name="municipalities"') == zone5.municipalities.count()

    data = practice_data(zone5)
    response = spokesperson_client.post(CREATE, data)
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    assert practice.status == Practice.Status.DRAFT
    assert practice.created_by == spokesperson
    assert practice.zone == zone5
    assert practice.version == 1
    assert set(practice.municipalities.values_list("pk", flat=True)) == set(data["municipalities"])
    assert [t.slug for t in practice.themes.all()] == ["scuola-e-istruzione"]
    assert str(practice.start_date) == "2020-06-15"
    assert not Transition.objects.exists()


@pytest.mark.django_db
def test_staff_choose_any_zone_and_see_the_municipalities_folded_by_zone(staff_client, zone3):
    html = staff_client.get(f"{CREATE}?zone=3", **EN).content.decode()
    assert html.count('<details class="municipality-group"') == 11
    assert html.count('name="municipalities"') == Municipality.objects.exclude(zone=None).count()
    assert re.search(rf'<option value="{zone3.pk}" selected>', html)
    # The chosen zone's group is open, the others folded.
    assert html.count('<details class="municipality-group" open>') == 1

    response = staff_client.post(CREATE, practice_data(zone3))
    assert response.status_code == 302
    assert Practice.objects.get().zone == zone3


@pytest.mark.django_db
def test_a_spokesperson_of_two_zones_chooses_between_them(client, zone3, zone5):
    user = UserFactory()
    MembershipFactory(user=user, zone=zone3)
    MembershipFactory(user=user, zone=zone5)
    client.force_login(user)
    html = client.get(CREATE, **EN).content.decode()
    assert "Choose the zone" in html
    assert f'<option value="{zone3.pk}">' in html and f'<option value="{zone5.pk}">' in html
    assert html.count('<details class="municipality-group"') == 2
    assert client.post(CREATE, practice_data(zone3)).status_code == 302


@pytest.mark.django_db
def test_creating_for_a_zone_one_does_not_speak_for_is_refused(spokesperson_client, zone3):
    response = spokesperson_client.post(CREATE, practice_data(zone3))
    assert response.status_code == 403
    assert not Practice.objects.exists()


INVALID = [
    pytest.param(
        {"start_date": "2021-05-01", "end_date": "2021-04-30"},
        "end_date",
        "The end date cannot be before the start date.",
        id="end-before-start",
    ),
    pytest.param({"themes": []}, "themes", "Choose at least one theme.", id="no-theme"),
    pytest.param(
        {"themes": [999999]},
        "themes",
        "Select a valid choice. 999999 is not one of the available choices.",
        id="theme-that-does-not-exist",
    ),
    pytest.param(
        {"municipalities": [999999]},
        "municipalities",
        "One of the chosen municipalities does not exist: choose again from the list.",
        id="municipality-that-does-not-exist",
    ),
    pytest.param(
        {"municipalities": ["torino"]},
        "municipalities",
        "“torino” is not a municipality of the list.",
        id="municipality-not-a-number",
    ),
    pytest.param(
        {"title": "T" * 201},
        "title",
        "Ensure this value has at most 200 characters (it has 201).",
        id="over-long-title",
    ),
    pytest.param(
        {"summary": "S" * 1001},
        "summary",
        "Ensure this value has at most 1000 characters (it has 1001).",
        id="over-long-summary",
    ),
    pytest.param({"title": "  "}, "title", "This field is required.", id="blank-title"),
    pytest.param(
        {"title": "Scuole\x00aperte"}, "title", "Null characters are not allowed.", id="nul-title"
    ),
    pytest.param(
        {"description": "Testo\x00nascosto"},
        "description",
        "Null characters are not allowed.",
        id="nul-description",
    ),
    pytest.param(
        {"municipalities": ["1\x00"]},
        "municipalities",
        "Null characters are not allowed.",
        id="nul-municipality",
    ),
    pytest.param({"start_date": "31/02/2021"}, "start_date", "Enter a valid date.", id="bad-date"),
    pytest.param({"kind": "miracle"}, "kind", "Select a valid choice.", id="unknown-kind"),
    pytest.param({"zone": ""}, "zone", "Choose the owning zone.", id="no-zone"),
    pytest.param(
        {"zone": "99999"}, "zone", "Choose the owning zone from the list.", id="no-such-zone"
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field", "message"), INVALID)
def test_invalid_input_gets_a_clear_message_and_saves_nothing(
    spokesperson_client, zone5, changes, field, message
):
    data = practice_data(zone5, **changes)
    response = spokesperson_client.post(CREATE, data, **EN)
    assert response.status_code == 200
    assert not Practice.objects.exists()
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    html = response.content.decode()
    assert "The practice was not saved. Please correct:" in html
    # What was typed is shown back.
    assert "Le scuole restano aperte a luglio" in html or field == "summary"


@pytest.mark.django_db
def test_a_municipality_of_another_zone_is_named_in_the_message(staff_client, zone3, zone5):
    torino = Municipality.objects.get(name="Torino")
    pinerolo = Municipality.objects.get(name="Pinerolo")
    assert pinerolo.zone == zone5 and torino.zone != zone5
    data = practice_data(zone5, municipalities=[pinerolo.pk, torino.pk])
    response = staff_client.post(CREATE, data, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["municipalities"] == [
        f"Torino is not in zone {zone5}: choose municipalities of the owning zone."
    ]
    assert not Practice.objects.exists()
    # The ticked boxes stay ticked, in their zones' open groups.
    html = response.content.decode()
    assert f'value="{torino.pk}" id="id_municipalities_{torino.pk}" checked' in html
    assert html.count('<details class="municipality-group" open>') == 2


@pytest.mark.django_db
def test_a_title_is_unique_within_its_zone_whatever_the_case(spokesperson_client, zone3, zone5):
    PracticeFactory(zone=zone5, title="Scuole aperte d'estate")
    response = spokesperson_client.post(
        CREATE, practice_data(zone5, title="SCUOLE APERTE D'ESTATE"), **EN
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        f"Zone {zone5} already has a practice called “SCUOLE APERTE D'ESTATE”: choose another "
        "title."
    ]
    assert Practice.objects.count() == 1
    # Another zone may use the same title.
    PracticeFactory(zone=zone3, title="Orti urbani")
    response = spokesperson_client.post(CREATE, practice_data(zone5, title="Orti urbani"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_title_taken_during_the_save_is_a_message_not_a_500(
    spokesperson_client, zone5, monkeypatch
):
    """Two people creating the same title at once: the checks before saving pass for both, the
    database's constraint refuses the second."""
    PracticeFactory(zone=zone5, title="Scuole aperte d'estate")
    monkeypatch.setattr(PracticeForm, "_title_taken", lambda self, zone, title: False)
    monkeypatch.setattr(Practice, "validate_constraints", lambda self, exclude=None: None)
    response = spokesperson_client.post(CREATE, practice_data(zone5), **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "This zone already has a practice with this title: choose another title."
    ]
    assert Practice.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_title_in_any_case(zone5):
    PracticeFactory(zone=zone5, title="Orti urbani")
    with pytest.raises(IntegrityError):
        PracticeFactory(zone=zone5, title="orti URBANI")


# --- editing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_spokesperson_edits_their_draft(spokesperson_client, zone5):
    practice = PracticeFactory(zone=zone5, title="Orti urbani")
    page = spokesperson_client.get(edit_url(practice), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert loaded_version(html) == "1"
    assert 'value="Orti urbani"' in html

    response = spokesperson_client.post(
        edit_url(practice), edit_data(practice, title="Orti urbani condivisi", end_date="")
    )
    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    practice.refresh_from_db()
    assert practice.title == "Orti urbani condivisi"
    assert practice.end_date is None
    assert practice.version == 2
    assert practice.status == Practice.Status.DRAFT
    # Its own title, in another case, is not a duplicate of itself.
    response = spokesperson_client.post(
        edit_url(practice), edit_data(practice, title="ORTI URBANI CONDIVISI")
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_practice_cannot_move_to_a_zone_that_took_it_up(staff_client, zone3, zone5):
    from ..factories import TransferFactory

    practice = PracticeFactory(zone=zone5, status="published")
    TransferFactory(practice=practice, zone=zone3)
    response = staff_client.post(
        edit_url(practice), edit_data(practice, zone=zone3.pk, municipalities=[]), **EN
    )
    assert response.status_code == 200
    assert response.context["form"].errors["zone"] == [
        f"Zone {zone3} has taken up this practice: it cannot become its owner."
    ]
    practice.refresh_from_db()
    assert practice.zone == zone5


@pytest.mark.django_db
def test_a_spokesperson_cannot_move_their_practice_to_another_zone(spokesperson_client, zone3):
    practice = PracticeFactory(zone=Zone.objects.get(number=5))
    before = snapshot(practice)
    response = spokesperson_client.post(
        edit_url(practice), edit_data(practice, zone=zone3.pk, municipalities=[])
    )
    assert response.status_code == 403
    assert snapshot(practice) == before


@pytest.mark.django_db
def test_a_refused_edit_shows_the_text_back_and_saves_nothing(spokesperson_client, zone5):
    """The practice was submitted (by a colleague) while its form was open: the save is refused,
    and what was typed is on the page to copy."""
    practice = PracticeFactory(zone=zone5, status="submitted")
    before = snapshot(practice)
    response = spokesperson_client.post(
        edit_url(practice), edit_data(practice, summary="Il mio testo da non perdere."), **EN
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "You may not edit this practice now (its status is “Submitted”)" in html
    assert "Il mio testo da non perdere." in html
    assert snapshot(practice) == before


@pytest.mark.django_db
def test_staff_edit_a_published_practice_and_it_stays_published(staff_client, zone5):
    practice = PracticeFactory(zone=zone5, status="published")
    response = staff_client.post(edit_url(practice), edit_data(practice, summary="Più chiaro."))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.summary == "Più chiaro."
    assert practice.status == Practice.Status.PUBLISHED


@pytest.mark.django_db
def test_the_edit_form_shows_dates_as_iso_for_the_date_picker(spokesperson_client, zone5):
    import datetime

    practice = PracticeFactory(
        zone=zone5, start_date=datetime.date(2020, 3, 9), recheck_by=datetime.date(2026, 1, 31)
    )
    html = spokesperson_client.get(edit_url(practice), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert 'type="date" name="start_date" value="2020-03-09"' in html
    assert 'type="date" name="recheck_by" value="2026-01-31"' in html


@pytest.mark.django_db
def test_an_edit_without_its_version_is_refused_with_a_message(spokesperson_client, zone5):
    practice = PracticeFactory(zone=zone5)
    before = snapshot(practice)
    data = edit_data(practice, title="Nuovo titolo")
    del data["version"]
    response = spokesperson_client.post(edit_url(practice), data, **EN)
    assert response.status_code == 200
    assert "The form lost the version it was loaded with" in response.content.decode()
    assert snapshot(practice) == before


# --- two people editing at once ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_save_is_refused_and_its_text_shown_back(spokesperson, zone5):
    practice = PracticeFactory(zone=zone5, title="Orti urbani", summary="Il testo di partenza.")
    colleague = UserFactory()
    MembershipFactory(user=colleague, zone=zone5)
    first, second = Client(), Client()
    first.force_login(spokesperson)
    second.force_login(colleague)
    # Both open the form at version 1.
    assert loaded_version(first.get(edit_url(practice)).content.decode()) == "1"
    assert loaded_version(second.get(edit_url(practice)).content.decode()) == "1"

    saved = first.post(edit_url(practice), edit_data(practice, summary="La versione di Anna."))
    assert saved.status_code == 302

    refused = second.post(
        edit_url(practice),
        edit_data(practice, version=1, summary="La versione di Bruno, scritta con cura."),
        **EN,
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Someone else saved this practice while you were editing" in html
    # Their text is in the form; the current version is there to compare with.
    assert "La versione di Bruno, scritta con cura.</textarea>" in html
    assert "La versione di Anna." in html
    assert [d["name"] for d in refused.context["differences"]] == ["summary"]
    # Nothing was overwritten.
    practice.refresh_from_db()
    assert practice.summary == "La versione di Anna."
    assert practice.version == 2
    # The form now carries the current version: saving again (after comparing) succeeds.
    assert loaded_version(html) == "2"
    again = second.post(
        edit_url(practice),
        edit_data(practice, version=2, summary="La versione di Bruno, scritta con cura."),
    )
    assert again.status_code == 302
    practice.refresh_from_db()
    assert practice.summary == "La versione di Bruno, scritta con cura."
    assert practice.version == 3


@pytest.mark.django_db
def test_a_lifecycle_step_makes_an_open_form_stale(spokesperson_client, staff_user, zone5):
    """A transition bumps the version too: a form opened before it cannot overwrite it."""
    from practices import services

    practice = PracticeFactory(zone=zone5, status="changes_requested")
    data = edit_data(practice, summary="Modificato dopo.")
    services.apply_transition(practice=practice, to_status="submitted", by=staff_user)
    services.apply_transition(
        practice=practice, to_status="changes_requested", by=staff_user, note="Ancora."
    )
    response = spokesperson_client.post(edit_url(practice), data)
    assert response.status_code == 409
    practice.refresh_from_db()
    assert practice.summary != "Modificato dopo."
