"""Every model's admin export loads its references with the rows: the number of queries is
the same for 10 and for 40 rows, however many relations each row shows."""

import csv
import io

import openpyxl
import pytest

from partners import models as m

from . import factories as f
from .backoffice import registered_admins

pytestmark = pytest.mark.django_db
XLSX, CSV = "0", "1"  # positions of the formats in the export form


class World:
    """One of each related record, shared by the rows that are exported."""

    def __init__(self):
        self.user = f.UserFactory()
        self.city = f.CityFactory()
        self.home = f.HomeCityFactory()
        self.organisation = f.OrganisationFactory(city=self.city)
        self.person = f.PersonFactory(organisation=self.organisation)
        self.partnership = f.PartnershipFactory(home_city=self.home, partner_city=self.city)
        self.trip = f.DelegationFactory(lead_organisation=self.organisation)
        self.meeting = f.MeetingFactory(delegation=self.trip, city=self.city)
        self.profile = f.CompanyProfileFactory(contact=self.person)
        self.memorandum = f.MemorandumFactory(
            signed_in=self.city, delegation=self.trip, partnership=self.partnership
        )


def _rows(model_name, world, count):
    """``count`` records of the model, each with every relation its export shows filled."""
    w = world
    if model_name == "city":
        f.CityFactory.create_batch(count)
    elif model_name == "partnership":
        f.PartnershipFactory.create_batch(count, home_city=w.home)
    elif model_name == "organisation":
        f.OrganisationFactory.create_batch(count, city=w.city, parent=w.organisation)
    elif model_name == "person":
        f.PersonFactory.create_batch(count, organisation=w.organisation)
    elif model_name == "delegation":
        for trip in f.DelegationFactory.create_batch(count, lead_organisation=w.organisation):
            trip.supporting_organisations.add(w.organisation)
            f.DelegationStopFactory(delegation=trip, city=w.city)
    elif model_name == "meeting":
        for meeting in f.MeetingFactory.create_batch(
            count, delegation=w.trip, city=w.city, logged_by=w.user
        ):
            meeting.organisations.add(w.organisation)
            meeting.attendees.add(w.person)
    elif model_name == "sector":
        start = m.Sector.objects.count()
        m.Sector.objects.bulk_create(
            m.Sector(code=f"X{n}", name=f"S {n}") for n in range(start, start + count)
        )
    elif model_name == "interest":
        start = m.Interest.objects.count()
        m.Interest.objects.bulk_create(
            m.Interest(code=f"i{n}", name=f"I {n}") for n in range(start, start + count)
        )
    elif model_name == "companyprofile":
        interest = m.Interest.objects.first()
        for profile in f.CompanyProfileFactory.create_batch(count, contact=w.person):
            profile.interests.add(interest)
            profile.target_cities.add(w.city)
    elif model_name == "profilehandover":
        for handover in f.ProfileHandoverFactory.create_batch(
            count, profile=w.profile, recipient=w.organisation, delegation=w.trip,
            meeting=w.meeting,
        ):  # fmt: skip
            handover.handed_over_by.add(w.person)
    elif model_name == "memorandum":
        for memorandum in f.MemorandumFactory.create_batch(
            count, signed_in=w.city, delegation=w.trip, partnership=w.partnership
        ):
            f.MemorandumPartyFactory(memorandum=memorandum, organisation=w.organisation)
    elif model_name == "followup":
        f.FollowUpFactory.create_batch(
            count, owner=w.user, partner_city=w.city, delegation=w.trip, meeting=w.meeting,
            memorandum=w.memorandum,
        )  # fmt: skip
    elif model_name == "photo":
        f.PhotoFactory.create_batch(
            count, delegation=w.trip, memorandum=w.memorandum, meeting=w.meeting
        )
    elif model_name == "opportunity":
        f.OpportunityFactory.create_batch(
            count, partner_city=w.city, foreign_organisation=w.organisation, meeting=w.meeting
        )
    elif model_name == "tripregistration":
        for registration in f.TripRegistrationFactory.create_batch(
            count, delegation=w.trip, contact=w.person
        ):
            registration.representatives.add(w.person)
    elif model_name == "meetingslot":
        stop = f.DelegationStopFactory(delegation=w.trip, city=w.city)
        f.MeetingSlotFactory.create_batch(count, delegation=w.trip, stop=stop)
    elif model_name == "meetingrequest":
        registration = f.TripRegistrationFactory(delegation=w.trip)
        for _ in range(count):
            f.MeetingRequestFactory(registration=registration, delegation=w.trip)
    else:
        raise AssertionError(f"no rows for {model_name}: add them here")


def _exported_models():
    return sorted(
        model._meta.model_name
        for model, model_admin in registered_admins("partners")
        if hasattr(model_admin, "export_action")
    )


def _export(client, model_name, file_format):
    response = client.post(
        f"/admin/partners/{model_name}/export/", {"format": file_format, "resource": "0"}
    )
    assert response.status_code == 200, response.content[:2000]
    return b"".join(response.streaming_content)


def _rows_in(content, file_format):
    if file_format == CSV:
        return len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) - 1
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True).active.max_row - 1


def test_every_exportable_model_is_covered():
    assert len(_exported_models()) >= 13


# The rows are read the same way for both formats: XLSX once, for the widest sheet.
@pytest.mark.parametrize(
    ("model_name", "file_format"),
    [(name, CSV) for name in _exported_models()] + [("companyprofile", XLSX)],
)
def test_an_export_needs_the_same_queries_for_10_and_40_rows(client, model_name, file_format):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = World()
    client.force_login(f.UserFactory(is_superuser=True))
    counts = {}
    for count in (10, 30):  # 10 rows, then 40
        _rows(model_name, world, count)
        with CaptureQueriesContext(connection) as queries:
            content = _export(client, model_name, file_format)
        counts[len(queries)] = _rows_in(content, file_format)

    assert len(counts) == 1, f"queries for each row count: {counts}"
