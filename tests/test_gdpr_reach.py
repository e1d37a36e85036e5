"""Erasure and the subject-access export reach every place a person is quoted: other
records' text in any case, accent or Unicode form, the admin log's JSON messages, the jobs'
data and files (CSV in Windows-1252, XLSX, PDF); and they leave other people alone."""

import json
import unicodedata

import pytest
import weasyprint
from django.contrib.admin.models import CHANGE, LogEntry

from partners.gdpr import person_erase, person_export
from partners.models import Delegation, ImportRun, Job, Meeting, Person
from tests import factories as f
from tests.import_files import xlsx

NAME, EMAIL, PHONE = "Jürgen Müller", "juergen.mueller@muster.example", "+49 341 5550123"
NFD_NAME = unicodedata.normalize("NFD", NAME)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def person(db):
    return f.PersonFactory(full_name=NAME, email=EMAIL, phone=PHONE)


def job_with_file(name: str, data: bytes, **fields) -> Job:
    """A job whose folder holds ``name`` (a report job writes its file there itself)."""
    job = f.JobFactory(file_name=name, **fields)
    job.folder.mkdir(parents=True)
    (job.folder / name).write_bytes(data)
    Job.objects.filter(pk=job.pk).update(file=f"jobs/{job.pk}/{name}")
    return job


def pdf(html: str) -> bytes:
    return weasyprint.HTML(string=html).write_pdf()


@pytest.fixture
def job_files(media, person):
    """An upload in Excel's Windows "CSV", a workbook naming the person in capitals, printed
    handouts in decomposed Unicode (NFD), and an upload about someone else."""
    return {
        "csv": job_with_file(
            "import.csv", f"Firma;Ansprechpartner\nMuster GmbH;{NAME}\n".encode("cp1252")
        ),
        "xlsx": job_with_file(
            "import.xlsx", xlsx([["Muster GmbH", "Leipzig", NAME.upper()]], ["Firma", "Ort", "K"])
        ),
        "pdf": job_with_file(
            "handouts.pdf",
            pdf(f"<h1>Muster GmbH</h1><p>Kontakt: {NFD_NAME}, {PHONE}</p>"),
            kind=Job.Kind.DOCUMENTS,
        ),
        "other": job_with_file(
            "other.csv", "Firma;Ansprechpartner\nAndere GmbH;Jürgen Müllerova\n".encode("cp1252")
        ),
    }


def test_erasure_deletes_each_job_file_naming_the_person_and_reports_it(
    person, job_files, django_capture_on_commit_callbacks
):
    folders = {key: job.folder for key, job in job_files.items()}

    with django_capture_on_commit_callbacks(execute=True):
        erasure = person_erase(person=person)

    expected = {f"jobs/{job_files[key].pk}/{job_files[key].file_name}" for key in folders}
    assert set(erasure.files) == expected - {f"jobs/{job_files['other'].pk}/other.csv"}
    for key in ("csv", "xlsx", "pdf"):
        assert not folders[key].exists()
        job = Job.objects.get(pk=job_files[key].pk)
        assert job.file.name == ""
        assert job.result["reason"] == "Die Datei wurde bei einer DSGVO-Löschung gelöscht."
        assert job.result["can_confirm"] is False
    assert (folders["other"] / "other.csv").exists()  # a Müllerova is not a Müller


def test_the_export_lists_the_job_files_that_name_the_person(client, person, job_files):
    expected = [
        f"jobs/{job_files[key].pk}/{job_files[key].file_name}" for key in ("csv", "xlsx", "pdf")
    ]

    listed = [row["file"] for row in person_export(person=person)["job_files"]]

    assert sorted(listed) == sorted(expected)
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    page = client.get(f"/admin/partners/person/{person.pk}/gdpr/export/").content.decode()
    assert all(path in page for path in expected)


@pytest.fixture
def quotes(person):
    """The person quoted in other records in capitals, in NFD and spelt without umlauts, in
    the admin log's JSON message and in an import's stored preview and errors."""
    delegation = f.DelegationFactory(outcome=f"Rückruf an {NAME.upper()} zugesagt")
    meeting = f.MeetingFactory(title=f"Gespräch mit {NFD_NAME}")
    follow_up = f.FollowUpFactory(description="Juergen Mueller schickt das Angebot")
    LogEntry.objects.log_actions(
        user_id=f.UserFactory().pk,
        queryset=[delegation],
        action_flag=CHANGE,
        change_message=[{"added": {"name": "delegation member", "object": f"{NAME} (host)"}}],
    )
    job = f.JobFactory(
        result={
            "status": "previewed",
            "preview": [{"row": 2, "contact": NAME.upper(), "company": "Muster GmbH"}],
            "error_list": [{"row": 3, "message": f"{EMAIL} ist schon vergeben"}],
        }
    )
    run = ImportRun.objects.create(
        file_name="p.xlsx",
        sha256="0" * 64,
        mode="all_or_nothing",
        status="done",
        warnings=[f"Zeile 2: {NFD_NAME} hat zwei Telefonnummern"],
    )
    return {"delegation": delegation, "meeting": meeting, "follow_up": follow_up, "job": job,
            "run": run}  # fmt: skip


