"""A world for reconciling the report: an inbound visit with its meetings, handovers and a
three-party memorandum, a trip over New Year, trips of every status, undated records, and a home
city that is also another home city's partner. Every record says where it counts.

B is last year and A the year before, so that "overdue" and the desk's "last year" are
known whatever today is. The hand-computed answers are below the builder's helpers.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from partners import models as m
from partners.reports import places

from . import factories as f

B = timezone.localdate().year - 1
A = B - 1
OUT, IN = m.Delegation.Direction.OUTBOUND, m.Delegation.Direction.INBOUND
CANCELLED = m.Delegation.Status.CANCELLED
Status = m.FollowUp.Status


def D(year, month, day):
    return datetime.date(year, month, day)


# Figure → {city: count} and total, for year B (names as in partners.reports.figures.MEASURES).
COUNTS_B = {
    "delegations_out": ({"Jining": 1, "Nanjing": 0}, 1),
    "delegations_out_planned": ({"Jining": 0, "Nanjing": 0}, 0),
    "delegations_out_confirmed": ({"Jining": 1, "Nanjing": 0}, 1),
    "delegations_out_completed": ({"Jining": 0, "Nanjing": 0}, 0),
    "delegations_out_cancelled": ({"Jining": 1, "Nanjing": 0}, 1),
    "delegations_in": ({"Jining": 1, "Nanjing": 1}, 2),
    "delegations_in_planned": ({"Jining": 1, "Nanjing": 0}, 1),
    "delegations_in_confirmed": ({"Jining": 0, "Nanjing": 0}, 0),
    "delegations_in_completed": ({"Jining": 0, "Nanjing": 1}, 1),
    "delegations_in_cancelled": ({"Jining": 1, "Nanjing": 0}, 1),
    "meetings": ({"Jining": 3, "Nanjing": 3}, 6),
    "handovers": ({"Jining": 0, "Nanjing": 2}, 2),
    "profiles_handed_over": ({"Jining": 0, "Nanjing": 2}, 2),
    "handover_responses": ({"Jining": 0, "Nanjing": 1}, 1),
    "memoranda_signed": ({"Jining": 1, "Nanjing": 1}, 2),
    "memoranda_in_force": ({"Jining": 1, "Nanjing": 1}, 2),
    "memoranda_due_for_review": ({"Jining": 1, "Nanjing": 0}, 1),
    "follow_ups_open": ({"Jining": 0, "Nanjing": 2}, 2),
    "follow_ups_done": ({"Jining": 1, "Nanjing": 0}, 1),
    "follow_ups_overdue": ({"Jining": 0, "Nanjing": 1}, 1),
}
# Year A: the trip over New Year reached both cities (each row 1, the total 1).
COUNTS_A = {
    "delegations_out": ({"Jining": 1, "Nanjing": 1}, 1),
    "delegations_out_completed": ({"Jining": 1, "Nanjing": 1}, 1),
    "delegations_out_confirmed": ({"Jining": 0, "Nanjing": 0}, 0),
    "delegations_in": ({"Jining": 0, "Nanjing": 0}, 0),
    "meetings": ({"Jining": 0, "Nanjing": 1}, 1),
    "handovers": ({"Jining": 1, "Nanjing": 0}, 1),
    "memoranda_signed": ({"Jining": 1, "Nanjing": 0}, 1),
    "memoranda_in_force": ({"Jining": 1, "Nanjing": 0}, 1),
}
LISTED_B = {"delegations": 5, "meetings": 6, "memoranda": 2, "handovers": 2, "follow-ups": 4}


def _trip(direction, start, end, origin, stops, **kwargs):
    delegation = f.DelegationFactory(
        direction=direction, start_date=start, end_date=end, origin_city=origin, **kwargs
    )
    for order, city in enumerate(stops, start=1):
        f.DelegationStopFactory(delegation=delegation, city=city, order=order)
    return delegation


def build() -> dict:
    leipzig = f.HomeCityFactory(name="Leipzig", slug="leipzig")
    hannover = f.HomeCityFactory(name="Hannover", slug="hannover")
    nanjing = f.CityFactory(name="Nanjing", local_name="南京", slug="nanjing")
    jining = f.CityFactory(name="Jining", local_name="济宁", slug="jining")
    paris = f.CityFactory(name="Paris", country="FR", slug="paris")
    f.PartnershipFactory(home_city=leipzig, partner_city=nanjing)
    to_jining = f.PartnershipFactory(home_city=leipzig, partner_city=jining)
    f.PartnershipFactory(home_city=hannover, partner_city=leipzig)  # Leipzig stays home
    office = f.OrganisationFactory(name="Amt Leipzig", city=leipzig)
    nanjing_gov = f.OrganisationFactory(name="Nanjing government", city=nanjing)
    jining_gov = f.OrganisationFactory(name="Jining government", city=jining)
    paris_org = f.OrganisationFactory(name="Paris chamber", city=paris)
    p1, p2 = f.CompanyProfileFactory(), f.CompanyProfileFactory()

    # The inbound visit from Nanjing (B): everything of it counts for Nanjing.
    visit = _trip(IN, D(B, 5, 10), D(B, 5, 12), nanjing, [leipzig])
    m1 = f.MeetingFactory(delegation=visit, city=leipzig, date=D(B, 5, 10))
    m1.organisations.add(office)
    f.MeetingFactory(delegation=visit, city=leipzig, date=None)  # dated by the visit
    f.ProfileHandoverFactory(
        profile=p1,
        recipient=nanjing_gov,
        delegation=visit,
        meeting=m1,
        handed_over_on=D(B, 5, 11),
        response=m.ProfileHandover.Response.INTERESTED,
    )
    f.ProfileHandoverFactory(
        profile=p2, recipient=nanjing_gov, delegation=visit, handed_over_on=None
    )
    # Three parties (Leipzig, Nanjing, Jining), signed during the visit: Nanjing, once.
    three = f.MemorandumFactory(
        title="Three-party MoU", delegation=visit, signed_in=leipzig, signed_on=D(B, 5, 11)
    )
    for organisation in (office, jining_gov, nanjing_gov):
        f.MemorandumPartyFactory(memorandum=three, organisation=organisation)

    # Over New Year (A → B), to Nanjing then Jining: counts in A for both cities.
    new_year = _trip(OUT, D(A, 12, 28), D(B, 1, 5), leipzig, [nanjing, paris, jining])
    f.MeetingFactory(delegation=new_year, city=jining, date=D(B, 1, 3))  # Jining, B
    f.MeetingFactory(delegation=new_year, city=paris, date=D(A, 12, 30))  # first stop: Nanjing, A
    f.ProfileHandoverFactory(  # dated by the trip (A); recipient's city is a stop: Jining
        profile=p1, recipient=jining_gov, delegation=new_year, handed_over_on=None
    )

    # Planned (B): a visit from Jining, nothing logged for it yet.
    _trip(IN, D(B, 11, 20), D(B, 11, 22), jining, [leipzig], status=m.Delegation.Status.PLANNED)

    # Cancelled (B): an outbound trip to Jining and a visit from Jining.
    _trip(OUT, D(B, 9, 1), None, leipzig, [jining], status=CANCELLED)
    _trip(IN, D(B, 3, 1), None, jining, [leipzig], status=CANCELLED)

    # Outbound via Paris to Jining (B, confirmed); a meeting in Paris with Nanjing officials
    # there belongs to the trip's partner city, Jining (the trip did not stop in Nanjing).
    via_paris = _trip(
        OUT, D(B, 6, 1), D(B, 6, 5), leipzig, [paris, jining], status=m.Delegation.Status.CONFIRMED
    )
    in_paris = f.MeetingFactory(delegation=via_paris, city=paris, date=D(B, 6, 2))
    in_paris.organisations.add(nanjing_gov)

    # Without a delegation: in Paris with the Jining government → Jining; in Leipzig with
    # the Nanjing government → Nanjing.
    call = f.MeetingFactory(delegation=None, city=paris, date=D(B, 7, 7))
    call.organisations.add(paris_org, jining_gov)
    at_home = f.MeetingFactory(delegation=None, city=leipzig, date=D(B, 8, 8))
    at_home.organisations.add(nanjing_gov)

    # Undated: a planned trip without a date, its meeting and handover are in no period.
    undated = _trip(OUT, None, None, leipzig, [nanjing], status=m.Delegation.Status.PLANNED)
    f.MeetingFactory(delegation=undated, city=nanjing, date=None)
    f.ProfileHandoverFactory(
        profile=p2, recipient=nanjing_gov, delegation=undated, handed_over_on=None
    )

    # Memoranda: of the Jining partnership (A, in force until June B); a draft; one signed
    # in Paris with the Jining government (B, due for review early next year).
    party = f.MemorandumFactory(
        partnership=to_jining,
        signed_in=leipzig,
        signed_on=D(A, 4, 1),
        valid_until=D(B, 6, 30),
        status=m.Memorandum.Status.EXPIRED,
    )
    f.MemorandumPartyFactory(memorandum=party, organisation=nanjing_gov)  # partnership wins
    f.MemorandumFactory(signed_in=nanjing, signed_on=None, status=m.Memorandum.Status.DRAFT)
    in_paris_mou = f.MemorandumFactory(
        signed_in=paris, signed_on=D(B, 2, 1), review_on=D(B + 1, 2, 1)
    )
    f.MemorandumPartyFactory(memorandum=in_paris_mou, organisation=paris_org)
    f.MemorandumPartyFactory(memorandum=in_paris_mou, organisation=jining_gov)

    # Follow-ups of B.
    f.FollowUpFactory(partner_city=nanjing, due_on=D(B, 3, 1))  # open, overdue
    f.FollowUpFactory(partner_city=None, meeting=call, due_on=D(B, 4, 1), status=Status.DONE)
    logged = f.FollowUpFactory(
        partner_city=None, delegation=visit, due_on=None, status=Status.IN_PROGRESS
    )
    m.FollowUp.objects.filter(pk=logged.pk).update(
        created_at=timezone.make_aware(datetime.datetime(B, 6, 1, 12))
    )  # open, not overdue, Nanjing
    places.refresh("follow_ups", Q(pk=logged.pk))  # an update sends no signal
    f.FollowUpFactory(  # the home city is no partner city: by its memorandum, Jining
        partner_city=leipzig, memorandum=in_paris_mou, due_on=D(B, 10, 1), status=Status.DROPPED
    )
    return {"leipzig": leipzig, "nanjing": nanjing, "jining": jining, "visit": visit}
