"""The admin import: upload → preview → confirm, permissions, template, the import log."""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from partners.admin.resources import CompanyProfileSheetResource
from partners.imports import import_profiles
from partners.imports.sheet import COLUMNS
from partners.models import CompanyProfile, ImportRun, Job, Organisation
from tests.factories import CityFactory, HomeCityFactory, TripRegistrationFactory, UserFactory
from tests.import_files import GERMAN, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the site's default language is German."""
    with translation.override("en"):
        yield


IMPORT_URL = reverse("admin:partners_companyprofile_import")
TEMPLATE_URL = reverse("admin:partners_companyprofile_import_template")
RUNS_URL = reverse("admin:partners_importrun_changelist")


def grant(group_name, *codenames):
    group = Group.objects.get(name=group_name)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="partners", codename__in=codenames)
    )


@pytest.fixture(autouse=True)
def leipzig():
    HomeCityFactory(name="Leipzig")
    CityFactory(name="Nanjing", local_name="南京")


@pytest.fixture
def administrator(client):
    grant(
        "Administrators",
        "view_companyprofile",
        "import_companyprofile",
        "export_companyprofile",
        "view_importrun",
        "revert_importrun",
    )
    user = UserFactory(username="admin-anna", groups=["Administrators"])
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def upload(client, data, name="profiles.xlsx", **extra):
    """The upload, then the job page it leads to (the preview), or the form with its error."""
    file = SimpleUploadedFile(name, data)
    response = client.post(IMPORT_URL, {"import_file": file, **extra})
    return client.get(response.url) if response.status_code == 302 else response


def confirm(client, preview):
    return client.post(preview.request["PATH_INFO"] + "confirm/")


def test_an_administrator_previews_then_confirms_an_import(client, administrator):
    data = xlsx([["Neu GmbH", "", "Leipzig", "5", "C", ""]])

    preview = upload(client, data)

    assert preview.status_code == 200
    assert "1 row: 1 new, 0 to update, 0 unchanged, 0 with errors." in preview.text
    assert not Organisation.objects.exists()
    response = confirm(client, preview)
    assert response.status_code == 302
    assert Organisation.objects.get().name == "Neu GmbH"
    run = ImportRun.objects.get()
    assert (run.user, run.file_name, run.created) == (administrator, "profiles.xlsx", 1)


def test_the_preview_shows_each_rows_outcome_with_changed_columns(client, administrator):
    import_profiles(
        source=xlsx(
            [
                ["Alt GmbH", "HRB 1", "Leipzig", "5", "C", ""],
                ["Gleich AG", "HRB 2", "Leipzig", "5", "C", ""],
            ]
        ),
        filename="first.xlsx",
    )
    data = xlsx(
        [
            ["Alt GmbH", "HRB 1", "Leipzig", "7", "C", ""],
            ["Gleich AG", "HRB 2", "Leipzig", "5", "C", ""],
            ["Neu KG", "", "南京", "", "", ""],
        ]
    )

    preview = upload(client, data).text

    rows = re.findall(
        r'<tr class="(\w+)">\s*<td>(\d+)</td>.*?</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>',
        preview,
        re.S,
    )
    assert rows == [
        ("update", "2", "Alt GmbH", "Mitarbeiter"),
        ("unchanged", "3", "Gleich AG", ""),
        ("new", "4", "Neu KG", ""),
    ]


def test_invalid_rows_block_the_confirm_step_unless_skipping_them(client, administrator):
    data = xlsx(
        [["Gut GmbH", "", "Leipzig", "5", "", ""], ["B AG", "", "Leipzig", "viele", "", ""]]
    )

    blocked = upload(client, data)
    assert "Confirm import" not in blocked.text
    assert confirm(client, blocked).status_code == 302
    assert not Organisation.objects.exists()
    assert (
        "row 3, column &quot;Mitarbeiter&quot;: &quot;viele&quot; is not a number" in blocked.text
    )

    skipping = upload(client, data, skip_invalid="on")
    assert "row 3, column &quot;Mitarbeiter&quot;" in skipping.text
    confirm(client, skipping)
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Gut GmbH"]
    assert ImportRun.objects.get().mode == ImportRun.Mode.SKIP_INVALID


