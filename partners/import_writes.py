"""The write half of the import: what a row changes, and the bulk writes in one transaction.

Bulk writes skip `save()` and its signals, so what they would do is done here: slugs,
`version` increments, `updated_at`, and the simple_history rows (written in bulk too).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import CompanyProfile, ImportRun, ImportRunItem, Organisation, Person, Visibility

BATCH = 1000
ORG_FIELDS = {
    "name": "name",
    "register_number": "register_number",
    "city": "city_id",
    "website": "website",
    "email": "email",
    "phone": "phone",
    "address": "address",
}
PROFILE_FIELDS = {
    "sector": "sector_id",
    "employees": "employees",
    "founded_year": "founded_year",
    "products": "products",
    "summary": "summary",
    "consent_to_share": "consent_to_share",
    "consent_given_on": "consent_given_on",
    "status": "status",
    "publish": "visibility",
}
CONTACT_FIELDS = {
    "contact_name": "full_name",
    "contact_position": "position",
    "contact_email": "email",
    "contact_phone": "phone",
}
M2M_FIELDS = ("interests", "target_cities")
EMPTY_KEEPS = {"consent_to_share": False, "publish": False}


def _given(key: str, value: Any) -> bool:
    """Whether a parsed cell sets its field; most empty cells keep the stored value."""
    if not EMPTY_KEEPS.get(key, True):
        return True
    return value not in (None, "") and value != set() and value != []


def _stored(key: str, value: Any) -> Any:
    if key == "publish":
        return Visibility.PUBLIC if value else Visibility.INTERNAL
    return value


@dataclass(slots=True)
class PlannedRow:
    number: int
    values: dict[str, Any]
    pk: int | None  # The organisation this row updates.
    org: Organisation | None = None
    profile: CompanyProfile | None = None
    contact: Person | None = None
    m2m: dict[str, set[int]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    def wanted(self, fields: dict[str, str]) -> dict[str, Any]:
        return {
            attname: _stored(key, self.values[key])
            for key, attname in fields.items()
            if key in self.values and _given(key, self.values[key])
        }

    def compute_changes(self, header_of: dict[str, str]) -> str | None:
        """Fills `changes` with the headers whose values differ; returns a rule violation."""
        for fields, current in (
            (ORG_FIELDS, self.org),
            (PROFILE_FIELDS, self.profile),
            (CONTACT_FIELDS, self.contact),
        ):
            if self.pk is None:
                continue
            keys = {attname: key for key, attname in fields.items()}
            for attname, value in self.wanted(fields).items():
                if current is None or getattr(current, attname) != value:
                    self.changes.append(header_of[keys[attname]])
        for key in M2M_FIELDS:
            if self.pk is not None and _given(key, self.values.get(key)):
                if self.values[key] != self.m2m.get(key, set()):
                    self.changes.append(header_of[key])
        profile = self.wanted(PROFILE_FIELDS)
        consent = profile.get("consent_to_share", self.profile and self.profile.consent_to_share)
        visibility = profile.get("visibility", self.profile and self.profile.visibility)
        if visibility == Visibility.PUBLIC and not consent:
            return _("a profile can only be published with the consent to share it")
        if (
            self.contact is None
            and self.wanted(CONTACT_FIELDS)
            and not self.values.get("contact_name")
        ):
            return _("a new contact needs a name (Contact / Ansprechpartner)")
        return None


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)


def load_current(plan: Plan) -> None:
    """Fetches the companies the rows update, with profile, contact and links, in chunks."""
    by_pk = {row.pk: row for row in plan.rows if row.pk is not None}
    pks = list(by_pk)
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        profiles = {}
        for org in Organisation.objects.filter(pk__in=chunk).select_related("profile__contact"):
            row = by_pk[org.pk]
            row.org = org
            row.profile = getattr(org, "profile", None)
            row.contact = row.profile.contact if row.profile else None
            if row.profile:
                profiles[row.profile.pk] = row
        for key, target in (("interests", "interest_id"), ("target_cities", "city_id")):
            through = getattr(CompanyProfile, key).through
            for profile_id, pk in through.objects.filter(
                companyprofile_id__in=list(profiles)
            ).values_list("companyprofile_id", target):
                profiles[profile_id].m2m.setdefault(key, set()).add(pk)


class SlugPool:
    """Unique slugs for many new records at once (`SluggedMixin` does it one query per row)."""

    def __init__(self, model):
        self.taken = set(model.objects.values_list("slug", flat=True))

    def take(self, name: str, fallback: str) -> str:
        base = slugify(name)[:80].strip("-") or fallback
        candidate, n = base, 2
        while candidate in self.taken:
            suffix = f"-{n}"
            candidate = f"{base[: 80 - len(suffix)]}{suffix}"
            n += 1
        self.taken.add(candidate)
        return candidate


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def snapshot(instance, fields: dict[str, str]) -> dict[str, Any] | None:
    if instance is None:
        return None
    attnames = [*fields.values(), *(["contact_id"] if isinstance(instance, CompanyProfile) else [])]
    return {attname: _json(getattr(instance, attname)) for attname in attnames}


class Writer:
    def __init__(self, user, reason: str):
        self.user, self.reason, self.now = user, reason, timezone.now()

    def create(self, model, objects: list) -> None:
        model.objects.bulk_create(objects, batch_size=BATCH)
        self._history(model, objects, update=False)

    def update(self, model, objects: list, fields: set[str]) -> None:
        if not objects:
            return
        for obj in objects:
            obj.version += 1
            obj.updated_at = self.now
        fields = [*fields, "version", "updated_at"]
        model.objects.bulk_update(objects, fields, batch_size=BATCH)
        self._history(model, objects, update=True)

    def _history(self, model, objects: list, *, update: bool) -> None:
        model.history.bulk_history_create(
            objects,
            batch_size=BATCH,
            update=update,
            default_user=self.user,
            default_change_reason=self.reason,
            default_date=self.now,
        )


def _apply(instance, values: dict[str, Any], changed: set[str]) -> bool:
    dirty = False
    for attname, value in values.items():
        if getattr(instance, attname) != value:
            setattr(instance, attname, value)
            changed.add(attname)
            dirty = True
    return dirty


@transaction.atomic
def write_plan(plan: Plan, *, result, user, sha256: str) -> ImportRun:
    run = ImportRun.objects.create(
        user=user,
        file_name=result.file_name[:255],
        sha256=sha256,
        mode=ImportRun.Mode.SKIP_INVALID if result.skip_invalid else ImportRun.Mode.ALL_OR_NOTHING,
        status=ImportRun.Status.IMPORTED,
        total_rows=result.total_rows,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        error_count=result.invalid_rows,
        errors=[error.as_dict() for error in result.errors],
        warnings=result.warnings,
    )
    writer = Writer(user, _("Import %(file)s (#%(id)d)") % {"file": result.file_name, "id": run.pk})
    rows = [row for row in plan.rows if row.pk is None or row.changes]
    befores = {
        row.number: {
            "organisation": snapshot(row.org, ORG_FIELDS),
            "profile": snapshot(row.profile, PROFILE_FIELDS),
            "contact": snapshot(row.contact, CONTACT_FIELDS),
            **{key: sorted(row.m2m.get(key, ())) for key in M2M_FIELDS},
        }
        for row in rows
        if row.pk is not None
    }
    new_contacts = _write_organisations_and_contacts(writer, rows)
    _write_profiles(writer, rows)
    _write_links(rows)
    ImportRunItem.objects.bulk_create(
        [
            ImportRunItem(
                run=run,
                row=row.number,
                created=row.pk is None,
                organisation_id=row.org.pk,
                profile_id=row.profile.pk,
                contact_id=row.contact.pk if row.contact else None,
                contact_created=row.number in new_contacts,
                versions={
                    "organisation": row.org.version,
                    "profile": row.profile.version,
                    "contact": row.contact.version if row.contact else None,
                },
                before=befores.get(row.number),
            )
            for row in rows
        ],
        batch_size=BATCH,
    )
    return run


def _write_organisations_and_contacts(writer: Writer, rows: list[PlannedRow]) -> set[int]:
    slugs = SlugPool(Organisation)
    new_orgs, changed_orgs, org_fields = [], [], set()
    for row in rows:
        if row.org is None:
            row.org = Organisation(kind=Organisation.Kind.COMPANY, **row.wanted(ORG_FIELDS))
            row.org.slug = slugs.take(row.org.name, "company")
            new_orgs.append(row.org)
        elif _apply(row.org, row.wanted(ORG_FIELDS), org_fields):
            changed_orgs.append(row.org)
    writer.create(Organisation, new_orgs)
    writer.update(Organisation, changed_orgs, org_fields)

    new_people, changed_people, person_fields, created_for = [], [], set(), set()
    for row in rows:
        wanted = row.wanted(CONTACT_FIELDS)
        if row.contact is None and wanted.get("full_name"):
            row.contact = Person(organisation=row.org, **wanted)
            new_people.append(row.contact)
            created_for.add(row.number)
        elif row.contact is not None and _apply(row.contact, wanted, person_fields):
            changed_people.append(row.contact)
    writer.create(Person, new_people)
    writer.update(Person, changed_people, person_fields)
    return created_for


def _write_profiles(writer: Writer, rows: list[PlannedRow]) -> None:
    slugs = SlugPool(CompanyProfile)
    new_profiles, changed, fields = [], [], set()
    for row in rows:
        wanted = row.wanted(PROFILE_FIELDS)
        if row.profile is None:
            row.profile = CompanyProfile(organisation=row.org, contact=row.contact, **wanted)
            row.profile.slug = slugs.take(row.org.name, "profile")
            new_profiles.append(row.profile)
            continue
        if row.contact is not None:
            wanted["contact_id"] = row.contact.pk
        if _apply(row.profile, wanted, fields):
            changed.append(row.profile)
    writer.create(CompanyProfile, new_profiles)
    writer.update(CompanyProfile, changed, fields)


def _write_links(rows: list[PlannedRow]) -> None:
    for key, target in (("interests", "interest_id"), ("target_cities", "city_id")):
        through = getattr(CompanyProfile, key).through
        replaced = [
            row
            for row in rows
            if _given(key, row.values.get(key)) and row.values[key] != row.m2m.get(key, set())
        ]
        stale = [row.profile.pk for row in replaced if row.m2m.get(key)]
        for start in range(0, len(stale), BATCH):
            through.objects.filter(companyprofile_id__in=stale[start : start + BATCH]).delete()
        through.objects.bulk_create(
            [
                through(companyprofile_id=row.profile.pk, **{target: pk})
                for row in replaced
                for pk in sorted(row.values[key])
            ],
            batch_size=BATCH * 5,
        )
