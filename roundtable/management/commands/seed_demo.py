"""``manage.py seed_demo``: demo accounts and demo content for trying the portal.

Refuses to run with debug off. Idempotent: a second run creates nothing.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetings.models import ActionItem, Meeting
from plans.models import Consultation
from practices.models import Comment, ExpertOpinion, Practice, Transfer
from roundtable.demo_consultations import seed_consultations
from roundtable.demo_expert_opinions import EXPERT_EMAIL, seed_expert_opinions
from roundtable.demo_meetings import seed_meetings
from roundtable.demo_plans import seed_plans
from roundtable.demo_practices import DemoDataError, seed_practices
from roundtable.roles import experts_group, staff_group
from zones.models import Membership, Zone

DEMO_OFFICE_SINCE = datetime.date(2020, 1, 1)

DEMO_PASSWORD = "tavolo-demo-2026"  # noqa: S105 - printed on purpose: demo accounts only

# Fictional people: any likeness to real spokespersons is not intended.
SPOKESPERSONS = [
    ("Giulia", "Ferrero"),
    ("Marco", "Bianchi"),
    ("Elena", "Gallo"),
    ("Luca", "Costa"),
    ("Sara", "Rinaldi"),
    ("Paolo", "Giordano"),
    ("Chiara", "Martini"),
    ("Andrea", "Fontana"),
    ("Francesca", "Barbero"),
    ("Davide", "Colombo"),
    ("Valentina", "Ricci"),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts (one staff user, one expert, one spokesperson per zone) and the "
        "demo practices, transfers, comments and expert opinions, and a history of Round Table "
        "meetings, if missing."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password: it runs only with "
                "DJANGO_DEBUG on, never in production."
            )
        zones = list(Zone.objects.order_by("number"))
        if not zones:
            raise CommandError("No zones yet: run `manage.py load_territory` first.")
        with transaction.atomic():
            logins = self._seed(zones)
        try:
            created = seed_practices()  # its own transaction: its mail is dropped on commit
            # After the practices: the meetings link some of them.
            meetings = seed_meetings()
            opinions = seed_expert_opinions()
            # After both: the plan in force (loaded if missing) tags them.
            plans = seed_plans()
            # After the plan and the meetings: on the plan in force, on the next agenda.
            consultations = seed_consultations()
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for email, role in logins:
            self.stdout.write(f"  {email:<34} {role}")
        # Two-step verification is required of them (roundtable.mfa); no secret is seeded, so
        # that a demo never ships a code anyone could compute.
        self.stdout.write(
            "  At their first log-in the administrator and the staff are asked to set up "
            "two-step verification: have an authenticator app ready (FreeOTP, Google or "
            "Microsoft Authenticator)."
        )
        self.stdout.write("")
        self.stdout.write(
            f"Demo content: {Practice.objects.count()} practices, "
            f"{Transfer.objects.count()} transfers, {Comment.objects.count()} comments "
            f"({created['practices']} practices, {created['transfers']} transfers and "
            f"{created['comments']} comments added now)."
        )
        self.stdout.write(
            f"Demo expert opinions: {ExpertOpinion.objects.count()} "
            f"({opinions['opinions']} added now); "
            f"difficulties encountered added to {opinions['difficulties']} practices now."
        )
        self.stdout.write(
            f"Demo meetings: {Meeting.objects.count()} meetings, "
            f"{ActionItem.objects.count()} action items ({meetings['meetings']} meetings and "
            f"{meetings['actions']} action items added now)."
        )
        self.stdout.write(
            f"Strategic Plan: {plans['plan']} in force"
            f"{' (loaded now)' if plans['loaded'] else ''}; {plans['practices']} practices, "
            f"{plans['decisions']} decisions and {plans['actions']} action items tagged now."
        )
        self.stdout.write(
            f"Demo consultations of the zones: {Consultation.objects.count()} "
            f"({consultations['consultations']} consultations and {consultations['opinions']} "
            f"zones' answers added now)."
        )
        self.stdout.write("")

    def _seed(self, zones):
        User = get_user_model()
        logins = []

        def account(email, first, last, **flags):
            user, created = User.objects.get_or_create(
                username=email,
                defaults={"email": email, "first_name": first, "last_name": last, **flags},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            return user

        admin = account(
            "admin@example.org", "Amministratore", "Demo", is_staff=True, is_superuser=True
        )
        logins.append((admin.email, "administrator (Django admin)"))
        staff = account("staff@example.org", "Roberta", "Conti", is_staff=True)
        staff.groups.add(staff_group())
        logins.append((staff.email, "metropolitan staff"))
        expert = account(EXPERT_EMAIL, "Laura", "Bellini")
        expert.groups.add(experts_group())
        logins.append((expert.email, "expert (writes expert opinions on practices)"))
        for zone, (first, last) in zip(zones, SPOKESPERSONS * 10, strict=False):
            email = f"portavoce.zona{zone.number}@example.org"
            user = account(email, first, last)
            Membership.objects.get_or_create(
                user=user,
                zone=zone,
                active=True,
                # In office since before the demo's first practice, so that the comments
                # they wrote count for their zone on the dashboard.
                defaults={"role": Membership.Role.SPOKESPERSON, "since": DEMO_OFFICE_SINCE},
            )
            logins.append((email, f"spokesperson, zone {zone.number} {zone.name}"))
        return logins
