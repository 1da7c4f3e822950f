"""Expert opinions on published practices: who writes and edits them (a permission table, and
nothing changed when refused), who reads them on the practice page (a visitor only sees that
they exist), the experts' group, the form's checks, a stale save refused, and the practice
page's query count as opinions grow."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices.models import ExpertOpinion
from roundtable.roles import EXPERTS_GROUP, experts_group
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from zones.models import Zone

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.fixture
def practice(zone5):
    return PracticeFactory(zone=zone5, status="published", title="Trasporto a chiamata")


@pytest.fixture
def expert(db):
    user = UserFactory(email="esperta@example.org", first_name="Ernesta", last_name="Esperta")
    user.groups.add(experts_group())
    return user


@pytest.fixture
def other_expert(db):
    user = UserFactory(email="esperto2@example.org", first_name="Oreste", last_name="Altro")
    user.user_permissions.add(Permission.objects.get(codename="give_expert_opinion"))
    return user


@pytest.fixture
def opinion(practice, expert):
    return ExpertOpinion.objects.create(
        practice=practice,
        author=expert,
        assessment="Una soluzione semplice che ha retto per tre anni.",
        strengths="Costi contenuti.",
        conditions_for_transfer="Serve un operatore dedicato.",
        given_on=datetime.date(2024, 3, 1),
    )


def browser_for(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def create_url(practice) -> str:
    return reverse("practices:expert-opinion-create", args=[practice.pk])


def edit_url(opinion) -> str:
    return reverse("practices:expert-opinion-edit", args=[opinion.pk])


def form_data(**changes) -> dict:
    return {
        "assessment": "Valutazione: il servizio è ben documentato.",
        "strengths": "Dati raccolti con cura.",
        "conditions_for_transfer": "Una rete di trasporto pubblico di base.",
        "given_on": TODAY().isoformat(),
        **changes,
    }


def page_of(user, practice) -> str:
    response = browser_for(user).get(practice.get_absolute_url(), **EN)
    assert response.status_code == 200
    return response.content.decode()


def state() -> list:
    rows = list(ExpertOpinion.objects.order_by("pk").values_list())
    return [*rows, ExpertOpinion.history.count()]


# --- Who may write and edit ------------------------------------------------------------------

USERS = ["visitor", "spokesperson", "other_zone", "expert", "other_expert", "staff"]


@pytest.fixture
def users(zone5, expert, other_expert, staff_user):
    return {
        "visitor": None,
        "spokesperson": MembershipFactory(zone=zone5).user,  # of the owning zone
        "other_zone": MembershipFactory(zone=Zone.objects.get(number=3)).user,
        "expert": expert,
        "other_expert": other_expert,
        "staff": staff_user,
    }


# (role, view, method) -> status. "create" on a practice with no opinion; "edit" on the
# expert's opinion. A visitor is sent to log in (302).
TABLE = [
    ("visitor", "create", "GET", 302),
    ("visitor", "create", "POST", 302),
    ("spokesperson", "create", "GET", 403),
    ("spokesperson", "create", "POST", 403),
    ("other_zone", "create", "POST", 403),
    ("expert", "create", "GET", 200),
    ("expert", "create", "POST", 302),
    ("other_expert", "create", "POST", 302),
    ("staff", "create", "GET", 200),
    ("staff", "create", "POST", 302),
    ("visitor", "edit", "GET", 302),
    ("visitor", "edit", "POST", 302),
    ("spokesperson", "edit", "GET", 403),
    ("spokesperson", "edit", "POST", 403),
    ("other_zone", "edit", "POST", 403),
    ("expert", "edit", "GET", 200),
    ("expert", "edit", "POST", 302),
    ("other_expert", "edit", "GET", 403),
    ("other_expert", "edit", "POST", 403),
    ("staff", "edit", "GET", 200),
    ("staff", "edit", "POST", 302),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "view", "method", "expected"), TABLE)
def test_permissions(users, zone5, role, view, method, expected):
    user = users[role]
    if view == "create":
        target = PracticeFactory(zone=zone5, status="published")
        url, data = create_url(target), form_data()
    else:
        written = ExpertOpinion.objects.create(
            practice=PracticeFactory(zone=zone5, status="published"),
            author=users["expert"],
            assessment="Prima versione.",
        )
        url = edit_url(written)
        data = form_data(loaded_at=written.updated_at.isoformat())
    before = state()
    browser = browser_for(user)
    response = browser.get(url) if method == "GET" else browser.post(url, data)
    assert response.status_code == expected
    if expected == 302 and role == "visitor":
        assert response.url.startswith(reverse("account_login"))
    if method == "GET" or expected != 302 or role == "visitor":
        assert state() == before  # nothing changed
    else:
        assert state() != before


@pytest.mark.django_db
def test_an_expert_writes_an_opinion_signed_with_their_name(practice, expert):
    browser = browser_for(expert)
    response = browser.post(create_url(practice), form_data(given_on="2024-04-10"))
    opinion = ExpertOpinion.objects.get()
    assert response.url == f"{practice.get_absolute_url()}#expert-opinion-{opinion.pk}"
    assert opinion.author == expert and opinion.practice == practice
    assert opinion.given_on == datetime.date(2024, 4, 10)
    assert opinion.history.get().history_user == expert
    page = page_of(expert, practice)
    assert "Opinion of Ernesta Esperta" in page
    assert "Valutazione: il servizio è ben documentato." in page


@pytest.mark.django_db
def test_a_second_opinion_by_the_same_author_opens_the_first(practice, expert, opinion):
    browser = browser_for(expert)
    assert browser.get(create_url(practice)).url == edit_url(opinion)
    response = browser.post(create_url(practice), form_data())
    assert response.url == edit_url(opinion)
    assert ExpertOpinion.objects.count() == 1


@pytest.mark.django_db
def test_staff_edit_an_experts_opinion_and_the_author_stays(practice, expert, opinion, staff_user):
    data = form_data(assessment="Corretto dallo staff.", loaded_at=opinion.updated_at.isoformat())
    response = browser_for(staff_user).post(edit_url(opinion), data)
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.assessment == "Corretto dallo staff." and opinion.author == expert
    assert opinion.history.order_by("-history_id").first().history_user == staff_user


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "submitted", "archived", "rejected"])
def test_no_opinion_on_a_practice_that_is_not_published(zone5, expert, staff_user, status):
    practice = PracticeFactory(zone=zone5, status=status)
    for user in (expert, staff_user):
        response = browser_for(user).post(create_url(practice), form_data())
        # Staff see every practice: refused (403); an expert does not see a draft (404).
        assert response.status_code in (403, 404)
        if user == staff_user:
            assert response.status_code == 403
    assert not ExpertOpinion.objects.exists()


@pytest.mark.django_db
def test_an_opinion_of_a_practice_archived_since_is_kept_as_it_was(practice, opinion, expert):
    type(practice).objects.filter(pk=practice.pk).update(status="archived")
    before = state()
    data = form_data(loaded_at=opinion.updated_at.isoformat())
    assert browser_for(expert).post(edit_url(opinion), data).status_code == 403
    assert state() == before
    assert "Una soluzione semplice" in page_of(expert, practice)  # still readable


@pytest.mark.django_db
def test_an_expert_who_lost_the_permission_no_longer_edits(practice, opinion, expert):
    expert.groups.clear()
    data = form_data(loaded_at=opinion.updated_at.isoformat())
    assert browser_for(expert).post(edit_url(opinion), data).status_code == 403


# --- Who reads what ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_visitor_sees_only_that_an_opinion_exists_and_how_to_read_it(practice, opinion):
    page = page_of(None, practice)
    assert "This practice has an expert opinion, of March 1, 2024." in page
    assert "Una soluzione semplice" not in page and "Costi contenuti" not in page
    assert "Esperta" not in page
    login = reverse("account_login")
    assert f'href="{login}?next=/pratiche/{practice.pk}/%23expert-opinions"' in page
    assert create_url(practice) not in page


@pytest.mark.django_db
def test_a_spokesperson_reads_the_opinion_but_may_not_write_one(practice, opinion, zone5):
    spokesperson = MembershipFactory(zone=zone5).user
    page = page_of(spokesperson, practice)
    for text in (
        "Opinion of Ernesta Esperta",
        "Una soluzione semplice che ha retto per tre anni.",
        "Costi contenuti.",
        "Serve un operatore dedicato.",
        "March 1, 2024",
    ):
        assert text in page, text
    assert create_url(practice) not in page and edit_url(opinion) not in page
    assert "Log in to read" not in page


@pytest.mark.django_db
def test_each_expert_is_offered_the_right_action(practice, opinion, expert, other_expert):
    own = page_of(expert, practice)
    assert edit_url(opinion) in own and create_url(practice) not in own
    other = page_of(other_expert, practice)
    assert create_url(practice) in other and edit_url(opinion) not in other


@pytest.mark.django_db
def test_without_any_opinion_only_those_who_may_write_see_the_section(practice, expert):
    assert 'id="expert-opinions"' not in page_of(None, practice)
    page = page_of(expert, practice)
    assert "No expert has given an opinion on this practice yet." in page
    assert create_url(practice) in page


@pytest.mark.django_db
def test_several_opinions_are_counted_for_visitors_with_the_latest_date(practice, opinion):
    ExpertOpinion.objects.create(
        practice=practice,
        author=UserFactory(),
        assessment="Altro parere.",
        given_on=datetime.date(2024, 9, 20),
    )
    page = page_of(None, practice)
    assert "This practice has 2 expert opinions, the latest of Sept. 20, 2024." in page


# --- The form ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"assessment": ""}, "Write the assessment: it is the opinion itself."),
        (
            {"given_on": (TODAY() + datetime.timedelta(days=1)).isoformat()},
            "The opinion cannot be dated in the future.",
        ),
        ({"given_on": "1999-12-31"}, "Give a date from the year 2000 on."),
        ({"assessment": "x" * 20001}, "Ensure this value has at most 20000 characters"),
    ],
)
def test_the_form_refuses_with_a_message_and_keeps_the_text(practice, expert, changes, message):
    response = browser_for(expert).post(create_url(practice), form_data(**changes), **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Dati raccolti con cura." in page  # what was typed is kept
    assert not ExpertOpinion.objects.exists()


@pytest.mark.django_db
def test_a_save_over_someone_elses_newer_save_is_refused_and_nothing_is_lost(
    practice, opinion, expert, staff_user
):
    loaded = opinion.updated_at.isoformat()
    staff_data = form_data(assessment="Versione dello staff.", loaded_at=loaded)
    assert browser_for(staff_user).post(edit_url(opinion), staff_data).status_code == 302
    mine = form_data(assessment="La mia versione, scritta nel frattempo.", loaded_at=loaded)
    response = browser_for(expert).post(edit_url(opinion), mine, **EN)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this opinion while you were editing it" in page
    assert "La mia versione, scritta nel frattempo." in page  # the typed text, in the form
    assert "Versione dello staff." in page  # the current version, to compare
    opinion.refresh_from_db()
    assert opinion.assessment == "Versione dello staff."
    # The form now carries the current version's moment: saving again is deliberate.
    assert f'value="{opinion.updated_at.isoformat()}"' in page
    mine["loaded_at"] = opinion.updated_at.isoformat()
    assert browser_for(expert).post(edit_url(opinion), mine).status_code == 302
    opinion.refresh_from_db()
    assert opinion.assessment == "La mia versione, scritta nel frattempo."


# --- Roles, admin -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_experts_group_holds_exactly_the_expert_permission(db):
    group = experts_group()
    assert group.name == EXPERTS_GROUP
    assert [p.codename for p in group.permissions.all()] == ["give_expert_opinion"]


@pytest.mark.django_db
def test_staff_read_opinions_and_their_history_in_the_admin(practice, opinion, staff_user):
    browser = browser_for(staff_user)
    listing = browser.get(reverse("admin:practices_expertopinion_changelist"))
    assert listing.status_code == 200 and practice.title in listing.content.decode()
    change = reverse("admin:practices_expertopinion_change", args=[opinion.pk])
    assert browser.get(change).status_code == 200
    history = reverse("admin:practices_expertopinion_history", args=[opinion.pk])
    assert browser.get(history).status_code == 200
    assert browser.get(reverse("admin:practices_expertopinion_add")).status_code == 403


# --- Queries ------------------------------------------------------------------------------------


def count_queries(user, practice) -> int:
    browser = browser_for(user)
    browser.get(practice.get_absolute_url())  # warm up the session
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(practice.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["visitor", "spokesperson", "expert", "staff"])
def test_the_practice_page_takes_the_same_queries_with_more_opinions(
    zone5, expert, staff_user, role
):
    user = {
        "visitor": None,
        "spokesperson": MembershipFactory(zone=zone5).user,
        "expert": expert,
        "staff": staff_user,
    }[role]
    small = PracticeFactory(zone=zone5, status="published")
    large = PracticeFactory(zone=zone5, status="published")
    ExpertOpinion.objects.create(practice=small, author=expert, assessment="Uno.")
    for i in range(8):
        author = expert if i == 0 else UserFactory()
        ExpertOpinion.objects.create(practice=large, author=author, assessment=f"Parere {i}")
    assert count_queries(user, small) == count_queries(user, large)
