"""The good-practice record of a published practice: the JSON validates against its committed
schema (draft 2020-12) for a full and a minimal practice, the printable page shows every field
with its label and value ("Not stated" where empty), only published practices have one, the
location comes from the settings, expert opinions appear only as a count and a date, and the
queries do not grow with the practice's data."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from plans.models import Action, Axis, Plan, Strategy
from practices.models import ExpertOpinion, Theme, Transfer
from practices.record import SCHEMA_PATH
from tests.factories import MembershipFactory, PracticeFactory, TransferFactory, UserFactory
from zones.models import Municipality, Zone

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate(document: dict) -> None:
    Draft202012Validator(SCHEMA, format_checker=FormatChecker()).validate(document)


def page_url(practice) -> str:
    return reverse("practices:practice-record", args=[practice.pk])


def json_url(practice) -> str:
    return reverse("practices:practice-record-json", args=[practice.pk])


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.fixture
def plan(db):
    plan = Plan.objects.create(
        code="PSM-2024-2026", title="Torino metro(poli)montana", period="2024-2026"
    )
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_FORCE)
    axis = Axis.objects.create(
        plan=plan, number=2, name_it="Metropoli sostenibile", name_en="Sustainable metropolis"
    )
    strategy = Strategy.objects.create(
        axis=axis, code="2.1", name_it="Mobilità dolce", name_en="Soft mobility"
    )
    Action.objects.create(
        strategy=strategy, code="2.1.3", name_it="Navette a chiamata", name_en="On-demand shuttles"
    )
    return plan


@pytest.fixture
def full(zone5, plan, staff_user):
    """A published practice with every field of the record filled in."""
    themes = list(Theme.objects.order_by("slug")[:2])
    practice = PracticeFactory(
        zone=zone5,
        status="published",
        kind="project",
        title="Scuolabus a chiamata",
        summary="Un servizio di trasporto scolastico su prenotazione.",
        description=(
            "# Come funziona\n\nLe famiglie **prenotano** la corsa "
            "[sul sito](https://example.org/prenota).\n\n- andata\n- ritorno\n\n"
            "<script>alert(1)</script>"
        ),
        main_institution="Unione montana del Pinerolese",
        start_date=datetime.date(2021, 9, 13),
        end_date=datetime.date(2023, 6, 30),
        resources_needed="Due pulmini e un operatore.",
        evidence_of_success="Il 40% delle famiglie lo usa.",
        difficulties="Gli orari delle scuole cambiavano ogni anno.",
        potential_for_transfer="Adatto alle valli con scuole lontane.",
        contact_person="Ufficio scuola dell'Unione",
        themes=themes,
        published_at=timezone.now(),
    )
    practice.municipalities.set(
        Municipality.objects.filter(name__in=["Pinerolo", "Perosa Argentina"])
    )
    axis = plan.axes.get()
    practice.axes.set([axis])
    practice.plan_strategies.set(Strategy.objects.filter(axis=axis))
    practice.plan_actions.set(Action.objects.filter(strategy__axis=axis))
    for zone in Zone.objects.filter(number__in=[3, 5, 7]):
        TransferFactory(practice=practice, zone=zone)
    Transfer.objects.filter(practice=practice).update(stage="adopted")  # its own zone not counted
    TransferFactory(practice=practice, zone=Zone.objects.get(number=9))  # only interested
    expert = UserFactory(first_name="Ernesta", last_name="Esperta")
    ExpertOpinion.objects.create(
        practice=practice,
        author=expert,
        assessment="Valutazione riservata agli utenti registrati.",
        given_on=datetime.date(2024, 3, 1),
    )
    ExpertOpinion.objects.create(
        practice=practice,
        author=staff_user,
        assessment="Seconda valutazione.",
        given_on=datetime.date(2024, 5, 2),
    )
    return practice


@pytest.fixture
def minimal(zone5):
    """A published practice with nothing but what a practice must have."""
    return PracticeFactory(
        zone=zone5,
        status="published",
        title="Pratica essenziale",
        summary="Solo il riassunto.",
        description="",
        main_institution="",
    )


def get_json(practice, **extra) -> dict:
    response = Client().get(json_url(practice), **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


# --- The JSON ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_json_of_a_full_practice_validates_and_holds_every_field(full):
    data = get_json(full, **EN)
    validate(data)
    assert data["$schema"] == "http://testserver/pratiche/scheda.schema.json"
    assert data["format"] == {"name": "good-practice-record", "version": "1.0"}
    assert data["language"] == "en"
    assert data["url"] == f"http://testserver{full.get_absolute_url()}"
    assert data["record_url"] == f"http://testserver{json_url(full)}"
    assert data["id"] == full.pk and data["title"] == "Scuolabus a chiamata"
    assert data["kind"] == {"code": "project", "label": "Project"}
    assert data["summary"] == "Un servizio di trasporto scolastico su prenotazione."
    description = data["detailed_description"]
    assert "<h3>Come funziona</h3>" in description["html"]
    assert "<strong>prenotano</strong>" in description["html"]
    assert "<script>" not in description["html"]
    assert description["text"].startswith("Come funziona\n\nLe famiglie prenotano la corsa")
    assert "sul sito (https://example.org/prenota)" in description["text"]
    assert "- andata\n- ritorno" in description["text"]
    assert "<strong>" not in description["text"]
    assert data["resources_needed"] == "Due pulmini e un operatore."
    assert data["evidence_of_success"] == "Il 40% delle famiglie lo usa."
    assert data["difficulties_encountered"] == "Gli orari delle scuole cambiavano ogni anno."
    assert data["potential_for_learning_or_transfer"] == "Adatto alle valli con scuole lontane."
    assert data["main_institution"] == "Unione montana del Pinerolese"
    location = data["location"]
    assert location["country_code"] == "IT"
    assert location["region"] == "Piemonte" and location["nuts_code"] == "ITC11"
    assert location["zone"]["number"] == 5
    assert location["zone"]["url"].endswith(full.zone.get_absolute_url())
    assert [m["name"] for m in location["municipalities"]] == ["Perosa Argentina", "Pinerolo"]
    assert all(len(m["istat_code"]) == 6 for m in location["municipalities"])
    assert data["timescale"] == {
        "start_date": "2021-09-13",
        "end_date": "2023-06-30",
        "ongoing": False,
    }
    assert data["contact"] == {
        "contact_person": "Ufficio scuola dell'Unione",
        "organisation": "Città metropolitana di Torino",
        "email": "tavolo@example.org",
        "website": "http://www.cittametropolitana.torino.it/",
    }
    assert [t["slug"] for t in data["themes"]] == sorted(t.slug for t in full.themes.all())
    [axis] = data["strategic_plan"]["axes"]
    assert axis["plan_code"] == "PSM-2024-2026" and axis["number"] == 2
    assert axis["name"] == "Sustainable metropolis"
    assert data["strategic_plan"]["strategies"] == [{"code": "2.1", "name": "Soft mobility"}]
    assert data["strategic_plan"]["actions"] == [{"code": "2.1.3", "name": "On-demand shuttles"}]
    assert data["adoption"] == {"adopting_zones": 2, "zones_in_territory": 11}
    assert data["expert_opinions"] == {"count": 2, "latest_date": "2024-05-02"}
    datetime.datetime.fromisoformat(data["exported_at"])
    assert data["exported_at"].endswith(("+01:00", "+02:00"))  # the portal's time zone


@pytest.mark.django_db
def test_the_json_of_a_minimal_practice_validates_with_nulls_for_what_is_not_stated(minimal):
    data = get_json(minimal)
    validate(data)
    assert data["language"] == "it"
    for field in (
        "resources_needed",
        "evidence_of_success",
        "difficulties_encountered",
        "potential_for_learning_or_transfer",
        "main_institution",
    ):
        assert data[field] is None, field
    assert data["contact"]["contact_person"] is None
    assert data["detailed_description"] == {"html": "", "text": ""}
    assert data["timescale"] == {"start_date": None, "end_date": None, "ongoing": True}
    assert data["location"]["municipalities"] == []
    assert data["strategic_plan"] == {"axes": [], "strategies": [], "actions": []}
    assert data["adoption"]["adopting_zones"] == 0
    assert data["expert_opinions"] == {"count": 0, "latest_date": None}
    assert data["published_at"] is None  # published without the portal knowing when


@pytest.mark.django_db
def test_the_public_record_tells_that_expert_opinions_exist_but_not_what_they_say(full):
    for response in (Client().get(json_url(full)), Client().get(page_url(full), **EN)):
        content = response.content.decode()
        assert "Valutazione riservata" not in content and "Seconda valutazione" not in content
        assert "Esperta" not in content and "Ernesta" not in content
        assert "staff@example.org" not in content
    page = Client().get(page_url(full), **EN).content.decode()
    assert "2 expert opinions, the latest of May 2, 2024" in page


@pytest.mark.django_db
def test_the_location_comes_from_the_settings(full, settings):
    settings.ORGANISATION = {
        **settings.ORGANISATION,
        "name": "Città metropolitana di Genova",
        "region": "Liguria",
        "nuts_code": "ITC33",
        "contact_email": "tavolo@genova.example.org",
    }
    data = get_json(full)
    validate(data)
    assert data["location"]["region"] == "Liguria"
    assert data["location"]["nuts_code"] == "ITC33"
    assert data["contact"]["email"] == "tavolo@genova.example.org"
    page = Client().get(page_url(full), **EN).content.decode()
    assert "<dd>ITC33</dd>" in page and "<dd>Liguria</dd>" in page
    assert "ITC11" not in page


@pytest.mark.django_db
def test_the_json_is_readable_by_other_sites_and_named_for_saving(full):
    response = Client().get(json_url(full))
    assert response["Access-Control-Allow-Origin"] == "*"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'inline; filename="scheda-pratica-{full.pk}-{today}.json"'
    )


# --- The schema -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_is_served_as_committed_and_is_a_valid_2020_12_schema(client):
    response = client.get(reverse("practices:record-schema"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    served = json.loads(response.content)
    assert served == SCHEMA
    Draft202012Validator.check_schema(served)
    assert served["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_property_of_the_schema_is_documented_and_required():
    def walk(schema, where):
        if schema.get("type") == "object" or "properties" in schema:
            assert schema.get("additionalProperties") is False, where
            assert set(schema["required"]) == set(schema["properties"]), where
            for name, child in schema["properties"].items():
                assert child.get("description"), f"{where}.{name}"
                walk(child, f"{where}.{name}")
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], f"{where}[]")

    walk(SCHEMA, "record")


@pytest.mark.django_db
def test_the_schema_refuses_a_record_missing_a_field_or_with_a_bad_nuts_code(full):
    from jsonschema import ValidationError

    data = get_json(full)
    without = {key: value for key, value in data.items() if key != "difficulties_encountered"}
    with pytest.raises(ValidationError):
        validate(without)
    data["location"]["nuts_code"] = "Torino"
    with pytest.raises(ValidationError):
        validate(data)


# --- The printable page -----------------------------------------------------------------------


def fields_of(page: str) -> dict[str, str]:
    """The printable record's label: value pairs (<dt>label</dt><dd>value</dd>)."""
    import re

    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", page, flags=re.S)
    return {label.strip(): re.sub(r"\s+", " ", value).strip() for label, value in pairs}


