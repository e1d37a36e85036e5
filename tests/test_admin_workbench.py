"""The delegation, memorandum and company profile pages as trade officers use them."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from PIL import Image

from partners import models as m
from partners.dates import latest_today
from partners.roles import TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, form_errors, registered_admins, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client():
    return client_for(user_with_role(TRADE_OFFICERS))


def _change_url(obj):
    return reverse(f"admin:partners_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_delegation_page_has_stops_members_meetings_handovers_and_photos(officer_client):
    delegation = f.DelegationFactory()
    data = change_form_data(officer_client, _change_url(delegation))
    for prefix in ["stops", "members", "meetings", "handovers", "photos"]:
        assert f"{prefix}-TOTAL_FORMS" in data


def _admin_classes():
    for model, model_admin in registered_admins("partners"):
        yield model, model_admin
        for inline in model_admin.inlines:
            yield inline.model, inline


@pytest.mark.parametrize(("model", "admin_class"), list(_admin_classes()))
def test_every_link_to_cities_organisations_and_people_is_an_autocomplete(model, admin_class):
    targets = (m.City, m.Organisation, m.Person)
    fields = getattr(admin_class, "fields", None)
    readonly = set(getattr(admin_class, "readonly_fields", ()))
    for field in [*model._meta.fields, *model._meta.many_to_many]:
        if not (field.is_relation and field.related_model in targets and field.editable):
            continue
        if (fields is not None and field.name not in fields) or field.name in readonly:
            continue
        assert isinstance(field, models.ForeignKey | models.ManyToManyField | models.OneToOneField)
        assert field.name in admin_class.autocomplete_fields, f"{model.__name__}.{field.name}"


def _stop_of_a_delegation():
    return f.DelegationStopFactory().delegation


INVALID_CHOICE = "Select a valid choice"
INVALID_VALUE = "is not a valid value"  # a many-to-many field's word for it


@pytest.mark.parametrize(
    ("factory", "field", "error"),
    [
        (f.DelegationFactory, "origin_city", INVALID_CHOICE),
        (f.MeetingFactory, "delegation", INVALID_CHOICE),
        (f.MeetingFactory, "attendees", INVALID_VALUE),
        (f.MemorandumFactory, "signed_in", INVALID_CHOICE),
        (f.OpportunityFactory, "partner_city", INVALID_CHOICE),
        (f.CompanyProfileFactory, "sector", INVALID_CHOICE),
        (f.CompanyProfileFactory, "target_cities", INVALID_VALUE),
        (_stop_of_a_delegation, "stops-0-city", INVALID_CHOICE),
    ],
)
@pytest.mark.parametrize("value", ["abc", "1.5"])
def test_a_tampered_autocomplete_value_is_an_invalid_choice_not_a_crash(
    officer_client, factory, field, error, value
):
    url = _change_url(factory())
    data = change_form_data(officer_client, url)
    data[field] = value

    response = officer_client.post(url, data)

    assert response.status_code == 200
    assert error in form_errors(response)


@pytest.mark.parametrize(
    ("field", "error"), [("city", INVALID_CHOICE), ("attendees", INVALID_VALUE)]
)
def test_an_autocomplete_value_beyond_the_column_is_an_invalid_choice(officer_client, field, error):
    meeting = f.MeetingFactory()
    url = _change_url(meeting)
    data = {**change_form_data(officer_client, url), field: str(2**63)}

    response = officer_client.post(url, data)

    assert response.status_code == 200
    assert error in form_errors(response)


def test_delegations_are_filtered_by_status_direction_city_and_year(officer_client):
    nanjing = f.CityFactory(name="Nanjing")
    trip = f.DelegationFactory(title="Trip to Nanjing 2019")
    f.DelegationStopFactory(delegation=trip, city=nanjing)
    f.DelegationFactory(title="Inbound visit", direction=m.Delegation.Direction.INBOUND)
    f.DelegationFactory(title="Trip of 2018", start_date="2018-05-01", end_date="2018-05-03")
    url = reverse("admin:partners_delegation_changelist")
    query = {
        "status": "completed",
        "direction": "outbound",
        "stops__city__id__exact": nanjing.pk,
        "year": "2019",
    }
    response = officer_client.get(url, query)
    page = response.content.decode()
    assert "Trip to Nanjing 2019" in page
    assert "Inbound visit" not in page
    assert "Trip of 2018" not in page
    assert officer_client.get(url, {"year": "2018"}).content.decode().count("Trip of 2018") >= 1


def test_the_delegation_list_shows_dates_at_their_precision(officer_client):
    f.DelegationFactory(
        title="Visit of 2018", start_date="2018-01-01", end_date=None, date_precision="year"
    )
    page = officer_client.get(
        reverse("admin:partners_delegation_changelist"), headers={"accept-language": "en"}
    ).content.decode()
    assert ">2018<" in page
    assert "1 January 2018" not in page


def test_the_city_filter_offers_the_cities_delegations_stop_in_by_name(officer_client):
    for name in ["Nanjing", "Jining"]:
        f.DelegationStopFactory(city=f.CityFactory(name=name))
    f.CityFactory(name="Paris")  # no delegation stops there
    response = officer_client.get(reverse("admin:partners_delegation_changelist"))
    city_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.field_path == "stops__city"
    )
    assert [name for _pk, name in city_filter.lookup_choices] == ["Jining", "Nanjing"]


def test_the_trip_filter_offers_the_trips_with_registrations_by_title(admin_client):
    for title in ["Ost-China 2026", "Jining 2027"]:
        f.TripRegistrationFactory(delegation__title=title)
    f.DelegationFactory(title="Ohne Anmeldungen")
    response = admin_client.get(reverse("admin:partners_tripregistration_changelist"))
    trip_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.field_path == "delegation"
    )
    assert sorted(title for _pk, title in trip_filter.lookup_choices) == [
        "Jining 2027",
        "Ost-China 2026",
    ]


@pytest.mark.parametrize("term", ["Jining", "济宁", "Shi Guangliang"])
def test_delegations_are_found_by_city_and_member(officer_client, term):
    trip = f.DelegationFactory(title="Partner city visit")
    f.DelegationFactory(title="Unrelated trip")
    f.DelegationStopFactory(delegation=trip, city=f.CityFactory(name="Jining", local_name="济宁"))
    f.DelegationMemberFactory(delegation=trip, person=f.PersonFactory(full_name="Shi Guangliang"))
    response = officer_client.get(reverse("admin:partners_delegation_changelist"), {"q": term})
    page = response.content.decode()
    assert "Partner city visit" in page
    assert "Unrelated trip" not in page


def test_a_member_added_without_position_gets_the_persons_current_one(officer_client):
    delegation = f.DelegationFactory()
    person = f.PersonFactory(
        position="Geschäftsführer", position_en="Managing Director", position_zh_hans="总经理"
    )
    url = _change_url(delegation)
    data = change_form_data(officer_client, url)
    data.update(
        {
            "members-TOTAL_FORMS": "1",
            "members-0-delegation": str(delegation.pk),
            "members-0-person": str(person.pk),
            "members-0-role": "head",
            **{f"members-0-position_at_time_{code}": "" for code in ("de", "en", "zh_hans")},
        }
    )
    # Saved from the English back office: each language still gets its own position.
    response = officer_client.post(url, data, headers={"accept-language": "en"})
    assert response.status_code == 302, form_errors(response)
    member = delegation.members.get()
    assert member.position_at_time == "Geschäftsführer"
    assert [member.position_at_time_en, member.position_at_time_zh_hans] == [
        "Managing Director",
        "总经理",
    ]
    # The page shows the snapshot, which stays when the person changes position.
    person.position = "Retired"
    person.save()
    assert 'value="Geschäftsführer"' in officer_client.get(url).content.decode()


def test_a_position_typed_in_one_language_is_not_completed_from_the_persons_current_one():
    # The person is mayor now; then they were deputy mayor: no "Mayor" beside it.
    person = f.PersonFactory(position="Oberbürgermeister", position_en="Mayor")
    member = f.DelegationMemberFactory(person=person, position_at_time="Bürgermeister")
    assert [member.position_at_time_de, member.position_at_time_en] == ["Bürgermeister", None]


def test_a_meeting_recorded_on_the_delegation_page_is_logged_by_its_author(officer_client):
    delegation = f.DelegationFactory()
    city = f.CityFactory()
    people = f.PersonFactory.create_batch(2)
    url = _change_url(delegation)
    data = change_form_data(officer_client, url)
    data.update(
        {
            "meetings-TOTAL_FORMS": "1",
            "meetings-0-delegation": str(delegation.pk),
            "meetings-0-date": "2019-06-26",
            "meetings-0-city": str(city.pk),
            "meetings-0-kind": "meeting",
            "meetings-0-title_de": "Talk with the investment bureau",
            "meetings-0-attendees": [str(p.pk) for p in people],
            "meetings-0-visibility": "internal",
        }
    )
    response = officer_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    meeting = delegation.meetings.get()
    assert set(meeting.attendees.all()) == set(people)
    assert meeting.logged_by.groups.filter(name=TRADE_OFFICERS).exists()


def test_follow_ups_on_the_memorandum_page_default_to_commitments(officer_client):
    memorandum = f.MemorandumFactory()
    page = officer_client.get(_change_url(memorandum)).content.decode()
    start = page.index('name="follow_ups-__prefix__-kind"')
    select = page[start : page.index("</select>", start)]
    assert '<option value="commitment" selected>' in select
    assert "parties-TOTAL_FORMS" in page
    assert 'name="document"' in page


def test_a_handover_of_a_profile_without_consent_is_refused_on_the_profile_page(officer_client):
    profile = f.CompanyProfileFactory(
        consent_to_share=False, visibility=m.Visibility.INTERNAL, organisation__name="Acme GmbH"
    )
    recipient = f.OrganisationFactory()
    url = _change_url(profile)
    data = change_form_data(officer_client, url)
    data.update(
        {
            "handovers-TOTAL_FORMS": "1",
            "handovers-0-profile": str(profile.pk),
            "handovers-0-recipient": str(recipient.pk),
            "handovers-0-handed_over_on": "2019-06-26",
            "handovers-0-response": "none",
        }
    )
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert "“Acme GmbH” cannot be handed over" in response.content.decode()
    assert not m.ProfileHandover.objects.exists()


def test_a_handover_of_a_profile_without_consent_is_refused_on_the_handover_page(officer_client):
    profile = f.CompanyProfileFactory(
        consent_to_share=False, visibility=m.Visibility.INTERNAL, organisation__name="Acme GmbH"
    )
    data = {
        "profile": profile.pk,
        "recipient": f.OrganisationFactory().pk,
        "response": "none",
    }
    response = officer_client.post(reverse("admin:partners_profilehandover_add"), data)
    assert response.status_code == 200
    assert "“Acme GmbH” cannot be handed over" in response.content.decode()
    assert not m.ProfileHandover.objects.exists()


def test_a_handover_of_a_profile_without_consent_is_refused_on_the_delegation_page(
    officer_client,
):
    delegation = f.DelegationFactory()
    profile = f.CompanyProfileFactory(
        consent_to_share=False, visibility=m.Visibility.INTERNAL, organisation__name="Acme GmbH"
    )
    url = _change_url(delegation)
    data = change_form_data(officer_client, url)
    data.update(
        {
            "handovers-TOTAL_FORMS": "1",
            "handovers-0-delegation": str(delegation.pk),
            "handovers-0-profile": str(profile.pk),
            "handovers-0-recipient": str(f.OrganisationFactory().pk),
            "handovers-0-response": "none",
        }
    )
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert "“Acme GmbH” cannot be handed over" in response.content.decode()
    assert not m.ProfileHandover.objects.exists()


def test_withdrawing_the_consent_of_a_published_profile_takes_it_off_the_public_site(
    officer_client, client
):
    # An officer records it (visibility is read-only to them): refusing it, or waiting for
    # someone who may publish, would keep the company listed against its will.
    profile = f.CompanyProfileFactory(
        consent_to_share=True, visibility=m.Visibility.PUBLIC, organisation__name="Acme GmbH"
    )
    assert client.get(profile.get_absolute_url()).status_code == 200
    url = _change_url(profile)
    data = change_form_data(officer_client, url)
    data.pop("consent_to_share")
    response = officer_client.post(url, data, follow=True)
    assert "Acme GmbH is no longer shown on the public site" in response.content.decode()
    profile.refresh_from_db()
    assert not profile.consent_to_share and not profile.is_published
    assert client.get(profile.get_absolute_url()).status_code == 404


def test_a_published_success_story_cannot_be_marked_lost_in_the_form(officer_client):
    opportunity = f.WonOpportunityFactory(visibility=m.Visibility.PUBLIC)
    url = _change_url(opportunity)
    data = change_form_data(officer_client, url)
    data.update({"stage": m.Opportunity.Stage.LOST, "lost_reason": "The investor withdrew."})
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert "Only a won opportunity can be published" in form_errors(response)
    opportunity.refresh_from_db()
    assert opportunity.stage == m.Opportunity.Stage.WON


def test_an_opportunity_cannot_be_won_on_a_day_to_come_in_the_form(officer_client):
    opportunity = f.OpportunityFactory(stage=m.Opportunity.Stage.NEGOTIATING)
    url = _change_url(opportunity)
    tomorrow = latest_today() + datetime.timedelta(days=1)  # begun nowhere yet
    data = change_form_data(officer_client, url)
    data.update({"stage": m.Opportunity.Stage.WON, "won_on": tomorrow.isoformat()})

    response = officer_client.post(url, data)

    assert response.status_code == 200
    assert "“Won on” cannot lie in the future." in form_errors(response)
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.won_on) == (m.Opportunity.Stage.NEGOTIATING, None)


def test_consent_can_be_withdrawn_after_a_handover_and_the_trip_still_saves(officer_client):
    profile = f.CompanyProfileFactory(consent_to_share=True, visibility=m.Visibility.INTERNAL)
    handover = f.ProfileHandoverFactory(profile=profile)
    url = _change_url(profile)
    data = change_form_data(officer_client, url)
    data.pop("consent_to_share")

    response = officer_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    profile.refresh_from_db()
    assert not profile.consent_to_share
    trip = _change_url(handover.delegation)
    response = officer_client.post(trip, change_form_data(officer_client, trip))
    assert response.status_code == 302, form_errors(response)
    assert m.ProfileHandover.objects.filter(pk=handover.pk).exists()  # stays on record


def test_a_photo_can_be_added_with_a_new_delegation(officer_client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(image, "JPEG")
    url = reverse("admin:partners_delegation_add")
    data = change_form_data(officer_client, url)
    origin, lead = f.HomeCityFactory(), f.OrganisationFactory()
    data.update(
        {
            "title_de": "Neue Reise mit Foto",
            "direction": "outbound",
            "status": "planned",
            "date_precision": "day",
            "origin_city": str(origin.pk),
            "lead_organisation": str(lead.pk),
            "photos-TOTAL_FORMS": "1",
            "photos-0-caption_de": "Ankunft",
            "photos-0-image": SimpleUploadedFile("a.jpg", image.getvalue(), "image/jpeg"),
        }
    )

    response = officer_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert m.Photo.objects.get().delegation.title == "Neue Reise mit Foto"


def test_a_published_record_shown_again_with_a_blank_slug_has_no_site_link(officer_client):
    # The form shown again holds the typed blank slug (made on saving): the link to the
    # public page could not be built (a 500).
    trip = f.DelegationFactory(visibility=m.Visibility.PUBLIC)
    url = _change_url(trip)
    data = {**change_form_data(officer_client, url), "slug": "", "capacity": "abc"}

    response = officer_client.post(url, data)

    assert response.status_code == 200
    assert "Enter a whole number." in form_errors(response)
    assert f"/delegations/{trip.slug}/" not in response.text.split('id="content"')[1]
