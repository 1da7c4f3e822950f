"""The admin of the plans: lists with search and filters, the history of a plan, names corrected
by staff, and the rule of one plan in force kept."""

import pytest
from django.urls import reverse

from plans.models import Axis, Plan
from tests.factories import build_plan

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def plans(db):
    return build_plan(), build_plan("PSM-2021-2023", status="superseded")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, params, shown, hidden",
    [
        ("plan", {"q": "2021"}, "PSM-2021-2023", "PSM-2024-2026"),
        ("plan", {"status__exact": "in_force"}, "PSM-2024-2026", "PSM-2021-2023"),
        ("axis", {"q": '"Asse 3"'}, "Asse 3", "Asse 2"),
        ("strategy", {"q": "1.2"}, "Strategia 1.2", "Strategia 2.1"),
        ("action", {"q": "2.1.1"}, "Azione 2.1.1", "Azione 1.1.2"),
    ],
)
def test_staff_search_and_filter_the_plans(client, staff_user, plans, model, params, shown, hidden):
    client.force_login(staff_user)
    response = client.get(reverse(f"admin:plans_{model}_changelist"), params, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert shown in page and hidden not in page


@pytest.mark.django_db
def test_staff_correct_a_name_and_the_plan_keeps_its_history(client, staff_user, plans):
    plan = plans[0]
    client.force_login(staff_user)
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    data = {
        "code": plan.code,
        "title": "Titolo corretto",
        "period": plan.period,
        "status": plan.status,
        "axes-TOTAL_FORMS": "0",
        "axes-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Plan.objects.get(pk=plan.pk).title == "Titolo corretto"
    history = client.get(reverse("admin:plans_plan_history", args=[plan.pk]), **EN)
    assert history.status_code == 200 and "Changed" in history.content.decode()


@pytest.mark.django_db
def test_a_second_plan_in_force_is_refused_with_a_message(client, admin_user, plans):
    old = plans[1]
    client.force_login(admin_user)
    data = {
        "code": old.code,
        "title": old.title,
        "period": old.period,
        "status": "in_force",
        "axes-TOTAL_FORMS": "0",
        "axes-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:plans_plan_change", args=[old.pk]), data, **EN)
    assert response.status_code == 200
    assert "Only one plan can be in force at a time." in response.content.decode()
    assert Plan.objects.get(pk=old.pk).status == "superseded"


@pytest.mark.django_db
def test_the_plan_page_lists_its_axes_inline(client, admin_user, plans):
    client.force_login(admin_user)
    page = client.get(reverse("admin:plans_plan_change", args=[plans[0].pk])).content.decode()
    assert all(f'value="{axis.name_it}"' in page for axis in Axis.objects.filter(plan=plans[0]))
