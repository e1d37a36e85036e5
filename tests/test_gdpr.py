"""GDPR requests about contact persons: export everything stored, erase (anonymise)."""

import datetime
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.template.defaultfilters import capfirst
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from modeltranslation.utils import get_translation_fields

from partners.gdpr import people_erase, person_erase, person_export
from partners.models import (
    DelegationMember,
    Job,
    MeetingSlot,
    MemorandumParty,
    Opportunity,
    Organisation,
    Person,
    TripRegistration,
)
from partners.scheduling.trips import schedule_meetings
from tests import factories as f

NAME, EMAIL, PHONE = "Shi Guangliang", "shi@example.cn", "+86 25 1234 5678"


def _columns(field: str) -> list[str]:
    """``field``'s own column and its column per language."""
    return [field, *get_translation_fields(field)]


@pytest.fixture
def person(db):
    """A person linked to everything that can point at a person, with a history of edits."""
    person = f.PersonFactory(
        full_name=NAME,
        local_name="石广亮",
        email=EMAIL,
        phone=PHONE,
        position="Director",
        position_en="Managing Director",
        position_zh_hans="总经理",
    )
    person.notes = "Prefers meetings in the morning."
    person.save()  # a second historical version
    f.DelegationMemberFactory(person=person, role=DelegationMember.Role.HOST)
    f.MeetingFactory().attendees.add(person)
    f.MemorandumPartyFactory(signatory=person)
    f.CompanyProfileFactory(contact=person)
    f.ProfileHandoverFactory().handed_over_by.add(person)
    return person


def person_permissions(*codenames):
    return ContentType.objects.get_for_model(Person).permission_set.filter(codename__in=codenames)


@pytest.fixture
def administrator(db):
    """Holds the GDPR permissions through the group (migration 0050), not as a superuser."""
    administrator = f.UserFactory(username="admin-user", groups=["Administrators"])
    # The group's ordinary permissions come from the back office's migration; grant the
    # two this module needs directly so the test does not depend on it.
    administrator.user_permissions.add(*person_permissions("view_person", "change_person"))
    return administrator


@pytest.fixture
def officer(db):
    """May view, edit and delete people, but holds neither GDPR permission."""
    officer = f.UserFactory(username="officer", groups=["Trade officers"])
    officer.user_permissions.add(
        *person_permissions("view_person", "change_person", "delete_person")
    )
    return officer


def whole_database_as_text() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def test_the_export_holds_the_record_its_links_and_its_history(person):
    data = json.loads(json.dumps(person_export(person=person), default=str))

    assert data["person"]["full_name"] == NAME
    assert data["person"]["email"] == EMAIL
    assert data["delegation_memberships"][0]["role"] == "host"
    assert len(data["meetings"]) == 1
    assert data["memoranda_signed"][0]["signatory_position"] == "Director"
    assert len(data["company_profiles_as_contact"]) == 1
    assert len(data["profile_handovers"]) == 1
    assert [row["history_type"] for row in data["history"]] == ["+", "~"]
    assert data["history"][-1]["notes"] == "Prefers meetings in the morning."


def test_erasure_anonymises_the_record_and_keeps_its_links(person, administrator):
    person_erase(person=person, user=administrator)

    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert (person.email, person.phone, person.notes, person.local_name) == ("", "", "", "")
    assert person.delegation_memberships.count() == 1
    assert person.meetings.count() == 1
    assert person.signed_memoranda.count() == 1
    assert person.contact_for_profiles.count() == 1
    assert person.profile_handovers.count() == 1
    assert person.history.latest().history_user == administrator


def test_an_erased_person_is_called_anonymised_in_every_language(person):
    person_erase(person=person)
    person.refresh_from_db()

    assert person.full_name == "anonymisiert"
    with translation.override("en"):
        assert str(person) == "anonymised"
        assert str(person.delegation_memberships.get()).startswith("anonymised")
    with translation.override("de"):
        assert str(person) == "anonymisiert"


def test_erasure_leaves_no_trace_of_the_person_anywhere_in_the_database(person):
    LogEntry.objects.log_actions(
        user_id=f.UserFactory().pk,
        queryset=[person],
        action_flag=CHANGE,
        change_message="Changed phone.",
    )
    before = whole_database_as_text()
    assert NAME in before and EMAIL in before

    person_erase(person=person)

    after = whole_database_as_text()
    for trace in (NAME, "石广亮", EMAIL, PHONE, "Prefers meetings", "Director", "总经理"):
        assert trace not in after


