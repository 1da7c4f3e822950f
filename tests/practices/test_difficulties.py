"""The "difficulties encountered" of a practice (a field of the European good-practice records):
written in the practice form, shown on the practice page next to the evidence of success,
searched in the catalogue, and compared after a stale save."""

import pytest
from django.urls import reverse

from practices.models import Practice
from zones.models import Zone

from ..factories import PracticeFactory
from .test_editing import edit_data, edit_url

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DIFFICULTIES = "I turni degli autisti non coprivano la sera: abbiamo coinvolto i volontari."


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.mark.django_db
def test_the_form_offers_the_field_and_saves_it(spokesperson_client, zone5):
    practice = PracticeFactory(zone=zone5, title="Navetta serale")
    page = spokesperson_client.get(edit_url(practice), **EN).content.decode()
    assert 'name="difficulties"' in page
    assert "Difficulties encountered" in page
    # In the "Details" group, between the evidence of success and the potential for transfer.
    assert (
        page.index('name="evidence_of_success"')
        < page.index('name="difficulties"')
        < page.index('name="potential_for_transfer"')
    )
    response = spokesperson_client.post(
        edit_url(practice), edit_data(practice, difficulties=DIFFICULTIES)
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.difficulties == DIFFICULTIES


@pytest.mark.django_db
def test_the_practice_page_shows_the_difficulties_or_says_none_were_given(client, zone5):
    stated = PracticeFactory(zone=zone5, status="published", difficulties=DIFFICULTIES)
    page = client.get(stated.get_absolute_url(), **EN).content.decode()
    assert '<h2 id="difficulties-heading" class="h3">Difficulties encountered</h2>' in page
    assert DIFFICULTIES in page
    silent = PracticeFactory(zone=zone5, status="published", difficulties="")
    page = client.get(silent.get_absolute_url(), **EN).content.decode()
    section = page[page.index('id="difficulties-heading"') :]
    assert section[: section.index("</section>")].count("Not given.") == 1


@pytest.mark.django_db
def test_the_catalogue_finds_a_practice_by_its_difficulties(client, zone5):
    PracticeFactory(
        zone=zone5, status="published", title="Navetta serale", difficulties=DIFFICULTIES
    )
    PracticeFactory(zone=zone5, status="published", title="Altro servizio")
    response = client.get(reverse("practices:practice-list"), {"q": "autisti"}, **EN)
    page = response.content.decode()
    assert "Navetta serale" in page and "Altro servizio" not in page


@pytest.mark.django_db
def test_a_stale_save_lists_the_difficulties_among_the_differences(spokesperson_client, zone5):
    practice = PracticeFactory(zone=zone5, title="Navetta serale")
    loaded = edit_data(practice, difficulties="La mia versione.")
    Practice.objects.filter(pk=practice.pk).update(difficulties="Un'altra versione.", version=2)
    response = spokesperson_client.post(edit_url(practice), loaded, **EN)
    assert response.status_code == 409
    page = response.content.decode()
    assert '<a href="#id_difficulties">Difficulties encountered</a>' in page
    assert "Un&#x27;altra versione." in page
