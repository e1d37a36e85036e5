"""GDPR requests about a contact person: export everything stored, or erase the person.

Erasure anonymises rather than deletes: the person's links to delegations, meetings,
memoranda, company profiles and company trips are facts about those records and stay, under
the name "anonymised" (the scheduler still needs it to keep one traveller out of two
meetings at once). Every other trace goes: the record and its history, the copies other
records keep (a member's position at the time), the prose that may quote the person
(_free_text()), the import log, job files and their stored options, the admin log, the cache.
"""

import datetime
import io
import json
import re
import zipfile

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    CharField,
    EmailField,
    F,
    Model,
    Q,
    SlugField,
    TextField,
    URLField,
)
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.fields import TranslationField
from modeltranslation.utils import get_translation_fields
from simple_history.models import HistoricalChanges

from .models import (
    DelegationMember,
    ImportRun,
    ImportRunItem,
    Job,
    MemorandumParty,
    Person,
    TripRegistration,
    Visibility,
)


def _texts(record: Model, field: str) -> dict:
    """``field`` in the active language (as before), and its text in each language."""
    return {name: getattr(record, name) for name in [field, *get_translation_fields(field)]}


# Fields that identify or describe the person, the position in each language too; blanked
# on erasure. `full_name` is required and gets the word "anonymised" instead.
PERSONAL_FIELDS = ["local_name", "honorific", "email", "phone", "notes", "position"]
PERSONAL_FIELDS += get_translation_fields("position")
# Copies of the person's position: (model, field, the link to the person).
COPIED_POSITIONS = [
    (DelegationMember, "position_at_time", "person"),
    (MemorandumParty, "signatory_position", "signatory"),
]
ERASURE_REASON = "GDPR erasure"

# Text fields that are not prose: names, codes and addresses of other records (a city's or a
# company's name is that record's identity, not a quote), and job titles (a person's own
# position, blanked through PERSONAL_FIELDS and COPIED_POSITIONS). Slugs, URLs, e-mails and
# fields with choices are left out by their type.
NOT_PROSE = {
    "full_name", "local_name", "honorific", "name", "short_name", "region", "code", "phone",
    "register_number", "language", "position", "position_at_time", "signatory_position",
}  # fmt: skip
# Logs with erasures of their own (_erase_from_import_log, _erase_from_jobs).
NOT_FREE_TEXT_MODELS = {"ImportRun", "ImportRunItem", "Job"}


def _free_text() -> dict[type[Model], list[str]]:
    """Prose that an officer, or a company registering for a trip, may write a person's name,
    e-mail or phone into, per model: every text field but NOT_PROSE, the derived ones and
    the logs. Those words become the anonymised name, in every language and version; the
    rest of the text is the company's or the office's, and stays."""
    from .translation import DERIVED_FIELDS

    found = {}
    for model in apps.get_app_config("partners").get_models():
        if model.__name__ in NOT_FREE_TEXT_MODELS or issubclass(model, HistoricalChanges):
            continue  # a model's history is reached through the model
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, CharField | TextField)
            and not isinstance(field, SlugField | URLField | EmailField | TranslationField)
            and not field.choices
            and field.name not in NOT_PROSE
            and field.name not in DERIVED_FIELDS.get(model, ())
        ]
        if names:
            found[model] = names
    return found


def _fields(obj: Model, *, exclude: tuple[str, ...] = ()) -> dict:
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in exclude
    }


def _log_entries(person: Person):
    """The admin log's entries about ``person`` itself."""
    person_type = ContentType.objects.get_for_model(Person)
    return LogEntry.objects.filter(content_type=person_type, object_id=str(person.pk))