def test_a_big_file_previews_the_counts_and_the_first_rows_only(client, administrator):
    rows = [[f"Firma {n} GmbH", "", "Leipzig", str(n), "", ""] for n in range(150)]
    rows[140][3] = "viele"

    preview = upload(client, xlsx(rows), skip_invalid="on").text

    assert "150 rows: 149 new, 0 to update, 0 unchanged, 1 with errors." in preview
    assert "Showing the first 100 of 150 rows." in preview
    assert "<td>142</td><td>Mitarbeiter</td>" in preview
    assert "Firma 98 GmbH" in preview and "Firma 120 GmbH" not in preview


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("logo.xlsx", "The file is not a valid .xlsx workbook (it may be damaged)."),
        ("logo.csv", "neither an .xlsx workbook nor a CSV text file"),
    ],
)
def test_a_bad_file_is_an_error_on_the_upload_form(client, administrator, name, message):
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", name=name)

    assert response.status_code == 200
    assert message in response.text
    assert not Job.objects.exists()


@pytest.mark.parametrize("group", ["Trade officers", "Managers"])
def test_trade_officers_and_managers_cannot_reach_the_import(client, group):
    grant(group, "view_companyprofile", "change_companyprofile")
    client.force_login(UserFactory(username="someone", groups=[group]))

    assert client.get(reverse("admin:partners_companyprofile_changelist")).status_code == 200
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {}).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403


def test_the_import_page_links_the_template_in_both_languages(client, administrator):
    page = client.get(IMPORT_URL).text

    assert f'href="{TEMPLATE_URL}?lang=de"' in page
    assert f'href="{TEMPLATE_URL}?lang=en"' in page


def test_the_import_page_lists_every_column_of_the_sheet_with_its_empty_cell_rule(
    client, administrator
):
    page = client.get(IMPORT_URL).text

    listed = re.findall(
        r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>\s*<td>(.*?)</td>", page, re.S
    )
    rules = {True: "keeps the stored value", False: "means “no”"}
    assert listed == [
        (
            column.en,
            column.de,
            column.field,
            "not allowed" if column.required else rules[column.empty_keeps],
        )
        for column in COLUMNS
    ]


@pytest.mark.parametrize(("lang", "attribute"), [("de", "de"), ("en", "en")])
def test_the_template_has_headers_example_drop_downs_and_instructions(
    client, administrator, lang, attribute
):
    response = client.get(TEMPLATE_URL, {"lang": lang})

    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == [getattr(column, attribute) for column in COLUMNS]
    assert sheet.max_row == 1  # The example is not data: it has a sheet of its own.
    example = workbook["Beispiel" if lang == "de" else "Example"]
    assert [c.value for c in example[1]] == [c.value for c in sheet[1]]
    assert example["A2"].value == "Muster Maschinenbau GmbH & Co. KG"
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    letters = {c.key: sheet.cell(row=1, column=i).column_letter for i, c in enumerate(COLUMNS, 1)}
    assert validated == {
        f"{letters[key]}2"
        for key in ("sector", "interests", "status", "consent_to_share", "publish")
    }
    assert workbook.worksheets[-1].title in {"Anleitung", "Instructions"}
    # The drop-downs' choices sit on a hidden sheet named in the template's language.
    lists = "Listen" if lang == "de" else "Lists"
    assert workbook[lists].sheet_state == "hidden"
    sources = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert all(source.startswith(f"'{lists}'!") for source in sources)


