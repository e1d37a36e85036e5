"""GDPR requests about a contact person: export everything stored, or erase the person.

Erasure anonymises rather than deletes: the person's links to delegations, meetings,
memoranda, company profiles and company trips are facts about those records and stay, under
the name "anonymised" (the scheduler still needs it to keep one traveller out of two
meetings at once). Every other trace goes: the record and its history, the copies other
records keep (a member's position at the time), the prose that may quote the person
(_free_text()) and the slugs made from it, the import log, job files and their stored
options, the admin log, the cache. The export reports the same places (_mentions(),
_job_files()) but the slugs: what erasure would change.

Quotes are found by gdpr_traces.Traces: whole words, whatever the case, accents or Unicode
form. A name too short to stand for the person ("Li", "Wang") is not looked for in other
records' text: the confirmation page and the erasure's report name it (Erasure.not_searched).
"""

import json
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.fields import TranslationField
from modeltranslation.utils import get_translation_fields
from simple_history.models import HistoricalChanges

from .gdpr_traces import CJK, Traces, change_message_data, file_text
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
from .models.base import SluggedMixin, german_slug, unique_slug


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
# Text fields that are not prose: names, codes and addresses of other records (a city's or a
# company's name is that record's identity, not a quote), and job titles (a person's own
# position, blanked through PERSONAL_FIELDS and COPIED_POSITIONS). Slugs, URLs, e-mails and
# fields with choices are left out by their type.
NOT_PROSE = {
    "full_name", "local_name", "honorific", "name", "short_name", "region", "code", "phone",
    "register_number", "language", "position", "position_at_time", "signatory_position",
}  # fmt: skip
# Logs, searched through _text_places() with columns of their own: a quote there is cut
# out rather than renamed (a file name, a query string).
LOGS = (ImportRun, ImportRunItem, Job)


def _free_text() -> dict[type[Model], list[str]]:
    """Prose that an officer, or a company registering for a trip, may write a person's name,
    e-mail or phone into, per model: the columns of every text field but NOT_PROSE, the
    derived ones and the logs, in every language. Those words become the anonymised name;
    the rest of the text is the company's or the office's, and stays."""
    from .translation import DERIVED_FIELDS

    found = {}
    for model in apps.get_app_config("partners").get_models():
        if model in LOGS or issubclass(model, HistoricalChanges):
            continue  # a model's history is reached through the model
        text = [f for f in model._meta.concrete_fields if isinstance(f, CharField | TextField)]
        prose = {
            field.name
            for field in text
            if not isinstance(field, SlugField | URLField | EmailField | TranslationField)
            and not field.choices
            and field.name not in NOT_PROSE
            and field.name not in DERIVED_FIELDS.get(model, ())
        }
        prose.update(column for name in list(prose) for column in get_translation_fields(name))
        if columns := [field.attname for field in text if field.attname in prose]:
            found[model] = columns
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
    quotes, not_searched = _quotes(person)
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
        "imported_rows": [
            {"import": str(item.run), "row": item.row, "contact_before": item.before["contact"]}
            for item in ImportRunItem.objects.filter(contact_id=person.pk).select_related("run")
            if item.before and item.before.get("contact")
        ],
        # Other records, their versions, logs and jobs that quote the person.
        "mentions": [
            {"record": str(m.model._meta.verbose_name), "id": m.pk, **m.texts}
            for m in _mentions(quotes)
        ],
        "job_files": [
            {"file": str(path.relative_to(settings.MEDIA_ROOT))}
            for path, _text in _job_files(quotes)
        ],
        "not_searched": not_searched,
    }


@dataclass
class Erasure:
    """What an erasure did, for the administrator who asked for it."""

    person: Person
    texts: int = 0  # other records' texts (and their versions, log entries) rewritten
    files: list[str] = field(default_factory=list)  # job files deleted, under MEDIA_ROOT
    not_searched: list[str] = field(default_factory=list)  # names too short to look for


def person_erase(*, person: Person, user=None) -> Erasure:
    """Anonymise ``person`` everywhere it is stored; its links stay. Erasing twice is harmless."""
    return people_erase(people=[person], user=user)[0]


@transaction.atomic
def people_erase(*, people: list[Person], user=None) -> list[Erasure]:
    """person_erase() for each of ``people``, in one transaction; other records' texts and
    the job files are read once for all of them (each read costs seconds at scale)."""
    locked = Person.objects.select_for_update().in_bulk([person.pk for person in people])
    # Stored, and read by everyone: in the agency's working language, not the eraser's.
    with translation.override(settings.LANGUAGE_CODE):
        name, reason = str(_("anonymised")), str(_("GDPR erasure"))
    erasures, quotes = [], {}
    for person in (locked[person.pk] for person in people):
        if person.anonymised_at:
            erasures.append(Erasure(person))
            continue
        quotes[person.pk], not_searched = _quotes(person)  # before its history is blanked
        _anonymise(person, name, reason, user)
        erasures.append(Erasure(person, not_searched=not_searched))
    everyone = Traces(value for traces in quotes.values() for value in traces.values)
    texts = [list(mention.texts.values()) for mention in _erase_mentions(everyone, name)]
    _erase_slugs(everyone, name)
    files = _erase_job_files(everyone)
    root = Path(settings.MEDIA_ROOT)
    for erasure in erasures:
        if own := quotes.get(erasure.person.pk):
            erasure.texts = sum(1 for data in texts if any(map(own.found_in, data)))
            erasure.files = [
                str(path.relative_to(root)) for path, text in files if own.found_in(text)
            ]
    transaction.on_commit(cache.clear)
    return erasures