def person_export(*, person: Person) -> dict:
    """Everything stored about ``person``, as plain data (keys are field names)."""
    memberships = person.delegation_memberships.select_related("delegation")
    signatures = person.signed_memoranda.select_related("memorandum", "organisation")
    handovers = person.profile_handovers.select_related("profile__organisation", "recipient")
    return {
        "exported_at": timezone.now(),
        "person": {
            **_fields(person),
            "organisation": str(person.organisation) if person.organisation_id else None,
        },
        "delegation_memberships": [
            {
                "delegation_id": m.delegation_id,
                "delegation": m.delegation.title,
                "start_date": m.delegation.start_date,
                "role": m.role,
                **_texts(m, "position_at_time"),
            }
            for m in memberships
        ],
        "meetings": list(person.meetings.values("id", "title", "date", "city__name")),
        "memoranda_signed": [
            {
                "memorandum_id": p.memorandum_id,
                "memorandum": p.memorandum.title,
                "organisation": p.organisation.name,
                **_texts(p, "signatory_position"),
            }
            for p in signatures
        ],
        "company_profiles_as_contact": list(
            person.contact_for_profiles.values("id", "organisation__name")
        ),
        "profile_handovers": [
            {
                "handover_id": h.pk,
                "company": h.profile.organisation.name,
                "recipient": h.recipient.name,
                "handed_over_on": h.handed_over_on,
            }
            for h in handovers
        ],
        "trip_registrations": [
            {
                "registration_id": r.pk,
                "delegation": r.delegation.title,
                "company": r.organisation.name,
                "as_contact": r.contact_id == person.pk,
                "status": r.status,
                "registered_at": r.registered_at,
            }
            for r in TripRegistration.objects.filter(Q(contact=person) | Q(representatives=person))
            .select_related("delegation", "organisation")
            .distinct()
        ],
        "history": [
            {
                **_fields(row, exclude=("history_user_id",)),
                "history_user": row.history_user.get_username() if row.history_user else None,
            }
            for row in person.history.select_related("history_user").order_by("history_date")
        ],
        "admin_log": [
            {
                "action_time": entry.action_time,
                "user": entry.user.get_username(),
                "change_message": entry.get_change_message(),
            }
            for entry in _log_entries(person).select_related("user")
        ],
    }


@transaction.atomic
def person_erase(*, person: Person, user=None, now: datetime.datetime | None = None) -> Person:
    """Anonymise ``person`` everywhere it is stored; its links stay. Erasing twice is harmless."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        return person
    traces = _traces(person)
    quotes = _traces(person, fields=QUOTED_FIELDS)
    with translation.override(settings.LANGUAGE_CODE):  # the agency's working language
        name = str(_("anonymised"))
    blanks = dict.fromkeys(PERSONAL_FIELDS, "")
    for field, value in {**blanks, "full_name": name}.items():
        setattr(person, field, value)
    person.anonymised_at = now or timezone.now()
    # Off the public pages: a public list would show the placeholder "anonymised".
    person.visibility = Visibility.INTERNAL
    person._history_user = user
    person._change_reason = ERASURE_REASON
    person.save()

    # Every earlier version too, or the history would still tell who it was.
    person.history.update(full_name=name, **blanks)
    # Copies of the person's position kept by their memberships and signatures.
    for model, field, link in COPIED_POSITIONS:
        blanks = dict.fromkeys([field, *get_translation_fields(field)], "")
        rows = model.objects.filter(**{link: person}).rewrite(False)  # the columns as named
        rows.update(**blanks, version=F("version") + 1)
        model.history.filter(**{f"{link}_id": person.pk}).update(**blanks)
    _log_entries(person).update(object_repr=name)
    _erase_from_import_log(person, traces)
    _erase_from_jobs(traces)
    _erase_from_free_text(quotes, name)
    _erase_from_admin_log(traces, name)
    transaction.on_commit(cache.clear)
    return person


# Han, kana and Hangul: one character is a syllable, so a two-character name is a name.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
NAME_FIELDS = ("full_name", "local_name")
# What identifies the person in someone else's prose. Not the position or honorific: many
# people are a "Director" or a "市长", and other records' texts keep those words.
QUOTED_FIELDS = [*NAME_FIELDS, "email", "phone", "notes"]


def _traces(person: Person, fields: list[str] | None = None) -> set[str]:
    """Every value of the person's personal fields (or of ``fields``), now and in any
    earlier version."""
    fields = fields or ["full_name", *PERSONAL_FIELDS]
    rows = [[getattr(person, field) for field in fields]]
    rows += person.history.values_list(*fields)
    return {
        value.strip()
        for row in rows
        for field, value in zip(fields, row, strict=True)
        if value and _distinctive(value.strip(), is_name=field in NAME_FIELDS)
    }


def _distinctive(value: str, *, is_name: bool) -> bool:
    """Long enough to stand for the person rather than for a common word: Latin values of
    fewer than 5 characters ("Dr.", "Li", "Wang") would replace every such word or syllable
    in unrelated text. A Chinese name is 2 or 3 characters, all of it; a Chinese position
    that short ("市长", mayor) is a common word, so the exception is for names only."""
    if is_name and CJK.search(value):
        return len(value) >= 2
    return len(value) >= 5


def _scrubbed(data, traces: set[str]):
    """JSON data with every trace replaced by "" (in keys' values and in messages)."""
    text = json.dumps(data, ensure_ascii=False)
    for trace in sorted(traces, key=len, reverse=True):
        text = text.replace(json.dumps(trace, ensure_ascii=False)[1:-1], "")
    return json.loads(text)


def _erase_from_import_log(person: Person, traces: set[str]) -> None:
    # Created rows have no ``before``; tested here, as a None lookup on JSON is deprecated.
    for item in ImportRunItem.objects.filter(contact_id=person.pk):
        if item.before and item.before.get("contact"):
            item.before["contact"] = dict.fromkeys(item.before["contact"], "")
            item.save(update_fields=["before"])
    for run in ImportRun.objects.only("id", "errors", "warnings"):
        errors, warnings = _scrubbed(run.errors, traces), _scrubbed(run.warnings, traces)
        if (errors, warnings) != (run.errors, run.warnings):
            ImportRun.objects.filter(pk=run.pk).update(errors=errors, warnings=warnings)


def _erase_from_jobs(traces: set[str]) -> None:
    """Deletes every job file that mentions the person; scrubs the jobs' stored options
    (an export's query string may search for the person), file name and outcome."""
    needles = [trace.encode().lower() for trace in traces]
    pattern = _pattern(traces)
    for job in Job.objects.all():
        result = _scrubbed(job.result, traces)
        options = _scrubbed(job.options, traces)
        file_name = pattern.sub("", job.file_name)
        mentioned = bool(job.file) and _mentions(job, needles)
        if mentioned:
            job.delete_files()
            result["reason"] = "The file was deleted by a GDPR erasure."
        if mentioned or (result, options, file_name) != (job.result, job.options, job.file_name):
            Job.objects.filter(pk=job.pk).update(
                result=result,
                options=options,
                file_name=file_name,
                file="" if mentioned else job.file.name,
            )


def _mentions(job: Job, needles: list[bytes]) -> bool:
    try:
        with job.file.open("rb") as file:
            data = file.read()
    except FileNotFoundError:
        return False
    if not data.startswith(b"PK"):
        return _holds(data, needles)
    try:  # XLSX: the text is in the compressed members.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(_holds(archive.read(member), needles) for member in archive.namelist())
    except zipfile.BadZipFile:
        return _holds(data, needles)


def _holds(data: bytes, needles: list[bytes]) -> bool:
    data = data.lower()
    return any(needle in data for needle in needles)


def _pattern(traces: set[str]) -> re.Pattern:
    """Any trace, in any case (an e-mail address is typed as it comes); longest first."""
    alternatives = sorted(traces, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)) or "(?!)", re.IGNORECASE)


