"""Bad input found in review: each case was a server error before its fix."""

import pytest
from django.test import Client
from django.urls import reverse

from practices.models import Comment, Practice, Transfer
from zones.models import Zone

from ..factories import CommentFactory, MembershipFactory, PracticeFactory, UserFactory
from .test_editing import CREATE, EN, practice_data

HUGE = str(10**30)  # past any database integer: SQLite raised OverflowError on `pk__in`


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "message"),
    [("themes", "is not a valid value"), ("municipalities", "is not a municipality of the list")],
)
def test_an_impossible_id_in_a_multiple_choice_is_a_message_not_a_500(
    spokesperson_client, field, message
):
    zone = Zone.objects.get(number=5)
    data = practice_data(zone, **{field: [HUGE]})
    response = spokesperson_client.post(CREATE, data, **EN)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Practice.objects.exists()


@pytest.mark.django_db
def test_an_impossible_municipality_id_when_declaring_interest(territory):
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="published")
    speaker = MembershipFactory(zone=Zone.objects.get(number=3)).user
    client = Client()
    client.force_login(speaker)
    response = client.post(
        reverse("practices:transfer-create", kwargs={"pk": practice.pk}),
        {"interest-zone": speaker.memberships.get().zone.pk, "interest-municipalities": [HUGE]},
    )
    assert response.status_code < 500
    assert not Transfer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("next_value", ["abc", "-1", "x y", "//evil.example.org/", "javascript:x"])
def test_a_next_that_is_not_a_path_on_this_site_goes_to_the_practice(
    staff_client, territory, next_value
):
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="submitted")
    response = staff_client.post(
        reverse("practices:practice-transition", kwargs={"pk": practice.pk}),
        {"to_status": "published", "note": "Va bene.", "next": next_value},
    )
    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    practice.refresh_from_db()
    assert practice.status == "published"


@pytest.mark.django_db
@pytest.mark.parametrize("next_value", ["abc", "//evil.example.org/"])
def test_hiding_a_comment_with_a_bad_next_hides_it_and_returns_to_the_practice(
    staff_client, territory, next_value
):
    comment = CommentFactory(practice__zone=Zone.objects.get(number=5), author=UserFactory())
    response = staff_client.post(
        reverse("practices:comment-hide", kwargs={"pk": comment.pk}),
        {f"hide-{comment.pk}-reason": "Fuori tema.", "next": next_value},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(comment.practice.get_absolute_url())
    assert Comment.objects.get(pk=comment.pk).is_hidden


@pytest.mark.django_db
def test_hiding_a_comment_from_the_queue_returns_to_the_queue(staff_client, territory):
    comment = CommentFactory(practice__zone=Zone.objects.get(number=5), author=UserFactory())
    queue = reverse("practices:moderation-queue")
    response = staff_client.post(
        reverse("practices:comment-hide", kwargs={"pk": comment.pk}),
        {f"hide-{comment.pk}-reason": "Fuori tema.", "next": queue},
    )
    assert response["Location"] == queue


@pytest.mark.django_db
def test_a_decision_on_a_practice_that_changed_since_the_page_was_opened_is_refused(
    staff_client, territory
):
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="submitted")
    seen = practice.version
    # Meanwhile the practice was sent back, edited and submitted again: its version moved on.
    Practice.objects.filter(pk=practice.pk).update(version=seen + 2, summary="Riscritta")
    url = reverse("practices:practice-transition", kwargs={"pk": practice.pk})

    response = staff_client.post(
        url, {"to_status": "published", "note": "Ok.", "version": seen}, follow=True, **EN
    )
    assert "The practice changed since you opened this page" in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == "submitted"

    staff_client.post(url, {"to_status": "published", "note": "Ok.", "version": seen + 2})
    practice.refresh_from_db()
    assert practice.status == "published"


@pytest.mark.django_db
def test_the_lifecycle_forms_carry_the_version_shown(staff_client, territory):
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="submitted")
    page = staff_client.get(practice.get_absolute_url()).content.decode()
    assert f'name="version" value="{practice.version}"' in page
    queue = staff_client.get(reverse("practices:moderation-queue")).content.decode()
    assert f'name="version" value="{practice.version}"' in queue