@pytest.mark.django_db
def test_the_printable_page_shows_every_field_with_its_label_and_value(full):
    response = Client().get(page_url(full), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    fields = fields_of(page)
    expected = {
        "Title": "Scuolabus a chiamata",
        "Kind": "Project",
        "Summary": "Un servizio di trasporto scolastico su prenotazione.",
        "Resources needed": "Due pulmini e un operatore.",
        "Evidence of success": "Il 40% delle famiglie lo usa.",
        "Difficulties encountered": "Gli orari delle scuole cambiavano ogni anno.",
        "Potential for learning or transfer": "Adatto alle valli con scuole lontane.",
        "Main institution": "Unione montana del Pinerolese",
        "Country": "IT",
        "Region": "Piemonte",
        "NUTS code": "ITC11",
        "Homogeneous zone": f"Zone 5 {full.zone.name}",
        "Municipalities involved": "Perosa Argentina, Pinerolo",
        "Start date": "Sept. 13, 2021",
        "End date": "June 30, 2023",
        "Contact person": "Ufficio scuola dell&#x27;Unione",
        "Organisation": "Città metropolitana di Torino",
        "E-mail": "tavolo@example.org",
        "Website": "http://www.cittametropolitana.torino.it/",
        "Themes": ", ".join(t.name_en for t in full.themes.order_by("slug")),
        "Axes of the Strategic Plan": "Axis 2. Sustainable metropolis",
        "Strategies of the plan": "2.1 Soft mobility",
        "Actions of the plan": "2.1.3 On-demand shuttles",
        "Adoption by other zones": "Adopted by 2 other zones, of the 11 zones.",
        "Expert opinions": "2 expert opinions, the latest of May 2, 2024",
        "Page of the practice": f"http://testserver{full.get_absolute_url()}",
        "Record in JSON": f"http://testserver{json_url(full)}",
        "Language": "English",
        "Format": "good-practice-record, version 1.0",
    }
    for label, value in expected.items():
        assert label in fields, label
        assert value in fields[label], (label, fields[label])
    assert "<h3>Come funziona</h3>" in fields["Detailed description"]
    assert "<script>alert(1)" not in page
    assert "Exported on" in fields and "Published" in fields and "Last updated" in fields
    assert "Not stated" not in page
    # Printable: the print button (shown by js/print.js) and the print rules' class.
    assert 'class="print-document good-practice-record"' in page
    assert "data-print hidden" in page and "js/print.js" in page


@pytest.mark.django_db
def test_the_printable_page_says_not_stated_for_each_empty_field(minimal):
    fields = fields_of(Client().get(page_url(minimal), **EN).content.decode())
    for label in (
        "Detailed description",
        "Resources needed",
        "Evidence of success",
        "Difficulties encountered",
        "Potential for learning or transfer",
        "Main institution",
        "Start date",
        "Contact person",
        "Published",
    ):
        assert fields[label] == "Not stated", label
    assert fields["End date"] == "Ongoing"
    assert fields["Municipalities involved"] == "The whole zone"
    assert fields["Axes of the Strategic Plan"] == "Not tagged"
    assert fields["Expert opinions"] == "None yet"


# --- Only published practices -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", ["draft", "submitted", "changes_requested", "archived", "rejected"]
)
@pytest.mark.parametrize("role", ["visitor", "spokesperson", "staff"])
def test_a_practice_that_is_not_published_has_no_record_for_anyone(zone5, staff_user, status, role):
    practice = PracticeFactory(zone=zone5, status=status)
    browser = Client()
    if role == "staff":
        browser.force_login(staff_user)
    elif role == "spokesperson":
        browser.force_login(MembershipFactory(zone=zone5).user)  # of the owning zone
    for url in (page_url(practice), json_url(practice)):
        assert browser.get(url).status_code == 404, url


