"""Open data (/dati-aperti/): the page, the CSV and JSON files, the DCAT catalogue, the JSON API.

What the files hold is what a visitor sees on the site: published practices, public meetings,
decisions of public meetings once held; never a draft, a private meeting, a video-call link or a
user's e-mail address. Files, API pages and the catalogue validate against the committed schemas.
"""

import csv
import io
import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from meetings import services as meeting_services
from meetings.models import AgendaItem, Decision
from practices.models import Theme
from roundtable import opendata
from zones.models import Municipality, Zone

from .factories import CommentFactory, PracticeFactory, UserFactory
from .meetings.helpers import action, held, item, schedule

SCHEMAS = Path(settings.BASE_DIR) / "static" / "opendata" / "schemas"
SLUGS = list(opendata.DATASETS)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
VIDEO = "https://meet.example.org/riservato"


def schema(name: str) -> Draft202012Validator:
    document = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(document, format_checker=FormatChecker())


def valid(validator: Draft202012Validator, document) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors


def csv_rows(response, delimiter: str = ",") -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def file_url(slug: str, kind: str) -> str:
    return reverse("opendata-file", args=[slug, kind])


def api_url(slug: str, **query) -> str:
    url = reverse("opendata-api-list", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def get_json(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def path_of(address: str) -> str:
    parts = urlsplit(address)
    assert parts.scheme == "http" and parts.netloc == "testserver", address
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def records(territory, staff_user):
    """A published practice and a draft; public and private meetings, held or not, with
    decisions; a follow-up at a public meeting of an action decided at a private one."""
    author = UserFactory(email="autrice.riservata@example.org")
    themes = list(Theme.objects.order_by("slug")[:2])
    published = PracticeFactory(
        title="Scuolabus condiviso",
        zone=Zone.objects.get(number=5),
        status="published",
        themes=themes,
        contact_person="Ufficio mobilità",
        start_date=date(2023, 9, 1),
        created_by=author,
        published_at=timezone.now(),
    )
    published.municipalities.set(Municipality.objects.filter(istat_code__in=["001001", "001002"]))
    PracticeFactory(
        title="Bozza riservata", zone=Zone.objects.get(number=5), status="draft", created_by=author
    )
    CommentFactory(practice=published, body="Commento da non pubblicare")

    private = held(staff_user, days_ago=30, title="Riunione riservata", is_public=False)
    secret = action(staff_user, private, title="Azione riservata")
    public = held(staff_user, days_ago=20, title="Tavolo pubblico", video_url=VIDEO)
    consensus = meeting_services.record_decision(
        agenda_item=item(staff_user, public, "Trasporti"), by=staff_user, text="Decisione pubblica"
    )
    vote = meeting_services.record_decision(
        agenda_item=item(staff_user, public, "Bilancio"),
        by=staff_user,
        text="Voto pubblico",
        method="vote",
        votes_for=0,
        votes_against=0,
        abstentions=0,
    )
    follow_up = public.agenda_items.get(action=secret)
    meeting_services.record_decision(
        agenda_item=follow_up, by=staff_user, text="Seguito di un'azione riservata"
    )
    proposed = AgendaItem.objects.create(
        meeting=public, title="Proposta", position=9, status=AgendaItem.Status.PROPOSED
    )
    Decision.objects.create(agenda_item=proposed, text="Su un punto non accolto")
    underway = schedule(staff_user, -0.02, title="Tavolo in corso")
    meeting_services.record_decision(
        agenda_item=item(staff_user, underway, "In corso"), by=staff_user, text="Non ancora tenuta"
    )
    future = schedule(staff_user, 10, title="Tavolo futuro")
    return {
        "published": published,
        "public": public,
        "private": private,
        "underway": underway,
        "future": future,
        "decisions": [consensus, vote],
    }


# -- The files ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("sep, delimiter", [("", ","), ("semicolon", ";")])
def test_each_csv_parses_back_with_its_fields_in_both_dialects(
    client, records, slug, sep, delimiter
):
    response = client.get(file_url(slug, "csv") + (f"?sep={sep}" if sep else ""))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        f'filename="{slug}-{timezone.localdate():%Y-%m-%d}.csv"'
        in (response["Content-Disposition"])
    )
    rows = csv_rows(response, delimiter)
    dataset = opendata.DATASETS[slug]
    assert list(rows[0]) == dataset.field_names
    assert len(rows) == get_json(client, api_url(slug, page_size=200))["count"]


@pytest.mark.django_db
def test_practices_file_holds_the_published_practice_only(client, records):
    rows = csv_rows(client.get(file_url("pratiche", "csv")))
    assert [row["title"] for row in rows] == ["Scuolabus condiviso"]
    row = rows[0]
    slugs = sorted(theme.slug for theme in Theme.objects.order_by("slug")[:2])
    assert row["themes"] == "|".join(slugs)
    assert row["municipalities"] == "001001|001002"
    assert row["start_date"] == "2023-09-01"
    assert row["end_date"] == ""
    assert row["zone_number"] == "5"
    assert row["contact_person"] == "Ufficio mobilità"
    assert row["url"] == f"http://testserver/pratiche/{records['published'].pk}/"


@pytest.mark.django_db
def test_meetings_file_holds_public_meetings_without_their_video_link(client, records):
    rows = csv_rows(client.get(file_url("riunioni", "csv")))
    titles = {row["title"] for row in rows}
    assert titles == {"Tavolo pubblico", "Tavolo in corso", "Tavolo futuro"}
    public = next(row for row in rows if row["title"] == "Tavolo pubblico")
    assert public["status"] == "held"
    assert public["starts_at"] == timezone.localtime(records["public"].starts_at).isoformat(
        timespec="seconds"
    )


@pytest.mark.django_db
def test_decisions_file_holds_decisions_visitors_read_on_held_public_meetings(client, records):
    rows = csv_rows(client.get(file_url("decisioni", "csv"), {"sep": "semicolon"}), ";")
    assert [row["text"] for row in rows] == ["Decisione pubblica", "Voto pubblico"]
    consensus, vote = rows
    assert consensus["method"] == "consensus" and consensus["votes_for"] == ""
    assert (vote["method"], vote["votes_for"], vote["abstentions"]) == ("vote", "0", "0")
    assert consensus["meeting_number"] == str(records["public"].number)
    assert consensus["agenda_item"] == "Trasporti"
    # What the meeting's page shows a visitor: the same decisions.
    page = client.get(records["public"].get_absolute_url()).content.decode()
    assert "Decisione pubblica" in page and "Seguito di un&#x27;azione riservata" not in page


@pytest.mark.django_db
def test_zones_and_municipalities_give_the_figures_of_the_zone_pages(client, territory):
    zones = csv_rows(client.get(file_url("zone", "csv")))
    assert [int(row["number"]) for row in zones] == list(range(1, 12))
    municipalities = csv_rows(client.get(file_url("comuni", "csv")))
    assert sum(int(row["municipality_count"]) for row in zones) == len(municipalities) == 312
    zone = Zone.objects.with_figures().get(number=5)
    row = zones[4]
    assert (row["name"], int(row["population"])) == (zone.name, zone.population)
    aglie = next(row for row in municipalities if row["istat_code"] == "001001")
    assert (aglie["name"], aglie["zone_number"], aglie["population_date"]) == (
        "Agliè",
        "8",
        "2023-01-01",
    )
    # The evidence for a municipality's zone is for staff: not in the open data.
    assert "zone_evidence" not in aglie and "explicit_list" not in str(municipalities)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_json_files_validate_and_match_the_api(client, records, slug):
    response = client.get(file_url(slug, "json"))
    assert f'filename="{slug}-' in response["Content-Disposition"]
    document = response.json()
    valid(schema("file"), document)
    rows = schema(slug)
    for row in document["rows"]:
        valid(rows, row)
    fields = [field["name"] for field in document["dataset"]["fields"]]
    assert fields == opendata.DATASETS[slug].field_names
    assert document["dataset"]["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["dataset"]["publisher"]["name"] == settings.ORGANISATION["name"]
    api = get_json(client, api_url(slug, page_size=200))
    assert api["count"] == len(document["rows"])
    assert api["results"] == document["rows"][:200]


@pytest.mark.django_db
def test_update_date_is_the_latest_change(client, records):
    document = client.get(file_url("riunioni", "json")).json()
    latest = max(m.updated_at for m in [records["public"], records["underway"], records["future"]])
    assert document["dataset"]["modified"] == timezone.localdate(latest).isoformat()
    themes = client.get(file_url("temi", "json")).json()
    assert themes["dataset"]["modified"] == timezone.localdate().isoformat()


@pytest.mark.django_db
def test_unknown_dataset_or_format_is_404(client, territory):
    assert client.get("/dati-aperti/utenti.csv").status_code == 404
    assert client.get("/dati-aperti/pratiche.xml").status_code == 404
    assert get_json(client, api_url("utenti"), 404)["error"]


# -- Nothing personal, nothing private ---------------------------------------------------------


@pytest.mark.django_db
def test_no_file_page_or_api_holds_personal_or_private_data(client, records):
    urls = [reverse("opendata"), reverse("opendata-catalogue"), reverse("opendata-api-index")]
    for slug in SLUGS:
        urls += [file_url(slug, "csv"), file_url(slug, "json"), api_url(slug, page_size=200)]
    urls += [
        reverse("opendata-api-detail", args=["pratiche", records["published"].pk]),
        reverse("opendata-api-detail", args=["riunioni", records["public"].number]),
    ]
    emails = list(get_user_model().objects.values_list("email", flat=True))
    assert "autrice.riservata@example.org" in emails
    secrets = [
        *emails,
        VIDEO,
        "Bozza riservata",
        "Riunione riservata",
        "Azione riservata",
        "Seguito di un",
        "Su un punto non accolto",
        "Non ancora tenuta",
        "Commento da non pubblicare",
        "created_by",
    ]
    for url in urls:
        content = client.get(url).content.decode()
        for secret in secrets:
            assert secret not in content, (url, secret)


# -- The catalogue -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_catalogue_validates_and_lists_every_dataset_at_addresses_that_answer(client, records):
    response = client.get(reverse("opendata-catalogue"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    catalogue = json.loads(response.content)
    valid(schema("catalogue"), catalogue)
    assert catalogue["dct:publisher"]["foaf:name"] == settings.ORGANISATION["name"]
    datasets = catalogue["dcat:dataset"]
    assert [entry["dct:identifier"] for entry in datasets] == SLUGS
    addresses = [catalogue["dct:conformsTo"]["@id"]]
    for entry in datasets:
        addresses.append(entry["dct:conformsTo"]["@id"])
        formats = set()
        for distribution in entry["dcat:distribution"]:
            formats.add(distribution["dcat:mediaType"])
            addresses += [distribution["dcat:downloadURL"]["@id"], distribution["@id"]]
        assert formats == {"text/csv", "application/json"}
    for address in addresses:
        assert client.get(path_of(address)).status_code == 200, address
    latest = max(entry["dct:modified"]["@value"] for entry in datasets)
    assert catalogue["dct:modified"]["@value"] == latest


@pytest.mark.django_db
def test_catalogue_names_the_publisher_by_its_ipa_code_when_set(client, territory, settings):
    settings.ORGANISATION = {
        **settings.ORGANISATION,
        "name": "Provincia di Prova",
        "ipa_code": "p_xx",
    }
    catalogue = json.loads(client.get(reverse("opendata-catalogue")).content)
    valid(schema("catalogue"), catalogue)
    assert catalogue["dct:publisher"]["dct:identifier"] == "p_xx"
    assert catalogue["dct:publisher"]["foaf:name"] == "Provincia di Prova"
    assert catalogue["dcat:dataset"][0]["dct:identifier"] == "p_xx:pratiche"


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*SLUGS, "file", "api-page", "catalogue"])
def test_schemas_are_served_and_valid(client, name):
    response = client.get(reverse("opendata-schema", args=[name]))
    assert response.status_code == 200
    Draft202012Validator.check_schema(json.loads(response.content))


@pytest.mark.parametrize("slug", SLUGS)
def test_each_row_schema_names_exactly_the_documented_fields(slug):
    document = json.loads((SCHEMAS / f"{slug}.json").read_text(encoding="utf-8"))
    dataset = opendata.DATASETS[slug]
    assert list(document["properties"]) == dataset.field_names
    assert document["required"] == dataset.field_names
    assert document["additionalProperties"] is False
    for field in dataset.fields:
        types = document["properties"][field.name]["type"]
        assert ("null" in types) == field.optional, field.name


# -- The API -----------------------------------------------------------------------------------


@pytest.fixture
def seven_practices(territory):
    zone = Zone.objects.get(number=3)
    return [
        PracticeFactory(zone=zone, status="published", published_at=timezone.now())
        for _ in range(7)
    ]


@pytest.mark.django_db
def test_api_pages_through_every_record(client, seven_practices):
    envelope = schema("api-page")
    rows = schema("pratiche")
    first = get_json(client, api_url("pratiche", page_size=3))
    valid(envelope, first)
    assert (first["count"], first["page"], first["pages"], first["previous"]) == (7, 1, 3, None)
    seen = [row["id"] for row in first["results"]]
    page = first
    while page["next"]:
        previous_url = page["next"]
        page = get_json(client, path_of(page["next"]))
        valid(envelope, page)
        for row in page["results"]:
            valid(rows, row)
        query = parse_qs(urlsplit(page["previous"]).query)
        assert query == {"page": [str(page["page"] - 1)], "page_size": ["3"]}
        seen += [row["id"] for row in page["results"]]
    assert previous_url.startswith("http://testserver/dati-aperti/api/v1/pratiche/?")
    assert page["page"] == 3 and len(page["results"]) == 1 and page["next"] is None
    assert sorted(seen) == sorted(p.pk for p in seven_practices)
    default = get_json(client, api_url("pratiche"))
    assert (default["page_size"], default["pages"], len(default["results"])) == (50, 1, 7)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, says",
    [
        ({"page": "0"}, "page"),
        ({"page": "due"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "9"}, "Page 9"),
        ({"page_size": "201"}, "200"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1.5"}, "page_size"),
        ({"page": "²"}, "page"),  # a digit to str.isdigit(), not to int()
    ],
)
def test_api_refuses_bad_page_values_with_a_json_message(client, seven_practices, query, says):
    response = client.get(reverse("opendata-api-list", args=["pratiche"]), query, **EN)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == 400 and says in body["error"]


@pytest.mark.django_db
def test_api_detail_gives_public_records_and_404_for_the_rest(client, records):
    practice = records["published"]
    url = reverse("opendata-api-detail", args=["pratiche", practice.pk])
    row = get_json(client, url)
    valid(schema("pratiche"), row)
    assert row["title"] == "Scuolabus condiviso"
    draft = PracticeFactory(zone=practice.zone, status="draft")
    number = records["public"].number
    meeting = get_json(client, reverse("opendata-api-detail", args=["riunioni", number]))
    valid(schema("riunioni"), meeting)
    for slug, key in [
        ("pratiche", draft.pk),
        ("pratiche", "abc"),
        ("riunioni", records["private"].number),
        ("decisioni", Decision.objects.get(text="Non ancora tenuta").pk),
        ("comuni", "999999"),
    ]:
        body = get_json(client, reverse("opendata-api-detail", args=[slug, key]), 404)
        assert body["status"] == 404
    municipality = get_json(client, reverse("opendata-api-detail", args=["comuni", "001001"]))
    assert municipality["name"] == "Agliè"


@pytest.mark.django_db
def test_api_index_lists_every_endpoint(client, territory):
    index = get_json(client, reverse("opendata-api-index"))
    assert [entry["dataset"] for entry in index["endpoints"]] == SLUGS
    for entry in index["endpoints"]:
        assert client.get(path_of(entry["list"])).status_code == 200
    practices = index["endpoints"][0]
    assert practices["detail"] == "http://testserver/dati-aperti/api/v1/pratiche/{id}/"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_and_head_are_answered(client, territory, method):
    api = getattr(client, method)(api_url("pratiche"))
    assert api.status_code == 405
    assert api.json()["status"] == 405
    assert api["Allow"] == "GET, HEAD"
    for url in [file_url("zone", "csv"), reverse("opendata-catalogue"), reverse("opendata")]:
        assert getattr(client, method)(url).status_code == 405
    assert client.head(api_url("pratiche")).status_code == 200


@pytest.mark.django_db
def test_post_is_405_even_with_csrf_checks(territory):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(api_url("temi")).status_code == 405


@pytest.mark.django_db
def test_files_and_api_are_readable_from_any_origin_without_a_session(client, territory):
    for url in [api_url("zone"), file_url("zone", "json"), reverse("opendata-catalogue")]:
        response = client.get(url)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert settings.SESSION_COOKIE_NAME not in response.cookies


# -- Queries -----------------------------------------------------------------------------------


def more_records(staff_user, round_: int) -> None:
    """Three more published practices with themes and municipalities, a public held meeting
    with two decisions, and another public meeting."""
    zone = Zone.objects.get(number=round_ + 1)
    for n in range(3):
        practice = PracticeFactory(
            zone=zone, status="published", themes=list(Theme.objects.all()[:2])
        )
        practice.municipalities.set(zone.municipalities.all()[: n + 1])
    meeting = held(staff_user, days_ago=40 + round_, title=f"Tavolo {round_}")
    for n in range(2):
        meeting_services.record_decision(
            agenda_item=item(staff_user, meeting, f"Punto {n}"), by=staff_user, text=f"Dec {n}"
        )
    schedule(staff_user, 20 + round_, title=f"Prossimo {round_}")


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_queries_do_not_grow_with_the_data(
    client, territory, staff_user, slug, django_assert_max_num_queries
):
    more_records(staff_user, 1)
    urls = [file_url(slug, "csv"), file_url(slug, "json"), api_url(slug), api_url(slug, page=1)]
    counts = {url: queries(client, url) for url in urls}
    for round_ in (2, 3, 4):
        more_records(staff_user, round_)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
    page = reverse("opendata")
    before = queries(client, page)
    more_records(staff_user, 5)
    with django_assert_max_num_queries(before):
        client.get(page)
    with django_assert_max_num_queries(12):
        client.get(reverse("opendata-catalogue"))


# -- The page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_describes_each_dataset_for_anyone(client, records):
    response = client.get(reverse("opendata"), **EN)
    assert response.status_code == 200
    content = response.content.decode()
    for slug, dataset in opendata.DATASETS.items():
        assert f'id="{slug}"' in content
        assert str(dataset.title) in content
        assert f'href="{file_url(slug, "csv")}"' in content
        assert f'href="{file_url(slug, "csv")}?sep=semicolon"' in content
        assert f'href="{file_url(slug, "json")}"' in content
        assert f'href="{api_url(slug)}"' in content
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in content
    assert "https://creativecommons.org/licenses/by/4.0/" in content
    assert f"Source: {settings.ORGANISATION['name']}" in content
    assert reverse("opendata-catalogue") in content
    updated = timezone.localdate(records["published"].updated_at)
    assert f'datetime="{updated:%Y-%m-%d}"' in content


@pytest.mark.django_db
def test_footer_links_to_the_open_data(client, territory):
    content = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("opendata")}"' in content


@pytest.mark.django_db
def test_csv_files_hold_the_published_text_untouched(client, territory):
    """The dashboard's exports quote a leading "-" for spreadsheets; open data does not alter
    what was published (a Markdown list starts with "- ")."""
    PracticeFactory(
        zone=Zone.objects.get(number=5),
        status="published",
        published_at=timezone.now(),
        title="-Prova",
        summary="- primo punto",
    )
    text = client.get(reverse("opendata-file", args=["pratiche", "csv"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert rows[0]["title"] == "-Prova"
