"""Companies register for a delegation trip (issue 17, point 1): double opt-in, bots and
floods kept out, nothing public, officers decide within the trip's capacity."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from partners import models as m
from partners import registration as service
from partners.roles import TRADE_OFFICERS
from partners.scheduling.trips import schedule_meetings

from . import factories as f
from .backoffice import change_form_data, client_for, user_with_role


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def trip(db):
    home = f.HomeCityFactory(name="Leipzig")
    nanjing = f.CityFactory(name="Nanjing", visibility=m.Visibility.PUBLIC)
    delegation = f.DelegationFactory(
        title="Unternehmerreise 2027",
        status=m.Delegation.Status.PLANNED,
        start_date=datetime.date(2027, 5, 10),
        end_date=datetime.date(2027, 5, 16),
        origin_city=home,
        registration_open=True,
        capacity=1,
    )
    f.DelegationStopFactory(delegation=delegation, city=nanjing)
    f.OrganisationFactory(
        name="Nanjing Investment Bureau", city=nanjing, visibility=m.Visibility.PUBLIC
    )
    f.OrganisationFactory(name="Secret Partner Ltd", city=nanjing, visibility="internal")
    return delegation


def url(trip, suffix=""):
    return f"/en/delegations/{trip.slug}/register/{suffix}"


def officer_decides(action, *registrations):
    """An officer's list action ("accept", "waitlist", "decline"): the page it lands on."""
    officer = client_for(user_with_role(TRADE_OFFICERS))
    selected = [registration.pk for registration in registrations]
    return officer.post(
        "/admin/partners/tripregistration/",
        {"action": action, "_selected_action": selected},
        follow=True,
    )


def valid_data(**changes):
    bureau = m.Organisation.objects.filter(name="Nanjing Investment Bureau").first()
    data = {
        "company": "Muster Maschinenbau GmbH",
        "contact_name": "Erika Muster",
        "contact_position": "CEO",
        "contact_email": "erika@muster.example",
        "representatives": "Max Muster, Sales director\nLi Wei, Engineer",
        "sector": m.Sector.objects.get(code="C").pk,
        "interests": [m.Interest.objects.get(code="distribution").pk],
        "products": "Packaging machines",
        "counterparts": [bureau.pk] if bureau else None,
        "consent_registration": "on",
        "consent_to_share": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_offers_only_published_counterparts_of_the_trips_cities(trip):
    page = Client().get(url(trip))
    assert page.status_code == 200
    assert "Nanjing Investment Bureau" in page.text
    assert "Secret Partner Ltd" not in page.text


def test_a_sector_without_a_translation_is_offered_in_german_marked_so(trip):
    space = m.Sector.objects.create(code="ZZ", name_de="Raumfahrt")
    manufacturing = m.Sector.objects.get(code="C")

    page = Client().get(url(trip)).text

    assert f'<option value="{space.pk}" lang="de">ZZ – Raumfahrt</option>' in page
    assert f'<option value="{manufacturing.pk}">C – Manufacturing</option>' in page


def test_a_checkbox_s_name_without_a_translation_is_marked_german(trip):
    m.Interest.objects.create(code="space", name_de="Raumfahrt")
    english = Client().get(url(trip)).text
    assert '<span lang="de">Raumfahrt</span>' in english
    assert '<span lang="de">Nanjing Investment Bureau</span>' in english
    german = Client().get(url(trip).replace("/en/", "/de/")).text
    assert "Raumfahrt</label>" in german and '<span lang="de">' not in german


def test_the_trip_page_links_to_the_open_registration(trip):
    assert url(trip) in Client().get(f"/en/delegations/{trip.slug}/").text
    trip.registration_open = False
    trip.save()
    assert url(trip) not in Client().get(f"/en/delegations/{trip.slug}/").text


def test_registration_is_closed_after_its_date_and_absent_for_unpublished_trips(trip):
    trip.registration_closes_on = datetime.date(2020, 1, 1)
    trip.save()
    closed = Client().post(url(trip), valid_data())
    # Not "not open" (in Chinese "not open yet"): a company late for the date is told so.
    assert "Registration for this trip closed on 1 January 2020." in closed.text
    assert not m.TripRegistration.objects.exists()
    trip.visibility = m.Visibility.INTERNAL
    trip.save()
    assert Client().get(url(trip)).status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"status": m.Delegation.Status.CANCELLED},
        {"status": m.Delegation.Status.COMPLETED},
        {"start_date": datetime.date(2020, 5, 10), "end_date": datetime.date(2020, 5, 16)},
    ],
    ids=["cancelled", "completed", "gone"],
)
def test_a_trip_cancelled_or_over_takes_no_registration_left_open(trip, changes):
    m.Delegation.objects.filter(pk=trip.pk).update(**changes)
    assert url(trip) not in Client().get(f"/en/delegations/{trip.slug}/").text
    closed = Client().post(url(trip), valid_data())
    assert "not open" in closed.text
    assert not m.TripRegistration.objects.exists() and not mail.outbox


def test_a_trip_dated_by_its_month_takes_registrations_until_the_month_is_over(trip):
    today = timezone.localdate()
    trip.start_date, trip.end_date, trip.date_precision = today.replace(day=1), None, "month"
    trip.save()
    assert service.open_for_registration(trip)
    assert not service.open_for_registration(trip, today=today + datetime.timedelta(days=31))


