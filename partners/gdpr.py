"""GDPR requests about a contact person: export everything stored, or erase the person.

Erasure anonymises rather than deletes: the person's links to delegations, meetings,
memoranda and company profiles are facts about those records and stay, with "anonymised"
in place of the name. The personal fields are blanked in the record, in every historical
version of it (django-simple-history) and in the copies other records keep (a member's
position at the time, a signatory's position, the admin log's object name).
"""

import datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import DelegationMember, MemorandumParty, Person

# Fields that identify or describe the person; blanked on erasure. `full_name` is required
# and gets the word "anonymised" instead.
PERSONAL_FIELDS = [
    "local_name",
    "honorific",
    "position",
    # The position in each language (partners/translation.py) is personal data too.
    "position_de",
    "position_en",
    "position_zh_hans",
    "email",
    "phone",
    "notes",
]
ERASURE_REASON = "GDPR erasure"


def _fields(obj: Model, *, exclude: tuple[str, ...] = ()) -> dict:
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in exclude
    }


def person_export(*, person: Person) -> dict:
    """Everything stored about ``person``, as plain data (keys are field names)."""
    memberships = person.delegation_memberships.select_related("delegation")
    signatures = person.signed_memoranda.select_related("memorandum", "organisation")
    handovers = person.profile_handovers.select_related("profile__organisation", "recipient")
    log_entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).select_related("user")
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
                "position_at_time": m.position_at_time,
            }
            for m in memberships
        ],
        "meetings": list(person.meetings.values("id", "title", "date", "city__name")),
        "memoranda_signed": [
            {
                "memorandum_id": p.memorandum_id,
                "memorandum": p.memorandum.title,
                "organisation": p.organisation.name,
                "signatory_position": p.signatory_position,
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
            for entry in log_entries
        ],
    }


def anonymised_name() -> str:
    """The name an erased person is stored under, in the agency's working language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(_("anonymised"))


@transaction.atomic
def person_erase(*, person: Person, user=None, now: datetime.datetime | None = None) -> Person:
    """Anonymise ``person`` everywhere it is stored; its links stay. Erasing twice is harmless."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        return person
    name = anonymised_name()
    blanks = dict.fromkeys(PERSONAL_FIELDS, "")
    for field, value in {**blanks, "full_name": name}.items():
        setattr(person, field, value)
    person.anonymised_at = now or timezone.now()
    person._history_user = user
    person._change_reason = ERASURE_REASON
    person.save()

    # Every earlier version too, or the history would still tell who it was.
    person.history.update(full_name=name, **blanks)
    # Copies of the person's position kept by their memberships and signatures.
    DelegationMember.objects.filter(person=person).update(
        position_at_time="", version=F("version") + 1
    )
    DelegationMember.history.filter(person_id=person.pk).update(position_at_time="")
    MemorandumParty.objects.filter(signatory=person).update(
        signatory_position="", version=F("version") + 1
    )
    MemorandumParty.history.filter(signatory_id=person.pk).update(signatory_position="")
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=name)
    return person
