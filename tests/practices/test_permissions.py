"""The permission matrix of writing, lifecycle and work-list pages: role x view x method (x the
practice's status) -> status code, and the database unchanged whenever the answer is a refusal.

Roles: a visitor; the spokesperson of the owning zone (5); a spokesperson of another zone (3);
a logged-in user who speaks for no zone; metropolitan staff. Refusals: a visitor is sent to log
in; what a user may not see is a 404; what they may see but not do is a 403.
"""

import pytest
from django.test import Client
from django.urls import reverse

from practices.models import Practice, Transition
from zones.models import Zone

from ..factories import MembershipFactory, PracticeFactory, UserFactory
from .test_editing import edit_data, practice_data, snapshot
from .test_lifecycle import LEGAL, STATUSES

ROLES = ["visitor", "spokesperson", "other zone", "no zone", "staff"]
LOGIN = reverse("account_login")
NOTE = "Una nota per l'autore."


@pytest.fixture
def people(territory, staff_user, spokesperson):
    other = UserFactory(email="portavoce3@example.org")
    MembershipFactory(user=other, zone=Zone.objects.get(number=3))
    return {
        "visitor": None,
        "spokesperson": spokesperson,
        "other zone": other,
        "no zone": UserFactory(email="nessuna-zona@example.org"),
        "staff": staff_user,
    }


def client_for(people, role) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if people[role] is not None:
        client.force_login(people[role])
    return client


def assert_sent_to_log_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def expect(response, code):
    if code == "login":
        assert_sent_to_log_in(response)
    else:
        assert response.status_code == code, response.content.decode()[:500]


def practice_of_zone5(status) -> Practice:
    return PracticeFactory(zone=Zone.objects.get(number=5), status=status, title=f"P {status}")


# --- creating ---------------------------------------------------------------------------------

CREATE = {
    # role: (GET, POST a practice of zone 5)
    "visitor": ("login", "login"),
    "spokesperson": (200, 302),
    "other zone": (200, 403),
    "no zone": (403, 403),
    "staff": (200, 302),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_create(people, role):
    client = client_for(people, role)
    get_code, post_code = CREATE[role]
    expect(client.get(reverse("practices:practice-create")), get_code)
    data = practice_data(Zone.objects.get(number=5))
    expect(client.post(reverse("practices:practice-create"), data), post_code)
    assert Practice.objects.count() == (1 if post_code == 302 else 0)


# --- editing ----------------------------------------------------------------------------------

VISIBLE_TO_ALL_LOGGED_IN = {"published", "archived"}


def edit_code(role, status):
    if role == "visitor":
        return "login"
    if role == "staff":
        return 200
    if role == "spokesperson":
        return 200 if status in ("draft", "changes_requested") else 403
    return 403 if status in VISIBLE_TO_ALL_LOGGED_IN else 404


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_edit(people, role, status):
    practice = practice_of_zone5(status)
    client = client_for(people, role)
    url = reverse("practices:practice-edit", kwargs={"pk": practice.pk})
    code = edit_code(role, status)
    expect(client.get(url), code)

    before = snapshot(practice)
    response = client.post(url, edit_data(practice, summary="Riscritto da qualcuno."))
    if code == 200:
        assert response.status_code == 302
        assert Practice.objects.get().summary == "Riscritto da qualcuno."
    else:
        expect(response, code)
        assert snapshot(practice) == before


# --- lifecycle steps --------------------------------------------------------------------------


def step_code(role, from_status, to_status):
    if role == "visitor":
        return "login"
    if role in ("other zone", "no zone"):
        return 403 if from_status in VISIBLE_TO_ALL_LOGGED_IN else 404
    if role == "spokesperson" and to_status != "submitted":
        return 403
    return 302


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
@pytest.mark.parametrize("role", ROLES)
def test_each_step(people, role, from_status, to_status):
    practice = practice_of_zone5(from_status)
    before = snapshot(practice)
    client = client_for(people, role)
    url = reverse("practices:practice-transition", kwargs={"pk": practice.pk})
    code = step_code(role, from_status, to_status)
    response = client.post(url, {"to_status": to_status, "note": NOTE})
    expect(response, code)
    if code == 302:
        assert response["Location"] == practice.get_absolute_url()
        assert Practice.objects.get().status == to_status
        assert Transition.objects.get().by == people[role]
    else:
        assert snapshot(practice) == before


# --- the work lists ---------------------------------------------------------------------------

LISTS = {
    # role: (moderation queue, my zone's work)
    "visitor": ("login", "login"),
    "spokesperson": (403, 200),
    "other zone": (403, 200),
    "no zone": (403, 403),
    "staff": (200, 200),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_work_lists(people, role):
    client = client_for(people, role)
    queue_code, my_zone_code = LISTS[role]
    expect(client.get(reverse("practices:moderation-queue")), queue_code)
    expect(client.get(reverse("practices:my-zone")), my_zone_code)


# --- zone 3 cannot touch zone 5's practice, whatever it tries ---------------------------------

METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATUSES)
def test_a_spokesperson_of_zone_3_cannot_change_a_practice_of_zone_5(people, status):
    practice = practice_of_zone5(status)
    before = snapshot(practice)
    client = client_for(people, "other zone")
    urls = [
        reverse("practices:practice-edit", kwargs={"pk": practice.pk}),
        reverse("practices:practice-transition", kwargs={"pk": practice.pk}),
    ]
    payloads = [edit_data(practice, title="Preso dalla zona 3")] + [
        {"to_status": to_status, "note": NOTE} for to_status in STATUSES
    ]
    for url in urls:
        for method in METHODS:
            for payload in payloads if method == "post" else payloads[:1]:
                response = getattr(client, method)(url, payload)
                assert response.status_code in (403, 404), (url, method, response.status_code)
    assert snapshot(practice) == before
    assert Practice.objects.count() == 1


@pytest.mark.django_db
def test_the_step_address_answers_only_a_post(people):
    practice = practice_of_zone5("draft")
    client = client_for(people, "spokesperson")
    url = reverse("practices:practice-transition", kwargs={"pk": practice.pk})
    assert client.get(url).status_code == 405
    assert client.put(url).status_code == 405
    assert Practice.objects.get().status == "draft"


@pytest.mark.django_db
def test_the_work_lists_answer_only_a_get(people):
    client = client_for(people, "staff")
    for name in ("practices:moderation-queue", "practices:my-zone"):
        assert client.post(reverse(name)).status_code == 405
        assert client.head(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_a_visitor_is_sent_to_log_in_and_then_back_to_the_practice(people):
    practice = practice_of_zone5("published")
    response = client_for(people, "visitor").post(
        reverse("practices:practice-transition", kwargs={"pk": practice.pk}),
        {"to_status": "archived", "note": NOTE},
    )
    assert_sent_to_log_in(response)
    assert response["Location"].endswith(f"?next={practice.get_absolute_url()}")
    assert Practice.objects.get().status == "published"


@pytest.mark.django_db
def test_a_former_spokesperson_loses_the_rights_at_once(people):
    """Memberships decide: a membership that has ended gives nothing."""
    practice = practice_of_zone5("draft")
    people["spokesperson"].memberships.update(active=False)
    client = client_for(people, "spokesperson")
    assert (
        client.get(reverse("practices:practice-edit", kwargs={"pk": practice.pk})).status_code
        == 404
    )
    assert client.get(reverse("practices:practice-create")).status_code == 403
    assert client.get(reverse("practices:my-zone")).status_code == 403