def _text_columns(model: type[Model], names: list[str]) -> list[str]:
    """The fields ``names`` and, for a translated field, its column in each language."""
    wanted = {*names}
    for name in names:
        wanted.update(get_translation_fields(name))
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname in wanted and isinstance(field, CharField | TextField)
    ]


def _erase_from_free_text(traces: set[str], name: str) -> None:
    pattern = _pattern(traces)
    for model, names in _free_text().items():
        history = [model.history.model] if hasattr(model, "history") else []
        for target in (model, *history):
            columns = _text_columns(target, names)
            rows = target._base_manager.order_by()
            if hasattr(rows, "rewrite"):  # reach each column itself, not the active language's
                rows = rows.rewrite(False)
            mentions = Q()
            for column in columns:
                for trace in traces:
                    mentions |= Q(**{f"{column}__icontains": trace})
            for row in rows.filter(mentions).values("pk", *columns):
                changes = {
                    column: pattern.sub(name, row[column])
                    for column in columns
                    if row[column] and pattern.search(row[column])
                }
                if target is model and hasattr(model, "version"):
                    changes["version"] = F("version") + 1  # an open admin form must not undo it
                rows.filter(pk=row["pk"]).update(**changes)


def _erase_from_admin_log(traces: set[str], name: str) -> None:
    """Other records' log entries: a name (a member "Erika Muster (host)", an opportunity's
    title) or a change message ("Added … Erika Muster") may quote the person."""
    pattern = _pattern(traces)
    mentions = Q()
    for trace in traces:
        mentions |= Q(object_repr__icontains=trace) | Q(change_message__icontains=trace)
    for entry in LogEntry.objects.filter(mentions).only("object_repr", "change_message"):
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=pattern.sub(name, entry.object_repr),
            change_message=pattern.sub(name, entry.change_message),
        )