def test_the_template_imports_cleanly_and_its_example_never_becomes_a_company(
    client, administrator
):
    content = client.get(TEMPLATE_URL, {"lang": "de"}).content

    result = import_profiles(source=content, filename="vorlage.xlsx")

    assert (result.total_rows, result.created, result.errors) == (0, 0, [])
    # Its example and help sheets are the template's own, not rows left unread.
    assert result.warnings == []
    workbook = load_workbook(io.BytesIO(content))
    data, example = workbook.worksheets[0], workbook["Beispiel"]
    data.append([cell.value for cell in example[2]])  # Someone fills in below the example.
    data.append(["Echte Firma GmbH", "", "Leipzig"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = upload(client, buffer.getvalue())

    assert "1 row: 1 new" in preview.text
    assert "Row 2 is the template&#x27;s example and was skipped." in preview.text
    confirm(client, preview)
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Echte Firma GmbH"]


def test_an_export_imports_again_unchanged(client, administrator):
    import_profiles(
        source=xlsx([["Alt GmbH", "HRB 1", "Leipzig", "5", "C", "Vertrieb"]]), filename="first.xlsx"
    )
    dataset = CompanyProfileSheetResource().export()

    result = import_profiles(source=dataset.export("xlsx"), filename="export.xlsx", dry_run=True)

    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 1, [])


def test_an_administrator_reverts_an_import_from_the_log(client, administrator):
    import_profiles(source=xlsx([["Neu GmbH", "", "Leipzig", "5", "", ""]]), filename="a.xlsx")
    run = ImportRun.objects.get()

    asked = client.post(RUNS_URL, {"action": "revert", "_selected_action": [run.pk]})

    assert asked.status_code == 200  # First what it will undo, and a question.
    assert "Reverting deletes 1 company this import created" in asked.text
    assert "<li>Neu GmbH</li>" in asked.text
    assert Organisation.objects.exists()
    response = client.post(
        RUNS_URL, {"action": "revert", "_selected_action": [run.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Organisation.objects.exists()
    # The file's name as written: the admin capitalises a message's first letter.
    told = client.get(response.url).text
    assert f"Import {run} was reverted." in told and "A.xlsx" not in told
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REVERTED


def _an_update_and_a_new_company() -> ImportRun:
    """A second import that updates the company of the first and creates another."""
    import_profiles(source=xlsx([["Alt GmbH", "HRB 1", "Leipzig", "5", "", ""]]), filename="a.xlsx")
    import_profiles(
        source=xlsx(
            [["Alt GmbH", "HRB 1", "Leipzig", "9", "", ""], ["Neu AG", "", "Leipzig", "", "", ""]]
        ),
        filename="b.xlsx",
    )
    return ImportRun.objects.get(file_name="b.xlsx")


def test_an_administrator_reverts_an_import_from_its_own_page_after_confirming(
    client, administrator
):
    run = _an_update_and_a_new_company()
    revert_url = reverse("admin:partners_importrun_revert", args=[run.pk])

    page = client.get(reverse("admin:partners_importrun_change", args=[run.pk]))
    assert f'href="{revert_url}"' in page.text
    asked = client.get(revert_url)
    assert "deletes 1 company" in asked.text and "gives 1 updated company" in asked.text
    assert '<ul class="revert-deleted"><li>Neu AG</li></ul>' in asked.text
    assert '<ul class="revert-restored"><li>Alt GmbH</li></ul>' in asked.text
    assert Organisation.objects.count() == 2

    client.post(revert_url)

    assert list(Organisation.objects.values_list("name", flat=True)) == ["Alt GmbH"]
    assert CompanyProfile.objects.get().employees == 5
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REVERTED
    again = client.get(revert_url)
    assert "This import was already reverted" in again.text


def test_a_revert_refused_for_records_added_since_is_shown_not_a_server_error(
    client, administrator
):
    run = import_profiles(
        source=xlsx([["Neu GmbH", "", "Leipzig", "5", "", ""]]), filename="a.xlsx"
    ).run
    TripRegistrationFactory(organisation=Organisation.objects.get())
    revert_url = reverse("admin:partners_importrun_revert", args=[run.pk])

    asked = client.get(revert_url)
    response = client.post(revert_url, follow=True)

    assert "“Neu GmbH” is now used by trip registration" in asked.text
    assert response.status_code == 200
    assert "is now used by trip registration" in response.text
    assert Organisation.objects.exists()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.IMPORTED


def test_without_the_revert_permission_the_action_is_not_offered(client):
    grant("Managers", "view_importrun")
    client.force_login(UserFactory(username="manager", groups=["Managers"]))

    page = client.get(RUNS_URL)

    assert page.status_code == 200
    assert 'value="revert"' not in page.text
    run = import_profiles(
        source=xlsx([["Neu GmbH", "", "Leipzig", "5", "", ""]]), filename="a.xlsx"
    ).run
    revert_url = reverse("admin:partners_importrun_revert", args=[run.pk])
    assert (
        revert_url not in client.get(reverse("admin:partners_importrun_change", args=[run.pk])).text
    )
    assert client.get(revert_url).status_code == 403
    assert client.post(revert_url).status_code == 403
    assert Organisation.objects.exists()


@pytest.mark.parametrize("runs", [3, 30])
def test_the_import_log_needs_the_same_queries_for_3_and_30_runs(
    client, administrator, django_assert_num_queries, runs
):
    ImportRun.objects.bulk_create(
        [
            ImportRun(
                user=administrator,
                file_name=f"{n}.xlsx",
                sha256="0" * 64,
                mode="skip_invalid",
                status="imported",
            )
            for n in range(runs)
        ]
    )

    with django_assert_num_queries(8):
        assert client.get(RUNS_URL).status_code == 200


def test_two_imports_of_one_company_selected_together_are_reverted_newest_first(
    client, administrator
):
    sheet = xlsx([["Alt GmbH", "HRB 1", "Leipzig", "5", "", ""]])
    import_profiles(source=sheet, filename="a.xlsx")
    import_profiles(source=xlsx([["Alt GmbH", "HRB 1", "Leipzig", "9", "", ""]]), filename="b.xlsx")
    runs = list(ImportRun.objects.values_list("pk", flat=True))

    client.post(  # the list sorted oldest first
        f"{RUNS_URL}?o=1", {"action": "revert", "_selected_action": runs, "post": "yes"}
    )

    assert set(ImportRun.objects.values_list("status", flat=True)) == {ImportRun.Status.REVERTED}
    assert not Organisation.objects.exists()


def test_the_confirmation_of_two_imports_of_one_company_promises_both(client, administrator):
    import_profiles(source=xlsx([["Alt GmbH", "HRB 1", "Leipzig", "5", "", ""]]), filename="a.xlsx")
    import_profiles(source=xlsx([["Alt GmbH", "HRB 1", "Leipzig", "9", "", ""]]), filename="b.xlsx")
    runs = list(ImportRun.objects.values_list("pk", flat=True))
    profile = CompanyProfile.objects.get()
    histories = profile.history.count(), profile.organisation.history.count()

    page = client.post(f"{RUNS_URL}?o=1", {"action": "revert", "_selected_action": runs})

    assert "errornote" not in page.text  # the earlier one is judged after the later one
    assert [p.run.file_name for p in page.context["previews"]] == ["b.xlsx", "a.xlsx"]
    assert "Reverting deletes 1 company" in page.text
    # The page wrote nothing: both imports and the company are as they were.
    assert set(ImportRun.objects.values_list("status", flat=True)) == {ImportRun.Status.IMPORTED}
    profile = CompanyProfile.objects.get()
    assert (profile.history.count(), profile.organisation.history.count()) == histories
    assert profile.employees == 9


def test_the_publish_column_needs_the_right_to_publish(client):
    # An office that lets its trade officers import, but not publish.
    grant("Trade officers", "import_companyprofile")
    officer = UserFactory(username="officer-olga", groups=["Trade officers"])
    client.force_login(officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    row = ["Neu GmbH", "", "Leipzig", "5", "", "", "ja"]

    refused = upload(client, xlsx([row], headers=[*GERMAN, "Veröffentlichen"]))

    assert "The column &quot;Veröffentlichen&quot; publishes and withdraws" in refused.text
    assert not CompanyProfile.objects.exists()
    preview = upload(client, xlsx([row[:-1]]))  # without it, the import is theirs
    assert "1 row: 1 new" in preview.text
    assert confirm(client, preview).status_code == 302
    assert CompanyProfile.objects.get().visibility == "internal"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "（连同其企业简介）。同时删除0个新联系人。并将1家"),
        ("en", "(with its profile). It also deletes 0 new contacts. It gives 1 updated"),
        ("de", "(mit ihrem Profil). Es löscht außerdem 0 neue Ansprechpartner. 1 aktualisierte"),
    ],
)
def test_the_revert_summary_joins_its_sentences_as_the_language_writes(
    client, administrator, language, expected
):
    # Chinese runs its sentences on; German and English put a space between them.
    run = _an_update_and_a_new_company()
    revert_url = reverse("admin:partners_importrun_revert", args=[run.pk])

    page = client.get(revert_url, headers={"accept-language": language})

    summary = re.search(r'<p class="revert-summary">(.*?)</p>', page.text, re.S).group(1)
    assert expected in summary


def test_a_chinese_preview_joins_a_row_s_errors_and_changes_the_chinese_way(client, administrator):
    import_profiles(source=xlsx([["Alt GmbH", "HRB 1", "Leipzig", "5", "C", ""]]), filename="a")
    data = xlsx(
        [["Alt GmbH", "HRB 1", "南京", "7", "C", ""], ["B AG", "", "Atlantis", "viele", "", ""]]
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    preview = upload(client, data).text

    cells = re.findall(r'<tr class="\w+">.*?<td>([^<]*)</td>\s*</tr>', preview, re.S)

    # The ideographic list comma and the full-width semicolon, not ", " and "; ".
    changes, errors = cells
    assert changes == "Ort、Mitarbeiter"
    assert errors.count("；") == 1 and "; " not in errors