def test_erasure_rewrites_every_historical_version(person):
    assert person.history.filter(full_name=NAME).count() == 2

    person_erase(person=person)

    assert not person.history.filter(full_name=NAME).exists()
    assert not person.history.exclude(email="").exists()
    assert person.history.count() == 3
    with translation.override("de"):  # the office's language, whoever erased
        assert person.history.latest().history_change_reason == gettext("GDPR erasure")


def test_erasing_twice_changes_nothing_the_second_time(person):
    first = person_erase(person=person).person
    second = person_erase(person=person).person
    assert second.anonymised_at == first.anonymised_at
    assert person.history.count() == 3


def test_erasure_clears_the_position_copies_of_memberships_and_signatures(person):
    member = DelegationMember.objects.get(person=person)
    assert member.position_at_time_en == "Managing Director"  # copied in every language

    person_erase(person=person)

    copies = [
        DelegationMember.objects.rewrite(False).values(*_columns("position_at_time")).get(),
        MemorandumParty.objects.rewrite(False).values(*_columns("signatory_position")).get(),
    ]
    assert [set(copy.values()) for copy in copies] == [{""}, {""}]


# --- the back office ---------------------------------------------------------------------


def gdpr_url(person, what):
    return f"/admin/partners/person/{person.pk}/gdpr/{what}"


