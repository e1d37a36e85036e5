"""Every named constraint is enforced by the database itself, and mirrored as a form error.

Each case builds one unsaved row that breaks exactly one rule (its related rows are saved).
Saving it skips validation, so only the database can refuse it; ``full_clean()`` must name
the field at fault (or the whole record, where no single field is).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from partners import models as m
from partners.roles import ADMINISTRATORS
from tests import factories as f
from tests.backoffice import client_for, user_with_role

DAY = datetime.date(2019, 6, 25)


@dataclass(frozen=True)
class Case:
    constraint: str
    field: str  # where full_clean() reports it
    build: Callable[[], Any]  # one unsaved row breaking the constraint
    # clean() puts the row right instead of refusing it (a withdrawn consent)
    repaired: bool = False


def _city_twin():
    f.CityFactory(name="Nanjing", country="CN")
    return f.CityFactory.build(name="Nanjing", country="CN")


def _city_twin_in(language):
    """modeltranslation copies the unique rule for each language's name column."""
    column = f"name_{language.replace('-', '_')}"

    def build():
        first = f.CityFactory(country="CN")
        twin = f.CityFactory.build(country="CN")
        for other in ("de", "en", "zh_hans"):
            setattr(first, f"name_{other}", f"First {other}")
            setattr(twin, f"name_{other}", f"Twin {other}")
        setattr(first, column, "Nanjing")
        first.save()
        setattr(twin, column, "Nanjing")
        return twin

    return build


def _trip_slot(**kwargs):
    # Dates not known yet: the slot's times are checked against none.
    trip = f.DelegationFactory(status=m.Delegation.Status.PLANNED, start_date=None, end_date=None)
    stop = f.DelegationStopFactory(delegation=trip)
    return f.MeetingSlotFactory.build(delegation=trip, stop=stop, **kwargs)


def _registration_twin():
    registration = f.TripRegistrationFactory()
    return f.TripRegistrationFactory.build(
        delegation=registration.delegation, organisation=registration.organisation
    )


def _meeting_request(**kwargs):
    registration = f.TripRegistrationFactory()
    return f.MeetingRequestFactory.build(
        registration=registration, delegation=registration.delegation, **kwargs
    )


def _meeting_request_twin():
    first = f.MeetingRequestFactory()
    return _meeting_request_with(first.registration, first.counterpart)


def _meeting_request_with(registration, counterpart):
    return f.MeetingRequestFactory.build(
        registration=registration, delegation=registration.delegation, counterpart=counterpart
    )


def _self_partnership():
    city = f.HomeCityFactory()
    return f.PartnershipFactory.build(home_city=city, partner_city=city)


def _stop_twin():
    stop = f.DelegationStopFactory()
    return f.DelegationStopFactory.build(
        delegation=stop.delegation, city=stop.city, order=stop.order
    )


def _member_twin():
    member = f.DelegationMemberFactory()
    return f.DelegationMemberFactory.build(delegation=member.delegation, person=member.person)


def _party_twin():
    party = f.MemorandumPartyFactory()
    return f.MemorandumPartyFactory.build(
        memorandum=party.memorandum, organisation=party.organisation
    )


def _partnership_twin():
    p = f.PartnershipFactory()
    return f.PartnershipFactory.build(
        home_city=p.home_city, partner_city=p.partner_city, kind=p.kind
    )


def _own_parent():
    organisation = f.OrganisationFactory()
    organisation.parent = organisation
    return organisation


def _register_twin():
    f.CompanyFactory(register_number="HRB 12345")
    return f.CompanyFactory.build(register_number="HRB 12345", city=f.HomeCityFactory())


def _delegation(**kwargs):
    return f.DelegationFactory.build(
        origin_city=f.HomeCityFactory(), lead_organisation=f.OrganisationFactory(), **kwargs
    )


def _memorandum(**kwargs):
    return f.MemorandumFactory.build(signed_in=f.CityFactory(), **kwargs)


def _profile(**kwargs):
    return f.CompanyProfileFactory.build(organisation=f.CompanyFactory(), **kwargs)


def _publication_request_twin():
    from django.contrib.contenttypes.models import ContentType

    city = f.CityFactory()
    kind = ContentType.objects.get_for_model(city)
    m.PublicationRequest.objects.create(content_type=kind, object_id=city.pk)
    return m.PublicationRequest(content_type=kind, object_id=city.pk)


