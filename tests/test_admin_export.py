"""Admin export: XLSX and CSV of the changelist as filtered, with readable references."""

import csv
import datetime
import io

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from partners import models as m
from partners.admin.resources import DelegationResource

from . import factories as f
from .backoffice import registered_admins

pytestmark = pytest.mark.django_db
XLSX, CSV = "0", "1"  # positions of the formats in the export form


def export_permission(model):
    """partners.export_<model>; created here until the back-office migration provides it."""
    permission, _ = Permission.objects.get_or_create(
        codename=f"export_{model._meta.model_name}",
        content_type=ContentType.objects.get_for_model(model),
        defaults={"name": f"Can export {model._meta.verbose_name}"},
    )
    return permission


@pytest.fixture
def exporter(client):
    user = f.UserFactory()
    for model in (m.Meeting, m.Delegation, m.City):
        user.user_permissions.add(export_permission(model))
        user.user_permissions.add(Permission.objects.get(codename=f"view_{model._meta.model_name}"))
    client.force_login(user)
    return client


def _export(client, model_name, file_format, query=""):
    url = f"/admin/partners/{model_name}/export/{query}"
    response = client.post(url, {"format": file_format, "resource": "0"})
    assert response.status_code == 200, response.content[:2000]
    assert response.streaming, "the export should stream, not build the file in memory"
    return b"".join(response.streaming_content)


def test_it_exports_only_what_the_changelist_filter_and_search_show(exporter):
    nanjing = f.CityFactory(name="Nanjing")
    f.MeetingFactory(title="Signing ceremony", kind=m.Meeting.Kind.SIGNING, city=nanjing)
    f.MeetingFactory(title="Signing rehearsal", kind=m.Meeting.Kind.MEETING, city=nanjing)
    f.MeetingFactory(title="Factory tour", kind=m.Meeting.Kind.SIGNING, city=nanjing)

    content = _export(exporter, "meeting", XLSX, "?kind__exact=signing&q=ceremony")

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert [row[header.index("title")] for row in rows[1:]] == ["Signing ceremony"]
    assert rows[1][header.index("city")] == "Nanjing"
    assert rows[1][header.index("city_country")] == "CN"
    assert isinstance(rows[1][header.index("date")], datetime.datetime)  # a typed date


def test_the_csv_names_related_records_and_has_a_bom(exporter):
    supporter = f.OrganisationFactory(name="ECMDC", slug="ecmdc")
    trip = f.DelegationFactory(title="Reise nach Jining 济宁", slug="reise-2019")
    trip.supporting_organisations.add(supporter)
    f.DelegationStopFactory(delegation=trip, city=f.CityFactory(name="Jining"))

    content = _export(exporter, "delegation", CSV)

    assert content.startswith(b"\xef\xbb\xbf")
    # The site speaks German by default: ";" separates, as German Excel expects.
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["title"] == "Reise nach Jining 济宁"
    assert rows[0]["supporting_organisations"] == "ecmdc"
    assert rows[0]["stops"] == "Jining"
    assert rows[0]["origin_city"] == trip.origin_city.name


def test_an_exported_sheet_can_be_imported_again_and_updates_the_same_rows(exporter):
    trip = f.DelegationFactory(slug="reise-2019")
    trip.supporting_organisations.add(f.OrganisationFactory(slug="ecmdc"))
    content = _export(exporter, "delegation", CSV)
    edited = content.decode("utf-8-sig").replace(trip.title, "Renamed")
    dataset = tablib.Dataset().load(edited, format="csv", delimiter=";")

    result = DelegationResource().import_data(dataset, dry_run=False, raise_errors=True)

    assert not result.has_validation_errors()
    assert m.Delegation.objects.count() == 1
    trip.refresh_from_db()
    assert trip.title == "Renamed"
    assert list(trip.supporting_organisations.values_list("slug", flat=True)) == ["ecmdc"]


def test_it_refuses_export_without_the_export_permission(client):
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_meeting"))
    client.force_login(user)

    response = client.post("/admin/partners/meeting/export/", {"format": XLSX})

    assert response.status_code == 403


def test_every_admin_offers_exactly_xlsx_and_csv():
    for model, model_admin in registered_admins("partners"):
        # Every model of the domain (they have a history; the import log has none).
        if hasattr(model, "history"):
            formats = [fmt().get_title() for fmt in model_admin.get_export_formats()]
            assert formats == ["xlsx", "csv"], model