def _anonymise(person: Person, name: str, reason: str, user) -> None:
    """The person's own record, its versions, and the copies other records keep of it."""
    blanks = dict.fromkeys(PERSONAL_FIELDS, "")
    for field_name, value in {**blanks, "full_name": name}.items():
        setattr(person, field_name, value)
    person.anonymised_at = timezone.now()
    # Off the public pages: a public list would show the placeholder "anonymised".
    person.visibility = Visibility.INTERNAL
    person._history_user = user
    person._change_reason = reason
    person.save()

    # Every earlier version too, or the history would still tell who it was.
    person.history.update(full_name=name, **blanks)
    # Copies of the person's position kept by their memberships and signatures.
    for model, column, link in COPIED_POSITIONS:
        blanks = dict.fromkeys([column, *get_translation_fields(column)], "")
        rows = model.objects.filter(**{link: person}).rewrite(False)  # the columns as named
        rows.update(**blanks, version=F("version") + 1)
        model.history.filter(**{f"{link}_id": person.pk}).update(**blanks)
    _log_entries(person).update(object_repr=name)
    # The import log's copy of the contact as it was before an import updated it.
    for item in ImportRunItem.objects.filter(contact_id=person.pk):
        if item.before and item.before.get("contact"):
            item.before["contact"] = dict.fromkeys(item.before["contact"], "")
            item.save(update_fields=["before"])


NAME_FIELDS = ("full_name", "local_name")
# What identifies the person in someone else's prose. Not the position or honorific: many
# people are a "Director" or a "市长", and other records' texts keep those words.
QUOTED_FIELDS = [*NAME_FIELDS, "email", "phone", "notes"]


def _quotes(person: Person) -> tuple[Traces, list[str]]:
    """The values of the person's QUOTED_FIELDS, now and in any earlier version, that are
    distinctive enough to look for in other records; and the names that are not."""
    rows = [[getattr(person, name) for name in QUOTED_FIELDS]]
    rows += person.history.values_list(*QUOTED_FIELDS)
    values = {
        (value.strip(), name in NAME_FIELDS)
        for row in rows
        for name, value in zip(QUOTED_FIELDS, row, strict=True)
        if value and value.strip()
    }
    distinct = [value for value, is_name in values if _distinctive(value, is_name=is_name)]
    indistinct = [value for value, is_name in values if is_name and value not in distinct]
    listed = [_as_listed(value) for value, is_name in values if is_name and value in distinct]
    return Traces([*distinct, *filter(None, listed)]), sorted(indistinct)


def _as_listed(name: str) -> str:
    """A Latin name as lists and files write it, family name first: "Körner, Michael"."""
    words = name.split()
    if len(words) < 2 or CJK.search(name):
        return ""
    return f"{words[-1]}, {' '.join(words[:-1])}"


def quoted_in(person: Person) -> int:
    """How many texts of other records (versions, logs, jobs) erasure would rewrite: shown
    before erasing, so that a name shared by many ("Zhang Wei") is not erased unseen."""
    return sum(1 for _mention in _mentions(_quotes(person)[0]))


def not_searched_names(person: Person) -> list[str]:
    """The person's names that erasure will not look for in other records' text."""
    return _quotes(person)[1]


def _distinctive(value: str, *, is_name: bool) -> bool:
    """Long enough to stand for the person rather than for a common word: Latin values of
    fewer than 5 characters ("Dr.", "Li", "Wang") would replace every such word in unrelated
    text. A Chinese name is 2 or 3 characters, all of it; a Chinese position that short
    ("市长", mayor) is a common word, so the exception is for names only."""
    if is_name and CJK.search(value):
        return len(value) >= 2
    return len(value) >= 5


def _text_places() -> Iterator[tuple[type[Model], list[str]]]:
    """Every model (and its history) with text that may quote a person, and those columns."""
    for model, columns in _free_text().items():
        yield model, columns
        if hasattr(model, "history"):
            # The reason may name an import's file ("Revert of import Müller.xlsx").
            yield model.history.model, [*columns, "history_change_reason"]
    yield LogEntry, ["object_repr", "change_message"]
    yield ImportRun, ["file_name", "errors", "warnings"]
    yield ImportRunItem, ["before"]
    yield Job, ["file_name", "options", "result"]


