"""The 2019 trip of the press release (../shared/seed/press-release-2019-07-11.de.txt),
built with factories, for the public-site tests. Every fact of the release is in here."""

import datetime
from types import SimpleNamespace

from partners import models as m
from tests import factories as f

D = datetime.date


def build_world_2019() -> SimpleNamespace:
    w = SimpleNamespace()
    w.leipzig = f.HomeCityFactory(
        name="Leipzig", slug="leipzig", country="DE", region="Sachsen", population=605_407
    )
    w.nanjing = f.CityFactory(
        name="Nanjing",
        local_name="南京",
        slug="nanjing",
        region="Jiangsu",
        population=8_500_000,
        latitude=32.06,
        longitude=118.80,
        description="Hauptstadt der Provinz Jiangsu, nahe Shanghai; circa 3.600 Unternehmen.",
    )
    w.jining = f.CityFactory(
        name="Jining",
        local_name="济宁",
        slug="jining",
        region="Shandong",
        population=8_300_000,
        latitude=35.41,
        longitude=116.59,
    )
    w.twinning = f.PartnershipFactory(
        home_city=w.leipzig, partner_city=w.nanjing, established_year=1988
    )
    w.jining_partnership = f.PartnershipFactory(
        home_city=w.leipzig,
        partner_city=w.jining,
        kind=m.Partnership.Kind.ECONOMIC,
        established_year=2019,
    )
    agency = f.OrganisationFactory(name="Invest Region Leipzig GmbH", city=w.leipzig)
    office = f.OrganisationFactory(
        name="Amt für Wirtschaftsförderung Leipzig",
        kind=m.Organisation.Kind.MUNICIPAL,
        city=w.leipzig,
    )
    w.ecmdc = f.OrganisationFactory(
        name="EU-China Municipal Development Commission",
        short_name="ECMDC",
        kind=m.Organisation.Kind.FACILITATOR,
        city=None,
    )
    w.nanjing_gov = f.OrganisationFactory(
        name="Stadtregierung Nanjing", kind=m.Organisation.Kind.GOVERNMENT, city=w.nanjing
    )
    w.jining_gov = f.OrganisationFactory(
        name="Stadtregierung Jining", kind=m.Organisation.Kind.GOVERNMENT, city=w.jining
    )
    w.koerner = f.PersonFactory(
        full_name="Michael Körner", organisation=agency, position="Geschäftsführer"
    )
    w.schuelke = f.PersonFactory(
        full_name="Clemens Schülke", organisation=office, position="Leiter"
    )
    w.shi = f.PersonFactory(
        full_name="Shi Guangliang", organisation=w.jining_gov, position="Oberbürgermeister"
    )
    w.visit_2018 = f.DelegationFactory(
        title="Besuch des Oberbürgermeisters von Jining in Leipzig",
        direction=m.Delegation.Direction.INBOUND,
        origin_city=w.jining,
        lead_organisation=w.jining_gov,
        start_date=D(2018, 1, 1),
        end_date=D(2018, 12, 31),
        date_precision="year",
    )
    f.DelegationMemberFactory(delegation=w.visit_2018, person=w.shi, role="head")
    f.DelegationStopFactory(delegation=w.visit_2018, city=w.leipzig, order=1)
    w.trip = f.DelegationFactory(
        title="Invest Region Leipzig wirbt in Ost-China",
        slug="ost-china-2019",
        origin_city=w.leipzig,
        lead_organisation=agency,
        start_date=D(2019, 6, 25),
        end_date=D(2019, 6, 30),
        purpose="Leipziger Unternehmen in China präsentieren und die Städtepartnerschaft stärken.",
        summary="Zahlreiche Treffen mit hochrangigen Vertretern der regionalen Wirtschaft.",
    )
    w.trip.supporting_organisations.add(w.ecmdc)
    f.DelegationStopFactory(delegation=w.trip, city=w.nanjing, order=1, arrival=D(2019, 6, 25))
    f.DelegationStopFactory(delegation=w.trip, city=w.jining, order=2, departure=D(2019, 6, 30))
    f.DelegationMemberFactory(
        delegation=w.trip,
        person=w.koerner,
        role="head",
        position_at_time="Geschäftsführer der Invest Region Leipzig",
    )
    f.DelegationMemberFactory(
        delegation=w.trip,
        person=w.schuelke,
        position_at_time="Leiter des Amts für Wirtschaftsförderung",
    )
    presentation = f.MeetingFactory(
        delegation=w.trip,
        city=w.nanjing,
        kind=m.Meeting.Kind.PRESENTATION,
        title="Leipzig als attraktiver Wirtschaftsstandort für chinesische Unternehmen",
    )
    presentation.organisations.add(w.nanjing_gov)
    f.MeetingFactory(
        delegation=w.trip,
        city=w.jining,
        kind=m.Meeting.Kind.SIGNING,
        date=D(2019, 6, 28),
        title="Gegenbesuch in Jining",
    )
    w.mou_nanjing = f.MemorandumFactory(
        title="MoU Leipzig–Nanjing zur wirtschaftlichen Kooperation",
        slug="mou-nanjing-2019",
        partnership=w.twinning,
        delegation=w.trip,
        signed_in=w.nanjing,
        signed_on=D(2019, 6, 26),
    )
    f.MemorandumPartyFactory(memorandum=w.mou_nanjing, organisation=office, signatory=w.schuelke)
    f.MemorandumPartyFactory(memorandum=w.mou_nanjing, organisation=w.nanjing_gov)
    w.mou_jining = f.MemorandumFactory(
        title="Absichtserklärung Leipzig–Jining",
        slug="mou-jining-2019",
        partnership=w.jining_partnership,
        delegation=w.trip,
        signed_in=w.jining,
        signed_on=D(2019, 6, 28),
    )
    f.MemorandumPartyFactory(memorandum=w.mou_jining, organisation=agency, signatory=w.koerner)
    f.MemorandumPartyFactory(memorandum=w.mou_jining, organisation=w.jining_gov)
    w.interest = m.Interest.objects.get(code="cooperation")
    w.published_profiles = []
    for n in range(11):
        visible = n < 2  # two companies agreed to be listed publicly; nine did not
        profile = f.CompanyProfileFactory(
            organisation=f.CompanyFactory(name=f"Leipziger Firma {n:02d} GmbH", city=w.leipzig),
            visibility="public" if visible else "internal",
        )
        profile.interests.add(w.interest)
        profile.target_cities.add(w.nanjing)
        recipient = w.nanjing_gov if n % 2 else w.jining_gov
        f.ProfileHandoverFactory(profile=profile, recipient=recipient, delegation=w.trip)
        if visible:
            w.published_profiles.append(profile)
    f.FollowUpFactory(
        title="Große Delegationsreise mit Leipziger Unternehmen",
        delegation=w.trip,
        kind=m.FollowUp.Kind.COMMITMENT,
        description="In einigen Monaten, gezielt vorbereiten.",
    )
    f.FollowUpFactory(
        title="Kooperationsideen mit Leben füllen", delegation=w.trip, kind=m.FollowUp.Kind.IDEA
    )
    w.photo = f.PhotoFactory(
        caption="MoU Unterzeichnung in Jining, China",
        delegation=w.trip,
        credit="Invest Region Leipzig",
        taken_on=D(2019, 6, 28),
    )
    return w
