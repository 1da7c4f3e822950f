"""The catalogue's filter by an axis of the Strategic Plan in force: in the URL (?axis=2), in
place with htmx like the other filters, and in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Axis
from tests.factories import PracticeFactory, ZoneFactory, build_plan

URL = "/pratiche/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "practice-results"}


def titles(response) -> set[str]:
    assert response.status_code == 200
    html = response.content.decode()
    return {title for title in TITLES if f">{title}</a>" in html}


TITLES = ["Asse uno", "Assi uno e due", "Asse due", "Senza assi", "Bozza asse uno", "Vecchio asse"]


@pytest.fixture
def catalogue(plan_in_force):
    zone = ZoneFactory(number=5)
    one, two = Axis.objects.filter(plan=plan_in_force).order_by("number")[:2]
    old = build_plan("PSM-2021-2023", status="superseded")
    made = {title: PracticeFactory(zone=zone, title=title, status="published") for title in TITLES}
    made["Bozza asse uno"].status = "draft"
    made["Bozza asse uno"].save()
    made["Asse uno"].axes.add(one)
    made["Assi uno e due"].axes.add(one, two)
    made["Asse due"].axes.add(two)
    made["Bozza asse uno"].axes.add(one)
    made["Vecchio asse"].axes.add(old.axes.get(number=1))
    return made


@pytest.mark.django_db
def test_the_filter_lists_the_published_practices_tagged_with_the_axis(client, catalogue):
    assert titles(client.get(URL, {"axis": "1"})) == {"Asse uno", "Assi uno e due"}
    assert titles(client.get(URL, {"axis": "2"})) == {"Assi uno e due", "Asse due"}
    assert titles(client.get(URL, {"axis": "3"})) == set()
    everything = set(TITLES) - {"Bozza asse uno"}
    assert titles(client.get(URL)) == everything


@pytest.mark.django_db
def test_the_filter_works_in_place_with_htmx(client, catalogue):
    response = client.get(URL, {"axis": "2"}, **HTMX)
    assert titles(response) == {"Assi uno e due", "Asse due"}
    assert "<html" not in response.content.decode()  # the list, not the page


@pytest.mark.django_db
def test_the_choices_are_the_axes_of_the_plan_in_force_and_the_form_submits_them(client, catalogue):
    html = client.get(URL, {"axis": "2"}, **EN).content.decode()
    start = html.index('id="catalogue-filters"')
    form = html[start : html.index("</form>", start)]
    select = form[
        form.index('<select name="axis"') : form.index("</select>", form.index('name="axis"'))
    ]
    assert '<option value="">All axes</option>' in select
    assert '<option value="2" selected>2. Axis 2</option>' in select
    assert select.count("<option") == 4  # "all" and the three axes of the plan in force


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9", "uno", "-1", "99999999999999999999", "1\x00"])
def test_an_unknown_axis_is_reported_and_not_applied(client, catalogue, value):
    response = client.get(URL, {"axis": value}, **EN)
    assert titles(response) == set(TITLES) - {"Bozza asse uno"}
    assert "Axis of the Strategic Plan:" in response.content.decode()


@pytest.mark.django_db
def test_without_a_plan_in_force_there_is_no_axis_filter(client):
    build_plan("PSM-2027-2029", status="draft")
    zone = ZoneFactory(number=5)
    PracticeFactory(zone=zone, title="Asse uno", status="published")
    response = client.get(URL, {"axis": "1"})
    assert 'name="axis"' not in response.content.decode()
    assert titles(response) == {"Asse uno"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["visitor", "staff"])
def test_the_filtered_catalogue_takes_the_same_queries_whatever_the_data(
    client, staff_user, plan_in_force, role
):
    if role == "staff":
        client.force_login(staff_user)
    zone = ZoneFactory(number=5)
    axes = list(Axis.objects.filter(plan=plan_in_force))

    def grow(n):
        for index in range(n):
            practice = PracticeFactory(zone=zone, status="published")
            practice.axes.add(axes[index % 3], axes[(index + 1) % 3])

    def count(params, headers):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params, **headers).status_code == 200
        return len(queries.captured_queries)

    requests = [
        ({"axis": "1"}, {}),
        ({"axis": "2", "q": "pratica"}, HTMX),
        ({"axis": "3", "page": "2"}, {}),
    ]
    grow(3)
    small = [count(params, headers) for params, headers in requests]
    grow(45)
    assert [count(params, headers) for params, headers in requests] == small
