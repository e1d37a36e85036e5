"""A known world for the report tests, with the summary of 2019 computed by hand.

Leipzig (home) is twinned with Nanjing and Jining; Paris is no partner city, so nothing
there counts. Every record has a comment saying where it counts in 2019 and why.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from partners import models as m
from partners.reports import places

from . import factories as f

D = datetime.date
INTERNAL = m.Visibility.INTERNAL
OUT, IN = m.Delegation.Direction.OUTBOUND, m.Delegation.Direction.INBOUND
CANCELLED = m.Delegation.Status.CANCELLED

SUMMARY_2019 = {
    # name: delegations out, then in: not cancelled, planned, confirmed, completed, cancelled;
    #       meetings, handovers, profiles, responses, memoranda signed, in force, review,
    #       follow-ups open, done, overdue
    "Jining": [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 7, 7, 1, 1, 2, 1, 2, 0, 1],
    "Nanjing": [2, 1, 0, 1, 1, 1, 0, 1, 0, 0, 2, 6, 6, 2, 2, 2, 1, 1, 1, 1],
}
# Every handover belongs to one city (13 = 7 + 6); profile 0 went to both (12 distinct).
TOTAL_2019 = [2, 1, 0, 1, 1, 1, 0, 1, 0, 1, 3, 13, 12, 3, 3, 4, 2, 3, 1, 2]


def _delegation(direction, start, end, origin, stops, **kwargs):
    delegation = f.DelegationFactory(
        direction=direction, start_date=start, end_date=end, origin_city=origin, **kwargs
    )
    for order, city in enumerate(stops, start=1):
        f.DelegationStopFactory(delegation=delegation, city=city, order=order)
    return delegation


def build():
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing", local_name="南京")
    jining = f.CityFactory(name="Jining", local_name="济宁")
    paris = f.CityFactory(name="Paris", country="FR")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    to_jining = f.PartnershipFactory(home_city=leipzig, partner_city=jining)
    world = {"leipzig": leipzig, "nanjing": nanjing, "jining": jining, "paris": paris}

    # Delegations.
    trip = _delegation(OUT, D(2019, 6, 25), D(2019, 6, 30), leipzig, [nanjing, jining])  # N, J
    new_year = _delegation(  # Nanjing out, planned: starts in 2019; unpublished ones count
        OUT,
        D(2019, 12, 28),
        D(2020, 1, 4),
        leipzig,
        [nanjing],
        visibility=INTERNAL,
        status=m.Delegation.Status.PLANNED,
    )
    _delegation(OUT, D(2018, 12, 30), D(2019, 1, 3), leipzig, [jining])  # began in 2018
    _delegation(OUT, D(2019, 9, 1), None, leipzig, [nanjing], status=CANCELLED)  # N cancelled
    _delegation(  # Nanjing in, confirmed
        IN,
        D(2019, 10, 10),
        D(2019, 10, 12),
        nanjing,
        [leipzig],
        status=m.Delegation.Status.CONFIRMED,
    )
    _delegation(IN, D(2019, 3, 1), None, jining, [leipzig], status=CANCELLED)  # J cancelled
    _delegation(OUT, D(2019, 5, 1), None, leipzig, [paris])  # no partner city
    world["trip"] = trip

    # Meetings: Nanjing 2, Jining 1.
    f.MeetingFactory(delegation=trip, date=None, city=nanjing)  # dated by its trip
    meeting_in_jining = f.MeetingFactory(
        delegation=trip, date=D(2019, 6, 28), city=jining, visibility=INTERNAL
    )
    f.MeetingFactory(delegation=None, date=D(2019, 12, 31), city=nanjing)
    f.MeetingFactory(delegation=None, date=D(2020, 1, 1), city=nanjing)  # 2020
    f.MeetingFactory(delegation=new_year, date=D(2020, 1, 2), city=nanjing)  # 2020
    f.MeetingFactory(delegation=None, date=D(2019, 4, 4), city=paris)

    _memoranda(world, trip, to_jining)
    _handovers(world, trip, meeting_in_jining)
    _follow_ups(world)
    return world


def _memoranda(world, trip, to_jining):
    nanjing, jining, leipzig = world["nanjing"], world["jining"], world["leipzig"]
    signed, expired = m.Memorandum.Status.SIGNED, m.Memorandum.Status.EXPIRED
    # Nanjing: signed, in force, due for review (review within 90 days after the year).
    f.MemorandumFactory(signed_on=D(2019, 6, 26), signed_in=nanjing, review_on=D(2020, 2, 15))
    # Jining: signed during the trip (no date of its own), in force; review too late.
    f.MemorandumFactory(
        signed_on=None,
        delegation=trip,
        signed_in=jining,
        valid_until=D(2024, 6, 30),
        review_on=D(2020, 6, 1),
    )
    # Nanjing: expired inside the period: neither signed in 2019 nor in force at its end.
    f.MemorandumFactory(
        signed_on=D(2017, 5, 1), signed_in=nanjing, valid_until=D(2019, 10, 31), status=expired
    )
    # Jining through the partnership: in force, review inside the period; unpublished.
    f.MemorandumFactory(
        signed_on=D(2016, 1, 1),
        signed_in=leipzig,
        partnership=to_jining,
        valid_until=D(2021, 1, 1),
        review_on=D(2019, 3, 1),
        status=signed,
        visibility=INTERNAL,
    )
    f.MemorandumFactory(signed_on=None, signed_in=nanjing, status=m.Memorandum.Status.DRAFT)
    # Nanjing through a party's city: signed and in force.
    with_party = f.MemorandumFactory(signed_on=D(2019, 4, 1), signed_in=leipzig)
    f.MemorandumPartyFactory(
        memorandum=with_party, organisation=f.OrganisationFactory(city=nanjing)
    )


def _handovers(world, trip, meeting_in_jining):
    nanjing, jining = world["nanjing"], world["jining"]
    in_nanjing = f.OrganisationFactory(city=nanjing, kind=m.Organisation.Kind.GOVERNMENT)
    in_jining = f.OrganisationFactory(city=jining, kind=m.Organisation.Kind.GOVERNMENT)
    profiles = [f.CompanyProfileFactory() for _ in range(12)]
    Response = m.ProfileHandover.Response
    responses = {0: Response.INTERESTED, 1: Response.MEETING_ARRANGED, 6: Response.DECLINED}
    for i, profile in enumerate(profiles[:11]):
        f.ProfileHandoverFactory(
            profile=profile,
            recipient=in_nanjing if i < 6 else in_jining,
            delegation=trip,
            handed_over_on=D(2019, 6, 26) if i < 6 else None,  # else dated by the trip
            response=responses.get(i, Response.NONE),
        )
    # The first profile went to Jining too: 7 distinct there, 12 distinct in total.
    f.ProfileHandoverFactory(profile=profiles[0], recipient=in_jining, delegation=trip)
    # Handed to a Nanjing office at a meeting in Jining: counts for Jining.
    f.ProfileHandoverFactory(
        profile=profiles[11], recipient=in_nanjing, delegation=trip, meeting=meeting_in_jining
    )
    f.ProfileHandoverFactory(  # 2020
        profile=profiles[0], recipient=in_nanjing, delegation=None, handed_over_on=D(2020, 2, 1)
    )


def _follow_ups(world):
    nanjing, jining = world["nanjing"], world["jining"]
    Status = m.FollowUp.Status
    f.FollowUpFactory(partner_city=nanjing, due_on=D(2019, 11, 30))  # open, overdue
    f.FollowUpFactory(partner_city=nanjing, due_on=D(2019, 3, 1), status=Status.DONE)
    f.FollowUpFactory(partner_city=nanjing, due_on=D(2020, 1, 15))  # 2020
    undated = f.FollowUpFactory(partner_city=jining, due_on=None, status=Status.IN_PROGRESS)
    # Logged in 2019 (created_at is set on insert, so it is moved afterwards).
    logged = timezone.make_aware(datetime.datetime(2019, 7, 1, 12))
    m.FollowUp.objects.filter(pk=undated.pk).update(created_at=logged)  # open, not overdue
    places.refresh("follow_ups", Q(pk=undated.pk))  # an update sends no signal
    f.FollowUpFactory(partner_city=jining, due_on=D(2019, 12, 31), status=Status.DROPPED)
    f.FollowUpFactory(partner_city=jining, due_on=D(2019, 8, 1), visibility=INTERNAL)  # overdue
