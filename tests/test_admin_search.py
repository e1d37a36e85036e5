"""Admin search through foreign keys: subqueries instead of joins, same results."""

import io
import re
import tracemalloc

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modeltranslation.utils import build_localized_fieldname

from partners import models as m
from partners.models import folding, is_translated
from partners.roles import ADMINISTRATORS

from . import factories as f
from .backoffice import client_for, registered_admins, user_with_role

pytestmark = pytest.mark.django_db


def search(model, term):
    client = client_for(user_with_role(ADMINISTRATORS))
    response = client.get(f"/admin/partners/{model._meta.model_name}/", {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_people_are_found_by_their_organisations_name_or_their_own(db):
    agency = f.OrganisationFactory(name="Nanjing Investment Bureau")
    by_organisation = f.PersonFactory(organisation=agency, full_name="Shi Guangliang")
    by_name = f.PersonFactory(full_name="Wang Nanjingren")
    f.PersonFactory(full_name="Anna Schmidt")
    assert set(search(m.Person, "nanjing")) == {by_organisation, by_name}


def test_every_word_of_the_search_must_match_somewhere(db):
    agency = f.OrganisationFactory(name="Nanjing Investment Bureau")
    wanted = f.PersonFactory(organisation=agency, full_name="Shi Guangliang")
    f.PersonFactory(organisation=agency, full_name="Li Wei")
    assert search(m.Person, 'nanjing "shi guang"') == [wanted]


def test_handovers_are_found_two_foreign_keys_away(db):
    profile = f.CompanyProfileFactory(organisation__name="Leipziger Präzisionsteile GmbH")
    handover = f.ProfileHandoverFactory(profile=profile)
    f.ProfileHandoverFactory()
    assert search(m.ProfileHandover, "präzision") == [handover]


def test_a_delegation_found_through_two_stops_is_listed_once(db):
    trip = f.DelegationFactory(title="Ost-China 2019")
    f.DelegationStopFactory(delegation=trip, city__name="Nanjing", order=1)
    f.DelegationStopFactory(delegation=trip, city__name="Nanjing Süd", order=2)
    assert search(m.Delegation, "nanjing") == [trip]


def test_every_admin_with_search_fields_answers_a_search(db):
    client = client_for(user_with_role(ADMINISTRATORS))
    for model, model_admin in registered_admins("partners"):
        if model_admin.search_fields:
            url = f"/admin/partners/{model._meta.model_name}/"
            assert client.get(url, {"q": "x y"}).status_code == 200, url


@pytest.mark.parametrize(
    ("term", "expected", "told_by"),
    [("GmbH", 5, "sample"), ("GmbH", 5, "matches"), ("Seltenwort", 1, "")],
)
def test_a_common_word_is_searched_row_by_row_and_a_rare_one_by_its_ids(
    db, monkeypatch, term, expected, told_by
):
    # A common word is tested on each row read in the list's order (PostgreSQL stops at
    # the end of the page); building the set of all its matches grows with the table.
    # Common: told by the newest rows ("sample"), else by its count of matches.
    from partners.admin import search as admin_search

    monkeypatch.setattr(admin_search, "COMMON_HITS", 4 if told_by == "sample" else 6)
    monkeypatch.setattr(admin_search, "RARE_MATCHES", 3 if told_by == "matches" else 10)
    for n in range(5):
        f.CompanyProfileFactory(organisation=f.CompanyFactory(name=f"Firma {n} GmbH"))
    f.CompanyProfileFactory(
        organisation=f.CompanyFactory(name="Seltenwort AG"), products="Seltenwort-Maschinen"
    )
    client = client_for(user_with_role(ADMINISTRATORS))

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/partners/companyprofile/", {"q": term})

    assert page.status_code == 200
    assert page.context["cl"].result_count == expected
    # The page's rows (every column read), not the probe for the first matching ids.
    listed = [q["sql"] for q in queries if '"partners_companyprofile"."summary"' in q["sql"]]
    assert listed and not any("UNION" in sql for sql in listed)
    probed = any("UNION" in q["sql"] for q in queries)  # the probe for the first ids
    assert probed == (told_by != "sample")


# Tables that stay small (reference data, the office's own files): read whole in a blink.
SMALL_TABLES = {m.City, m.Sector, m.Interest, m.Photo, m.ImportRun, m.Job}


def _searched_columns():
    """(table, column) of every column an admin search reads, a translated field's in
    each language (``admin/search.py`` matches all three), and the name kept folded."""
    for model, model_admin in registered_admins("partners"):
        for path in model_admin.search_fields:
            *relations, name = path.lstrip("^=@").split("__")
            target = model
            for relation in relations:
                target = target._meta.get_field(relation).related_model
            if target in SMALL_TABLES:
                continue
            names = (
                [build_localized_fieldname(name, code) for code, _label in settings.LANGUAGES]
                if is_translated(target, name)
                else [name]
            )
            for field_name in names:
                yield target._meta.db_table, target._meta.get_field(field_name).column
            for twin in folding.folded_fields(target):
                if twin.source == name:
                    yield target._meta.db_table, twin.column


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL")
def test_every_column_an_admin_search_reads_has_a_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%'"
        )
        indexed = cursor.fetchall()
    missing = {
        (table, column)
        for table, column in _searched_columns()
        if not any(
            t == table and re.search(rf"upper\(\(?{column}\)?(::text)?\) gin_trgm_ops", d)
            for t, d in indexed
        )
    }
    assert not missing


def test_a_search_counts_up_to_its_limit_and_then_says_more_not_a_number(db, monkeypatch):
    """Counting every match of a common word grows with the table; the page says "more
    than N", and its select-all offers every match found without promising a number."""
    person_admin = admin.site.get_model_admin(m.Person)
    monkeypatch.setattr(person_admin, "search_count_limit", 3)
    monkeypatch.setattr(person_admin, "list_per_page", 2)  # a page ends below the limit
    for number in range(5):
        f.PersonFactory(full_name=f"Li Wei {number}")
    f.PersonFactory(full_name="Anna Schmidt")
    client = client_for(user_with_role(ADMINISTRATORS))
    english = {"accept-language": "en"}
    with CaptureQueriesContext(connection) as queries:
        common = client.get("/admin/partners/person/", {"q": "li wei"}, headers=english)
    # Read now: the next request empties the log the capture reads from.
    counts = [q["sql"] for q in queries if "COUNT" in q["sql"].upper()]
    rare = client.get("/admin/partners/person/", {"q": "schmidt"}, headers=english)

    assert "more than 3 results" in common.text and "more than 3 people" in common.text
    assert "Select all people found" in common.text
    assert len(common.context["cl"].result_list) == 2
    # No count of every match: the page's stops at 4, the probe for a common word at 10.
    assert any("LIMIT 4" in sql for sql in counts), counts
    assert all("LIMIT" in sql for sql in counts), counts
    assert "1 result" in rare.text and "more than" not in rare.text


def test_paging_on_past_the_count_limit_reaches_every_match(db, monkeypatch):
    person_admin = admin.site.get_model_admin(m.Person)
    monkeypatch.setattr(person_admin, "search_count_limit", 3)
    monkeypatch.setattr(person_admin, "list_per_page", 2)
    people = [f.PersonFactory(full_name=f"Li Wei {number}") for number in range(5)]
    client = client_for(user_with_role(ADMINISTRATORS))

    def page(number):
        response = client.get("/admin/partners/person/", {"q": "li wei", "p": number})
        assert response.status_code == 200, number  # not a redirect to "?e=1"
        return response

    # Each page counts up to one past itself: the next page is always offered.
    assert "more than 3 results" in page(1).text and "more than 4 results" in page(2).text
    last = page(3)
    assert list(last.context["cl"].result_list) == [max(people, key=lambda p: p.full_name)]
    assert "5 results" in last.text and "more than" not in last.text


@pytest.mark.parametrize("term", ["Lukosz", "łukosz", "Muller", "Mueller", "müller", "Sao Paulo"])
def test_organisations_are_found_whatever_accents_or_umlauts_the_search_leaves_out(db, term):
    wanted = {
        "Lukosz": "Łukosz Logistyka",
        "łukosz": "Łukosz Logistyka",
        "Muller": "Müller Präzisionsteile GmbH",
        "Mueller": "Müller Präzisionsteile GmbH",
        "müller": "Mueller Maschinenbau AG",
        "Sao Paulo": "Câmara de Comércio São Paulo",
    }[term]
    for name in {
        "Łukosz Logistyka",
        "Müller Präzisionsteile GmbH",
        "Mueller Maschinenbau AG",
        "Câmara de Comércio São Paulo",
        "Santos Porto",
    }:
        f.OrganisationFactory(name=name)

    assert wanted in [organisation.name for organisation in search(m.Organisation, term)]
    assert "Santos Porto" not in [o.name for o in search(m.Organisation, term)]


def test_people_and_cities_are_found_without_their_accents(db):
    company = f.OrganisationFactory(name="Łukosz Logistyka")
    by_organisation = f.PersonFactory(organisation=company, full_name="Anna Nowak")
    by_name = f.PersonFactory(full_name="Jürgen Müller")
    f.PersonFactory(full_name="Li Wei")
    sao_paulo = f.CityFactory(name="São Paulo", country="BR")
    f.CityFactory(name="Santos", country="BR")

    assert search(m.Person, "lukosz") == [by_organisation]
    assert search(m.Person, '"jurgen mueller"') == [by_name]
    assert search(m.City, "Sao Paulo") == [sao_paulo]


def test_an_imported_company_and_its_contact_are_found_without_their_accents(db):
    # The import writes by SQL, past the field's own save; a revert puts the name back.
    from partners.imports import import_profiles
    from partners.imports.revert import revert_import
    from tests.import_files import xlsx

    f.HomeCityFactory(name="Leipzig")
    headers = ["Firma", "Handelsregisternummer", "Ort", "Ansprechpartner"]
    first = [["Łódź Trading", "HRB 7", "Leipzig", "Paweł Wójcik"]]
    import_profiles(source=xlsx(first, headers), filename="a.xlsx")
    renamed = [["Kraków Trading", "HRB 7", "Leipzig", "Paweł Wójcik-Nowak"]]
    import_profiles(source=xlsx(renamed, headers), filename="b.xlsx")

    assert [o.name for o in search(m.Organisation, "Krakow")] == ["Kraków Trading"]
    assert [p.full_name for p in search(m.Person, "wojcik-nowak")] == ["Paweł Wójcik-Nowak"]
    assert search(m.Organisation, "Lodz") == []

    revert_import(m.ImportRun.objects.get(file_name="b.xlsx"), user=None)

    assert [o.name for o in search(m.Organisation, "Lodz")] == ["Łódź Trading"]
    assert search(m.Organisation, "Krakow") == []
    assert [p.full_name for p in search(m.Person, "pawel wojcik")] == ["Paweł Wójcik"]


def test_a_search_without_accents_makes_as_many_queries_as_one_with_them(db):
    for number in range(3):
        f.OrganisationFactory(name=f"Łukosz {number}")
    client = client_for(user_with_role(ADMINISTRATORS))

    def queries(term):
        with CaptureQueriesContext(connection) as captured:
            client.get("/admin/partners/organisation/", {"q": term})
        return [query["sql"] for query in captured]

    # The folded name is one more branch of the term's query, not a query of its own.
    unaccented = queries("Lukosz")
    assert len(unaccented) == len(queries("Łukosz"))
    folded = [sql for sql in unaccented if "name_folded" in sql]
    assert folded and all("register_number" in sql for sql in folded)


def test_a_name_changed_past_save_is_folded_again_by_the_refresh_command(db):
    company = f.OrganisationFactory(name="Muster GmbH")
    m.Organisation.objects.filter(pk=company.pk).update(name_de="Łukosz GmbH", name="Łukosz GmbH")
    contact = f.PersonFactory(full_name="Anna Schmidt")
    m.Person.objects.filter(pk=contact.pk).update(full_name="Paweł Wójcik")
    assert search(m.Organisation, "Lukosz") == [] and search(m.Person, "Pawel") == []

    call_command("refresh_organisation_names", stdout=io.StringIO())

    assert search(m.Organisation, "Lukosz") == [company]
    assert search(m.Person, "Pawel") == [contact]


def test_the_check_reports_a_name_folded_out_of_date_and_changes_nothing(db):
    contact = f.PersonFactory(full_name="Anna Schmidt")
    m.Person.objects.filter(pk=contact.pk).update(full_name="Paweł Wójcik")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("refresh_organisation_names", "--check", stdout=out)
    assert "Names folded for the admin search: 1 out of date" in out.getvalue()
    assert search(m.Person, "Pawel") == []

    call_command("refresh_organisation_names", stdout=io.StringIO())
    call_command("refresh_organisation_names", "--check", stdout=io.StringIO())


def test_the_refresh_holds_one_batch_of_people_in_memory_not_the_table(db, monkeypatch):
    # A migration folding a big table (0082) must not read it whole into memory. Twelve
    # batches, smaller than the real ones, so that tracing every allocation stays quick:
    # read whole, the table takes some 10 MB, in batches some 2 MB.
    monkeypatch.setattr(folding, "BATCH", 400)
    f.PersonFactory.create_batch(3)
    m.Person.objects.bulk_create(m.Person(full_name=f"Jörg Łukosz {n}") for n in range(4800))
    m.Person.objects.update(full_name_folded="")
    tracemalloc.start()
    try:
        assert folding.refresh(m.Person) == 4803
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000, f"{peak:,} bytes"
    assert m.Person.objects.filter(full_name_folded="jorg lukosz 4799").exists()


def test_records_are_found_without_accents_through_their_relations(db):
    """A name kept folded (``FoldedField``) is matched folded wherever a search reaches it:
    through a foreign key, a reverse one or a many-to-many relation, not only on its own
    list (where the admin named the folded column)."""
    nanjing = f.CityFactory(name="Nánjīng")
    duesseldorf = f.CityFactory(name="Düsseldorf", country="DE")
    mueller = f.OrganisationFactory(name="Müller Präzisionsteile GmbH")
    meeting = f.MeetingFactory(title="Gespräch", city=nanjing)
    meeting.organisations.add(mueller)
    trip = f.DelegationFactory(title="Messe")
    f.DelegationStopFactory(delegation=trip, city=duesseldorf)
    handover = f.ProfileHandoverFactory(recipient=mueller)
    registration = f.TripRegistrationFactory(organisation__name="Łukosz Logistyka")
    f.MeetingFactory(title="Andere"), f.DelegationFactory(), f.ProfileHandoverFactory()

    assert search(m.Meeting, "Nanjing") == [meeting]
    assert search(m.Meeting, "Muller") == [meeting]
    assert search(m.Meeting, "Mueller Nanjing") == [meeting]
    assert search(m.Delegation, "Dusseldorf") == [trip]
    assert search(m.ProfileHandover, "muller") == [handover]
    assert search(m.TripRegistration, "Lukosz") == [registration]


def test_a_common_word_in_meetings_organisations_is_searched_row_by_row(db, monkeypatch):
    # A many-to-many path is tested on each row (its first link, LIMIT 1) like a foreign key,
    # so a word in a third of all company names does not build the set of every meeting it
    # matches; not by EXISTS, which PostgreSQL turns into a hash of all of them.
    from partners.admin import search as admin_search

    monkeypatch.setattr(admin_search, "COMMON_HITS", 4)
    for n in range(5):
        f.MeetingFactory(title=f"Gespräch {n}").organisations.add(
            f.OrganisationFactory(name=f"Müller {n} GmbH")
        )
    f.MeetingFactory(title="Anderes")
    client = client_for(user_with_role(ADMINISTRATORS))

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/partners/meeting/", {"q": "muller"})

    assert page.context["cl"].result_count == 5
    listed = [q["sql"] for q in queries if '"partners_meeting"."notes"' in q["sql"]]
    assert listed and not any("UNION" in sql for sql in listed)
    assert not any("EXISTS" in sql for sql in listed)
    assert any("partners_meeting_organisations" in sql and "LIMIT 1" in sql for sql in listed)
