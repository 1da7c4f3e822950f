"""What keeps a logged-in user's pages fast at scale (see ``make bench``), checked by what the
database is asked: the spokesperson's catalogue no longer carries the "published OR own zone"
condition (an OR that could make PostgreSQL scan every practice to count the page), and the
dashboard's counts of the practices created in a period have an index to read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from practices.models import Practice
from zones.models import Zone

from .factories import PracticeFactory

URL = "/pratiche/"


def practice_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "practices_practice"' in q["sql"]]


@pytest.mark.django_db
def test_spokesperson_catalogue_lists_only_published_practices(spokesperson_client):
    """The same list as before the rewrite: every zone's published practices, but neither
    their own zone's drafts nor archived ones (those are on the zone's own pages)."""
    own, other = Zone.objects.get(number=5), Zone.objects.get(number=1)
    now = timezone.now()
    PracticeFactory(title="Pubblicata altrove", zone=other, status="published", published_at=now)
    PracticeFactory(title="Pubblicata mia", zone=own, status="published", published_at=now)
    PracticeFactory(title="Bozza mia", zone=own, status="draft")
    PracticeFactory(title="Archiviata altrove", zone=other, status="archived", published_at=now)

    response = spokesperson_client.get(URL, {"status": "all"})  # not theirs to choose

    titles = sorted(p.title for p in response.context["practices"])
    assert titles == ["Pubblicata altrove", "Pubblicata mia"]
    assert response.context["page_obj"].paginator.count == 2


@pytest.mark.django_db
def test_spokesperson_catalogue_count_has_no_membership_condition(spokesperson_client):
    PracticeFactory(
        zone=Zone.objects.get(number=5), status="published", published_at=timezone.now()
    )

    with CaptureQueriesContext(connection) as queries:
        response = spokesperson_client.get(URL)

    assert response.status_code == 200
    listing = practice_queries(queries.captured_queries)
    assert any("COUNT(" in sql for sql in listing)
    # The membership lookup belongs to the header (one small query), not to the scan of
    # the practices.
    assert not [sql for sql in listing if "zones_membership" in sql]


@pytest.mark.django_db
def test_staff_catalogue_still_offers_every_status(staff_client, territory):
    zone = Zone.objects.get(number=1)
    PracticeFactory(title="Bozza", zone=zone, status="draft")
    PracticeFactory(title="Pubblicata", zone=zone, status="published", published_at=timezone.now())

    response = staff_client.get(URL, {"status": "all"})

    assert sorted(p.title for p in response.context["practices"]) == ["Bozza", "Pubblicata"]


@pytest.mark.django_db
def test_practices_created_in_a_period_have_an_index():
    """On SQLite and PostgreSQL alike (the dashboard's scorecard counts them by zone)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Practice._meta.db_table)
    index = constraints.get("practice_created_in_zone")
    assert index is not None and index["index"]
    assert index["columns"] == ["created_at", "zone_id", "id"]


@pytest.mark.django_db
def test_catalogue_asks_once_whether_the_user_speaks_for_a_zone(spokesperson_client):
    """The header ("My zone") and the page ("New practice") both ask: one query answers both."""
    with CaptureQueriesContext(connection) as queries:
        response = spokesperson_client.get(URL)

    assert response.status_code == 200
    assert response.context["can_create"]
    membership = [q["sql"] for q in queries.captured_queries if "zones_membership" in q["sql"]]
    assert len(membership) == 1