def _decoded(model, column: str, value):
    """A stored value as the data to search: a log entry's JSON message, a job's query."""
    if model is LogEntry and column == "change_message":
        return change_message_data(value)
    if model is Job and column == "options" and isinstance(value.get("query"), str):
        pairs = parse_qsl(value["query"], keep_blank_values=True)
        return {**value, "query": [list(pair) for pair in pairs]}
    return value


def _encoded(model, column: str, data):
    if model is LogEntry and column == "change_message" and not isinstance(data, str):
        return json.dumps(data)  # as Django writes it
    if model is Job and column == "options" and isinstance(data.get("query"), list):
        return {**data, "query": urlencode([tuple(pair) for pair in data["query"]])}
    return data


@dataclass(frozen=True)
class Mention:
    model: type[Model]
    pk: object
    texts: dict  # column: the stored value, decoded


def _rows(model: type[Model]):
    rows = model._base_manager.all()
    # modeltranslation's rewrite(False): each column itself, not the active language's.
    return rows.rewrite(False) if hasattr(rows, "rewrite") else rows


def _mentions(quotes: Traces) -> Iterator[Mention]:
    """Every row of _text_places() whose text mentions the person. Read in Python, chunk by
    chunk: the databases cannot match as Traces does (see gdpr_traces)."""
    if not quotes:
        return
    for model, columns in _text_places():
        rows = _rows(model).order_by("pk").values_list("pk", *columns)
        for pk, *values in rows.iterator(chunk_size=2000):
            decoded = {c: _decoded(model, c, v) for c, v in zip(columns, values, strict=True) if v}
            texts = {c: data for c, data in decoded.items() if quotes.found_in(data)}
            if texts:
                yield Mention(model, pk, texts)


def _erase_mentions(quotes: Traces, name: str) -> list[Mention]:
    """Replaces the quotes by ``name`` (by nothing in the logs); the rows it rewrote."""
    changed = []
    for mention in _mentions(quotes):
        model = mention.model
        replacement = "" if model in LOGS else name
        changes = {
            column: _encoded(model, column, quotes.replace(data, replacement))
            for column, data in mention.texts.items()
        }
        if hasattr(model, "version") and not issubclass(model, HistoricalChanges):
            changes["version"] = F("version") + 1  # an open admin form must not undo it
        if _rows(model).filter(pk=mention.pk).update(**changes):
            changed.append(mention)
    return changed


def _slug_pattern(quotes: Traces) -> re.Pattern | None:
    """The person's values as they stand in a slug: "Michael Körner" as "michael-koerner"."""
    words = sorted({german_slug(value) for value in quotes.values} - {""}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(map(re.escape, words))})(?![a-z0-9])")


def _erase_slugs(quotes: Traces, name: str) -> None:
    """Slugs made from a title that named the person ("idee-von-michael-koerner"), in the
    records and their versions: the name in them becomes ``name``, as in the title. The
    address of a public page changes with it; the old one named the person."""
    if not (pattern := _slug_pattern(quotes)):
        return
    free_text = _free_text()
    for model in free_text:
        if not issubclass(model, SluggedMixin) or model.slug_source not in free_text[model]:
            continue  # a city's or a company's slug is its name's, not a quote
        for pk, slug in _rows(model).values_list("pk", "slug").iterator(chunk_size=2000):
            if pattern.search(slug):
                record = model._base_manager.get(pk=pk)
                changes = {"slug": unique_slug(record, pattern.sub(german_slug(name), slug))}
                if hasattr(model, "version"):
                    changes["version"] = F("version") + 1  # an open admin form must not undo it
                _rows(model).filter(pk=pk).update(**changes)
        versions = model.history.model._base_manager
        for history_id, slug in versions.values_list("history_id", "slug").iterator(2000):
            if pattern.search(slug):
                anonymous = pattern.sub(german_slug(name), slug)
                versions.filter(history_id=history_id).update(slug=anonymous)


def _job_files(quotes: Traces) -> Iterator[tuple[Path, str]]:
    """Every file in a job's folder (its row gone or not) that mentions the person, with
    its text."""
    root = Path(settings.MEDIA_ROOT) / "jobs"
    if not quotes or not root.is_dir():
        return
    for path in sorted(root.glob("*/*")):
        if path.is_file() and quotes.found_in(text := file_text(path)):
            yield path, text


def _erase_job_files(quotes: Traces) -> list[tuple[Path, str]]:
    """Deletes each job folder with a file that mentions the person (once the erasure is
    committed); its job says so and can no longer be confirmed. The files deleted."""
    deleted = list(_job_files(quotes))
    for folder in {path.parent for path, _text in deleted}:
        try:
            job = Job.objects.filter(pk=uuid.UUID(folder.name)).first()
        except ValueError:
            job = None
        if job:
            with translation.override(job.reader_language):
                reason = gettext("The file was deleted by a GDPR erasure.")
            result = {**job.result, "reason": reason, "can_confirm": False}
            Job.objects.filter(pk=job.pk).update(file="", result=result)
        transaction.on_commit(lambda folder=folder: shutil.rmtree(folder, ignore_errors=True))
    return deleted
