import pytest

from meetings.models import ActionItem

from .helpers import action, held


@pytest.mark.django_db
def test_helpers_build_a_held_meeting_with_an_action(territory, staff_user):
    meeting = held(staff_user, present=(1, 2, 3))
    made = action(staff_user, meeting, zones=(3, 5), due_in_days=-1)
    assert meeting.status == "held"
    assert list(made.zones.values_list("number", flat=True)) == [3, 5]
    assert ActionItem.objects.overdue().get() == made