def test_the_admin_log_keeps_non_ascii_names_escaped(quotes):
    # Why plain matching misses it: Django writes the message with json.dumps.
    assert "M\\u00fcller" in LogEntry.objects.get().change_message


def test_erasure_rewrites_every_quote_whatever_its_case_or_unicode_form(person, quotes):
    erasure = person_erase(person=person)

    rows = Delegation.objects.rewrite(False)
    assert rows.get(pk=quotes["delegation"].pk).outcome == "Rückruf an anonymisiert zugesagt"
    assert Meeting.objects.rewrite(False).get().title == "Gespräch mit anonymisiert"
    quotes["follow_up"].refresh_from_db()
    assert quotes["follow_up"].description == "anonymisiert schickt das Angebot"
    message = json.loads(LogEntry.objects.get().change_message)
    assert message == [{"added": {"name": "delegation member", "object": "anonymisiert (host)"}}]
    quotes["job"].refresh_from_db()
    assert quotes["job"].result["preview"][0] == {"row": 2, "contact": "", "company": "Muster GmbH"}
    assert quotes["job"].result["error_list"][0]["message"] == " ist schon vergeben"
    quotes["run"].refresh_from_db()
    assert quotes["run"].warnings == ["Zeile 2:  hat zwei Telefonnummern"]
    assert erasure.texts == 9  # three records and their versions, the log, the job, the run


def test_the_export_lists_every_quote_the_erasure_would_rewrite(person, quotes):
    mentions = person_export(person=person)["mentions"]

    records = {(row["record"], str(row["id"])) for row in mentions}
    for key in ("delegation", "meeting", "follow_up", "job", "run"):
        record = quotes[key]
        assert (str(record._meta.verbose_name), str(record.pk)) in records
    logged = [row for row in mentions if "change_message" in row]
    assert logged[0]["change_message"][0]["added"]["object"] == f"{NAME} (host)"


def test_the_export_page_shows_the_quotes(client, person, quotes):
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    page = client.get(f"/admin/partners/person/{person.pk}/gdpr/export/").content.decode()
    data = json.loads(client.get(f"/admin/partners/person/{person.pk}/gdpr/export.json").content)

    assert "Erwähnt in anderen Datensätzen" in page and "Rückruf an JÜRGEN MÜLLER" in page
    assert any(
        row.get("outcome") == f"Rückruf an {NAME.upper()} zugesagt" for row in data["mentions"]
    )


def test_erasure_reaches_the_reasons_written_into_the_history(person):
    from simple_history.utils import update_change_reason

    delegation = f.DelegationFactory()
    update_change_reason(delegation, f"Import von {NAME.upper()} Kontakte.xlsx")

    person_erase(person=person)

    reasons = delegation.history.values_list("history_change_reason", flat=True)
    assert list(reasons) == ["Import von anonymisiert Kontakte.xlsx"]


# --- other people are left alone --------------------------------------------------------


def test_a_name_matches_whole_words_only(db):
    anna = f.PersonFactory(full_name="Anna Alt")
    delegation = f.DelegationFactory(
        outcome="Johanna Altmann und Anna Alt kamen, Anna Alts Chef auch"
    )

    person_erase(person=anna)

    outcome = Delegation.objects.rewrite(False).get(pk=delegation.pk).outcome
    assert outcome == "Johanna Altmann und anonymisiert kamen, anonymisiert Chef auch"


def test_a_latin_name_written_into_chinese_text_is_erased(person):
    # Chinese puts no space around a foreign name: 总经理Jürgen Müller与… is the person.
    delegation = f.DelegationFactory(
        summary_de="Besuch", summary_zh_hans=f"总经理{NAME}与经济促进局局长会谈。{NAME}的公司"
    )

    person_erase(person=person)

    summary = Delegation.objects.rewrite(False).get(pk=delegation.pk).summary_zh_hans
    assert summary == "总经理anonymisiert与经济促进局局长会谈。anonymisiert的公司"


def test_erasure_takes_the_name_out_of_the_slugs_made_from_a_title(person):
    visit = f.DelegationFactory(title_de=f"Besuch von {NAME}", visibility="public")
    taken = f.DelegationFactory(title_de="Besuch von anonymisiert")
    old_slug = visit.slug
    assert "juergen-mueller" in old_slug

    person_erase(person=person)

    visit.refresh_from_db()
    assert visit.slug.startswith("besuch-von-anonymisiert-")  # that one was taken
    assert visit.slug != taken.slug
    assert not visit.history.filter(slug=old_slug).exists()
    assert "juergen" not in json.dumps(list(visit.history.values_list("slug", flat=True)))


