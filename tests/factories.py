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