CASES = [
    Case("publication_request_once", NON_FIELD_ERRORS, _publication_request_twin),
    Case("city_unique_name_country", NON_FIELD_ERRORS, _city_twin),
    Case("city_unique_name_country-de", NON_FIELD_ERRORS, _city_twin_in("de")),
    Case("city_unique_name_country-en", NON_FIELD_ERRORS, _city_twin_in("en")),
    Case("city_unique_name_country-zh-hans", NON_FIELD_ERRORS, _city_twin_in("zh-hans")),
    Case("tripregistration_one_per_company", NON_FIELD_ERRORS, _registration_twin),
    Case(
        "meetingslot_ends_after_start",
        "ends_at",
        lambda: _trip_slot(
            starts_at=datetime.datetime(2027, 5, 10, 9, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2027, 5, 10, 9, tzinfo=datetime.UTC),
        ),
    ),
    Case("meetingslot_at_least_one_table", NON_FIELD_ERRORS, lambda: _trip_slot(tables=0)),
    Case("meetingrequest_once_per_pair", NON_FIELD_ERRORS, _meeting_request_twin),
    Case(
        "meetingrequest_pinned_needs_slot",
        "pinned",
        lambda: _meeting_request(counterpart=f.OrganisationFactory(), pinned=True),
    ),
    Case("city_latitude_range", "latitude", lambda: f.CityFactory.build(latitude=91)),
    Case("city_longitude_range", "longitude", lambda: f.CityFactory.build(longitude=-181)),
    Case("partnership_unique_cities_kind", NON_FIELD_ERRORS, _partnership_twin),
    Case("partnership_home_differs_from_partner", "partner_city", _self_partnership),
    Case("organisation_unique_register_number", "register_number", _register_twin),
    Case("organisation_not_own_parent", "parent", _own_parent),
    Case(
        "person_consent_has_date",
        "consent_given_on",
        lambda: f.PersonFactory.build(
            organisation=f.OrganisationFactory(), lawful_basis="consent", consent_given_on=None
        ),
    ),
    Case(
        "delegation_end_after_start",
        "end_date",
        lambda: _delegation(start_date=DAY, end_date=DAY - datetime.timedelta(days=1)),
    ),
    Case(
        "delegation_confirmed_has_start",
        "start_date",
        lambda: _delegation(status="confirmed", start_date=None, end_date=None),
    ),
    Case(
        "delegation_end_needs_start",
        "start_date",
        lambda: _delegation(status="planned", start_date=None, end_date=DAY),
    ),
    Case("delegationstop_unique_order", NON_FIELD_ERRORS, _stop_twin),
    Case(
        "delegationstop_departure_after_arrival",
        "departure",
        lambda: f.DelegationStopFactory.build(
            delegation=f.DelegationFactory(),
            city=f.CityFactory(),
            arrival=DAY,
            departure=DAY - datetime.timedelta(days=1),
        ),
    ),
    Case("delegationmember_unique_person", NON_FIELD_ERRORS, _member_twin),
    Case(
        "meeting_date_or_delegation",
        "date",
        lambda: f.MeetingFactory.build(delegation=None, date=None, city=f.CityFactory()),
    ),
    # clean() withdraws such a profile from the public site rather than refusing the change.
    Case(
        "companyprofile_public_needs_consent",
        "visibility",
        lambda: _profile(visibility="public", consent_to_share=False),
        repaired=True,
    ),
    Case(
        "companyprofile_founded_year_four_digits",
        "founded_year",
        lambda: _profile(founded_year=999),
    ),
    Case(
        "memorandum_signed_has_date_or_delegation",
        "signed_on",
        lambda: _memorandum(status="signed", signed_on=None, delegation=None),
    ),
    Case(
        "memorandum_valid_after_signed",
        "valid_until",
        lambda: _memorandum(signed_on=DAY, valid_until=DAY - datetime.timedelta(days=1)),
    ),
    Case(
        "memorandum_terminated_on_only_if_terminated",
        "terminated_on",
        lambda: _memorandum(status="signed", signed_on=DAY, terminated_on=DAY),
    ),
    Case(
        "memorandum_terminated_after_signed",
        "terminated_on",
        lambda: _memorandum(
            status="terminated", signed_on=DAY, terminated_on=DAY - datetime.timedelta(days=1)
        ),
    ),
    Case("memorandumparty_unique_organisation", NON_FIELD_ERRORS, _party_twin),
    Case(
        "opportunity_won_has_date",
        "won_on",
        lambda: f.OpportunityFactory.build(partner_city=f.CityFactory(), stage="won", won_on=None),
    ),
    Case(
        "opportunity_lost_has_reason",
        "lost_reason",
        lambda: f.OpportunityFactory.build(
            partner_city=f.CityFactory(), stage="lost", lost_reason=""
        ),
    ),
    Case(
        "opportunity_public_only_when_won",
        "visibility",
        lambda: f.OpportunityFactory.build(
            partner_city=f.CityFactory(), stage="negotiating", visibility="public"
        ),
    ),
    # clean() withdraws such a person from the public site rather than refusing the change.
    Case(
        "person_public_needs_office_or_consent",
        "visibility",
        lambda: f.PersonFactory.build(
            visibility="public", lawful_basis="legitimate_interest", organisation=None
        ),
        repaired=True,
    ),
    # A photo without any link: no single field is at fault, so the error is the record's.
    Case(
        "photo_belongs_somewhere",
        NON_FIELD_ERRORS,
        lambda: f.PhotoFactory.build(delegation=None, memorandum=None, meeting=None),
    ),
]


