"""Publishing a record with the whole story its public page tells (no HTTP).

A public page names only published records (DESIGN.md, publication rule), so publishing a
memorandum whose Nanjing party is internal shows a page with one party. ``needed_records``
lists the internal records a record's public page would need; ``publish`` publishes a
record together with those the publisher chose, in one transaction, each within its rules:
a person only as an office holder or with consent, a profile only with consent to share.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import CompanyProfile, Delegation, Memorandum, Person, PublicationRequest, Visibility

PUBLISH_PERMISSION = "partners.publish_records"


def may_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


@dataclass(frozen=True)
class Needed:
    """An internal record that the public page of ``for_record`` would name."""

    record: object
    role: str  # what it is on the page: "party", "signatory", "member", ...
    refusal: str  # why it may not be published; empty when it may

    @property
    def kind(self) -> str:
        return self.record._meta.verbose_name

    @property
    def key(self) -> str:
        """Identifies the record in a form: "<model>:<pk>"."""
        return f"{self.record._meta.model_name}:{self.record.pk}"


def refusal(record) -> str:
    """Why ``record`` may not be published by its own rules; empty when it may."""
    if isinstance(record, Person) and not record.may_be_published:
        return _("a person is published only as an office holder or with consent")
    if isinstance(record, CompanyProfile) and not record.consent_to_share:
        return _("a profile can only be published with the consent to share it")
    return ""


def _memorandum_needs(memorandum):
    parties = memorandum.parties.select_related("organisation", "signatory").order_by("pk")
    for party in parties:
        yield party.organisation, _("party")
        if party.signatory:
            yield party.signatory, _("signatory")
    if memorandum.signed_in_id:
        yield memorandum.signed_in, _("signed in")


def _delegation_needs(delegation):
    if delegation.lead_organisation_id:
        yield delegation.lead_organisation, _("lead organisation")
    if delegation.origin_city_id:
        yield delegation.origin_city, _("from")
    for stop in delegation.stops.select_related("city").order_by("order", "pk"):
        yield stop.city, _("stop")
    for member in delegation.members.select_related("person").order_by("role", "pk"):
        yield member.person, _("member")


_NEEDS = {
    Memorandum: _memorandum_needs,
    Delegation: _delegation_needs,
    CompanyProfile: lambda profile: [(profile.organisation, _("company"))],
}


def needed_records(record) -> list[Needed]:
    """The internal records ``record``'s public page would need, each once, in page order."""
    needs = _NEEDS.get(type(record), lambda record: [])
    found = {}  # by (model, pk): the first mention's role
    for related, role in needs(record):
        if not related.is_published:
            needed = Needed(record=related, role=role, refusal=refusal(related))
            found.setdefault((type(related), related.pk), needed)
    return list(found.values())


def _refused(record, visibility) -> str:
    """Why ``record`` may not take ``visibility`` (its publication rules, then its model's
    checks with it), or ''. The record is left as it was."""
    if visibility == Visibility.PUBLIC and (reason := refusal(record)):
        return reason
    kept, record.visibility = record.visibility, visibility
    try:
        record.full_clean()
    except ValidationError as error:
        return " ".join(error.messages)
    finally:
        record.visibility = kept
    return ""


@transaction.atomic
def set_visibility(*, records, visibility, user) -> tuple[list, list[tuple[object, str]]]:
    """Publish or withdraw ``records`` in one transaction.

    Returns the records changed and (record, reason) for each refused one. A record that
    already has ``visibility`` is neither; its publication request is settled all the same.
    """
    changed, refused = [], []
    for record in records:
        if record.visibility != visibility:
            if reason := _refused(record, visibility):
                refused.append((record, reason))
                continue
            record.visibility = visibility
            record._history_user = user
            record.save()
            changed.append(record)
        PublicationRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).delete()
    return changed, refused


@transaction.atomic
def request_publication(*, records, user) -> tuple[int, list[tuple[object, str]]]:
    """Mark internal ``records`` ready for publication. Returns how many were new, and
    (record, reason) for each that publishing would refuse (an opportunity not won yet):
    on the managers' desk it could only wait."""
    created, refused = 0, []
    for record in records:
        if record.is_published:
            continue
        if reason := _refused(record, Visibility.PUBLIC):
            refused.append((record, reason))
            continue
        _request, new = PublicationRequest.objects.get_or_create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            defaults={"requested_by": user},
        )
        created += new
    return created, refused


def pending_requests():
    """Requests for records still internal, oldest first, with their records loaded."""
    requests = PublicationRequest.objects.select_related("content_type", "requested_by")
    requests = requests.prefetch_related("record")
    return [r for r in requests if r.record is not None and not r.record.is_published]
