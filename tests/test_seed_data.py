"""The seed data carries every fact of the 2019 press release (issue 2, point 4).

The facts are read back from the database after ``loaddata``, not from the JSON.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import Image

from partners import models as m


@pytest.fixture
def seeded(db, seed_once):
    pass


@pytest.fixture
def trip_2019(seeded):
    return m.Delegation.objects.get(start_date=datetime.date(2019, 6, 25))


def city(name):
    return m.City.objects.get(name=name)


def person(name):
    return m.Person.objects.get(full_name=name)


def test_leipzig_is_the_home_city_in_saxony(seeded):
    leipzig = city("Leipzig")
    assert (leipzig.is_home, leipzig.country.code, leipzig.region) == (True, "DE", "Sachsen")
    assert list(m.City.objects.filter(is_home=True)) == [leipzig]


def test_nanjing_is_the_capital_of_jiangsu_near_shanghai(seeded):
    nanjing = city("Nanjing")
    assert (nanjing.local_name, nanjing.country.code, nanjing.region) == ("南京", "CN", "Jiangsu")
    assert (nanjing.population, nanjing.population_year) == (8_000_000, 2019)
    for fact in ("mehr als acht Millionen", "circa 3.600 Unternehmen", "Shanghai", "Hauptstadt"):
        assert fact in nanjing.description


def test_jining_is_an_industrial_metropolis_in_shandong(seeded):
    jining = city("Jining")
    assert (jining.local_name, jining.country.code, jining.region) == ("济宁", "CN", "Shandong")
    assert (jining.population, jining.population_year) == (8_300_000, 2019)
    for fact in ("rund 8,3 Millionen", "Industriemetropole", "500 Kilometer von Nanjing"):
        assert fact in jining.description


def test_leipzig_and_nanjing_are_twinned_since_1988(seeded):
    twinning = city("Leipzig").partnerships.get(partner_city=city("Nanjing"))
    assert (twinning.kind, twinning.status, twinning.established_year) == (
        "twinning",
        "active",
        1988,
    )


def test_leipzig_and_jining_have_an_economic_partnership(seeded):
    partnership = city("Leipzig").partnerships.get(partner_city=city("Jining"))
    assert partnership.kind == "economic"


def test_the_five_organisations_of_the_press_release_exist(seeded):
    kinds = dict(m.Organisation.objects.exclude(kind="company").values_list("name", "kind"))
    assert kinds == {
        "Invest Region Leipzig GmbH": "agency",
        "Stadt Leipzig, Amt für Wirtschaftsförderung": "municipal",
        "EU-China Municipal Development Commission": "facilitator",
        "Stadtregierung Nanjing": "government",
        "Regionalregierung Jining": "government",
    }
    assert m.Organisation.objects.get(short_name="ECMDC").city is None
    assert m.Organisation.objects.get(name="Stadtregierung Nanjing").city == city("Nanjing")
    assert m.Organisation.objects.get(name="Regionalregierung Jining").city == city("Jining")


@pytest.mark.parametrize(
    ("name", "position", "organisation"),
    [
        ("Michael Körner", "Geschäftsführer", "Invest Region Leipzig GmbH"),
        (
            "Clemens Schülke",
            "Leiter des Amts für Wirtschaftsförderung",
            "Stadt Leipzig, Amt für Wirtschaftsförderung",
        ),
        ("Shi Guangliang", "Oberbürgermeister von Jining", "Regionalregierung Jining"),
    ],
)
def test_the_three_office_holders_are_published(seeded, name, position, organisation):
    holder = person(name)
    assert (holder.position, holder.organisation.name) == (position, organisation)
    assert holder.lawful_basis == "public_office"
    assert holder.is_published


def test_the_2019_trip_went_from_leipzig_to_nanjing_then_jining(trip_2019):
    assert (trip_2019.direction, trip_2019.status) == ("outbound", "completed")
    assert trip_2019.end_date == datetime.date(2019, 6, 30)
    assert trip_2019.origin_city == city("Leipzig")
    assert [stop.city.name for stop in trip_2019.stops.order_by("order")] == ["Nanjing", "Jining"]
    with translation.override("de"):
        assert trip_2019.dates_display == "25.–30. Juni 2019"
    with translation.override("en"):
        assert trip_2019.dates_display == "25–30 June 2019"


def test_koerner_and_schuelke_travelled_with_their_positions_then(trip_2019):
    positions = dict(trip_2019.members.values_list("person__full_name", "position_at_time"))
    assert set(positions) == {"Michael Körner", "Clemens Schülke"}
    assert "Geschäftsführer" in positions["Michael Körner"]
    assert "Amts für Wirtschaftsförderung" in positions["Clemens Schülke"]


def test_ecmdc_supported_the_trip_by_arranging_meetings_in_advance(trip_2019):
    assert [o.short_name for o in trip_2019.supporting_organisations.all()] == ["ECMDC"]
    assert "im Vorfeld mit Unterstützung der" in trip_2019.summary


def test_the_trip_has_a_published_german_report(trip_2019):
    assert trip_2019.is_published
    for fact in ("Nanjing", "Jining", "Elf Profile", "Memorandum of Understanding"):
        assert fact in trip_2019.summary


def test_schuelke_presented_leipzig_in_nanjing(trip_2019):
    presentation = trip_2019.meetings.get(kind="presentation")
    assert presentation.title == (
        "Leipzig als attraktiver Wirtschaftsstandort für chinesische Unternehmen"
    )
    assert presentation.city == city("Nanjing")
    assert list(presentation.attendees.all()) == [person("Clemens Schülke")]


def test_there_were_two_signings_one_in_each_city(trip_2019):
    signings = trip_2019.meetings.filter(kind="signing")
    assert sorted(signings.values_list("city__name", flat=True)) == ["Jining", "Nanjing"]
    assert all(meeting.is_published for meeting in signings)


def test_shi_guangliang_visited_leipzig_in_2018(seeded):
    visit = person("Shi Guangliang").delegation_memberships.get().delegation
    assert (visit.direction, visit.status, visit.date_precision) == ("inbound", "completed", "year")
    assert visit.start_date == datetime.date(2018, 1, 1)
    assert visit.dates_display == "2018"
    assert visit.origin_city == city("Jining")
    assert [stop.city.name for stop in visit.stops.all()] == ["Leipzig"]


def test_a_larger_trip_with_leipzig_companies_is_planned_without_dates(seeded):
    planned = m.Delegation.objects.get(status="planned")
    assert (planned.direction, planned.start_date, planned.end_date) == ("outbound", None, None)
    assert "Leipziger Unternehmen" in planned.summary
    assert planned.is_published


def test_leipzig_and_nanjing_signed_a_memorandum_of_understanding(trip_2019):
    mou = m.Memorandum.objects.get(kind="mou")
    assert (mou.status, mou.delegation, mou.signed_in) == ("signed", trip_2019, city("Nanjing"))
    assert mou.partnership.kind == "twinning"
    assert set(mou.parties.values_list("organisation__name", flat=True)) == {
        "Stadt Leipzig, Amt für Wirtschaftsförderung",
        "Stadtregierung Nanjing",
    }
    assert "Ansiedlungen und Investitionen chinesischer Unternehmen" in mou.summary
    assert "Vertrieb Leipziger Produkte im chinesischen Markt" in mou.summary
    assert mou.is_in_force(datetime.date(2019, 7, 11))


def test_koerner_signed_a_letter_of_intent_with_the_jining_region(trip_2019):
    letter = m.Memorandum.objects.get(kind="letter_of_intent")
    assert (letter.status, letter.delegation, letter.signed_in) == (
        "signed",
        trip_2019,
        city("Jining"),
    )
    assert "Absichtserklärung (Memorandum of Understanding)" in letter.title
    irl = letter.parties.get(organisation__name="Invest Region Leipzig GmbH")
    assert irl.signatory == person("Michael Körner")
    assert letter.parties.filter(organisation__name="Regionalregierung Jining").exists()


def test_the_ideas_and_the_company_trip_are_followed_up(trip_2019):
    follow_ups = dict(trip_2019.follow_ups.values_list("kind", "title"))
    assert set(follow_ups) == {"idea", "task"}
    assert "Kooperationsideen" in follow_ups["idea"]
    assert "Delegationsreise mit Leipziger Unternehmen" in follow_ups["task"]


def test_eleven_company_profiles_were_handed_over_during_the_trip(trip_2019):
    handovers = trip_2019.handovers.all()
    assert handovers.count() == 11
    assert handovers.values("profile").distinct().count() == 11
    assert set(handovers.values_list("recipient__name", flat=True)) == {
        "Stadtregierung Nanjing",
        "Regionalregierung Jining",
    }
    for handover in handovers:
        assert set(handover.handed_over_by.values_list("full_name", flat=True)) == {
            "Michael Körner",
            "Clemens Schülke",
        }


def test_the_demo_companies_are_internal_fictional_leipzig_companies(seeded):
    profiles = m.CompanyProfile.objects.select_related("organisation")
    assert profiles.count() == 11
    for profile in profiles:
        company = profile.organisation
        assert (company.kind, company.city.name) == ("company", "Leipzig")
        assert "Fiktives Beispielunternehmen" in company.description
        assert not company.is_published and not profile.is_published
        assert profile.consent_to_share
        assert set(profile.interests.values_list("code", flat=True)) <= {
            "cooperation",
            "expansion",
        }


def test_everything_of_the_press_release_is_published_except_the_photo(seeded):
    assert m.Delegation.objects.published().count() == 3
    assert m.Memorandum.objects.published().count() == 2
    assert m.Meeting.objects.published().count() == 3
    assert m.City.objects.published().count() == 3
    assert not m.Photo.objects.get().is_published


def test_the_signing_photo_is_kept_with_its_caption(trip_2019):
    photo = m.Photo.objects.get()
    assert photo.caption == "MoU Unterzeichnung in Jining, China"
    assert photo.delegation == trip_2019
    assert photo.memorandum.kind == "letter_of_intent"
    assert (photo.meeting.kind, photo.meeting.city) == ("signing", city("Jining"))


def test_seed_media_places_a_placeholder_jpeg_once(seeded, settings):
    call_command("seed_media", verbosity=0)
    photo = m.Photo.objects.get()
    path = settings.MEDIA_ROOT / photo.image.name
    with Image.open(path) as image:
        assert image.format == "JPEG"
    first = path.read_bytes()
    path.write_bytes(first + b"kept")
    call_command("seed_media", verbosity=0)
    assert path.read_bytes() == first + b"kept"  # an existing file is never overwritten


def test_loading_the_seed_twice_changes_nothing(seeded):
    counts = {model: model.objects.count() for model in (m.City, m.Delegation, m.ProfileHandover)}
    call_command("loaddata", "seed", "demo_companies", verbosity=0)
    assert counts == {model: model.objects.count() for model in counts}


def test_records_added_after_loading_get_fresh_ids(seeded):
    # loaddata writes fixed ids; PostgreSQL's sequences must have been moved past them.
    organisation = m.Organisation.objects.create(name="Neue Organisation", kind="other")
    handover = m.ProfileHandover.objects.create(
        profile=m.CompanyProfile.objects.first(), recipient=organisation
    )
    assert organisation.pk > 111 and handover.pk > 111


def test_no_seed_slug_drops_an_umlaut(seeded):
    """Slugs spell umlauts out (DESIGN.md): Django's slugify drops them ("gesprachen"), and a
    success story's slug is its public anchor."""
    from django.apps import apps
    from django.utils.text import slugify

    from partners.models.base import german_slug

    dropped = []
    for model in apps.get_app_config("partners").get_models():
        fields = {field.name for field in model._meta.fields}
        if "slug" not in fields or not fields & {"name", "title"}:
            continue
        source = "title" if "title" in fields else "name"
        for record in model.objects.all():
            with translation.override("de"):
                text = getattr(record, source)
            if record.slug == slugify(text) != german_slug(text):
                dropped.append((model.__name__, record.slug))
    assert dropped == []