def test_a_registration_creates_internal_records_and_asks_for_confirmation(trip):
    response = Client().post(url(trip), valid_data())
    assert response.status_code == 302 and response["Location"].endswith("/register/sent/")
    registration = m.TripRegistration.objects.get()
    assert registration.status == "applied" and registration.confirmed_at is None
    company = registration.organisation
    assert (company.name, company.kind, company.visibility) == (
        "Muster Maschinenbau GmbH",
        "company",
        "internal",
    )
    assert company.city.name == "Leipzig"
    people = set(registration.representatives.values_list("full_name", "visibility"))
    assert people == {
        ("Erika Muster", "internal"),
        ("Max Muster", "internal"),
        ("Li Wei", "internal"),
    }
    profile = registration.profile
    assert (profile.status, profile.visibility, profile.consent_to_share) == (
        "draft",
        "internal",
        True,
    )
    assert list(profile.interests.values_list("code", flat=True)) == ["distribution"]
    assert list(registration.requests.values_list("counterpart__name", "status")) == [
        ("Nanjing Investment Bureau", "requested")
    ]
    assert registration.language == "en"
    [message] = mail.outbox
    assert message.to == ["erika@muster.example"]
    assert "Unternehmerreise 2027" in message.subject


def test_the_link_confirms_only_when_its_button_is_pressed(trip):
    Client().post(url(trip), valid_data())
    link = re.search(r"https?://\S+/confirm/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    registration = m.TripRegistration.objects.get()
    client = Client()
    assert client.get(path).status_code == 200  # a mail scanner following the link
    registration.refresh_from_db()
    assert registration.status == "applied"
    assert client.post(path).status_code == 200
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.confirmed_at is not None
    forged = client.post(path[:-3] + "xx/")
    assert forged.status_code == 400
    assert "not valid" in forged.text


def test_bad_input_names_the_field_and_keeps_what_was_typed(trip):
    response = Client().post(
        url(trip), valid_data(contact_email="not-an-address", representatives="x")
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert "Line 1: write the name" in response.text
    assert "Muster Maschinenbau GmbH" in response.text  # kept
    assert not m.Organisation.objects.filter(name="Muster Maschinenbau GmbH").exists()
    assert not mail.outbox


def test_marks_that_reverse_the_text_are_refused_in_every_text_field(trip):
    # "\u202eHbmG rehcsuM" shows as "Muster GmbH" to an officer; Arabic needs no such mark.
    for field in ("company", "contact_name", "representatives", "wishes"):
        data = valid_data(**{field: "\u202eHbmG rehcsuM\u202c, CEO"})
        response = Client().post(url(trip), data)
        assert response.status_code == 200, field
        assert "reverse the direction" in response.text, field
    assert not m.TripRegistration.objects.exists()
    arabic = Client().post(url(trip), valid_data(contact_name="ليلى حداد"))
    assert arabic.status_code == 302
    assert m.Person.objects.filter(full_name="ليلى حداد").exists()


def test_a_bot_filling_the_hidden_field_is_told_nothing_and_stores_nothing(trip):
    response = Client().post(url(trip), valid_data(homepage="http://spam.example"))
    assert response.status_code == 302
    assert not m.TripRegistration.objects.exists()
    assert not m.Organisation.objects.filter(name="Muster Maschinenbau GmbH").exists()
    assert not mail.outbox


def test_an_address_may_send_only_a_few_forms_an_hour(trip, settings):
    settings.CRM_REGISTRATIONS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(2):
        data = valid_data(company=f"Firma {n}", contact_email=f"a{n}@example.org")
        assert client.post(url(trip), data).status_code == 302
    refused = client.post(url(trip), valid_data(company="Firma 3"))
    assert refused.status_code == 429
    assert not m.Organisation.objects.filter(name="Firma 3").exists()
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post(url(trip), valid_data(company="Firma 4")).status_code == 302


def test_behind_a_proxy_the_limit_counts_each_client_not_the_proxy(trip, settings):
    settings.CRM_REGISTRATIONS_PER_HOUR = 1
    settings.CRM_TRUSTED_PROXIES = 1
    proxy = "10.0.0.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert first.post(url(trip), valid_data(company="Firma A")).status_code == 302
    assert second.post(url(trip), valid_data(company="Firma B")).status_code == 302
    assert first.post(url(trip), valid_data(company="Firma C")).status_code == 429


def test_nothing_from_the_form_reaches_a_public_page(trip):
    Client().post(url(trip), valid_data())
    public = Client()
    for page in [
        "/en/companies/",
        f"/en/delegations/{trip.slug}/",
        "/en/feeds/delegations.atom",
        "/sitemap.xml",
    ]:
        response = public.get(page)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Muster" not in body, page
        assert b"erika@muster" not in body, page


def test_officers_accept_within_capacity_and_each_company_is_told(trip):
    first = f.TripRegistrationFactory(
        delegation=trip, status="confirmed", contact=f.PersonFactory(email="a@x.example")
    )
    second = f.TripRegistrationFactory(
        delegation=trip,
        status="confirmed",
        language="de",
        contact=f.PersonFactory(email="b@x.example"),
    )
    officer = client_for(user_with_role(TRADE_OFFICERS))
    response = officer.post(
        "/admin/partners/tripregistration/",
        {"action": "accept", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted([first.status, second.status]) == ["accepted", "confirmed"]
    assert "the trip is full" in response.text
    [told] = mail.outbox
    assert told.to == ["a@x.example" if first.status == "accepted" else "b@x.example"]
    officer.post(
        "/admin/partners/tripregistration/",
        {
            "action": "waitlist",
            "_selected_action": [second.pk if first.status == "accepted" else first.pk],
        },
    )
    waiting = mail.outbox[-1]
    assert "waiting list" in waiting.body or "Warteliste" in waiting.body


def test_the_seeds_planned_company_trip_can_be_opened_for_registration(db):
    from django.core.management import call_command

    call_command("loaddata", "seed", verbosity=0)
    planned = m.Delegation.objects.get(status="planned")
    assert Client().get(url(planned)).status_code == 200
    assert "not open" in Client().get(url(planned)).text
    planned.registration_open = True
    planned.save()
    data = valid_data(counterparts=None)
    assert Client().post(url(planned), data).status_code == 302
    assert planned.registrations.get().organisation.name == "Muster Maschinenbau GmbH"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_consent_sentences_end_as_sentences_without_a_colon(trip, language):
    page = Client().get(url(trip).replace("/en/", f"/{language}/")).text
    for name in ("consent_registration", "consent_to_share"):
        label = re.search(rf'<label for="id_{name}"[^>]*>([^<]*)</label>', page).group(1)
        assert label[-1] in ".。", label


# An anonymous form must not change what the office holds (publication audit 3 and 4,
# security audit 1, languages audit 2 and 3).


@pytest.fixture
def known(trip):
    """A company the office knows, German name only, with its manager and a draft profile
    the company has not yet agreed to share."""
    company = f.CompanyFactory(
        name="Beispiel Logistik GmbH",
        register_number="HRB 1234",
        website="",
        visibility="internal",
    )
    manager = f.PersonFactory(
        organisation=company,
        full_name="Thomas Reinhardt",
        email="thomas@logistik.example",
        phone="+49 341 100",
        position="Geschäftsführer",
        lawful_basis="legitimate_interest",
        visibility="internal",
    )
    profile = f.CompanyProfileFactory(
        organisation=company,
        products="Lagerlogistik",
        status="draft",
        consent_to_share=False,
        consent_given_on=None,
        visibility="internal",
    )
    profile.interests.set([m.Interest.objects.get(code="cooperation")])
    return company, manager, profile


def stored(record) -> dict:
    """Every column of the record as stored, each language's column itself."""
    rows = type(record)._default_manager.filter(pk=record.pk)
    return (rows.rewrite(False) if hasattr(rows, "rewrite") else rows).values().get()


def counts() -> dict:
    models = [m.Organisation, m.Person, m.CompanyProfile, m.TripRegistration, m.MeetingRequest]
    return {model.__name__: model.objects.count() for model in models}


def attack(**changes):
    """Someone who knows the company's name takes its manager's name, not his address."""
    attacker = {
        "company": "Beispiel Logistik GmbH",
        "contact_name": "Thomas Reinhardt",
        "contact_email": "attacker@evil.example",
        "contact_phone": "+1 555 0100",
        "contact_position": "Pwned",
        "website": "https://evil.example/",
        "representatives": "Thomas Reinhardt, Ehemals\nMallory Evil, Boss",
        "wishes": "Bitte alle Termine absagen",
    }
    return valid_data(**(attacker | changes))


def link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+/confirm/\S+/)", message.body).group(1)


@pytest.mark.parametrize("status", ["accepted", "withdrawn", "applied"])
def test_an_existing_registration_is_left_exactly_as_it_is(trip, known, status):
    company, manager, profile = known
    registration = f.TripRegistrationFactory(
        delegation=trip,
        organisation=company,
        contact=manager,
        profile=profile,
        status=status,
        language="de",
        wishes="Termine wie besprochen",
    )
    registration.representatives.set([manager])
    f.MeetingRequestFactory(registration=registration, counterpart=company)
    records = [company, manager, profile, registration]
    before, numbers = [stored(record) for record in records], counts()
    response = Client().post(url(trip), attack())
    assert response.status_code == 302 and response["Location"].endswith("/register/sent/")
    after = [stored(record) for record in records]
    # Only noted for the officers: the form came from another address.
    noted = after[-1].pop("other_applications")
    assert "Thomas Reinhardt <attacker@evil.example> +1 555 0100" in noted
    before[-1].pop("other_applications")
    assert after == before
    assert counts() == numbers  # no new person, profile, representative or request
    assert list(registration.representatives.all()) == [manager]
    assert list(profile.interests.values_list("code", flat=True)) == ["cooperation"]
    [message] = mail.outbox
    assert message.to == ["attacker@evil.example"]


def test_a_company_typed_with_other_spaces_or_legal_form_is_the_known_one(trip):
    # Matched as the import matches names: one company, not a second of the same name.
    company = f.CompanyFactory(name="Muster Maschinenbau GmbH & Co. KG")
    typed = "Muster  Maschinenbau GmbH u. Co. KG"
    assert Client().post(url(trip), valid_data(company=typed)).status_code == 302
    assert m.TripRegistration.objects.get().organisation == company
    assert not m.Organisation.objects.filter(name=typed).exists()


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("莱比锡精密机械有限公司", "莱比锡 精密机械有限公司"),
        ("莱比锡精密机械有限公司", "莱比锡精密机械 有限公司"),
        ("莱比锡精密机械(有限公司)", "莱比锡精密机械（有限公司）"),
        ("ABC 精密机械", "ＡＢＣ精密机械"),
    ],
)
def test_a_chinese_company_typed_with_a_space_or_full_width_signs_is_the_known_one(
    trip, stored, typed
):
    # Chinese sets no space between words: "莱比锡 精密机械有限公司" was a second company.
    company = f.CompanyFactory(name=stored)
    assert Client().post(url(trip), valid_data(company=typed)).status_code == 302
    assert m.TripRegistration.objects.get().organisation == company
    assert m.Organisation.objects.filter(kind="company").count() == 1


def test_a_company_name_as_long_as_the_form_allows_is_registered_and_known_again(trip):
    # Umlauts spelt out made its match key longer than its column: a 500 on PostgreSQL.
    name = ("Präzisionsmaschinenbau für Sondermaschinen " * 5)[:200]
    for email in ("a@muster.example", "b@muster.example"):
        data = valid_data(company=name, contact_email=email)
        assert Client().post(url(trip), data).status_code == 302
    company = m.TripRegistration.objects.get().organisation
    assert len(company.name_key) <= m.Organisation._meta.get_field("name_key").max_length


def test_a_company_registered_first_by_someone_else_is_found_by_the_officers(trip, known):
    # Whoever knows a company's name may register it first with their own address; the
    # real company's form changes nothing (the form tells nobody who is registered), but
    # the officers see it on the registration and can filter the list by it.
    company, manager, profile = known
    first = Client().post(url(trip), attack())
    assert first.status_code == 302
    real = valid_data(
        company="Beispiel Logistik GmbH",
        contact_name="Thomas Reinhardt",
        contact_email=manager.email,
    )
    Client().post(url(trip), real)
    Client().post(url(trip), attack())  # the same address again: nothing new to tell
    registration = m.TripRegistration.objects.get(organisation=company)
    assert registration.contact.email == "attacker@evil.example"
    [line] = registration.other_applications.splitlines()
    assert f"Thomas Reinhardt <{manager.email}>" in line

    officer = client_for(user_with_role(TRADE_OFFICERS))
    changelist = reverse("admin:partners_tripregistration_changelist")
    listed = officer.get(changelist, {"other_applications__isempty": "0"})
    assert list(listed.context["cl"].result_list) == [registration]
    page = officer.get(reverse("admin:partners_tripregistration_change", args=[registration.pk]))
    assert manager.email in page.content.decode()


def test_a_registered_company_is_answered_as_a_new_one(trip, known):
    company, manager, profile = known
    f.TripRegistrationFactory(delegation=trip, organisation=company, contact=manager)
    answers = []
    for name in ("Beispiel Logistik GmbH", "Ganz Neue Firma GmbH"):
        response = Client().post(url(trip), attack(company=name))
        message = mail.outbox[-1]
        link = link_in(message)
        body = message.body.replace(link, "LINK").replace(name, "COMPANY")
        answers.append((response.status_code, response["Location"], message.subject, body))
        # The token is signed, not encrypted: what it names must not tell old from new.
        token = signing.loads(link.split("/")[-2], salt=service.CONFIRMATION_SALT)
        answers.append((message.to, sorted(token), len(token["registration"])))
        assert str(token["registration"]) not in map(
            str, m.TripRegistration.objects.values_list("pk", flat=True)
        )
    assert answers[0:2] == answers[2:4]
    assert m.Organisation.objects.filter(name="Ganz Neue Firma GmbH").exists()  # the new one


def test_a_known_company_gets_new_records_and_keeps_its_own(trip, known):
    company, manager, profile = known
    records = [company, manager, profile]
    before = [stored(record) for record in records]
    Client().post(url(trip), attack())
    assert [stored(record) for record in records] == before  # website, consent untouched
    registration = m.TripRegistration.objects.get()
    assert (registration.organisation, registration.profile) == (company, profile)
    contact = registration.contact
    assert contact != manager  # the same name with another address is another person
    assert (contact.full_name, contact.email, contact.phone, contact.position) == (
        "Thomas Reinhardt",
        "attacker@evil.example",
        "+1 555 0100",
        "Pwned",
    )
    assert (contact.lawful_basis, contact.consent_given_on) == ("consent", datetime.date.today())
    # Representatives carry no address: a name of the company's people is that person.
    assert set(registration.representatives.all()) == {
        contact,
        manager,
        m.Person.objects.get(full_name="Mallory Evil", organisation=company),
    }
    assert list(profile.interests.values_list("code", flat=True)) == ["cooperation"]


def test_the_contact_is_the_known_person_only_with_their_own_address(trip, known):
    company, manager, _profile = known
    before = stored(manager)
    data = valid_data(
        company="Beispiel Logistik GmbH",
        contact_name="Tom R.",
        contact_email="THOMAS@Logistik.example",
        contact_phone="+1 555 0100",
        contact_position="Pwned",
        representatives="",
    )
    Client().post(url(trip), data)
    assert m.TripRegistration.objects.get().contact == manager
    assert stored(manager) == before
    [message] = mail.outbox
    assert message.to == ["THOMAS@Logistik.example"]
    assert "Dear Tom R.," in message.body


def test_a_new_draft_profile_takes_the_form_and_its_consent(trip):
    Client().post(url(trip), valid_data(consent_to_share=None))
    profile = m.TripRegistration.objects.get().profile
    assert (profile.status, profile.consent_to_share, profile.consent_given_on) == (
        "draft",
        False,
        None,
    )
    assert (profile.sector.code, profile.products) == ("C", "Packaging machines")


@pytest.mark.parametrize("language", ["de", "en", "zh-hans"])
def test_a_company_is_found_by_its_name_in_any_language(trip, known, language):
    company, _manager, _profile = known
    english = f.CompanyFactory(name="Nur Deutsch AG", visibility="internal")
    english.name_en = "Sample Trading Ltd"
    english.save()
    before = m.Organisation.objects.count()
    for name in ("beispiel logistik GMBH", "Sample Trading Ltd"):
        data = attack(company=name, contact_email=f"{len(name)}@example.org")
        Client().post(url(trip).replace("/en/", f"/{language}/"), data)
    assert {r.organisation for r in m.TripRegistration.objects.all()} == {company, english}
    assert m.Organisation.objects.count() == before  # no duplicate


def test_only_a_company_is_matched_by_name(trip):
    agency = f.OrganisationFactory(name="Muster Maschinenbau GmbH", kind="agency")
    Client().post(url(trip), valid_data())
    assert m.TripRegistration.objects.get().organisation != agency


@pytest.mark.parametrize("language", ["de", "en", "zh-hans"])
def test_new_records_keep_what_was_typed_in_german_and_in_the_pages_language(trip, language):
    data = valid_data(
        company="新公司",
        contact_position="出口部经理",
        products="螺丝",
        representatives="Li Wei, 工程师",
    )
    Client().post(url(trip).replace("/en/", f"/{language}/"), data)
    registration = m.TripRegistration.objects.get()
    typed = [
        (registration.organisation, "name", "新公司"),
        (registration.contact, "position", "出口部经理"),
        (registration.representatives.get(full_name="Li Wei"), "position", "工程师"),
        (registration.profile, "products", "螺丝"),
    ]
    page = language.replace("-", "_")
    for record, field, text in typed:
        columns = stored(record)
        for code in ("de", "en", "zh_hans"):
            expected = text if code in ("de", page) else None
            assert (columns[f"{field}_{code}"] or None) == expected, (field, code)
        with translation.override("de"):  # what German staff read
            assert getattr(record, field) == text


@pytest.mark.parametrize("registered", [False, True])
def test_the_visitor_sees_only_what_they_typed(trip, registered):
    stored_company = f.CompanyFactory(
        name="QQ Geheim GmbH", register_number="HRB 99999", visibility="internal"
    )
    stored_person = f.PersonFactory(
        organisation=stored_company, full_name="QQ Stored Person", email="eve@evil.example"
    )
    if registered:
        f.TripRegistrationFactory(
            delegation=trip, organisation=stored_company, contact=stored_person
        )
    data = valid_data(
        company="Anything AG",
        register_number="HRB 99999",
        contact_name="Eve",
        contact_email="eve@evil.example",
    )
    client = Client()
    sent = client.post(url(trip), data, follow=True)
    [message] = mail.outbox
    link = link_in(message)
    pages = [sent.text, message.subject, message.body, client.get(link).text]
    pages.append(client.post(link).text)
    for page in pages:
        assert "Geheim" not in page and "Stored Person" not in page
    assert "Dear Eve," in message.body and "registering Anything AG for" in message.body
    assert "Confirm the registration you sent for this trip." in pages[3]


def test_a_link_sent_to_another_address_confirms_nothing(trip, known):
    company, manager, profile = known
    registration = f.TripRegistrationFactory(
        delegation=trip, organisation=company, contact=manager, status="applied"
    )
    data = attack(representatives="")
    Client().post(url(trip), data)
    before = stored(registration)  # the form is noted in other_applications, nothing else
    refused = Client().post(link_in(mail.outbox[-1]))
    assert refused.status_code == 200
    assert "your registration is confirmed" in refused.text  # as if it had worked
    assert stored(registration) == before
    Client().post(url(trip), {**data, "contact_email": "Thomas@Logistik.Example"})
    accepted = Client().post(link_in(mail.outbox[-1]))
    assert accepted.status_code == 200
    assert "your registration is confirmed" in accepted.text
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.confirmed_at is not None


def test_the_link_carries_neither_the_address_nor_the_company(trip):
    """It ends up in server logs and browser histories: a keyed digest of the address,
    and the registration by a reference that is not its id."""
    Client().post(url(trip), valid_data())
    link = link_in(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    payload = signing.b64_decode(token.split(":", 1)[0].encode()).decode()
    for typed in ("erika@muster.example", "muster"):
        assert typed not in (link + payload).lower()
    assert Client().post(link).status_code == 200
    registration = m.TripRegistration.objects.get()
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_a_link_that_carried_the_address_still_confirms_until_it_expires(trip, known):
    """Links mailed before the digest carried the address itself."""
    company, manager, _profile = known
    registration = f.TripRegistrationFactory(
        delegation=trip, organisation=company, contact=manager, status="applied"
    )
    for email, status in (("someone@else.example", "applied"), (manager.email, "confirmed")):
        old = {"registration": service._reference(registration.pk), "email": email, "company": "X"}
        token = signing.dumps(old, salt=service.CONFIRMATION_SALT, compress=True)
        assert Client().post(url(trip, f"confirm/{token}/")).status_code == 200
        registration.refresh_from_db()
        assert registration.status == status


def test_a_link_of_the_old_format_is_refused(trip, known):
    company, manager, _profile = known
    registration = f.TripRegistrationFactory(
        delegation=trip, organisation=company, contact=manager, status="applied"
    )
    token = signing.dumps(registration.pk, salt=service.CONFIRMATION_SALT)
    response = Client().post(url(trip, f"confirm/{token}/"))
    assert response.status_code == 400 and "not valid" in response.text
    registration.refresh_from_db()
    assert registration.status == "applied"


OVERLONG = {
    "company": "G" * 201,
    "register_number": "HRB " + "1" * 57,
    "website": "https://example.com/" + "a" * 181,
    "contact_name": "N" * 201,
    "contact_position": "P" * 201,
    "contact_email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".com",
    "contact_phone": "1" * 51,
    "representatives": "Max Muster, " + "P" * 201,
    # Text columns without a length: the form's own limit, far below a form's megabytes.
    "products": "P" * 2001,
    "wishes": "W" * 2001,
}


@pytest.mark.parametrize("field", OVERLONG)
def test_input_longer_than_its_column_is_an_error_on_its_field(trip, field):
    before = counts()
    response = Client().post(url(trip), valid_data(**{field: OVERLONG[field]}))
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert "at most" in response.text
    assert counts() == before
    assert not mail.outbox


def test_input_as_long_as_its_column_is_stored(trip):
    longest = {field: value[:-1] for field, value in OVERLONG.items()}
    longest["contact_email"] = OVERLONG["contact_email"].replace("d" * 58, "d" * 57)
    longest["representatives"] = "Max Muster, " + "P" * 200
    response = Client().post(url(trip), valid_data(**longest))
    assert response.status_code == 302
    registration = m.TripRegistration.objects.get()
    contact, company = registration.contact, registration.organisation
    assert (contact.email, contact.position) == (longest["contact_email"], "P" * 200)
    assert (company.website, company.register_number) == (
        longest["website"],
        longest["register_number"],
    )
    assert (registration.wishes, registration.profile.products) == ("W" * 2000, "P" * 2000)


def test_the_form_groups_its_checkboxes_and_lets_phones_fill_in_the_visitor(trip):
    page = Client().get(url(trip)).text

    assert re.search(r"<fieldset[^>]*>\s*<legend>Interested in</legend>", page)
    assert re.search(r"<fieldset[^>]*>\s*<legend>Whom you would like to meet</legend>", page)
    assert re.search(r'<input type="tel" name="contact_phone"[^>]*autocomplete="tel"', page)
    for name, token in [("company", "organization"), ("contact_name", "name")]:
        assert re.search(rf'name="{name}"[^>]*autocomplete="{token}"', page) or re.search(
            rf'autocomplete="{token}"[^>]*name="{name}"', page
        ), name


@pytest.mark.parametrize("action", ["accept", "waitlist", "decline"])
def test_a_company_that_withdrew_is_neither_decided_on_nor_written_to(trip, action):
    gone = f.TripRegistrationFactory(
        delegation=trip,
        status="withdrawn",
        organisation__name="Zurückgezogen GmbH",
        contact=f.PersonFactory(email="gone@x.example"),
    )
    response = officer_decides(action, gone)
    gone.refresh_from_db()
    assert gone.status == "withdrawn"
    assert mail.outbox == []
    assert "withdrew: Zurückgezogen GmbH" in response.text


def test_the_change_form_accepts_only_within_the_trips_capacity(trip):
    held = f.TripRegistrationFactory(delegation=trip, status="accepted")
    waiting = f.TripRegistrationFactory(delegation=trip, status="confirmed")
    officer = client_for(user_with_role(TRADE_OFFICERS))
    url = f"/admin/partners/tripregistration/{waiting.pk}/change/"
    data = {**change_form_data(officer, url), "status": "accepted"}
    response = officer.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "the trip is full (capacity 1)" in " ".join(errors["status"])
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    # The company already accepted keeps its place when its form is saved again.
    held_url = f"/admin/partners/tripregistration/{held.pk}/change/"
    assert officer.post(held_url, change_form_data(officer, held_url)).status_code == 302
    trip.capacity = 2
    trip.save()
    data = {**change_form_data(officer, url), "status": "accepted"}
    assert officer.post(url, data).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "accepted"


@pytest.mark.parametrize("field", ["interests", "counterparts"])
@pytest.mark.parametrize("value", [str(10**20), "abc"])
def test_a_forged_choice_of_records_is_an_error_on_its_field(trip, field, value):
    # SQLite cannot bind a number beyond 64 bits: the lookup was a 500.
    before = counts()
    response = Client().post(url(trip), valid_data(**{field: ["1", value]}))
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert f"“{value}” is not a valid value." in response.text
    assert counts() == before and not mail.outbox


def test_a_registered_company_joins_every_stop_even_one_added_later(trip):
    """The form asks for no stops: like most companies (the 2019 press release's one
    delegation), a registration travels the whole route, and meets at a stop planned
    after it registered too (no stops chosen: every stop)."""
    Client().post(url(trip), valid_data())
    registration = m.TripRegistration.objects.get()
    registration.status = "accepted"
    registration.save()
    assert not registration.stops.exists()
    jining = f.CityFactory(name="Jining")
    later = f.DelegationStopFactory(delegation=trip, city=jining, order=9)
    nanjing = trip.stops.get(city__name="Nanjing")
    for day, stop in ((11, nanjing), (13, later)):
        starts = datetime.datetime(2027, 5, day, 2, tzinfo=datetime.UTC)
        f.MeetingSlotFactory(
            delegation=trip,
            stop=stop,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        )
    f.MeetingRequestFactory(
        registration=registration, counterpart=f.OrganisationFactory(city=jining)
    )

    result = schedule_meetings(delegation=trip, seconds=2)

    assert (result.scheduled, result.total) == (2, 2)
    assert set(registration.requests.values_list("slot__stop__city__name", flat=True)) == {
        "Nanjing",
        "Jining",
    }


def test_a_chinese_comma_separates_a_name_from_the_position(trip):
    # A Chinese keyboard types "，": the name must not swallow the position.
    data = valid_data(representatives="李伟，工程师\nMax Muster, Sales director")
    response = Client().post(url(trip).replace("/en/", "/zh-hans/"), data)
    assert response.status_code == 302
    people = m.TripRegistration.objects.get().representatives.all()
    with translation.override("zh-hans"):
        assert {(p.full_name, p.position) for p in people} >= {
            ("李伟", "工程师"),
            ("Max Muster", "Sales director"),
        }


@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "Das Formular konnte nicht gesendet werden"),
     ("zh-hans", "表单未能提交")],
)  # fmt: skip
def test_a_form_sent_without_its_csrf_cookie_is_explained_in_the_pages_language(
    trip, language, heading
):
    path = url(trip).replace("/en/", f"/{language}/")
    response = Client(enforce_csrf_checks=True).post(path, valid_data())
    assert response.status_code == 403
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'href="{path}"' in page  # the way back to the form
    assert "DEBUG" not in page
    assert not m.TripRegistration.objects.exists()


