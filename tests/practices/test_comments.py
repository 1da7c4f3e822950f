"""Comments on practices: who may write, hide and report them; what each role then sees."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from practices.models import Comment
from tests.factories import CommentFactory, MembershipFactory, PracticeFactory, UserFactory
from zones.models import Zone

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", **EN}


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.fixture
def other_spokesperson(territory):
    return MembershipFactory(
        user=UserFactory(email="portavoce3@example.org"), zone=Zone.objects.get(number=3)
    ).user


@pytest.fixture
def users(spokesperson, other_spokesperson, staff_user):
    return {
        "visitor": None,
        "spokesperson": spokesperson,
        "other_spokesperson": other_spokesperson,
        "staff": staff_user,
    }


def as_user(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def snapshot(comment: Comment) -> tuple:
    comment.refresh_from_db()
    return (
        comment.body,
        comment.hidden_at,
        comment.hidden_by_id,
        comment.hidden_reason,
        comment.reported_at,
        comment.reported_by_id,
        comment.report_reason,
    )


# --- Writing -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "role", "method", "expected"),
    [
        ("published", "visitor", "get", 302),
        ("published", "visitor", "post", 302),
        ("published", "spokesperson", "get", 302),
        ("published", "spokesperson", "post", 302),
        ("published", "other_spokesperson", "get", 302),
        ("published", "other_spokesperson", "post", 302),
        ("published", "staff", "get", 302),
        ("published", "staff", "post", 302),
        # Only published practices take comments.
        ("draft", "visitor", "post", 302),
        ("draft", "spokesperson", "get", 403),
        ("draft", "spokesperson", "post", 403),
        ("draft", "other_spokesperson", "post", 404),
        ("draft", "staff", "post", 403),
        ("archived", "spokesperson", "post", 403),
        ("archived", "other_spokesperson", "post", 403),
        ("archived", "staff", "post", 403),
    ],
)
def test_who_may_comment(zone5, users, status, role, method, expected):
    practice = PracticeFactory(zone=zone5, status=status)
    user = users[role]
    url = reverse("practices:comment-create", kwargs={"pk": practice.pk})
    browser = as_user(user)
    if method == "get":
        response = browser.get(url)
    else:
        response = browser.post(url, {"body": "Ottima idea, la proviamo anche noi."})
    assert response.status_code == expected
    if user is None:
        assert response["Location"].startswith(reverse("account_login"))
    written = method == "post" and expected == 302 and user is not None
    assert Comment.objects.count() == (1 if written else 0)
    if written:
        comment = Comment.objects.get()
        assert comment.author == user
        assert comment.practice == practice
        assert response["Location"].endswith(f"#comment-{comment.pk}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write your comment before sending it."),
        ("   \n  ", "Write your comment before sending it."),
        ("x" * 5001, "A comment has at most 5000 characters (this one has 5001): shorten it."),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_a_comment_with_errors_is_shown_back_with_the_message(
    spokesperson_client, zone5, body, message
):
    practice = PracticeFactory(zone=zone5, status="published")
    url = reverse("practices:comment-create", kwargs={"pk": practice.pk})
    response = spokesperson_client.post(url, {"body": body}, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert escape(message) in page
    assert "<h1>" in page  # the whole page, without JavaScript
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_long_comment_is_kept_when_refused(spokesperson_client, zone5):
    practice = PracticeFactory(zone=zone5, status="published")
    url = reverse("practices:comment-create", kwargs={"pk": practice.pk})
    text = "parola " * 800  # 5600 characters
    page = spokesperson_client.post(url, {"body": text}, **EN).content.decode()
    assert text.strip() in page


@pytest.mark.django_db
def test_a_comment_of_exactly_5000_characters_is_accepted(spokesperson_client, zone5):
    practice = PracticeFactory(zone=zone5, status="published")
    url = reverse("practices:comment-create", kwargs={"pk": practice.pk})
    response = spokesperson_client.post(url, {"body": "y" * 5000})
    assert response.status_code == 302
    assert len(Comment.objects.get().body) == 5000


@pytest.mark.django_db
def test_htmx_comment_updates_the_comments_section_in_place(spokesperson_client, zone5):
    practice = PracticeFactory(zone=zone5, status="published")
    url = reverse("practices:comment-create", kwargs={"pk": practice.pk})
    response = spokesperson_client.post(url, {"body": "Ci interessa <b>molto</b>."}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="comments"')
    assert "<html" not in page
    assert "Your comment has been added." in page
    assert "Ci interessa &lt;b&gt;molto&lt;/b&gt;." in page  # escaped, never markup
    assert "1 comment" in page
    assert Comment.objects.get().body == "Ci interessa <b>molto</b>."


@pytest.mark.django_db
def test_htmx_comment_with_errors_answers_the_section_with_the_message(spokesperson_client, zone5):
    practice = PracticeFactory(zone=zone5, status="published")
    url = reverse("practices:comment-create", kwargs={"pk": practice.pk})
    response = spokesperson_client.post(url, {"body": ""}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="comments"')
    assert "Write your comment before sending it." in page
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_htmx_request_from_a_visitor_sends_the_browser_to_log_in(client, zone5):
    practice = PracticeFactory(zone=zone5, status="published")
    url = reverse("practices:comment-create", kwargs={"pk": practice.pk})
    response = client.post(
        url, {"body": "x"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=practice.get_absolute_url()
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_the_page_offers_the_form_to_logged_in_users_and_a_log_in_link_to_visitors(
    client, spokesperson, zone5
):
    practice = PracticeFactory(zone=zone5, status="published")
    create = reverse("practices:comment-create", kwargs={"pk": practice.pk})
    page = client.get(practice.get_absolute_url(), **EN).content.decode()
    assert create not in page
    assert "Log in to comment." in page
    client.force_login(spokesperson)
    page = client.get(practice.get_absolute_url(), **EN).content.decode()
    assert f'action="{create}"' in page
    assert "Log in to comment." not in page


@pytest.mark.django_db
def test_no_comment_form_on_a_draft(spokesperson_client, zone5):
    draft = PracticeFactory(zone=zone5, status="draft")
    page = spokesperson_client.get(draft.get_absolute_url(), **EN).content.decode()
    assert reverse("practices:comment-create", kwargs={"pk": draft.pk}) not in page


# --- Hiding ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "role", "method", "expected"),
    [
        ("published", "visitor", "get", 302),
        ("published", "visitor", "post", 302),
        ("published", "spokesperson", "get", 403),
        ("published", "spokesperson", "post", 403),
        ("published", "other_spokesperson", "get", 403),
        ("published", "other_spokesperson", "post", 403),
        ("published", "staff", "get", 302),
        ("published", "staff", "post", 302),
        ("draft", "other_spokesperson", "post", 404),
        ("draft", "spokesperson", "post", 403),
        ("draft", "staff", "post", 302),
    ],
)
def test_who_may_hide_a_comment(zone5, users, status, role, method, expected):
    comment = CommentFactory(practice=PracticeFactory(zone=zone5, status=status))
    before = snapshot(comment)
    user = users[role]
    url = reverse("practices:comment-hide", kwargs={"pk": comment.pk})
    data = {f"hide-{comment.pk}-reason": "Contiene dati personali."}
    response = getattr(as_user(user), method)(url, data if method == "post" else None)
    assert response.status_code == expected
    if user is None:
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and role == "staff":
        comment.refresh_from_db()
        assert comment.is_hidden
        assert comment.hidden_by == user
        assert comment.hidden_reason == "Contiene dati personali."
        assert comment.body == before[0]  # the record is kept
    else:
        assert snapshot(comment) == before


@pytest.mark.django_db
def test_hiding_needs_a_reason(staff_client, zone5):
    comment = CommentFactory(practice=PracticeFactory(zone=zone5, status="published"))
    url = reverse("practices:comment-hide", kwargs={"pk": comment.pk})
    response = staff_client.post(url, {f"hide-{comment.pk}-reason": "  "}, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the reason for hiding the comment." in page
    assert '<details class="practice-comment-action" open>' in page
    comment.refresh_from_db()
    assert not comment.is_hidden

    response = staff_client.post(url, {f"hide-{comment.pk}-reason": ""}, **HTMX)
    assert response.status_code == 200
    assert "Give the reason for hiding the comment." in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden


@pytest.mark.django_db
def test_hiding_twice_keeps_the_first_reason(staff_client, zone5):
    comment = CommentFactory(practice=PracticeFactory(zone=zone5, status="published"))
    url = reverse("practices:comment-hide", kwargs={"pk": comment.pk})
    staff_client.post(url, {f"hide-{comment.pk}-reason": "Prima"})
    response = staff_client.post(url, {f"hide-{comment.pk}-reason": "Seconda"}, **HTMX)
    assert response.status_code == 200
    assert "The comment was already hidden." in response.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_reason == "Prima"


@pytest.mark.django_db
def test_a_hidden_comment_shows_to_staff_with_its_reason_and_to_others_as_hidden(
    client, zone5, staff_user, spokesperson
):
    practice = PracticeFactory(zone=zone5, status="published")
    comment = CommentFactory(practice=practice, body="Testo offensivo da nascondere")
    as_user(staff_user).post(
        reverse("practices:comment-hide", kwargs={"pk": comment.pk}),
        {f"hide-{comment.pk}-reason": "Linguaggio offensivo"},
    )
    for user in (None, spokesperson, comment.author):
        page = as_user(user).get(practice.get_absolute_url(), **EN).content.decode()
        assert "Comment hidden by the staff." in page
        assert "Testo offensivo da nascondere" not in page
        assert "Linguaggio offensivo" not in page
    page = as_user(staff_user).get(practice.get_absolute_url(), **EN).content.decode()
    assert "Testo offensivo da nascondere" in page
    assert "Linguaggio offensivo" in page
    assert "Hidden by" in page
    assert Comment.objects.filter(pk=comment.pk).exists()


# --- Reporting ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "method", "expected"),
    [
        ("visitor", "get", 302),
        ("visitor", "post", 302),
        ("author", "get", 403),
        ("author", "post", 403),
        ("spokesperson", "get", 302),
        ("spokesperson", "post", 302),
        ("other_spokesperson", "post", 302),
        ("staff", "post", 302),
    ],
)
def test_who_may_report_a_comment(zone5, users, role, method, expected):
    practice = PracticeFactory(zone=zone5, status="published")
    author = UserFactory(email="autore@example.org")
    comment = CommentFactory(practice=practice, author=author)
    before = snapshot(comment)
    user = author if role == "author" else users[role]
    url = reverse("practices:comment-report", kwargs={"pk": comment.pk})
    data = {f"report-{comment.pk}-reason": "Pubblicità non pertinente."}
    response = getattr(as_user(user), method)(url, data if method == "post" else None)
    assert response.status_code == expected
    if user is None:
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and expected == 302 and user is not None:
        comment.refresh_from_db()
        assert comment.reported_by == user
        assert comment.reported_at is not None
        assert comment.report_reason == "Pubblicità non pertinente."
        assert not comment.is_hidden
    else:
        assert snapshot(comment) == before


@pytest.mark.django_db
def test_a_hidden_comment_cannot_be_reported_and_a_draft_s_is_not_found(
    zone5, spokesperson, other_spokesperson, staff_user
):
    hidden = CommentFactory(
        practice=PracticeFactory(zone=zone5, status="published"),
        hidden_by=staff_user,
        hidden_at="2025-01-01T10:00:00+01:00",
        hidden_reason="Spam",
    )
    url = reverse("practices:comment-report", kwargs={"pk": hidden.pk})
    response = as_user(spokesperson).post(url, {f"report-{hidden.pk}-reason": "x"})
    assert response.status_code == 403
    on_draft = CommentFactory(practice=PracticeFactory(zone=zone5, status="draft"))
    url = reverse("practices:comment-report", kwargs={"pk": on_draft.pk})
    response = as_user(other_spokesperson).post(url, {f"report-{on_draft.pk}-reason": "x"})
    assert response.status_code == 404
    assert not Comment.objects.filter(reported_at__isnull=False).exists()


@pytest.mark.django_db
def test_reporting_needs_a_reason_and_the_first_report_is_kept(
    zone5, spokesperson, other_spokesperson
):
    comment = CommentFactory(practice=PracticeFactory(zone=zone5, status="published"))
    url = reverse("practices:comment-report", kwargs={"pk": comment.pk})
    response = as_user(spokesperson).post(url, {f"report-{comment.pk}-reason": ""}, **EN)
    assert response.status_code == 400
    assert "Say what is wrong with the comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.reported_at is None

    as_user(spokesperson).post(url, {f"report-{comment.pk}-reason": "Primo motivo"})
    response = as_user(other_spokesperson).post(
        url, {f"report-{comment.pk}-reason": "Secondo motivo"}, **HTMX
    )
    assert response.status_code == 200
    assert "This comment has already been reported" in response.content.decode()
    comment.refresh_from_db()
    assert comment.report_reason == "Primo motivo"
    assert comment.reported_by == spokesperson


@pytest.mark.django_db
def test_a_report_shows_to_staff_only(zone5, spokesperson, staff_user):
    practice = PracticeFactory(zone=zone5, status="published")
    comment = CommentFactory(practice=practice)
    as_user(spokesperson).post(
        reverse("practices:comment-report", kwargs={"pk": comment.pk}),
        {f"report-{comment.pk}-reason": "Fuori tema del tutto"},
    )
    page = as_user(staff_user).get(practice.get_absolute_url(), **EN).content.decode()
    assert "Fuori tema del tutto" in page
    page = as_user(None).get(practice.get_absolute_url(), **EN).content.decode()
    assert "Fuori tema del tutto" not in page
    # Once reported, the button is gone for everyone (the report is pending).
    page = as_user(spokesperson).get(practice.get_absolute_url(), **EN).content.decode()
    assert reverse("practices:comment-report", kwargs={"pk": comment.pk}) not in page


@pytest.mark.django_db
def test_the_author_is_not_offered_to_report_their_own_comment(zone5, spokesperson):
    practice = PracticeFactory(zone=zone5, status="published")
    own = CommentFactory(practice=practice, author=spokesperson)
    other = CommentFactory(practice=practice)
    page = as_user(spokesperson).get(practice.get_absolute_url(), **EN).content.decode()
    assert reverse("practices:comment-report", kwargs={"pk": own.pk}) not in page
    assert reverse("practices:comment-report", kwargs={"pk": other.pk}) in page
    assert reverse("practices:comment-hide", kwargs={"pk": other.pk}) not in page
