"""The roles of the portal as Django groups, kept in step with the code on every migrate.

- Metropolitan staff: the ``zones.act_as_staff`` permission that ``zones.permissions`` asks
  for, plus what staff need in the admin (accounts, the territory, practices, the Strategic
  Plan; the lifecycle itself runs through the portal's pages, so the admin cannot bypass it).
- Spokespersons and deputies are not a group: they are users with a membership in force.
- Experts: the ``practices.give_expert_opinion`` permission, to write expert opinions on
  published practices (``practices.permissions.can_give_expert_opinion``). Staff may write
  them without it; an administrator (or staff, in the user admin) puts a user in the group.
- Administrators are superusers.
"""

from django.contrib.auth.models import Group, Permission

STAFF_GROUP = "Staff metropolitano"
EXPERTS_GROUP = "Esperti"

STAFF_PERMISSIONS = [
    "zones.act_as_staff",
    "zones.view_zone",
    "zones.change_zone",
    "zones.view_municipality",
    "zones.change_municipality",
    "zones.view_membership",
    "zones.add_membership",
    "zones.change_membership",
    "zones.delete_membership",
    "practices.view_theme",
    "practices.add_theme",
    "practices.change_theme",
    "practices.view_practice",
    "practices.change_practice",
    "practices.view_transition",
    "practices.view_attachment",
    "practices.view_comment",
    "practices.change_comment",
    "practices.view_transfer",
    "practices.change_transfer",
    "practices.view_transferstep",
    "practices.view_expertopinion",
    "practices.change_expertopinion",
    *[
        f"meetings.{action}_{model}"
        for model in (
            "meeting",
            "agendaitem",
            "invitation",
            "minutes",
            "minutescomment",
            "decision",
            "actionitem",
            "actionupdate",
        )
        for action in ("view", "add", "change")
    ],
    # The Strategic Plan: loaded from a file (manage.py load_plan); names corrected here.
    *[
        f"plans.{action}_{model}"
        for model in ("plan", "axis", "strategy", "action")
        for action in ("view", "change")
    ],
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
]


EXPERTS_PERMISSIONS = ["practices.give_expert_opinion"]


def _group(name: str, permissions: list[str]) -> Group:
    """The group ``name`` with exactly ``permissions`` (created if missing)."""
    group, _ = Group.objects.get_or_create(name=name)
    wanted = []
    for permission in permissions:
        app_label, codename = permission.split(".")
        wanted += list(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(wanted)
    return group


def staff_group() -> Group:
    """The staff group with exactly its permissions (created if missing)."""
    return _group(STAFF_GROUP, STAFF_PERMISSIONS)


def experts_group() -> Group:
    """The experts' group with exactly its permissions (created if missing)."""
    return _group(EXPERTS_GROUP, EXPERTS_PERMISSIONS)


def sync_roles(sender=None, **kwargs):
    """post_migrate receiver: permissions exist only after migrate, so the groups are set here."""
    staff_group()
    experts_group()