def test_a_register_number_of_an_organisation_not_a_company_is_an_error_on_its_field(trip):
    f.OrganisationFactory(name="Stadtwerke", kind="municipal", register_number="HRB 77")
    before = counts()
    response = Client().post(url(trip), valid_data(register_number="hrb77"))
    assert response.status_code == 200
    assert "belongs to an organisation that is not a company" in response.text
    assert "Stadtwerke" not in response.text  # the visitor learns no name
    assert counts() == before and not mail.outbox


def test_a_register_number_written_otherwise_finds_the_known_company(trip, known):
    company, _manager, _profile = known
    assert Client().post(url(trip), valid_data(register_number="hrb1234")).status_code == 302
    assert m.TripRegistration.objects.get().organisation == company


def test_forms_sent_back_with_errors_do_not_count_towards_the_limit(trip, settings):
    settings.CRM_REGISTRATIONS_PER_HOUR = 1
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(3):
        assert client.post(url(trip), valid_data(contact_email="typo")).status_code == 200
    assert client.post(url(trip), valid_data()).status_code == 302
    assert client.post(url(trip), valid_data(company="Zweite GmbH")).status_code == 429


def test_a_mail_server_that_refuses_is_told_to_the_visitor_not_a_server_error(
    trip, refusing_mail_server, settings
):
    client = Client()
    response = client.post(url(trip), valid_data())
    assert response.status_code == 503
    assert "could not send you the link" in response.text
    registration = m.TripRegistration.objects.get()
    # Sent again once the server is back: the link comes, nothing is stored twice.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert client.post(url(trip), valid_data()).status_code == 302
    assert m.TripRegistration.objects.get() == registration
    [message] = mail.outbox
    assert client.post(link_in(message)).status_code == 200
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_a_decision_the_mail_server_refuses_is_saved_and_the_officer_told(
    trip, refusing_mail_server
):
    registration = f.TripRegistrationFactory(
        delegation=trip,
        status="confirmed",
        organisation__name="Stumm GmbH",
        contact=f.PersonFactory(email="a@x.example"),
    )
    response = officer_decides("accept", registration)
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == "accepted"
    said = [str(message) for message in response.context["messages"]]
    assert "0 companies told by e-mail." in said[0]
    assert said[1] == (
        "The mail server refused the e-mail to Stumm GmbH: the decision is saved; tell them "
        "yourself."
    )