def test_every_resource_exports_all_rows_of_its_model():
    from partners.admin.resources import EXPORT_RESOURCES

    from . import report_world

    report_world.build()
    f.PhotoFactory()
    f.PersonFactory()

    for model, resource in EXPORT_RESOURCES.items():
        dataset = resource().export()
        assert len(dataset) == model.objects.count(), model
        assert "id" not in dataset.headers or model in {
            m.Meeting,
            m.Person,
            m.FollowUp,
            m.ProfileHandover,
            m.Photo,
            m.MeetingSlot,
            m.MeetingRequest,
        }, model


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("model_name", ["meeting", "delegation"])
def test_an_export_needs_the_same_queries_for_3_and_30_rows(
    exporter, django_assert_num_queries, count, model_name
):
    organisations = [f.OrganisationFactory() for _ in range(2)]
    for _ in range(count):
        meeting = f.MeetingFactory()
        meeting.organisations.add(*organisations)
        meeting.attendees.add(f.PersonFactory())
        meeting.delegation.supporting_organisations.add(*organisations)
        f.DelegationStopFactory(delegation=meeting.delegation)

    # Session, user, 2 for permissions, the rows, one query per prefetched relation
    # (meetings: organisations, attendees; delegations: supporters, stops, their cities).
    # The rows are read in chunks of 2,000: both counts fit one chunk.
    with django_assert_num_queries({"meeting": 7, "delegation": 10}[model_name]):
        _export(exporter, model_name, CSV)


def test_every_exportable_model_has_a_declared_resource():
    # Without one, import-export's default resource writes foreign keys as ids.
    from partners.admin.resources import EXPORT_RESOURCES

    for model, model_admin in registered_admins("partners"):
        if hasattr(model_admin, "export_action"):
            assert model in EXPORT_RESOURCES or model_admin.resource_classes, model


@pytest.fixture
def manager(client):
    from partners.roles import MANAGERS

    from .backoffice import user_with_role

    client.force_login(user_with_role(MANAGERS))
    return client


def _sheet(client, model_name):
    content = _export(client, model_name, XLSX)
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def trip_world():
    """A trip with a registered company, its contact and representatives, a slot and a
    meeting request in it, and an opportunity from it."""
    w = type("World", (), {})()
    w.jining = f.CityFactory(name="Jining", country="CN", time_zone="Asia/Shanghai")
    w.trip = f.DelegationFactory(slug="reise-2027", status=m.Delegation.Status.PLANNED)
    w.stop = f.DelegationStopFactory(delegation=w.trip, city=w.jining)
    w.company = f.CompanyFactory(name="Beispiel GmbH", slug="beispiel")
    w.profile = f.CompanyProfileFactory(organisation=w.company, slug="beispiel-profil")
    w.contact = f.PersonFactory(full_name="Anna Schmidt", organisation=w.company)
    w.registration = f.TripRegistrationFactory(
        delegation=w.trip, organisation=w.company, profile=w.profile, contact=w.contact
    )
    w.registration.representatives.add(
        w.contact, f.PersonFactory(full_name="Bernd Weber", organisation=w.company)
    )
    w.slot = f.MeetingSlotFactory(
        delegation=w.trip,
        stop=w.stop,
        starts_at=datetime.datetime(2027, 5, 10, 2, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 5, 10, 2, 25, tzinfo=datetime.UTC),
    )
    w.counterpart = f.OrganisationFactory(name="Jining Machinery", slug="jining-machinery")
    f.MeetingRequestFactory(
        registration=w.registration, counterpart=w.counterpart, slot=w.slot, pinned=True
    )
    w.owner = f.UserFactory(username="hofmann")
    f.OpportunityFactory(
        title="Werk in Jining", slug="werk-in-jining", partner_city=w.jining,
        local_organisation=w.company, foreign_organisation=w.counterpart, profile=w.profile,
        owner=w.owner, delegation=w.trip,
    )  # fmt: skip
    return w


def test_a_trip_registration_export_names_its_references(manager, trip_world):
    [row] = _sheet(manager, "tripregistration")

    assert row["delegation"] == "reise-2027"
    assert row["organisation"] == "beispiel"
    assert row["profile"] == "beispiel-profil"
    assert row["contact"] == "Anna Schmidt"
    assert sorted(row["representatives"].split("; ")) == ["Anna Schmidt", "Bernd Weber"]


def test_a_meeting_slot_export_names_its_trip_and_stop_city(manager, trip_world):
    [row] = _sheet(manager, "meetingslot")

    assert (row["delegation"], row["stop"], row["stop_country"]) == ("reise-2027", "Jining", "CN")
    # In the stop city's time, as the slots are entered in the admin.
    assert row["starts_at"] == datetime.datetime(2027, 5, 10, 10, 0)
    assert row["ends_at"] == datetime.datetime(2027, 5, 10, 10, 25)
    assert row["time_zone"] == "Asia/Shanghai"


