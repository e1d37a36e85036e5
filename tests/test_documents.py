"""Printed documents (issue 18): handouts and the trip briefing, read back from the PDF."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from partners import models as m
from partners.documents.briefing import TEMPLATE, briefing_context
from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role


def pdf_text(response) -> tuple[int, str]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def officer(db):
    return client_for(user_with_role(TRADE_OFFICERS))


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed", "demo_companies", verbosity=0)
    return m.Delegation.objects.get(start_date=datetime.date(2019, 6, 25))


def handout_url(profile, lang):
    return f"/admin/partners/companyprofile/{profile.pk}/handout.pdf?lang={lang}"


def test_a_profile_handout_is_one_page_with_the_company_and_no_internal_field(officer):
    profile = f.CompanyProfileFactory(
        organisation__name="Spreewerk Präzision GmbH",
        employees=1200,
        products="Gears and shafts",
        contact=f.PersonFactory(full_name="Erika Muster", notes="NOTE-INTERNAL-4711"),
    )
    f.ProfileHandoverFactory(profile=profile, notes="HANDOVER-SECRET-0815")
    pages, text = pdf_text(officer.get(handout_url(profile, "en")))
    assert pages == 1
    assert "Spreewerk Präzision GmbH" in text
    assert "Gears and shafts" in text
    assert "Erika Muster" in text
    assert "Products" in text  # English labels
    assert "1,200" in text
    assert "NOTE-INTERNAL-4711" not in text
    assert "HANDOVER-SECRET-0815" not in text


def test_a_profile_without_consent_is_not_printed(officer):
    profile = f.CompanyProfileFactory(
        consent_to_share=False, visibility=m.Visibility.INTERNAL, consent_given_on=None
    )
    response = officer.get(handout_url(profile, "de"))
    assert response.status_code == 302
    assert response["Content-Type"] != "application/pdf"
    page = officer.get(response["Location"])
    assert "not consented" in page.text
    assert "handout.pdf" not in page.text  # no link offered either


def test_documents_are_staff_only(db):
    profile = f.CompanyProfileFactory()
    delegation = f.DelegationFactory()
    for url in [
        handout_url(profile, "de"),
        f"/admin/partners/delegation/{delegation.pk}/handouts.pdf",
        f"/admin/partners/delegation/{delegation.pk}/briefing.pdf",
    ]:
        anonymous = client_for(None).get(url)
        assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
        nobody = client_for(f.UserFactory(is_staff=True)).get(url)
        assert nobody.status_code == 403, url


def test_an_unknown_or_malformed_id_is_404(officer):
    assert officer.get("/admin/partners/companyprofile/999999/handout.pdf").status_code in (
        302,
        404,
    )
    assert officer.get("/admin/partners/delegation/abc/briefing.pdf").status_code in (302, 404)


def test_the_eleven_seed_profiles_print_as_one_handout_in_each_language(seeded, officer):
    names = sorted(
        m.CompanyProfile.objects.filter(handovers__delegation=seeded)
        .distinct()
        .values_list("organisation__name", flat=True)
    )
    assert len(names) == 11
    for lang, label in [("de", "Produkte"), ("en", "Products"), ("zh-hans", None)]:
        response = officer.get(f"/admin/partners/delegation/{seeded.pk}/handouts.pdf?lang={lang}")
        pages, text = pdf_text(response)
        assert pages == 11, lang
        flat = " ".join(text.split())
        for name in names:
            assert " ".join(name.split()) in flat, (lang, name)
        if label:
            assert label in text
        assert f"handouts-{seeded.slug}-{lang}.pdf" in response["Content-Disposition"]


def test_before_the_trip_the_handouts_are_those_of_the_companies_accepted(officer):
    trip = f.DelegationFactory(status="planned", start_date=None, end_date=None)
    for name, status in [("Mitreisende GmbH", "accepted"), ("Wartende GmbH", "waitlisted")]:
        company = f.CompanyFactory(name=name)
        f.TripRegistrationFactory(
            delegation=trip,
            organisation=company,
            profile=f.CompanyProfileFactory(organisation=company),
            status=status,
        )
    pages, text = pdf_text(officer.get(f"/admin/partners/delegation/{trip.pk}/handouts.pdf"))
    assert pages == 1
    assert "Mitreisende GmbH" in text and "Wartende GmbH" not in text


@pytest.mark.layout
def test_chinese_handout_embeds_a_cjk_font_and_keeps_chinese_text_searchable(officer):
    nanjing = f.CityFactory(name="Nanjing", local_name="南京", name_zh_hans="南京")
    profile = f.CompanyProfileFactory()
    profile.target_cities.add(nanjing)
    response = officer.get(handout_url(profile, "zh-hans"))
    _pages, text = pdf_text(response)
    assert "南京" in text
    assert "南京 (南京)" not in text  # the Chinese name is the city's own: said once
    assert "Nanjing (南京)" in pdf_text(officer.get(handout_url(profile, "en")))[1]
    reader = PdfReader(io.BytesIO(response.content))
    fonts = {
        str(font["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert any("CJK" in name for name in fonts), fonts


def test_the_2019_trip_prints_as_a_briefing(seeded, officer):
    response = officer.get(f"/admin/partners/delegation/{seeded.pk}/briefing.pdf?lang=de")
    pages, text = pdf_text(response)
    flat = " ".join(text.split())
    assert pages >= 2
    assert seeded.title.split()[0] in flat
    for stop in seeded.stops.select_related("city"):
        assert stop.city.name in flat
    for member in seeded.members.select_related("person"):
        assert member.person.full_name in flat
        assert member.position_at_time in flat
    for memorandum in seeded.memoranda.all():
        assert " ".join(memorandum.title.split()) in flat
    # The counterparts are the partner side, never the home city's own offices.
    partners = {c.organisation for c in briefing_context(seeded, language="en")["counterparts"]}
    assert partners, "the Chinese signing parties are counterparts"
    assert not [o for o in partners if o.city and o.city.is_home]
    chinese_parties = m.Organisation.objects.filter(
        memorandum_parties__memorandum__delegation=seeded
    ).exclude(city__is_home=True)
    assert set(chinese_parties) <= partners
    assert all(o.name in flat for o in partners)


def test_briefing_lists_a_counterparts_history_newest_first(officer):
    home = f.HomeCityFactory()
    nanjing = f.CityFactory(name="Nanjing")
    trip = f.DelegationFactory(origin_city=home, title="Trip 2026")
    f.DelegationStopFactory(delegation=trip, city=nanjing, order=1)
    bureau = f.OrganisationFactory(name="Nanjing Commerce Bureau", city=nanjing)
    old = f.MeetingFactory(title="First talk 2017", date=datetime.date(2017, 3, 1), city=nanjing)
    old.organisations.add(bureau)
    newer = f.MeetingFactory(title="Second talk 2024", date=datetime.date(2024, 5, 2), city=nanjing)
    newer.organisations.add(bureau)
    f.ProfileHandoverFactory(
        recipient=bureau,
        handed_over_on=datetime.date(2020, 1, 1),
        response=m.ProfileHandover.Response.INTERESTED,
        profile__organisation__name="Handed Over AG",
    )
    local = f.OrganisationFactory(name="Leipzig Home Office", city=home)
    newer.organisations.add(local)
    _pages, text = pdf_text(officer.get(f"/admin/partners/delegation/{trip.pk}/briefing.pdf"))
    flat = " ".join(text.split())
    assert "Nanjing Commerce Bureau" in flat
    assert (
        flat.index("Second talk 2024")
        < flat.index("Handed Over AG")
        < flat.index("First talk 2017")
    )
    assert (
        "Leipzig Home Office"
        not in flat.split("Nanjing Commerce Bureau", 1)[0].split("Who travels")[-1]
    )


def test_a_counterparts_meetings_of_one_day_are_listed_latest_first(officer):
    nanjing = f.CityFactory(name="Nanjing", time_zone="Asia/Shanghai")
    trip = f.DelegationFactory(title="Trip 2026")
    f.DelegationStopFactory(delegation=trip, city=nanjing, order=1)
    bureau = f.OrganisationFactory(name="Nanjing Commerce Bureau", city=nanjing)
    # 09:00 and 15:00 local; by title (the meetings' own order within a day) 09:00 first.
    for title, hour in [("Breakfast talk", 1), ("Tea talk", 7)]:
        starts = datetime.datetime(2024, 5, 2, hour, tzinfo=datetime.UTC)
        meeting = f.MeetingFactory(
            title=title,
            delegation=None,
            city=nanjing,
            date=datetime.date(2024, 5, 2),
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        )
        meeting.organisations.add(bureau)
    _pages, text = pdf_text(officer.get(f"/admin/partners/delegation/{trip.pk}/briefing.pdf"))
    flat = " ".join(text.split())
    assert flat.index("Tea talk") < flat.index("Breakfast talk")


def test_handouts_of_a_trip_without_shareable_profiles_say_so(officer):
    trip = f.DelegationFactory()
    response = officer.get(f"/admin/partners/delegation/{trip.pk}/handouts.pdf")
    assert response.status_code == 302
    assert "No shareable profile" in officer.get(response["Location"]).text


def test_managers_may_print_too(db):
    client = client_for(user_with_role(MANAGERS))
    profile = f.CompanyProfileFactory()
    pages, _text = pdf_text(client.get(handout_url(profile, "de")))
    assert pages == 1


def briefing(client, trip, lang="de") -> tuple[list[str], str]:
    """The briefing's pages' texts, and all of it with whitespace flattened."""
    response = client.get(f"/admin/partners/delegation/{trip.pk}/briefing.pdf?lang={lang}")
    assert response.status_code == 200, response.content[:500]
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    return pages, " ".join(" ".join(pages).split())


def test_briefing_dates_a_meeting_without_a_day_by_its_trip_never_by_a_first_day(officer):
    nanjing = f.CityFactory(name="Nanjing")
    trip = f.DelegationFactory(start_date=datetime.date(2027, 3, 22), end_date=None)
    f.DelegationStopFactory(
        delegation=trip,
        city=nanjing,
        arrival=datetime.date(2027, 3, 22),
        departure=datetime.date(2027, 3, 25),
    )
    bureau = f.OrganisationFactory(name="Nanjing Commerce Bureau", city=nanjing)
    visit_2018 = f.DelegationFactory(
        start_date=datetime.date(2018, 1, 1), end_date=None, date_precision="year"
    )
    undated = f.MeetingFactory(
        delegation=visit_2018, date=None, city=nanjing, title="Undated talk 2018"
    )
    undated.organisations.add(bureau)
    _pages, flat = briefing(officer, trip)
    assert "Undated talk 2018" in flat
    assert "1. Januar 2018" not in flat
    assert "während der Delegation, 2018" in flat
    assert "(22.–25. März 2027)" in flat  # the stop's days, as one span


def test_briefing_shows_a_meetings_times_in_its_citys_time(officer):
    nanjing = f.CityFactory(name="Nanjing", time_zone="Asia/Shanghai")
    trip = f.DelegationFactory()
    f.DelegationStopFactory(delegation=trip, city=nanjing)
    dinner = f.MeetingFactory(
        delegation=trip,
        city=nanjing,
        title="Dinner with the mayor",
        starts_at=datetime.datetime(2019, 6, 26, 12, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2019, 6, 26, 13, 30, tzinfo=datetime.UTC),
    )
    dinner.organisations.add(f.OrganisationFactory(name="Mayor's Office", city=nanjing))
    _pages, flat = briefing(officer, trip)
    # In the itinerary and in the counterpart's history.
    assert flat.count("20:00–21:30 (UTC+8)") == 2


def test_a_company_trips_briefing_holds_its_schedule_companies_and_counterparts(officer):
    trip = f.DelegationFactory(status="planned", title="Unternehmerreise 2027")
    nanjing = f.CityFactory(name="Nanjing", time_zone="Asia/Shanghai")
    slot = f.MeetingSlotFactory(
        delegation=trip,
        stop__city=nanjing,
        starts_at=datetime.datetime(2027, 5, 10, 1, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 5, 10, 1, 45, tzinfo=datetime.UTC),
        tables=3,
    )
    bureau = f.OrganisationFactory(name="Nanjing Investment Office", city=nanjing)
    company = f.TripRegistrationFactory(
        delegation=trip, organisation__name="Muster Maschinenbau GmbH"
    )
    company.representatives.add(f.PersonFactory(full_name="Erika Reisende", position="CEO"))
    f.MeetingRequestFactory(
        registration=company, counterpart=bureau, slot=slot, table=2, status="scheduled"
    )
    declined = f.TripRegistrationFactory(
        delegation=trip, organisation__name="Abgesagt AG", status="declined"
    )
    declined.representatives.add(f.PersonFactory(full_name="Never Travels"))
    _pages, flat = briefing(officer, trip, "en")
    itinerary = flat.split("Itinerary", 1)[1].split("Who travels")[0]
    assert "No meetings logged at this stop yet." not in itinerary
    assert "09:00–09:45 (UTC+8)" in itinerary
    assert "Muster Maschinenbau GmbH · table 2" in itinerary
    assert "Nanjing Investment Office" in itinerary
    travellers = flat.split("Who travels", 1)[1].split("Counterparts and our history")[0]
    assert "No members entered yet." not in travellers
    assert "Erika Reisende, CEO" in travellers
    assert "Never Travels" not in flat and "Abgesagt AG" not in flat
    history = flat.split("Counterparts and our history", 1)[1]
    assert "Nanjing Investment Office" in history
    assert "Scheduled meeting Muster Maschinenbau GmbH (Nanjing)" in history


@pytest.mark.layout
def test_a_long_briefing_never_splits_a_row_across_pages(officer):
    nanjing = f.CityFactory(name="Nanjing")
    trip = f.DelegationFactory()
    f.DelegationStopFactory(delegation=trip, city=nanjing)
    bureau = f.OrganisationFactory(name="Nanjing Commerce Bureau", city=nanjing)
    texts = []
    for number in range(20):
        title = f"Talk {number:02d} " + "on logistics, rail freight and bonded warehouses " * 2
        outcome = f"Outcome {number:02d} " + "agreed to exchange figures and meet again " * 4
        meeting = f.MeetingFactory(
            delegation=trip,
            city=nanjing,
            date=datetime.date(2019, 6, 26),
            title=title.strip(),
            outcome=outcome.strip(),
        )
        meeting.organisations.add(bureau)
        texts += [(title.strip(), 2), (outcome.strip(), 1)]  # itinerary and history
    for number in range(45):
        f.DelegationMemberFactory(delegation=trip, person__full_name=f"Traveller {number:02d}")
    pages, _flat = briefing(officer, trip, "en")
    flat_pages = [" ".join(page.split()) for page in pages]
    for text, times in texts:
        assert sum(text in page for page in flat_pages) == times, text
    # The travellers' table runs over a page: its header comes again.
    with_travellers = [page for page in flat_pages if "Traveller " in page]
    assert len(with_travellers) >= 2
    assert all("Position at the time" in page for page in with_travellers)


@pytest.mark.layout
def test_a_chinese_briefing_keeps_short_labels_on_one_line(officer):
    trip = f.DelegationFactory()
    f.DelegationMemberFactory(
        delegation=trip,
        role=m.DelegationMember.Role.HEAD,
        person__full_name="Maximilian Alexander Friedrich-Wilhelm von Hohenzollern-Sigmaringen",
        person__position="Stellvertretender Generalbevollmächtigter für internationale "
        "Wirtschaftsbeziehungen und Standortmarketing der Stadt",
    )
    pages, _flat = briefing(officer, trip, "zh-hans")
    text = "\n".join(pages)
    assert "角色" in text
    assert "团长" in text


@pytest.mark.layout
def test_a_long_profile_still_hands_over_as_one_page_saying_it_is_shortened(officer):
    profile = f.CompanyProfileFactory(
        organisation__name="Langtext Präzision GmbH",
        organisation__website="https://langtext.example",
        organisation__email="info@langtext.example",
        organisation__phone="+49 341 000000",
        organisation__address="Musterstraße 1\n04109 Leipzig\nDeutschland",
        contact=f.PersonFactory(full_name="Erika Muster", phone="+49 341 111111"),
        summary="Precision parts for machine builders, carmakers and hospitals. " * 20,
        summary_zh_hans="公司为机械制造、汽车工业和医疗技术开发和生产精密零件。" * 40,
        products="\n".join(f"Product line {n}: gears, shafts and gearboxes" for n in range(30)),
        products_zh_hans="\n".join(f"产品线{n}：特种机械用齿轮、轴和变速箱" for n in range(30)),
    )
    for lang, note in [("en", "Some texts are shortened"), ("zh-hans", "部分内容已删节")]:
        pages, text = pdf_text(officer.get(handout_url(profile, lang)))
        assert pages == 1, lang
        assert "Langtext Präzision GmbH" in text
        assert "Erika Muster" in text and "04109 Leipzig" in text
        assert "…" in text and note in text
        assert "Product line 29" not in text and "产品线29" not in text


def test_a_handout_without_contact_details_has_no_contact_heading(officer):
    profile = f.CompanyProfileFactory(contact=None)
    _pages, text = pdf_text(officer.get(handout_url(profile, "en")))
    assert "Precision parts" in text
    assert "Contact" not in text
    assert "shortened" not in text


@pytest.mark.layout
def test_a_handout_that_still_runs_over_names_the_company_on_every_page(officer):
    address = "\n".join(f"Building {n}, Gate {n}" for n in range(60))  # not shortened
    profile = f.CompanyProfileFactory(
        organisation__name="Überlang Logistik GmbH", organisation__address=address
    )
    response = officer.get(handout_url(profile, "de"))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    assert all("Überlang Logistik GmbH" in page.extract_text() for page in reader.pages)


def test_an_english_briefing_marks_german_fallback_texts_as_german(db):
    nanjing = f.CityFactory(name="Nanjing")
    trip = f.DelegationFactory(title="Nur deutscher Titel", title_en="")
    f.DelegationStopFactory(delegation=trip, city=nanjing)
    talk = f.MeetingFactory(delegation=trip, city=nanjing, title="Gespräch", title_en="")
    talk.organisations.add(f.OrganisationFactory(name="Handelsamt", city=nanjing))
    f.MeetingRequestFactory(
        delegation=trip,
        registration__organisation__name="Nur Deutsch GmbH",
        registration__status="accepted",
        counterpart__name="Zollamt",
        counterpart__city=nanjing,
        slot=f.MeetingSlotFactory(delegation=trip, stop__delegation=trip, stop__city=nanjing),
        status="scheduled",
    )
    with translation.override("en"):
        context = briefing_context(trip, language="en")
        html = render_to_string(TEMPLATE, {**context, "language": "en"})
    for german in ["Nur deutscher Titel", "Gespräch", "Handelsamt", "Nur Deutsch GmbH", "Zollamt"]:
        assert f'<span lang="de">{german}</span>' in html, german


def test_a_briefing_leaves_out_a_scheduled_counterpart_from_the_home_city(officer):
    trip = f.DelegationFactory(status="planned")
    f.MeetingRequestFactory(
        delegation=trip,
        registration__status="accepted",
        counterpart__name="Leipziger Kammer",  # OrganisationFactory's city is the home city
        slot=f.MeetingSlotFactory(delegation=trip, stop__delegation=trip),
        status="scheduled",
    )
    pages, flat = briefing(officer, trip, "en")
    itinerary, counterparts = flat.split("Counterparts", 1)
    assert "Leipziger Kammer" in itinerary
    assert "Leipziger Kammer" not in counterparts


def _company_trip_with_counterparts(count: int) -> m.Delegation:
    """A trip whose ``count`` counterparts each have every kind of history entry."""
    nanjing = f.CityFactory(name="Nanjing", time_zone="Asia/Shanghai")
    trip = f.DelegationFactory(status="planned")
    stop = f.DelegationStopFactory(delegation=trip, city=nanjing)
    for _ in range(count):
        bureau = f.OrganisationFactory(city=nanjing)
        meeting = f.MeetingFactory(delegation=trip, city=nanjing, date=None)
        meeting.organisations.add(bureau)
        f.FollowUpFactory(meeting=meeting)
        f.ProfileHandoverFactory(recipient=bureau, delegation=trip)
        f.MemorandumPartyFactory(organisation=bureau)
        f.DelegationMemberFactory(delegation=trip)
        company = f.TripRegistrationFactory(delegation=trip)
        company.representatives.add(f.PersonFactory())
        slot = f.MeetingSlotFactory(delegation=trip, stop=stop)
        f.MeetingRequestFactory(
            registration=company, counterpart=bureau, slot=slot, table=1, status="scheduled"
        )
    return trip


@pytest.mark.parametrize("count", [1, 3])
def test_the_briefings_queries_do_not_grow_with_its_counterparts(
    db, count, django_assert_num_queries
):
    trip = _company_trip_with_counterparts(count)
    with translation.override("en"), django_assert_num_queries(17):
        html = render_to_string(TEMPLATE, briefing_context(trip, language="en"))
    assert html.count("Scheduled meeting") == count
    assert html.count("Open follow-up") == count


@pytest.mark.parametrize("document", ["handout", "briefing", "agenda"])
def test_a_language_documents_are_not_printed_in_is_refused_by_name(officer, document):
    profile = f.CompanyProfileFactory(consent_to_share=True)
    trip = f.DelegationFactory()
    registration = f.TripRegistrationFactory(delegation=trip)
    url = {
        "handout": f"/admin/partners/companyprofile/{profile.pk}/handout.pdf",
        "briefing": f"/admin/partners/delegation/{trip.pk}/briefing.pdf",
        "agenda": f"/admin/partners/delegation/{trip.pk}/agenda/participant/{registration.pk}.html",
    }[document]

    refused = officer.get(f"{url}?lang=pl")

    assert refused.status_code == 400
    assert "lang: &#x27;pl&#x27; is not one of de, en, zh-hans" in refused.text
    assert officer.get(f"{url}?lang=").status_code == 200  # empty: the default language


def test_a_language_tag_is_read_whatever_its_case(officer):
    profile = f.CompanyProfileFactory(products="Gears", products_zh_hans="齿轮")

    response = officer.get(handout_url(profile, "zh-Hans"))

    _pages, text = pdf_text(response)
    assert "齿轮" in text
    assert 'filename="handout-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('-zh-hans.pdf"')


@pytest.mark.layout
def test_a_counterpart_with_a_long_history_starts_under_the_heading_and_names_itself_on_each_page(
    officer,
):
    nanjing = f.CityFactory(name="Nanjing")
    trip = f.DelegationFactory()
    f.DelegationStopFactory(delegation=trip, city=nanjing)
    bureau = f.OrganisationFactory(name="Nanjing Commerce Bureau", city=nanjing)
    for number in range(70):
        talk = f.MeetingFactory(
            delegation=trip,
            city=nanjing,
            date=datetime.date(2019, 6, 26) - datetime.timedelta(days=number),
            title=f"History talk {number:02d}",
        )
        talk.organisations.add(bureau)
    pages, _flat = briefing(officer, trip, "en")
    flat_pages = [" ".join(page.split()) for page in pages]
    start = next(i for i, page in enumerate(flat_pages) if "Counterparts and our" in page)
    # The heading is not left alone on its page, the history pushed to the next one.
    assert "History talk 00" in flat_pages[start]
    with_history = [page for page in flat_pages[start:] if "History talk" in page]
    assert len(with_history) >= 2
    assert all("Nanjing Commerce Bureau · Nanjing" in page for page in with_history)


def test_a_handout_leaves_out_a_contact_person_erased_on_request(officer):
    from partners.gdpr import person_erase

    contact = f.PersonFactory(full_name="Erika Muster", position="Vertrieb")
    profile = f.CompanyProfileFactory(contact=contact, organisation__email="info@spreewerk.example")
    person_erase(person=contact)

    for lang in ["de", "en", "zh-hans"]:
        _pages, text = pdf_text(officer.get(handout_url(profile, lang)))
        assert "anonymis" not in text, lang
        assert "info@spreewerk.example" in text  # the company's own contact stays
    assert "Contact person" not in pdf_text(officer.get(handout_url(profile, "en")))[1]


def test_a_word_longer_than_the_line_breaks_instead_of_running_off_the_page(officer):
    word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt"
    address = "https://www." + "verylongdomainwithoutanybreakopportunity" * 3 + ".example"
    profile = f.CompanyProfileFactory(
        organisation__name=f"{word} GmbH", organisation__website=address
    )

    pages, text = pdf_text(officer.get(handout_url(profile, "de")))

    assert pages == 1
    lines = text.splitlines()
    # Run together on one line, the word was wider than the page and cut off its edge.
    for long in [word, address]:
        assert not any(long in line for line in lines), long
        assert long in "".join(text.split())


def test_a_city_visited_twice_lists_each_meeting_once_under_its_own_stop(officer):
    nanjing, jining = f.CityFactory(name="Nanjing"), f.CityFactory(name="Jining")
    trip = f.DelegationFactory(
        start_date=datetime.date(2019, 6, 25), end_date=datetime.date(2019, 6, 30)
    )
    for order, (city, arrival, departure) in enumerate(
        [(nanjing, 25, 26), (jining, 27, 27), (nanjing, 28, 30)], start=1
    ):
        f.DelegationStopFactory(
            delegation=trip,
            city=city,
            order=order,
            arrival=datetime.date(2019, 6, arrival),
            departure=datetime.date(2019, 6, departure),
        )
    for day, city, title in [
        (26, nanjing, "Auftakt im Rathaus"),
        (27, jining, "Hafen Jining"),
        (29, nanjing, "Abschluss im Hafen"),
        (None, nanjing, "Termin offen"),  # undated: the city's first stop
        (28, f.CityFactory(name="Zhenjiang"), "Abstecher ohne Halt"),  # in no stop's city
    ]:
        f.MeetingFactory(
            delegation=trip,
            city=city,
            title=title,
            date=datetime.date(2019, 6, day) if day else None,
        )

    _pages, flat = briefing(officer, trip)

    first, second, third = (
        flat.split("1. Nanjing")[1].split("2. Jining")[0],
        flat.split("2. Jining")[1].split("3. Nanjing")[0],
        flat.split("3. Nanjing")[1],
    )
    assert "Auftakt im Rathaus" in first and "Termin offen" in first
    assert "Hafen Jining" in second
    assert "Abschluss im Hafen" in third
    for title in ["Auftakt im Rathaus", "Abschluss im Hafen", "Termin offen"]:
        assert flat.count(title) == 1, title
    assert third.count("Abstecher ohne Halt") == 1  # after the stops, never left out


@pytest.mark.layout
def test_a_long_company_name_leaves_the_counterpart_its_words_whole_in_the_itinerary(officer):
    """A 200-character company name took the itinerary's width: the counterpart beside it
    printed as "Souther / n / Administ / ration", on every row of that day."""
    trip = f.DelegationFactory(status="planned")
    slot = f.MeetingSlotFactory(delegation=trip, stop__city=f.CityFactory(name="Nanjing"))
    bureau = f.OrganisationFactory(name="Southern Administration Nanjing", city=slot.stop.city)
    for name in ("Präzisionsmaschinenbau und Sondermaschinen " * 4, "Kurz GmbH"):
        f.MeetingRequestFactory(
            registration__delegation=trip,
            registration__organisation__name=name.strip(),
            counterpart=bureau,
            slot=slot,
            status="scheduled",
        )
    pages, _flat = briefing(officer, trip, "en")
    itinerary = pages[1].split("Who travels")[0]
    words = itinerary.split()
    assert words.count("Administration") == 2, itinerary