@pytest.mark.django_db
def test_an_unknown_practice_has_no_record(client, db):
    assert client.get(reverse("practices:practice-record-json", args=[999])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["practices:practice-record", "practices:practice-record-json"])
def test_the_record_only_reads(minimal, staff_user, name):
    browser = Client()
    browser.force_login(staff_user)
    assert browser.post(reverse(name, args=[minimal.pk])).status_code == 405


@pytest.mark.django_db
def test_the_practice_page_links_the_record_only_when_published(zone5, minimal, staff_user):
    browser = Client()
    browser.force_login(staff_user)
    page = browser.get(minimal.get_absolute_url(), **EN).content.decode()
    assert f'href="{page_url(minimal)}"' in page and f'href="{json_url(minimal)}"' in page
    assert f'href="{reverse("practices:record-schema")}"' in page
    draft = PracticeFactory(zone=zone5, status="draft")
    page = browser.get(draft.get_absolute_url(), **EN).content.decode()
    assert "Good-practice record" not in page
    assert f'href="{page_url(draft)}"' not in page


# --- Queries ----------------------------------------------------------------------------------


def count_queries(url) -> int:
    browser = Client()
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["practices:practice-record", "practices:practice-record-json"])
def test_the_record_takes_the_same_queries_whatever_the_practice_holds(
    full, minimal, name, django_assert_max_num_queries
):
    small = count_queries(reverse(name, args=[minimal.pk]))
    for number in (1, 2, 4, 6, 8, 10, 11):
        TransferFactory(practice=full, zone=Zone.objects.get(number=number))
    for day in range(1, 6):
        ExpertOpinion.objects.create(
            practice=full,
            author=UserFactory(),
            assessment="x",
            given_on=datetime.date(2024, 6, day),
        )
    full.municipalities.set(Municipality.objects.filter(zone=full.zone))
    full.themes.set(Theme.objects.all())
    assert count_queries(reverse(name, args=[full.pk])) == small
    with django_assert_max_num_queries(12):
        Client().get(reverse(name, args=[full.pk]))


@pytest.mark.django_db
def test_the_open_data_page_describes_the_record_and_links_its_schema(client, db):
    page = client.get(reverse("opendata"), **EN).content.decode()
    assert "Each published practice is also a good-practice record" in page
    assert f'href="{reverse("practices:record-schema")}"' in page