def test_a_meeting_request_export_names_participant_counterpart_and_slot(manager, trip_world):
    [row] = _sheet(manager, "meetingrequest")

    assert row["delegation"] == "reise-2027"
    assert row["participant"] == "beispiel"
    assert row["counterpart"] == "jining-machinery"
    assert row["slot"] == str(trip_world.slot)
    assert row["slot"].startswith("Jining 2027-05-10 10:00")  # local time, as in the admin
    assert "registration" not in row and "created_at" not in row


def test_an_opportunity_export_names_its_references_once_per_field(manager, trip_world):
    [row] = _sheet(manager, "opportunity")

    assert row["slug"] == "werk-in-jining"
    assert row["title"] == "Werk in Jining"
    assert (row["partner_city"], row["partner_city_country"]) == ("Jining", "CN")
    assert row["local_organisation"] == "beispiel"
    assert row["foreign_organisation"] == "jining-machinery"
    assert row["profile"] == "beispiel-profil"
    assert row["owner"] == "hofmann"
    assert row["delegation"] == "reise-2027"
    assert not [header for header in row if header.startswith("title_")]


def _export_page(language, model_name):
    client = Client(headers={"accept-language": language})
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    response = client.get(f"/admin/partners/{model_name}/export/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_export_page_says_what_each_column_holds_in_the_readers_language():
    german = _export_page("de", "meetingrequest")
    assert "Land (country)" in _export_page("de", "city")
    assert "Tisch (table)" in german  # a meeting's table, not a data table
    chinese = _export_page("zh-hans", "partnership")
    assert "伙伴城市 – 国家 (partner_city_country)" in chinese


def test_the_profile_export_page_lists_the_headers_the_file_carries():
    # German users get the German headers in the file; the page lists those.
    german = _export_page("de", "companyprofile")
    assert "Firma, Handelsregisternummer, Ort" in german
    assert "Register number" not in german
    # The file's headers stay English for everyone else; the page explains them.
    chinese = _export_page("zh-hans", "companyprofile")
    assert "联系人 – 电子邮件 (Contact email)" in chinese


def test_the_workbook_shows_a_slots_time_and_a_meetings_day(manager, trip_world):
    # Slots of one morning differ only in their time: a date-only format hid it.
    f.MeetingFactory(delegation=trip_world.trip, date=datetime.date(2027, 5, 10))

    def formats(model_name, *columns):
        sheet = openpyxl.load_workbook(io.BytesIO(_export(manager, model_name, XLSX))).active
        header = [cell.value for cell in sheet[1]]
        return [sheet.cell(2, header.index(column) + 1).number_format for column in columns]

    assert formats("meetingslot", "starts_at", "ends_at") == ["yyyy-mm-dd hh:mm"] * 2
    assert formats("meeting", "date") == ["yyyy-mm-dd"]


@pytest.mark.parametrize(("language", "separator"), [("de", ";"), ("en", ","), ("zh-hans", ",")])
def test_the_csv_is_separated_as_excel_expects_in_the_users_language(exporter, language, separator):
    # German Excel splits a CSV at ";" only: with "," every row lands in column A.
    f.MeetingFactory(title="Werksbesuch, Teil 1", date=datetime.date(2019, 6, 25))
    exporter.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    text = _export(exporter, "meeting", CSV).decode("utf-8-sig")

    header, row = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    assert row[header.index("title")] == "Werksbesuch, Teil 1"
    assert row[header.index("date")] == "2019-06-25"


def test_a_meeting_export_carries_its_times_in_the_meeting_citys_time(exporter):
    jining = f.CityFactory(name="Jining", time_zone="Asia/Shanghai")
    f.MeetingFactory(
        city=jining,
        date=datetime.date(2019, 6, 25),
        starts_at=datetime.datetime(2019, 6, 25, 1, 30, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2019, 6, 25, 2, 15, tzinfo=datetime.UTC),
    )

    sheet = openpyxl.load_workbook(io.BytesIO(_export(exporter, "meeting", XLSX))).active
    header = [cell.value for cell in sheet[1]]
    starts, ends, zone = (
        sheet.cell(2, header.index(c) + 1) for c in ("starts_at", "ends_at", "time_zone")
    )

    assert (starts.value, ends.value) == (
        datetime.datetime(2019, 6, 25, 9, 30),
        datetime.datetime(2019, 6, 25, 10, 15),
    )
    assert starts.number_format == "yyyy-mm-dd hh:mm"
    assert zone.value == "Asia/Shanghai"
