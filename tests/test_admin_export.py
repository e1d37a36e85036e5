"""Admin export: XLSX and CSV of the changelist as filtered, with readable references."""

import csv
import datetime
import io

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

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
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0]["title"] == "Reise nach Jining 济宁"
    assert rows[0]["supporting_organisations"] == "ecmdc"
    assert rows[0]["stops"] == "Jining"
    assert rows[0]["origin_city"] == trip.origin_city.name


def test_an_exported_sheet_can_be_imported_again_and_updates_the_same_rows(exporter):
    trip = f.DelegationFactory(slug="reise-2019")
    trip.supporting_organisations.add(f.OrganisationFactory(slug="ecmdc"))
    content = _export(exporter, "delegation", CSV)
    edited = content.decode("utf-8-sig").replace(trip.title, "Renamed")
    dataset = tablib.Dataset().load(edited, format="csv")

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
