"""factory_boy factories for every model; tests build their worlds with these."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partners import models as m


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.City

    name = factory.Sequence(lambda n: f"City {n}")
    country = "CN"
    time_zone = "Asia/Shanghai"
    region = "Jiangsu"
    population = 1_000_000
    population_year = 2019
    latitude = 32
    longitude = 118
    visibility = m.Visibility.PUBLIC


class HomeCityFactory(CityFactory):
    name = factory.Sequence(lambda n: f"Home {n}")
    country = "DE"
    time_zone = "Europe/Berlin"
    region = "Sachsen"
    latitude = 51.34
    longitude = 12.37
    is_home = True


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Partnership

    home_city = factory.SubFactory(HomeCityFactory)
    partner_city = factory.SubFactory(CityFactory)
    kind = m.Partnership.Kind.TWINNING
    status = m.Partnership.Status.ACTIVE
    established_year = 1988
    visibility = m.Visibility.PUBLIC


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = m.Organisation.Kind.AGENCY
    city = factory.SubFactory(HomeCityFactory)
    visibility = m.Visibility.PUBLIC


class CompanyFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Example Company {n} GmbH")
    kind = m.Organisation.Kind.COMPANY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Person

    full_name = factory.Sequence(lambda n: f"Person {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    position = "Director"
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    lawful_basis = m.Person.LawfulBasis.PUBLIC_OFFICE
    visibility = m.Visibility.PUBLIC


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Delegation

    title = factory.Sequence(lambda n: f"Delegation {n}")
    direction = m.Delegation.Direction.OUTBOUND
    status = m.Delegation.Status.COMPLETED
    start_date = datetime.date(2019, 6, 25)
    end_date = datetime.date(2019, 6, 30)
    origin_city = factory.SubFactory(HomeCityFactory)
    lead_organisation = factory.SubFactory(OrganisationFactory)
    summary = "A public summary."
    visibility = m.Visibility.PUBLIC


class DelegationStopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DelegationStop

    delegation = factory.SubFactory(DelegationFactory)
    city = factory.SubFactory(CityFactory)
    order = factory.Sequence(lambda n: n + 1)


class DelegationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DelegationMember

    delegation = factory.SubFactory(DelegationFactory)
    person = factory.SubFactory(PersonFactory)
    role = m.DelegationMember.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Meeting

    delegation = factory.SubFactory(DelegationFactory)
    date = datetime.date(2019, 6, 26)
    city = factory.SubFactory(CityFactory)
    kind = m.Meeting.Kind.MEETING
    title = factory.Sequence(lambda n: f"Meeting {n}")
    visibility = m.Visibility.PUBLIC


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Sector
        django_get_or_create = ["code"]

    code = "C"
    name = "Manufacturing"


class CompanyProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CompanyProfile

    organisation = factory.SubFactory(CompanyFactory)
    sector = factory.LazyFunction(lambda: m.Sector.objects.get(code="C"))
    employees = 120
    founded_year = 1995
    products = "Precision parts"
    summary = "A company profile."
    status = m.CompanyProfile.Status.READY
    consent_to_share = True
    consent_given_on = datetime.date(2019, 5, 1)
    visibility = m.Visibility.PUBLIC


class ProfileHandoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ProfileHandover

    profile = factory.SubFactory(CompanyProfileFactory)
    recipient = factory.SubFactory(OrganisationFactory, kind=m.Organisation.Kind.GOVERNMENT)
    delegation = factory.SubFactory(DelegationFactory)
    handed_over_on = datetime.date(2019, 6, 26)


class MemorandumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Memorandum

    title = factory.Sequence(lambda n: f"Memorandum {n}")
    kind = m.Memorandum.Kind.MOU
    status = m.Memorandum.Status.SIGNED
    signed_on = datetime.date(2019, 6, 26)
    signed_in = factory.SubFactory(CityFactory)
    summary = "A public summary."
    visibility = m.Visibility.PUBLIC


class MemorandumPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MemorandumParty

    memorandum = factory.SubFactory(MemorandumFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.FollowUp

    title = factory.Sequence(lambda n: f"Follow-up {n}")
    kind = m.FollowUp.Kind.TASK
    status = m.FollowUp.Status.OPEN
    due_on = datetime.date(2019, 9, 30)
    visibility = m.Visibility.PUBLIC


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Photo

    image = factory.django.ImageField(filename="photo.jpg", format="JPEG", width=40, height=30)
    caption = factory.Sequence(lambda n: f"Photo {n}")
    credit = "Invest Region Leipzig"
    delegation = factory.SubFactory(DelegationFactory)
    visibility = m.Visibility.PUBLIC


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ImportRun

    user = factory.SubFactory(UserFactory)
    file_name = factory.Sequence(lambda n: f"profiles-{n}.xlsx")
    sha256 = "0" * 64
    mode = m.ImportRun.Mode.ALL_OR_NOTHING
    status = m.ImportRun.Status.IMPORTED
    total_rows = 3
    created = 3


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Opportunity

    title = factory.Sequence(lambda n: f"Opportunity {n}")
    kind = m.Opportunity.Kind.INVESTMENT
    stage = m.Opportunity.Stage.IDEA
    partner_city = factory.SubFactory(CityFactory)
    visibility = m.Visibility.INTERNAL


class WonOpportunityFactory(OpportunityFactory):
    stage = m.Opportunity.Stage.WON
    won_on = datetime.date(2020, 3, 1)
    summary = "A Nanjing company opened its European office in Leipzig."
    visibility = m.Visibility.PUBLIC


class TripRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TripRegistration

    delegation = factory.SubFactory(DelegationFactory, status=m.Delegation.Status.PLANNED)
    organisation = factory.SubFactory(CompanyFactory)
    status = m.TripRegistration.Status.ACCEPTED


class MeetingSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MeetingSlot

    delegation = factory.SubFactory(DelegationFactory, status=m.Delegation.Status.PLANNED)
    stop = factory.SubFactory(
        DelegationStopFactory, delegation=factory.SelfAttribute("..delegation")
    )
    starts_at = factory.Sequence(
        lambda n: (
            # Three hours apart: a company can travel between any two of them in time.
            datetime.datetime(2027, 5, 10, 9, tzinfo=datetime.UTC) + datetime.timedelta(hours=3 * n)
        )
    )
    ends_at = factory.LazyAttribute(lambda slot: slot.starts_at + datetime.timedelta(minutes=25))
    tables = 2


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MeetingRequest

    registration = factory.SubFactory(TripRegistrationFactory)
    delegation = factory.SelfAttribute("registration.delegation")
    counterpart = factory.SubFactory(OrganisationFactory)
    priority = 2


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Job

    kind = m.Job.Kind.IMPORT
    stage = m.Job.Stage.PREVIEW
    state = m.Job.State.DONE
    created_by = factory.SubFactory(UserFactory)
    file_name = factory.Sequence(lambda n: f"upload-{n}.xlsx")