def test_a_name_written_family_name_first_is_erased(person):
    delegation = f.DelegationFactory(outcome="Rückruf: Müller, Jürgen (Einkauf); MÜLLER,  JÜRGEN")

    person_erase(person=person)

    outcome = Delegation.objects.rewrite(False).get(pk=delegation.pk).outcome
    assert outcome == "Rückruf: anonymisiert (Einkauf); anonymisiert"


def test_a_short_name_is_not_searched_in_other_records_and_the_erasure_says_so(db):
    wang = f.PersonFactory(full_name="Wang", email="", phone="")
    other = f.PersonFactory(full_name="Wang Fang", notes="Wang ist ihr Familienname")
    delegation = f.DelegationFactory(outcome="Wang kam; Herr Wang Lei auch")

    erasure = person_erase(person=wang)

    assert erasure.not_searched == ["Wang"]
    assert erasure.texts == 0
    wang.refresh_from_db()
    assert wang.full_name == "anonymisiert"
    assert Delegation.objects.rewrite(False).get(pk=delegation.pk).outcome == (
        "Wang kam; Herr Wang Lei auch"
    )
    other.refresh_from_db()
    assert (other.full_name, other.notes) == ("Wang Fang", "Wang ist ihr Familienname")


def test_the_confirmation_and_the_report_name_a_name_too_short_to_search(client, db):
    li = f.PersonFactory(full_name="Li", email="", phone="")
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    url = f"/admin/partners/person/{li.pk}/gdpr/erase/"

    confirmation = client.get(url).content.decode()
    assert "zu kurz" in confirmation and "Li" in confirmation
    assert Person.objects.get(pk=li.pk).anonymised_at is None

    response = client.post(url, follow=True)
    reported = [str(message) for message in response.context["messages"]]
    assert any("Li" in message and "von Hand" in message for message in reported)


def test_a_position_is_not_a_quote_other_peoples_logs_and_files_keep_it(
    db, media, django_capture_on_commit_callbacks
):
    director = f.PersonFactory(full_name=NAME, position="Geschäftsführer")
    colleague = f.PersonFactory(full_name="Erika Mustermann", position="Geschäftsführer")
    LogEntry.objects.log_actions(
        user_id=f.UserFactory().pk,
        queryset=[colleague],
        action_flag=CHANGE,
        change_message="Position auf Geschäftsführer geändert.",
    )
    upload = job_with_file(
        "import.csv", "Ansprechpartner;Position\nErika;Geschäftsführer\n".encode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=director)

    entry = LogEntry.objects.get(object_id=str(colleague.pk))
    assert entry.change_message == "Position auf Geschäftsführer geändert."
    assert (upload.folder / "import.csv").exists()


# --- matching: fast, and the same as the admin search's fold() --------------------------


def test_the_fast_folding_folds_as_the_admin_search_does():
    """gdpr_traces keeps fold()'s steps as a table; if fold() changes, this says so."""
    import random

    from partners.gdpr_traces import folded
    from partners.models.folding import fold

    pick = random.Random(7)
    ranges = [(0x20, 0x7F), (0x80, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x3000, 0x3100),
              (0x4E00, 0x4E80), (0xFB00, 0xFB07), (0xFF00, 0xFF70), (0x1F600, 0x1F610)]  # fmt: skip
    texts = ["Æe Mueller ǅ ﬃ ẞ İ", unicodedata.normalize("NFD", "Jürgen Müller")]
    texts += [
        "".join(chr(pick.randrange(*pick.choice(ranges))) for _ in range(pick.randrange(1, 30)))
        for _ in range(20000)
    ]
    assert [text for text in texts if folded(text) != fold(text)] == []


def test_no_text_that_mentions_the_person_is_screened_out():
    """The cheap screens never reject a text that the full match accepts."""
    import random

    from partners.gdpr_traces import Traces, folded

    traces = Traces([NAME, EMAIL, PHONE, "张伟"])
    pick = random.Random(11)
    alphabet = "jJĴüÜuUeEgGrRnNmMlL张伟 +49341502.@" + unicodedata.normalize("NFD", "ü")
    texts = ["".join(pick.choices(alphabet, k=pick.randrange(5, 20))) for _ in range(100000)]
    texts += [
        f"x {variant} y" for variant in (NAME.upper(), NFD_NAME, "ＪＵＲＧＥＮ　ＭＵＬＬＥＲ")
    ]
    matching = [text for text in texts if traces.pattern.search(folded(text))]

    assert len(matching) >= 3
    assert all(traces.found_in(text) for text in matching)


def test_the_confirmation_says_how_many_texts_quote_the_person(client, person, quotes):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))

    page = client.get(f"/admin/partners/person/{person.pk}/gdpr/erase/").content.decode()

    # The delegation, meeting and follow-up with their versions, the log, the job, the run.
    assert "zitieren diese Person in 9 Texten" in page
