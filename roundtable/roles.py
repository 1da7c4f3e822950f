"""The roles of the portal as Django groups, kept in step with the code on every migrate.

- Metropolitan staff: the ``zones.act_as_staff`` permission that ``zones.permissions`` asks
  for, plus what staff need in the admin (accounts, the territory, practices; the lifecycle
  itself runs through the portal's pages, so the admin cannot bypass it).
- Spokespersons and deputies are not a group: they are users with a membership in force.
- Administrators are superusers.
"""

from django.contrib.auth.models import Group, Permission

STAFF_GROUP = "Staff metropolitano"

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
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
]


def staff_group() -> Group:
    """The staff group with exactly its permissions (created if missing)."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    wanted = []
    for name in STAFF_PERMISSIONS:
        app_label, codename = name.split(".")
        wanted += list(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(wanted)
    return group


def sync_roles(sender=None, **kwargs):
    """post_migrate receiver: permissions exist only after migrate, so the group is set here."""
    staff_group()
