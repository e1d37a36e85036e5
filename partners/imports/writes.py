"""The write half of the import: what a row changes, and the bulk writes in one transaction.

Records are handled as dicts of column values, never as model instances: for 100,000 rows
the instances alone would cost more than the whole database work. Bulk writes skip `save()`
and its signals, so what they would do is done here: slugs, `version` increments,
timestamps, and the simple_history rows (written in bulk too).
"""

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import (
    CompanyProfile,
    ImportRun,
    ImportRunItem,
    Organisation,
    Person,
    Visibility,
    organisation_names,
)
from ..models.base import german_slug, suffixed
from ..models.folding import fold
from ..models.organisations import normalise_company_name
from ..reports.places import of_organisations, refresh_affected
from .bulk_sql import Table, german_columns, reserve_ids
from .sheet import BY_KEY, COLUMNS, folded

# Rows written at a time, so that the state of 100,000 companies is never in memory at once.
BATCH = 1000


def _attnames(model) -> dict[str, str]:
    """Column key → attname of the sheet's columns that fill `model` (sheet.COLUMNS)."""
    label = model.__name__
    return {
        column.key: model._meta.get_field(name).attname
        for column in COLUMNS
        for owner, name in [column.field.split(".")]
        if owner == label and not model._meta.get_field(name).many_to_many
    }


ORG_FIELDS = _attnames(Organisation)
PROFILE_FIELDS = _attnames(CompanyProfile)
CONTACT_FIELDS = _attnames(Person)
# The profile's links that a sheet fills: column key → the through table's target column.
M2M_FIELDS = {"interests": "interest_id", "target_cities": "city_id"}


def _given(key: str, value: Any) -> bool:
    """Whether a parsed cell sets its field; most empty cells keep the stored value."""
    if not BY_KEY[key].empty_keeps:
        return True
    return value not in (None, "") and value != set() and value != []


def _stored(key: str, value: Any) -> Any:
    if key == "publish":
        return Visibility.PUBLIC if value else Visibility.INTERNAL
    return value


Record = dict[str, Any]