@pytest.mark.parametrize("status", ["declined", "withdrawn"])
def test_a_closed_registration_sent_again_is_not_told_it_is_confirmed(trip, known, status):
    company, manager, _profile = known
    registration = f.TripRegistrationFactory(
        delegation=trip, organisation=company, contact=manager, status=status
    )
    client = Client()
    client.post(url(trip), valid_data(company=company.name, contact_email=manager.email))
    response = client.post(link_in(mail.outbox[-1]))
    assert "declined or withdrawn, so it cannot be confirmed" in response.text
    assert "your registration is confirmed" not in response.text
    registration.refresh_from_db()
    assert registration.status == status


def test_a_decision_on_the_registrations_own_page_is_mailed_and_a_freed_place_named(trip):
    held = f.TripRegistrationFactory(
        delegation=trip,
        status="accepted",
        organisation__name="Erste GmbH",
        contact=f.PersonFactory(email="erste@x.example"),
    )
    f.TripRegistrationFactory(
        delegation=trip, status="waitlisted", organisation__name="Wartende GmbH"
    )
    officer = client_for(user_with_role(TRADE_OFFICERS))
    url = f"/admin/partners/tripregistration/{held.pk}/change/"
    data = {**change_form_data(officer, url), "status": "declined"}
    response = officer.post(url, data, follow=True)
    said = [str(message) for message in response.context["messages"]]
    [told] = mail.outbox
    assert told.to == ["erste@x.example"]
    assert "Erste GmbH was told by e-mail." in said
    assert f"{trip} has 1 free place; wait-listed: Wartende GmbH." in said
    # Saved again unchanged: nobody is written to twice.
    officer.post(url, change_form_data(officer, url))
    assert len(mail.outbox) == 1


