"""The partner city and day the report counts each record under, kept on the record
(``partners.reports.places``): every write through the app keeps them as the counting
rules work them out (``queries.placement``), and a refresh repairs writes around it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from partners import models as m
from partners.imports import import_profiles
from partners.reports import places
from partners.reports.queries import KEPT

from . import factories as f
from .import_files import csv_bytes

pytestmark = pytest.mark.django_db
OUT, IN = m.Delegation.Direction.OUTBOUND, m.Delegation.Direction.INBOUND
D = datetime.date


def kept() -> dict:
    return {
        kind: set(model.objects.values_list("pk", "counted_in", "counted_on"))
        for kind, model in KEPT.items()
    }


def stale() -> dict:
    return {kind: pks for kind in KEPT if (pks := places.stale(kind))}


def changes(write) -> None:
    """``write`` changes where or when some record counts, and the kept values follow."""
    before = kept()
    write()
    assert stale() == {}
    assert kept() != before, "the write changed no record's partner city or day"


def save(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


@pytest.fixture
def world():
    leipzig = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    nanjing = f.CityFactory(name="Nanjing", slug="nanjing")
    jining = f.CityFactory(name="Jining", slug="jining")
    paris = f.CityFactory(name="Paris", slug="paris")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    f.PartnershipFactory(home_city=leipzig, partner_city=jining)
    government = f.OrganisationFactory(name="Government", city=paris)
    meeting = f.MeetingFactory(delegation=None, city=paris, date=D(2019, 3, 1))
    meeting.organisations.add(government)
    trip = f.DelegationFactory(direction=OUT, origin_city=leipzig, start_date=D(2019, 6, 25))
    f.DelegationStopFactory(delegation=trip, city=nanjing, order=1)
    return {
        "leipzig": leipzig,
        "nanjing": nanjing,
        "jining": jining,
        "paris": paris,
        "government": government,
        "meeting": meeting,
        "trip": trip,
        "handover": f.ProfileHandoverFactory(
            delegation=None, meeting=meeting, recipient=government, handed_over_on=None
        ),
        "on_the_trip": f.MeetingFactory(delegation=trip, city=paris, date=None),
        "memorandum": f.MemorandumFactory(signed_in=paris, partnership=None, delegation=None),
        "follow_up": f.FollowUpFactory(partner_city=None, delegation=trip, due_on=None),
    }


def test_every_write_through_the_app_keeps_where_and_when_records_count(world):
    w = world
    assert stale() == {}
    assert m.Meeting.objects.get(pk=w["meeting"].pk).counted_in is None  # Paris: no partner
    # Counterparts: an organisation's city, its meetings both ways, a memorandum's parties.
    changes(lambda: save(w["government"], city=w["nanjing"]))
    assert m.Meeting.objects.get(pk=w["meeting"].pk).counted_in == w["nanjing"]
    changes(lambda: w["meeting"].organisations.remove(w["government"]))
    changes(lambda: w["government"].meetings.add(w["meeting"]))
    changes(lambda: w["government"].meetings.clear())
    changes(
        lambda: f.MemorandumPartyFactory(memorandum=w["memorandum"], organisation=w["government"])
    )
    changes(lambda: w["memorandum"].parties.get().delete())
    # A meeting's city and day, which its handover follows.
    changes(lambda: save(w["meeting"], city=w["jining"]))
    changes(lambda: save(w["meeting"], date=D(2018, 3, 1)))
    assert m.ProfileHandover.objects.get().counted_on == D(2018, 3, 1)
    changes(lambda: save(w["handover"], handed_over_on=D(2019, 1, 2)))
    changes(lambda: save(w["memorandum"], signed_in=w["nanjing"]))
    changes(lambda: save(w["follow_up"], partner_city=w["jining"]))
    changes(lambda: save(w["follow_up"], partner_city=None))
    # A trip's stops, day and direction, which its meetings and follow-ups follow.
    stop = f.DelegationStopFactory(delegation=w["trip"], city=w["jining"], order=0)
    assert stale() == {}
    assert m.Meeting.objects.get(pk=w["on_the_trip"].pk).counted_in == w["jining"]
    changes(stop.delete)
    changes(lambda: save(w["trip"], start_date=D(2017, 6, 25)))
    changes(lambda: save(w["trip"], direction=IN, origin_city=w["jining"]))
    # Which cities are partner cities.
    in_paris = f.MeetingFactory(delegation=None, city=w["paris"])
    assert m.Meeting.objects.get(pk=in_paris.pk).counted_in is None
    paris_partnership = f.PartnershipFactory(home_city=w["leipzig"], partner_city=w["paris"])
    assert stale() == {}
    assert m.Meeting.objects.get(pk=in_paris.pk).counted_in == w["paris"]
    lyon = f.CityFactory(name="Lyon", slug="lyon")
    f.MeetingFactory(delegation=None, city=lyon)
    changes(lambda: save(paris_partnership, partner_city=lyon))
    changes(lambda: save(paris_partnership, partner_city=w["paris"]))
    changes(paris_partnership.delete)
    changes(lambda: save(w["jining"], is_home=True))
    changes(lambda: save(w["jining"], is_home=False))
    # Deletes that empty links (SET_NULL) or take records with them (CASCADE).
    changes(w["meeting"].delete)
    assert m.ProfileHandover.objects.get().meeting is None
    changes(w["trip"].delete)


def test_a_follow_up_of_an_opportunity_follows_the_opportunity_s_partner_city(world):
    opportunity = f.OpportunityFactory(partner_city=world["nanjing"])
    follow_up = f.FollowUpFactory(opportunity=opportunity)
    assert m.FollowUp.objects.get(pk=follow_up.pk).counted_in == world["nanjing"]
    changes(lambda: save(opportunity, partner_city=world["jining"]))
    assert m.FollowUp.objects.get(pk=follow_up.pk).counted_in == world["jining"]
    changes(lambda: save(world["jining"], is_home=True))  # no longer a partner city
    changes(lambda: save(world["jining"], is_home=False))
    changes(opportunity.delete)
    assert m.FollowUp.objects.get(pk=follow_up.pk).counted_in is None


@pytest.mark.parametrize("added", [("Izba", "Stadtregierung"), ("Stadtregierung", "Izba")])
def test_a_meeting_s_first_organisation_is_the_one_entered_first_whatever_the_order_added(
    world, added
):
    """A meeting at home with organisations of two partner cities counts for the partner
    city of the one entered in the CRM first: the form adds a meeting's organisations in
    Python's set order, and a restore in another. A rename moves nothing."""
    krakau = f.CityFactory(name="Krakau", slug="krakau", country="PL")
    f.PartnershipFactory(home_city=world["leipzig"], partner_city=krakau)
    organisations = {  # Nanjing's government first, though Izba comes first by name
        "Stadtregierung": f.OrganisationFactory(
            name="Stadtregierung Nanjing", city=world["nanjing"]
        ),
        "Izba": f.OrganisationFactory(name="Izba Krakau", city=krakau),
    }
    meeting = f.MeetingFactory(delegation=None, city=world["leipzig"], date=D(2022, 7, 1))
    follow_up = f.FollowUpFactory(partner_city=None, meeting=meeting, due_on=None)
    for name in added:
        meeting.organisations.add(organisations[name])
    assert m.Meeting.objects.get(pk=meeting.pk).counted_in == world["nanjing"]
    assert m.FollowUp.objects.get(pk=follow_up.pk).counted_in == world["nanjing"]
    save(organisations["Stadtregierung"], name="Zhengfu Nanjing")
    assert m.Meeting.objects.get(pk=meeting.pk).counted_in == world["nanjing"]
    assert stale() == {}