@dataclass(slots=True)
class PlannedRow:
    number: int
    values: dict[str, Any]
    pk: int | None  # The organisation this row updates.
    org: Record | None = None
    profile: Record | None = None
    contact: Record | None = None
    m2m: dict[str, set[int]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    # For revert: the earlier values of what this row changed (None: created by the row).
    before: dict[str, Any] | None = None

    def wanted(self, fields: dict[str, str]) -> Record:
        return {
            attname: _stored(key, self.values[key])
            for key, attname in fields.items()
            if key in self.values and _given(key, self.values[key])
        }

    def compute_changes(self, header_of: dict[str, str]) -> tuple[str, str] | None:
        """Fills `changes` with the headers whose values differ.

        Returns a broken rule as (column key, message), or None.
        """
        if self.pk is not None:
            for fields, current in (
                (ORG_FIELDS, self.org),
                (PROFILE_FIELDS, self.profile),
                (CONTACT_FIELDS, self.contact),
            ):
                keys = {attname: key for key, attname in fields.items()}
                for attname, value in self.wanted(fields).items():
                    if current is None or current[attname] != value:
                        self.changes.append(header_of[keys[attname]])
            for key in M2M_FIELDS:
                wanted = self.values.get(key)
                if _given(key, wanted) and wanted != self.m2m.get(key, set()):
                    self.changes.append(header_of[key])
            contact_id = self.contact and self.contact["id"]
            switched = self.profile and contact_id and contact_id != self.profile["contact_id"]
            if switched and header_of["contact_name"] not in self.changes:
                self.changes.append(header_of["contact_name"])
        profile, current = self.wanted(PROFILE_FIELDS), self.profile or {}
        consent = profile.get("consent_to_share", current.get("consent_to_share"))
        visibility = profile.get("visibility", current.get("visibility"))
        if visibility == Visibility.PUBLIC and not consent:
            return "publish", _("a profile can only be published with the consent to share it")
        if (
            self.contact is None
            and self.wanted(CONTACT_FIELDS)
            and not self.values.get("contact_name")
        ):
            return "contact_name", _("a new contact needs a name (Contact / Ansprechpartner)")
        return None


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


# Only what a row is compared with; the full records are read again for the history rows.
SLIM = {
    "organisation": ["id", "version", "name_key", "name_folded", *ORG_FIELDS.values()],
    "profile": ["id", "version", "organisation_id", "contact_id", *PROFILE_FIELDS.values()],
    "contact": ["id", "version", "full_name_folded", *CONTACT_FIELDS.values()],
}


def german_values(queryset, attnames: list[str]):
    """``queryset.values(*attnames)``, a translated field read from its German column
    whatever the active language (a plain ``values("products")`` reads ``products_en``
    in an English admin), under its own name; empty German text is "" as in the field."""
    german = german_columns(queryset.model)
    read = [german.get(attname, attname) for attname in attnames]
    empty = {german[a]: "" for a in attnames if a in german}
    for values in queryset.values(*dict.fromkeys(read)):
        yield {
            attname: values[column] if values[column] is not None else empty.get(column)
            for attname, column in zip(attnames, read, strict=True)
        }


def load_current(rows: Sequence[PlannedRow]) -> None:
    """Fetches the companies these rows update, with profile, contact and links."""
    by_pk = {row.pk: row for row in rows if row.pk is not None}
    chunk = list(by_pk)
    organisations = Organisation.objects.filter(pk__in=chunk)
    for org in german_values(organisations, SLIM["organisation"]):
        by_pk[org["id"]].org = org
    profiles = {}
    for profile in german_values(
        CompanyProfile.objects.filter(organisation_id__in=chunk), SLIM["profile"]
    ):
        row = by_pk[profile["organisation_id"]]
        row.profile, profiles[profile["id"]] = profile, row
    contacts = {row.profile["contact_id"]: row for row in profiles.values()}
    contacts.pop(None, None)
    for person in german_values(Person.objects.filter(pk__in=list(contacts)), SLIM["contact"]):
        contacts[person["id"]].contact = person
    _other_contacts(rows)
    for key, target in M2M_FIELDS.items():
        through = getattr(CompanyProfile, key).through
        for profile_id, pk in through.objects.filter(
            companyprofile_id__in=list(profiles)
        ).values_list("companyprofile_id", target):
            profiles[profile_id].m2m.setdefault(key, set()).add(pk)


def _other_contacts(rows: Sequence[PlannedRow]) -> None:
    """A row naming another contact than its profile's names another person (the company's
    contact changed): the company's person of that name, else a new one. Renaming the
    former contact would rewrite whom her meetings and delegations name."""
    switching = [
        row
        for row in rows
        if row.pk is not None
        and (name := row.values.get("contact_name"))
        and (row.contact is None or folded(row.contact["full_name"]) != folded(name))
    ]
    if not switching:
        return
    people = Person.objects.filter(organisation_id__in={row.pk for row in switching})
    by_name = {}
    for person in german_values(people.order_by("-pk"), [*SLIM["contact"], "organisation_id"]):
        by_name[person.pop("organisation_id"), folded(person["full_name"])] = person
    for row in switching:
        row.contact = by_name.get((row.pk, folded(row.values["contact_name"])))


def release(rows: Sequence[PlannedRow]) -> None:
    for row in rows:
        row.org = row.profile = row.contact = row.before = None
        row.m2m = {}


class SlugPool:
    """Unique slugs for many new records at once (`SluggedMixin` does it one query per row).

    Reads only the slugs that the expected names may collide with, not the whole table;
    a name not expected is looked up when it comes.
    """

    def __init__(self, model, names: list[str], fallback: str):
        self.slugs = model.objects.values_list("slug", flat=True)
        self.fallback = fallback
        self.taken: set[str] = set()
        self.known: set[str] = set()
        self._load({self.base(name) for name in names})

    def _load(self, bases: set[str]) -> None:
        bases = sorted(bases - self.known)
        for batch in itertools.batched(bases, BATCH):
            self.taken.update(self.slugs.filter(slug__in=batch))
        for base in self.taken.intersection(bases):
            # Suffixed variants (`name-3fa9c1`, `name-2` of old) only of the bases in use.
            self.taken.update(self.slugs.filter(slug__startswith=f"{base}-"))
        self.known.update(bases)

    def base(self, name: str) -> str:
        return german_slug(name)[:80].strip("-") or self.fallback

    def take(self, name: str) -> str:
        base = self.base(name)
        self._load({base})
        candidate = base
        while candidate in self.taken:
            candidate = suffixed(base)
        self.taken.add(candidate)
        return candidate


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


class Writer:
    """Inserts and updates records of one model with their history rows."""

    def __init__(self, user, reason: str):
        self.user_id = user.pk if user is not None else None
        self.reason, self.now = reason, timezone.now()

    def new(self, model, count: int) -> list[Record]:
        defaults = Table(model).defaults
        stamps = {"created_at": self.now, "updated_at": self.now, "version": 1}
        return [{**defaults, **stamps, "id": pk} for pk in reserve_ids(model, count)]

    def create(self, model, records: list[Record]) -> None:
        Table(model).insert(records)
        self._history(model, records, "+")

    def update(self, model, changes: list[tuple[Record, Record, Record | None]]):
        """Applies each (record, wanted values, `before`) and writes the records that changed,
        keeping their earlier values in `before`; returns them and the attnames changed."""
        changed, attnames = [], set()
        for record, wanted, before in changes:
            diff = {a: v for a, v in wanted.items() if record[a] != v}
            if not diff:
                continue
            if before is not None:
                before.update({a: _json(record[a]) for a in diff})
            record.update(diff, version=record["version"] + 1, updated_at=self.now)
            attnames.update(diff)
            changed.append(record)
        if changed:
            Table(model).update(changed, [*sorted(attnames), "version", "updated_at"])
            changed_pks = [r["id"] for r in changed]
            full = german_values(model.objects.filter(pk__in=changed_pks), _columns(model))
            self._history(model, full, "~")
        return changed, attnames

    def _history(self, model, records, kind: str) -> None:
        extra = {
            "history_date": self.now,
            "history_change_reason": self.reason[:100],
            "history_type": kind,
            "history_user_id": self.user_id,
        }
        # Read before the COPY starts: a query on the connection while PostgreSQL streams a
        # COPY waits for it to end, which never comes (the import hung on a changed row).
        rows = [{**r, **extra} for r in records]
        Table(model.history.model, with_pk=False).insert(rows)


def write_plan(plan: list[PlannedRow], *, run: ImportRun, user) -> None:
    """Writes the plan's new and changed rows; the caller holds the transaction."""
    # The history's reason is read by everyone: in the office's language, not the uploader's.
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Import %(file)s (#%(id)d)") % {"file": run.file_name, "id": run.pk}
    writer = Writer(user, reason)
    rows = [row for row in plan if row.pk is None or row.changes]
    names = [row.values["name"] for row in rows if row.pk is None]
    slugs = {
        "organisation": SlugPool(Organisation, names, "company"),
        "profile": SlugPool(CompanyProfile, names, "profile"),
    }
    for chunk in itertools.batched(rows, BATCH):
        _write_chunk(writer, chunk, slugs, run)
        release(chunk)


def _write_chunk(writer: Writer, rows: Sequence[PlannedRow], slugs: dict, run: ImportRun) -> None:
    load_current(rows)  # Again: the state may have moved on since the preview.
    for row in rows:
        if row.pk is not None:
            row.before = {
                "organisation": {},
                "profile": {} if row.profile else None,
                "contact": {} if row.contact else None,
                # Once a later import is reverted, an earlier one can be too (revert.py).
                "versions": {
                    "organisation": row.org and row.org["version"],
                    "profile": row.profile and row.profile["version"],
                    "contact": row.contact and row.contact["version"],
                },
            }
    existing_profiles = {row.number for row in rows if row.profile is not None}
    _write_organisations(writer, rows, slugs["organisation"])
    new_contacts = _write_contacts(writer, rows)
    _write_profiles(writer, rows, slugs["profile"])
    _write_links(writer, rows, existing_profiles)
    Table(ImportRunItem, with_pk=False).insert(
        {
            "run_id": run.pk,
            "row": row.number,
            "created": row.pk is None,
            "organisation_id": row.org["id"],
            "profile_id": row.profile["id"],
            "contact_id": row.contact["id"] if row.contact else None,
            "contact_created": row.number in new_contacts,
            "versions": {
                "organisation": row.org["version"],
                "profile": row.profile["version"],
                "contact": row.contact["version"] if row.contact else None,
            },
            "before": row.before,
        }
        for row in rows
    )


def _write_organisations(writer: Writer, rows: Sequence[PlannedRow], slugs: SlugPool) -> None:
    new_rows = [row for row in rows if row.org is None]
    for row, record in zip(new_rows, writer.new(Organisation, len(new_rows)), strict=True):
        record.update(_organisation(row), kind=Organisation.Kind.COMPANY)
        record["slug"] = slugs.take(record["name"])
        row.org = record
    writer.create(Organisation, [row.org for row in new_rows])
    changes = [(row.org, _organisation(row), row.before["organisation"]) for row in rows if row.pk]
    changed, attnames = writer.update(Organisation, changes)
    if "city_id" in attnames:  # the report counts records by their counterparts' cities
        refresh_affected(of_organisations([org["id"] for org in changed]))
    if "name" in attnames:  # kept on the memoranda and opportunities that involve them
        organisation_names.refresh_linked(
            organisation_names.linked_to([org["id"] for org in changed])
        )


def _organisation(row: PlannedRow) -> Record:
    """The organisation's values the row gives, with the name's match key and folded twin
    (the SQL writes skip the model's save, which fills them)."""
    wanted = row.wanted(ORG_FIELDS)
    wanted.update(name_key=normalise_company_name(wanted["name"]), name_folded=fold(wanted["name"]))
    return wanted


def _write_contacts(writer: Writer, rows: Sequence[PlannedRow]) -> set[int]:
    new_rows = [
        row for row in rows if row.contact is None and row.wanted(CONTACT_FIELDS).get("full_name")
    ]
    for row, record in zip(new_rows, writer.new(Person, len(new_rows)), strict=True):
        record.update(_contact(row), organisation_id=row.org["id"])
        row.contact = record
    writer.create(Person, [row.contact for row in new_rows])
    created = {row.number for row in new_rows}
    writer.update(
        Person,
        [
            (row.contact, _contact(row), row.before and row.before["contact"])
            for row in rows
            if row.contact is not None and row.number not in created
        ],
    )
    return created


def _contact(row: PlannedRow) -> Record:
    """The contact's values the row gives, its name also folded (FoldedField: the SQL
    writes skip the field's own save)."""
    wanted = row.wanted(CONTACT_FIELDS)
    if "full_name" in wanted:
        wanted["full_name_folded"] = fold(wanted["full_name"])
    return wanted


def _write_profiles(writer: Writer, rows: Sequence[PlannedRow], slugs: SlugPool) -> None:
    new_rows = [row for row in rows if row.profile is None]
    for row, record in zip(new_rows, writer.new(CompanyProfile, len(new_rows)), strict=True):
        record.update(row.wanted(PROFILE_FIELDS), organisation_id=row.org["id"])
        record["contact_id"] = row.contact["id"] if row.contact else None
        record["slug"] = slugs.take(row.org["name"])
        row.profile = record
    writer.create(CompanyProfile, [row.profile for row in new_rows])
    created = {row.number for row in new_rows}
    changes = []
    for row in rows:
        if row.number not in created:
            wanted = row.wanted(PROFILE_FIELDS)
            if row.contact is not None:
                wanted["contact_id"] = row.contact["id"]
            changes.append((row.profile, wanted, row.before and row.before["profile"]))
    writer.update(CompanyProfile, changes)


def _write_links(writer: Writer, rows: Sequence[PlannedRow], existing_profiles: set[int]) -> None:
    bumped = set()
    for key, target in M2M_FIELDS.items():
        through = getattr(CompanyProfile, key).through
        replaced = [
            row
            for row in rows
            if _given(key, row.values.get(key)) and row.values[key] != row.m2m.get(key, set())
        ]
        for row in replaced:
            if row.before is not None:
                row.before[key] = sorted(row.m2m.get(key, ()))
        stale = [row.profile["id"] for row in replaced if row.m2m.get(key)]
        for batch in itertools.batched(stale, BATCH):
            through.objects.filter(companyprofile_id__in=batch).delete()
        Table(through, with_pk=False).insert(
            {"companyprofile_id": row.profile["id"], target: pk}
            for row in replaced
            for pk in sorted(row.values[key])
        )
        bumped.update(row.number for row in replaced if row.number in existing_profiles)
    # A change of links only is a change of the profile: its version moves on, so that
    # reverting an earlier import sees it (revert compares versions).
    profiles = [row.profile for row in rows if row.number in bumped]
    for profile in profiles:
        profile.update(version=profile["version"] + 1, updated_at=writer.now)
    if profiles:
        Table(CompanyProfile).update(profiles, ["version", "updated_at"])