def test_the_list_actions_leave_registrations_nobody_has_confirmed(trip):
    unconfirmed = f.TripRegistrationFactory(
        delegation=trip, status="applied", organisation__name="Unbestätigt GmbH"
    )
    response = officer_decides("accept", unconfirmed)
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == "applied" and not mail.outbox
    assert "nobody has confirmed their e-mail yet: Unbestätigt GmbH" in response.text


@translation.override("en")
def test_a_registration_names_a_company_and_that_companys_profile(trip):
    registration = f.TripRegistrationFactory(delegation=trip, organisation__name="Eigen GmbH")
    registration.profile = f.CompanyProfileFactory(organisation__name="Fremd AG")
    with pytest.raises(ValidationError) as refused:
        registration.full_clean()
    assert refused.value.message_dict == {
        "profile": ["This profile is another company's, not Eigen GmbH's."]
    }
    registration.profile = None
    registration.organisation = f.OrganisationFactory(name="Amt", kind="municipal")
    with pytest.raises(ValidationError) as refused:
        registration.full_clean()
    assert refused.value.message_dict == {
        "organisation": ["Only a company registers for a trip; Amt is not one."]
    }


def test_the_list_action_names_the_wait_list_only_when_it_frees_a_place(trip):
    trip.capacity = 2
    trip.save()
    held = f.TripRegistrationFactory(delegation=trip, status="accepted")
    f.TripRegistrationFactory(delegation=trip, status="accepted")
    confirmed = f.TripRegistrationFactory(delegation=trip, status="confirmed")
    f.TripRegistrationFactory(
        delegation=trip, status="waitlisted", organisation__name="Wartende GmbH"
    )
    prompt = f"{trip} has 1 free place; wait-listed: Wartende GmbH."
    # Declining a company that held no place frees none.
    assert prompt not in officer_decides("decline", confirmed).text
    assert prompt in officer_decides("decline", held).text