def _named_constraints():
    return {
        constraint.name
        for model in apps.get_app_config("partners").get_models()
        for constraint in model._meta.constraints
    }


def test_every_named_constraint_has_a_case():
    assert {case.constraint for case in CASES} == _named_constraints()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.constraint)
def test_the_database_rejects_a_row_breaking_the_constraint(case):
    row = case.build()
    with transaction.atomic(), pytest.raises(IntegrityError) as refused:
        row.save()  # save() never validates: only the database can refuse the row
    message = str(refused.value)
    # SQLite names the columns of a violated unique index rather than the index itself.
    sqlite_unique = connection.vendor == "sqlite" and "UNIQUE constraint failed" in message
    # A German name is in the original column too: PostgreSQL may name the base rule.
    names = {case.constraint, case.constraint.removesuffix("-de")}
    assert any(name in message for name in names) or sqlite_unique, message


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.constraint)
def test_validation_reports_the_broken_constraint_on_its_field(case):
    row = case.build()
    if case.repaired:
        row.full_clean()
        assert getattr(row, case.field) != getattr(case.build(), case.field)
        row.save()
        return
    with pytest.raises(ValidationError) as invalid:
        row.full_clean()
    errors = invalid.value.message_dict
    assert case.field in errors
    assert set(errors) <= {case.field, NON_FIELD_ERRORS}, errors


@pytest.mark.django_db
def test_a_row_that_breaks_nothing_passes_validation_and_saves():
    # The counterpart of the cases above: their builders start from valid rows.
    for row in (
        _delegation(),
        _profile(),
        _memorandum(),
        _memorandum(status="terminated", signed_on=DAY, terminated_on=DAY),
        _memorandum(status="terminated", terminated_on=None),  # terminated before the field
        f.PhotoFactory.build(delegation=f.DelegationFactory()),
    ):
        row.full_clean()
        row.save()


@pytest.mark.django_db
def test_a_profile_without_consent_cannot_be_handed_over():
    profile = f.CompanyProfileFactory(consent_to_share=False, visibility=m.Visibility.INTERNAL)
    handover = f.ProfileHandoverFactory.build(
        profile=profile, recipient=f.OrganisationFactory(), delegation=f.DelegationFactory()
    )
    with pytest.raises(ValidationError) as invalid:
        handover.full_clean()
    assert set(invalid.value.message_dict) == {"profile"}


@pytest.mark.django_db
def test_validation_speaks_the_language_of_the_user():
    row = _delegation(start_date=DAY, end_date=DAY - datetime.timedelta(days=1))
    with translation.override("de"):
        with pytest.raises(ValidationError) as invalid:
            row.full_clean()
        # The messages are lazy: read them while German is active, as a form would.
        messages = invalid.value.message_dict["end_date"]
    assert messages == ["Das Ende darf nicht vor dem Beginn liegen."]


def test_deleting_the_delegation_that_dates_a_signed_memorandum_is_refused_and_named(db):
    trip = f.DelegationFactory()
    dated_by_trip = f.MemorandumFactory(title="Jining MoU", delegation=trip, signed_on=None)
    dated_itself = f.MemorandumFactory(title="Nanjing MoU", delegation=trip)
    client = client_for(user_with_role(ADMINISTRATORS))
    url = f"/admin/partners/delegation/{trip.pk}/delete/"

    assert "Jining MoU" in client.get(url).content.decode()
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 200  # the page that names it again, no 500
    assert m.Delegation.objects.filter(pk=trip.pk).exists()
    dated_by_trip.signed_on = DAY
    dated_by_trip.save()
    client.post(url, {"post": "yes"})
    assert not m.Delegation.objects.filter(pk=trip.pk).exists()
    dated_itself.refresh_from_db()
    assert dated_itself.delegation is None