def test_an_administrator_downloads_the_export_as_json(client, person, administrator):
    client.force_login(administrator)
    response = client.get(gdpr_url(person, "export.json"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["full_name"] == NAME
    assert len(data["history"]) == 2


def test_an_administrator_reads_the_export_as_a_page(client, person, administrator):
    client.force_login(administrator)
    response = client.get(gdpr_url(person, "export/"))

    assert response.status_code == 200
    page = response.content.decode()
    assert NAME in page and EMAIL in page and "Prefers meetings in the morning." in page


@pytest.mark.parametrize("language", ["de", "zh-hans"])
def test_the_export_page_names_the_fields_and_choices_in_the_readers_language(
    client, person, administrator, language
):
    client.force_login(administrator)
    page = client.get(gdpr_url(person, "export/"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    with translation.override(language):
        basis = capfirst(Person._meta.get_field("lawful_basis").verbose_name)
        role = capfirst(DelegationMember._meta.get_field("role").verbose_name)
        shown = [
            (basis, str(person.get_lawful_basis_display())),
            (role, str(DelegationMember.Role.HOST.label)),
        ]
    for label, value in shown:
        assert f'<th scope="row">{label}</th><td>{value}</td>' in page
    # The JSON download keeps the field names; the page shows none of them.
    headers = re.findall(r'<th scope="row">([^<]*)</th>', page)
    assert not {"lawful_basis", "visibility", "role", "full_name", "created_at"} & set(headers)


def test_the_change_form_offers_the_gdpr_buttons_to_an_administrator(client, person, administrator):
    client.force_login(administrator)
    page = client.get(f"/admin/partners/person/{person.pk}/change/").content.decode()
    assert gdpr_url(person, "erase/") in page
    assert gdpr_url(person, "export.json") in page


@pytest.mark.parametrize("what", ["export.json", "export/", "erase/"])
def test_a_trade_officer_cannot_reach_the_gdpr_views(client, person, officer, what):
    client.force_login(officer)
    assert client.get(gdpr_url(person, what)).status_code == 403
    assert client.post(gdpr_url(person, what)).status_code == 403
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_erasure_asks_for_confirmation_before_it_erases(client, person, administrator):
    client.force_login(administrator)
    response = client.get(gdpr_url(person, "erase/"))

    assert response.status_code == 200
    assert "nicht rückgängig" in response.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_an_administrator_erases_a_person_from_the_change_form(client, person, administrator):
    client.force_login(administrator)
    response = client.post(gdpr_url(person, "erase/"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert person.history.latest().history_user == administrator


def test_an_administrator_erases_several_people_with_the_list_action(client, person, administrator):
    other = f.PersonFactory(full_name="Someone Else")
    client.force_login(administrator)
    selection = {"action": "erase_selected", "_selected_action": [person.pk, other.pk]}

    confirmation = client.post("/admin/partners/person/", selection)
    assert confirmation.status_code == 200
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 0

    client.post("/admin/partners/person/", {**selection, "confirm": "yes"})
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 2


def test_erasing_more_people_than_the_limit_is_left_to_the_worker(
    settings, client, person, administrator, officer
):
    """Each erasure reads every text of other records: many at once would outlast the
    request. The job page reports each person as the request's messages would."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CRM_ERASURE_BACKGROUND_PEOPLE = 1
    other = f.PersonFactory(full_name="Henriette Zimmermann")
    short = f.PersonFactory(full_name="Wu")  # only the family name is known
    quoting = f.MeetingFactory(notes=f"{NAME} and Henriette Zimmermann agreed.")
    selection = {"action": "erase_selected", "_selected_action": [person.pk, other.pk, short.pk]}
    client.force_login(administrator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    confirmation = client.post("/admin/partners/person/", selection)
    assert "these 3 people runs in the background" in confirmation.text
    assert not Job.objects.exists()

    response = client.post("/admin/partners/person/", {**selection, "confirm": "yes"})

    job = Job.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/jobs/{job.pk}/")
    assert (job.kind, job.outcome, job.progress, job.total) == ("erasure", "done", 3, 3)
    assert Person.objects.filter(anonymised_at__isnull=True).count() == 0
    quoting.refresh_from_db()
    assert quoting.notes == "anonymisiert and anonymisiert agreed."
    page = client.get(response["Location"]).text
    rows = re.findall(r"<tr><td><a[^>]*>Person (\d+)</a></td>\s*<td>(\d+)</td>", page)
    texts = {int(pk): int(count) for pk, count in rows}
    assert (texts[person.pk], texts[other.pk], texts[short.pk]) == (2, 2, 0)
    assert "<td>Wu</td>" in page  # too short to look for: checked by hand
    assert "Download" not in page  # nothing to download
    # Those who may not erase see neither the job nor that it exists.
    client.force_login(officer)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    # Started again, it finds nothing left to do and says so.
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)
    client.force_login(administrator)
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.outcome == "done"
    assert [erased["texts"] for erased in job.result["people"]] == [0, 0, 0]


def test_erasing_several_people_reads_other_records_once_and_reports_each_persons_texts(
    person,
):
    other = f.PersonFactory(full_name="Henriette Zimmermann")
    both = f.MeetingFactory(notes=f"{NAME} and Henriette Zimmermann agreed.")
    only_other = f.FollowUpFactory(description="Call Henriette Zimmermann.")

    def erasing(people):
        with CaptureQueriesContext(connection) as queries:
            erasures = people_erase(people=people)
        return erasures, len(queries)

    # One more person costs her own rows, not another read of every text in the database.
    _one, alone = erasing([f.PersonFactory(full_name="Wilhelmine Quast")])
    (first, second), together = erasing([person, other])
    assert together < 2 * alone

    # Each text with its version in the history; the meeting quotes both.
    assert (first.texts, second.texts) == (2, 4)
    both.refresh_from_db()
    only_other.refresh_from_db()
    assert both.notes == "anonymisiert and anonymisiert agreed."
    assert only_other.description == "Call anonymisiert."


def test_the_gdpr_tools_are_offered_only_to_those_who_may_use_them(
    client, person, officer, administrator
):
    client.force_login(officer)
    assert "erase_selected" not in client.get("/admin/partners/person/").content.decode()
    change_form = client.get(f"/admin/partners/person/{person.pk}/change/").content.decode()
    assert "/gdpr/" not in change_form

    client.force_login(administrator)
    assert "erase_selected" in client.get("/admin/partners/person/").content.decode()


def traces_in_every_table(traces) -> list[str]:
    """Every table's rows (all columns, as text), searched for the traces."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = "\n".join(repr(row) for row in cursor.fetchall()).lower()
            found += [f"{table}: {trace}" for trace in traces if trace.lower() in text]
    return found


def traces_in_media_root(traces, root) -> list[str]:
    """Every file under MEDIA_ROOT, workbooks unpacked, searched for the traces."""
    found = []
    for path in Path(root).rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        found += [f"{path}: {t}" for t in traces if t.lower().encode() in data.lower()]
    return found


@pytest.mark.django_db(transaction=True)
def test_erasure_reaches_the_import_log_history_job_files_and_exports(settings, tmp_path):
    """Import a contact, re-import with new data, export, erase: no trace anywhere."""
    from tests.backoffice import client_for, user_with_role
    from tests.import_files import xlsx

    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CRM_EXPORT_BACKGROUND_ROWS = -1  # Every report export is a stored job file.
    f.HomeCityFactory(name="Leipzig")
    client = client_for(user_with_role("Administrators", is_superuser=True, is_staff=True))
    headers = [
        "Firma",
        "Ort",
        "Ansprechpartner",
        "E-Mail Ansprechpartner",
        "Telefon Ansprechpartner",
    ]
    old = ["Anna Alt", "anna.alt@example.de", "+49 341 1111111"]
    new = ["Anna Alt", "anna.neu@example.de", "+49 341 2222222"]
    for contact in (old, new):
        upload = SimpleUploadedFile("p.xlsx", xlsx([["Firma GmbH", "Leipzig", *contact]], headers))
        job_url = client.post(
            reverse("admin:partners_companyprofile_import"), {"import_file": upload}
        ).url
        client.post(job_url + "confirm/")
    assert client.post("/reports/", {"format": "xlsx"}).status_code == 302  # a stored job file
    export = client.post(reverse("admin:partners_person_export"), {"format": "0", "resource": "0"})
    assert export.status_code == 200
    person = Person.objects.get()
    traces = [old[1], old[2], new[1], new[2]]
    assert traces_in_every_table(traces)  # The import log and the history hold them,
    assert traces_in_media_root(traces, tmp_path)  # and so do the uploaded sheets.

    person_erase(person=person)

    assert traces_in_every_table(traces) == []
    assert traces_in_media_root(traces, tmp_path) == []


# --- company delegation trips (issue 11) -------------------------------------------------

CONTACT = {
    "contact_name": "Erika Mustermann",
    "contact_email": "erika.mustermann@muster.example",
    "contact_phone": "+49 341 9876543",
    "contact_position": "Geschäftsführerin",
}
CONTACT_TRACES = list(CONTACT.values())


@pytest.fixture
def trip(db):
    """An open company trip with one stop, a public counterpart there and two slots."""
    nanjing = f.CityFactory(name="Nanjing", visibility="public")
    f.HomeCityFactory(name="Leipzig")
    trip = f.DelegationFactory(
        status="planned",
        start_date=datetime.date(2027, 5, 10),
        end_date=datetime.date(2027, 5, 16),
        registration_open=True,
        visibility="public",
    )
    stop = f.DelegationStopFactory(delegation=trip, city=nanjing)
    f.OrganisationFactory(name="Nanjing Investment Bureau", city=nanjing, visibility="public")
    for hour in (9, 10):
        f.MeetingSlotFactory(
            delegation=trip,
            stop=stop,
            starts_at=datetime.datetime(2027, 5, 10, hour, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2027, 5, 10, hour, 45, tzinfo=datetime.UTC),
        )
    return trip


def register_and_confirm(trip):
    """The public form, then the link from the e-mail (double opt-in)."""
    bureau = Organisation.objects.get(name="Nanjing Investment Bureau")
    form = {
        "company": "Muster Maschinenbau GmbH",
        **CONTACT,
        "representatives": "Max Beispiel, Engineer",
        "counterparts": [bureau.pk],
        "wishes": f"Please call me first: {CONTACT['contact_phone']}",
        "consent_registration": "on",
        "consent_to_share": "on",
    }
    sent = Client().post(f"/en/delegations/{trip.slug}/register/", form)
    assert sent.status_code == 302
    link = re.search(r"https?://testserver(/\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    assert Client().post(link).status_code == 200
    return TripRegistration.objects.get(delegation=trip)


def test_erasure_reaches_trip_registrations_meetings_and_opportunities(trip):
    """Register through the form, be accepted, scheduled, meet, be followed up; erase."""
    from tests.backoffice import client_for, user_with_role

    registration = register_and_confirm(trip)
    officer = client_for(user_with_role("Trade officers"))
    officer.post(
        "/admin/partners/tripregistration/",
        {"action": "accept", "_selected_action": [registration.pk]},
    )
    registration.refresh_from_db()
    assert registration.status == "accepted"
    assert schedule_meetings(delegation=trip, seconds=1).scheduled == 1
    request = registration.requests.get()
    # The trip takes place: its slots lie in the past now.
    past = datetime.timedelta(days=400)
    MeetingSlot.objects.filter(delegation=trip).update(
        starts_at=F("starts_at") - past, ends_at=F("ends_at") - past
    )
    # After the trip: held, the outcome quoting the contact, followed up as an opportunity.
    outcome = f"Follow up with {CONTACT['contact_email']}"
    response = officer.post(
        f"/admin/partners/delegation/{trip.pk}/after-trip/",
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-request": request.pk,
            "form-0-status": "held",
            "form-0-outcome": outcome,
            "form-0-opportunity": "on",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    opportunity = Opportunity.objects.get()
    opportunity.notes = f"Contact: {CONTACT['contact_name']}, {CONTACT['contact_phone']}"
    opportunity.save()  # a historical version that names the contact
    person = registration.contact
    assert person.full_name == CONTACT["contact_name"]
    assert set(person.meetings.values_list("pk", flat=True)) == {request.meeting_id}
    [exported] = person_export(person=person)["trip_registrations"]
    assert (exported["company"], exported["as_contact"]) == ("Muster Maschinenbau GmbH", True)
    assert traces_in_every_table(CONTACT_TRACES)

    person_erase(person=person)

    left = traces_in_every_table(CONTACT_TRACES)
    assert left == [], "\n".join(left)
    # The facts stay: the company's registration, its scheduled and held meeting, the lead.
    registration.refresh_from_db()
    assert (registration.status, registration.contact_id) == ("accepted", person.pk)
    assert registration.representatives.count() == 2
    request.refresh_from_db()
    assert (request.status, request.slot_id is not None) == ("held", True)
    assert request.meeting.attendees.filter(pk=person.pk).exists()
    opportunity.refresh_from_db()
    assert opportunity.notes == "Contact: anonymisiert, anonymisiert"


def test_erasure_scrubs_a_jobs_options_and_file_name_and_deletes_its_file(
    person, settings, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    export = f.JobFactory(
        kind="export",
        file_name=f"{NAME}.csv",
        options={"query": f"q={EMAIL}&o=1"},
        result={"status": "done"},
    )
    export.file.save("export.csv", ContentFile(f"{NAME};{PHONE}\n".encode()))
    unrelated = f.JobFactory(kind="export", file_name="report.xlsx", options={"query": "o=1"})

    with django_capture_on_commit_callbacks(execute=True):  # files go once it is committed
        person_erase(person=person)

    export.refresh_from_db()
    assert (export.file_name, export.options, export.file.name) == (".csv", {"query": "q=&o=1"}, "")
    assert traces_in_media_root([NAME, PHONE], settings.MEDIA_ROOT) == []
    unrelated.refresh_from_db()
    assert (unrelated.file_name, unrelated.options) == ("report.xlsx", {"query": "o=1"})


def test_erasure_renames_other_records_in_the_admin_log(person):
    opportunity = f.OpportunityFactory(title=f"Lead from {NAME}")
    LogEntry.objects.log_actions(
        user_id=f.UserFactory().pk,
        queryset=[opportunity],
        action_flag=CHANGE,
        change_message=f"Spoke to {NAME.upper()}.",
    )

    person_erase(person=person)

    entry = LogEntry.objects.get(object_id=str(opportunity.pk))
    assert (entry.object_repr, entry.change_message) == (
        "Lead from anonymisiert",
        "Spoke to anonymisiert.",
    )
    opportunity.refresh_from_db()
    assert opportunity.title == "Lead from anonymisiert"


# --- prose in every model, language and version; short Chinese names (audit, items 2, 3) ---


def test_erasure_reaches_every_prose_field_in_every_language_and_version(db, settings, tmp_path):
    """A person quoted by a trip's summary and outcome, a photo caption, a meeting's Chinese
    title and a memorandum's summary, each saved twice (two historical versions)."""
    settings.MEDIA_ROOT = tmp_path
    person = f.PersonFactory(
        full_name="Zhang Wei",
        local_name="张伟",
        email="zw@qd.example.cn",
        position_zh_hans="市长",
        visibility="public",
    )
    delegation = f.DelegationFactory(
        summary_en="Director Zhang Wei visited Leipzig",
        outcome="Zhang Wei (zw@qd.example.cn) sagte zu, 张伟 ruft an",
    )
    photo = f.PhotoFactory(
        delegation=delegation,
        caption_en="Zhang Wei at the town hall",
        caption_zh_hans="张伟在市政厅",
    )
    meeting = f.MeetingFactory(title_zh_hans="与张伟会谈")
    memorandum = f.MemorandumFactory(summary="Unterzeichnet von Zhang Wei")
    bystander = f.DelegationFactory(summary_zh_hans="市长来访")  # a position, not a name
    for record in (delegation, photo, meeting, memorandum):
        record.save()
    traces = ["Zhang Wei", "张伟", "zw@qd.example.cn"]
    before = traces_in_every_table(traces)
    assert {"partners_historicaldelegation: 张伟", "partners_historicalphoto: 张伟"} <= {*before}

    person_erase(person=person)

    left = traces_in_every_table(traces)
    assert left == [], "\n".join(left)
    delegation = type(delegation).objects.rewrite(False).get(pk=delegation.pk)
    assert delegation.outcome == "anonymisiert (anonymisiert) sagte zu, anonymisiert ruft an"
    assert delegation.summary_en == "Director anonymisiert visited Leipzig"
    assert (
        type(meeting).objects.rewrite(False).get(pk=meeting.pk).title_zh_hans
        == "与anonymisiert会谈"
    )
    bystander = type(bystander).objects.rewrite(False).get(pk=bystander.pk)
    assert bystander.summary_zh_hans == "市长来访"
    person.refresh_from_db()
    assert person.visibility == "internal"
    assert not Person.objects.published().filter(pk=person.pk).exists()