def test_a_form_naming_more_travellers_than_a_company_sends_writes_nothing(trip):
    # Each line would be a new person, written while the form holds the write lock.
    before = counts()
    people = "\n".join(f"Person {n}, Engineer" for n in range(50))
    response = Client().post(url(trip), valid_data(representatives=people))

    assert response.status_code == 200
    assert response.context["form"].has_error("representatives")
    assert counts() == before
    assert not mail.outbox


def test_as_many_travellers_as_a_company_may_name_are_stored(trip):
    from partners.public.registration import MAX_REPRESENTATIVES

    people = "\n".join(f"Person {n}, Engineer" for n in range(MAX_REPRESENTATIVES))
    response = Client().post(url(trip), valid_data(representatives=f"{people}\n\n"))

    assert response.status_code == 302
    # The contact travels too.
    assert m.TripRegistration.objects.get().representatives.count() == MAX_REPRESENTATIVES + 1


def test_control_characters_are_refused_in_every_text_field(trip):
    # A vertical tab (Word's line break) would go raw into the agendas' ICS files.
    for field in ("company", "contact_name", "representatives", "wishes"):
        response = Client().post(url(trip), valid_data(**{field: "Muster\x0bGmbH, CEO"}))
        assert response.status_code == 200, field
        assert "U+000B" in response.text, field
    assert not m.TripRegistration.objects.exists()
    lines = Client().post(url(trip), valid_data(representatives="Anna Muster, CEO\r\nBo Li, CTO"))
    assert lines.status_code == 302