def test_a_save_that_leaves_partner_cities_alone_refreshes_nothing(
    world, django_assert_num_queries
):
    # The city's row before the save, its zone as stored (City.on_its_clock), the save,
    # its history.
    with django_assert_num_queries(4):
        save(world["nanjing"], description="A city on the Yangtze.")


def test_an_import_that_moves_a_company_moves_the_records_it_is_counterpart_in(world):
    company = f.CompanyFactory(
        name="Stahlbau Körner GmbH", city=world["paris"], register_number="HRB 12345"
    )
    meeting = f.MeetingFactory(delegation=None, city=world["paris"])
    meeting.organisations.add(company)
    assert m.Meeting.objects.get(pk=meeting.pk).counted_in is None
    # Matched by its register number, the company has moved.
    sheet = csv_bytes(
        [["Stahlbau Körner GmbH", "HRB 12345", "Nanjing"]],
        ["Firma", "Handelsregisternummer", "Ort"],
    )
    result = import_profiles(source=sheet, filename="firmen.csv")

    assert (result.created, result.updated, result.errors) == (0, 1, []), result.summary()
    assert m.Meeting.objects.get(pk=meeting.pk).counted_in == world["nanjing"]
    assert stale() == {}


def test_the_command_repairs_writes_around_the_app_and_checks_for_them(world):
    meeting = world["meeting"]
    m.Meeting.objects.filter(pk=meeting.pk).update(date=D(2010, 1, 1))  # sends no signal
    assert stale() == {"meetings": [meeting.pk], "handovers": [world["handover"].pk]}
    with pytest.raises(CommandError, match="out of date"):
        call_command("refresh_report_places", "--check", stdout=io.StringIO())

    call_command("refresh_report_places", stdout=io.StringIO())

    assert stale() == {}
    assert m.Meeting.objects.get(pk=meeting.pk).counted_on == D(2010, 1, 1)
    call_command("refresh_report_places", "--check", stdout=io.StringIO())
    assert places.refresh("meetings", Q(pk=meeting.pk)) == 0  # nothing left to change


def test_working_out_every_record_at_once_agrees_with_the_rules(world):
    f.MeetingFactory(delegation=world["trip"], city=world["paris"], date=None)
    for model in KEPT.values():
        model.objects.update(counted_in=None, counted_on=None)
    assert set(stale()) == set(KEPT)

    places.refresh_all()

    assert stale() == {}


def test_working_out_every_record_with_no_partner_city_at_all():
    meeting = f.MeetingFactory(delegation=None)

    places.refresh_all()  # on PostgreSQL, an untyped NULL would not go into the column

    assert stale() == {}
    assert m.Meeting.objects.get(pk=meeting.pk).counted_in is None
