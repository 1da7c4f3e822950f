"""factory_boy factories for the objects tests build more than twice."""

import factory
from django.contrib.auth import get_user_model

from zones.models import Membership, Municipality, Zone

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    first_name = factory.Faker("first_name", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Zona di prova {n + 1}")
    slug = factory.Sequence(lambda n: f"zona-di-prova-{n + 1}")
    colour = "#336699"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    istat_code = factory.Sequence(lambda n: f"{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"Comune {n}")
    zone = factory.SubFactory(ZoneFactory)
    population = 1000
    area_km2 = factory.Faker("pydecimal", left_digits=2, right_digits=2, positive=True)
    zone_evidence = "explicit_list_2022"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    zone = factory.SubFactory(ZoneFactory)
    role = Membership.Role.SPOKESPERSON


class PracticeFactory(factory.django.DjangoModelFactory):
    """A practice of a zone; ``status`` may be given directly (tests of the lifecycle itself go
    through ``practices.services.apply_transition``)."""

    class Meta:
        model = "practices.Practice"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Pratica di prova {n}")
    kind = "good_practice"
    summary = "Una pratica condivisa tra le zone."
    description = "Descrizione **in Markdown**."
    zone = factory.SubFactory(ZoneFactory)
    main_institution = "Comune capofila"
    status = "draft"

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        from practices.models import Theme

        if not create:
            return
        obj.themes.set(extracted if extracted is not None else Theme.objects.all()[:1])


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "practices.Transfer"

    practice = factory.SubFactory(PracticeFactory, status="published")
    zone = factory.SubFactory(ZoneFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "practices.Comment"

    practice = factory.SubFactory(PracticeFactory, status="published")
    author = factory.SubFactory(UserFactory)
    body = "Un commento utile."


# --- The Strategic Plan -------------------------------------------------------------------------


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Plan"
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"PSM-TEST-{n}")
    title = factory.Sequence(lambda n: f"Piano di prova {n}")
    period = "2024-2026"
    status = "draft"


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Axis"

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    name_it = factory.LazyAttribute(lambda o: f"Asse {o.number}")
    name_en = factory.LazyAttribute(lambda o: f"Axis {o.number}")


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Strategy"

    axis = factory.SubFactory(AxisFactory)
    code = factory.Sequence(lambda n: f"{n + 1}")
    name_it = factory.LazyAttribute(lambda o: f"Strategia {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Strategy {o.code}")


class PlanActionFactory(factory.django.DjangoModelFactory):
    """An action of the plan (not a meeting's action item)."""

    class Meta:
        model = "plans.Action"

    strategy = factory.SubFactory(StrategyFactory)
    code = factory.Sequence(lambda n: f"{n + 1}")
    name_it = factory.LazyAttribute(lambda o: f"Azione {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Action {o.code}")


def build_plan(code: str = "PSM-2024-2026", *, status: str = "in_force", axes: int = 3):
    """A small plan: ``axes`` axes; axis 1 with strategies 1.1 (actions 1.1.1, 1.1.2) and 1.2,
    axis 2 with strategy 2.1 (action 2.1.1); the other axes without strategies."""
    plan = PlanFactory(code=code, title=f"Piano {code}", status=status)
    made = [AxisFactory(plan=plan, number=n) for n in range(1, axes + 1)]
    s11 = StrategyFactory(axis=made[0], code="1.1", position=1)
    StrategyFactory(axis=made[0], code="1.2", position=2)
    PlanActionFactory(strategy=s11, code="1.1.1", position=1)
    PlanActionFactory(strategy=s11, code="1.1.2", position=2)
    if axes > 1:
        s21 = StrategyFactory(axis=made[1], code="2.1", position=1)
        PlanActionFactory(strategy=s21, code="2.1.1", position=1)
    return plan


# --- Two-step verification --------------------------------------------------------------------
# Staff and administrators must use an authenticator app (roundtable.mfa); tests give them one
# with this known secret (tests/conftest.py does it as soon as a user becomes staff), so that a
# test can compute the code the app would show.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user, secret: str = TOTP_SECRET):
    """An active authenticator app for ``user`` (none added if they have one)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, secret).instance


def totp_code(secret: str = TOTP_SECRET, offset: int = 0) -> str:
    """The code an authenticator app shows now (``offset`` periods later or earlier)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(secret, counter))
