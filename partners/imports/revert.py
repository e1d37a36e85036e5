"""Undoing an import: created records go, updated ones get their earlier values back.

Refused as a whole when any record was changed after the import (its `version` moved on,
other than by later imports that were reverted since),
was deleted, is now used by a record added since (a trip registration, a handover, a
meeting…, which deleting it would delete, unlink or be blocked by), or the import was
already reverted: a partial undo would be worse than none.
"""

import itertools
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import CompanyProfile, ImportRun, ImportRunItem, Organisation, Person, clauses
from .bulk_sql import german_columns
from .writes import M2M_FIELDS

SHOWN_CONFLICTS = 20
REFERENCE_CHUNK = 500
# The records an import item names, by the name of its link (``<kind>_id``, ``versions``).
KINDS = {"organisation": Organisation, "profile": CompanyProfile, "contact": Person}


class RevertRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _load(run: ImportRun):
    """The run's items, the records they name as they are now, and why they cannot be
    reverted (records deleted or edited since)."""
    items = list(run.items.all())
    current = {
        kind: model.objects.in_bulk({getattr(i, f"{kind}_id") for i in items} - {None})
        for kind, model in KINDS.items()
    }
    conflicts, moved = [], []
    for item in items:
        for kind, model in KINDS.items():
            pk = getattr(item, f"{kind}_id")
            if pk is None:
                continue
            record = current[kind].get(pk)
            if record is None:
                conflicts.append(
                    _("row %(row)d: %(kind)s #%(pk)d was deleted")
                    % {"row": item.row, "kind": model._meta.verbose_name, "pk": pk}
                )
            elif record.version != item.versions.get(kind):
                moved.append((item, kind, record))
    undone = _undone_by_later_reverts(run, {item.organisation_id for item, _k, _r in moved})
    for item, kind, record in moved:
        version = record.version
        while version != item.versions.get(kind) and (kind, record.pk, version) in undone:
            version = undone[kind, record.pk, version]
        if version != item.versions.get(kind):
            conflicts.append(
                _("row %(row)d: “%(name)s” was changed after the import")
                % {"row": item.row, "name": record}
            )
    conflicts += _references(items, current)
    return items, current, conflicts


def _undone_by_later_reverts(run: ImportRun, organisations: set[int]) -> dict:
    """(kind, pk, version a revert left) → the version before that reverted import: a
    record changed only by later imports that were reverted since is as this run left it."""
    undone = {}
    later = ImportRunItem.objects.filter(run__gt=run, run__status=ImportRun.Status.REVERTED)
    for chunk in itertools.batched(sorted(organisations), REFERENCE_CHUNK):
        for item in later.filter(organisation_id__in=chunk):
            before = (item.before or {}).get("versions", {})
            for kind, after in item.versions.get("reverted", {}).items():
                if before.get(kind) is not None and after != before[kind]:
                    undone[kind, getattr(item, f"{kind}_id"), after] = before[kind]
    return undone


def _references(items, current) -> list[str]:
    """The records added since the import that use what reverting it deletes (and so
    would be deleted with it, unlinked, or block it)."""
    own = {KINDS[kind]: records.keys() for kind, records in current.items()}
    deleted = {  # record → the run's item that created it
        "organisation": {i.organisation_id: i for i in items if i.created},
        "profile": {i.profile_id: i for i in items if i.created or i.before["profile"] is None},
        "contact": {i.contact_id: i for i in items if i.contact_created},
    }
    conflicts = []
    for kind, created in deleted.items():
        for other, pk, target in _used_by(KINDS[kind], list(created)):
            # Links among the run's own records do not count: reverting handles them.
            if pk in own.get(other, ()):
                continue
            conflicts.append(
                _("row %(row)d: “%(name)s” is now used by %(model)s “%(record)s”")
                % {
                    "row": created[target].row,
                    "name": current[kind].get(target, f"#{target}"),
                    "model": other._meta.verbose_name,
                    "record": other._base_manager.get(pk=pk),
                }
            )
    return conflicts


def _used_by(model, pks: list):
    """(model, pk, the pk of ``model`` it uses) of every record pointing at one of ``pks``.

    Found through the models' reverse relations, so that a foreign key or many-to-many
    field added to any model later is covered too."""
    if not pks:
        return
    for relation in model._meta.get_fields():
        if not (relation.auto_created and relation.is_relation and not relation.concrete):
            continue
        other, name = relation.related_model, relation.field.name
        for chunk in itertools.batched(pks, REFERENCE_CHUNK):
            found = other._base_manager.filter(**{f"{name}__in": chunk})
            for pk, target in found.values_list("pk", name):
                yield other, pk, target


def _restore(instance, values: dict) -> None:
    """Puts back the values the import changed (only those: `before` holds nothing else).

    A translated field's value is the German text: it goes back into the German column,
    whatever language the admin who reverts speaks."""
    german = german_columns(type(instance))
    for attname, value in values.items():
        field = instance._meta.get_field(attname.removesuffix("_id"))
        setattr(instance, german.get(attname, attname), field.to_python(value))
    if values:
        instance.save()


@dataclass
class RevertPreview:
    """What reverting a run would do, shown before anyone confirms it."""

    run: ImportRun
    deleted: list[str] = field(default_factory=list)  # Companies the import created.
    restored: list[str] = field(default_factory=list)  # Companies it updated.
    contacts_deleted: int = 0
    refusal: str = ""


def newest_first(runs) -> list[ImportRun]:
    """The order to revert several imports in: an earlier import of the same companies can
    be reverted only once the later one is."""
    return sorted(runs, key=lambda run: run.pk, reverse=True)


def revert_preview(run: ImportRun) -> RevertPreview:
    preview = RevertPreview(run)
    try:
        _check_status(run)
    except RevertRefused as refusal:
        preview.refusal = refusal.message
        return preview
    items, current, conflicts = _load(run)
    if conflicts:
        preview.refusal = _refusal(conflicts)
    for item in items:
        organisation = current["organisation"].get(item.organisation_id)
        name = str(organisation) if organisation else f"#{item.organisation_id}"
        (preview.deleted if item.created else preview.restored).append(name)
        preview.contacts_deleted += bool(item.contact_created)
    return preview


def _check_status(run: ImportRun) -> None:
    if run.status == ImportRun.Status.REVERTED:
        raise RevertRefused(
            _("This import was already reverted on %(when)s.")
            % {"when": date_format(timezone.localtime(run.reverted_at), "SHORT_DATETIME_FORMAT")}
        )
    if run.status != ImportRun.Status.IMPORTED:
        raise RevertRefused(_("This import wrote nothing; there is nothing to revert."))


def _refusal(conflicts: list[str]) -> str:
    conflicts = list(dict.fromkeys(conflicts))  # a company and its profile read alike
    shown = clauses(conflicts[:SHOWN_CONFLICTS])
    more = len(conflicts) - SHOWN_CONFLICTS
    if more > 0:
        shown += " " + ngettext("(and %(n)d more)", "(and %(n)d more)", more) % {"n": more}
    return _("The import cannot be reverted: %(list)s") % {"list": shown}


@transaction.atomic
def revert_import(run: ImportRun, *, user) -> None:
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    _check_status(run)
    items, current, conflicts = _load(run)
    if conflicts:
        raise RevertRefused(_refusal(conflicts))
    # The history of each record says who reverted which import (as the import's does), in
    # the office's language: everyone reads it.
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Revert of import %(file)s (#%(id)d)") % {"file": run.file_name, "id": run.pk}
    for records in current.values():
        for record in records.values():
            record._change_reason, record._history_user = reason[:100], user
    try:
        for item in items:
            if item.created:
                # Deleting the organisation takes its profile (CASCADE); the contact goes too.
                Person.objects.filter(pk=item.contact_id).delete()
                current["organisation"][item.organisation_id].delete()
                continue
            _revert_update(item, current)
            # The versions the revert left, for reverting an earlier import of the same rows.
            item.versions["reverted"] = {
                kind: current[kind][pk].version
                for kind in KINDS
                if (pk := getattr(item, f"{kind}_id")) in current[kind]
            }
            item.save(update_fields=["versions"])
    except ProtectedError as error:
        # A record that uses them was added since the check: nothing is reverted.
        used_by = sorted({str(record) for record in error.protected_objects})[:SHOWN_CONFLICTS]
        raise RevertRefused(
            _("The import cannot be reverted: records added since use its companies: %(list)s")
            % {"list": clauses(used_by)}
        ) from None
    run.status = ImportRun.Status.REVERTED
    run.reverted_at = timezone.now()
    run.reverted_by = user
    run.save(update_fields=["status", "reverted_at", "reverted_by"])


def _revert_update(item, current) -> None:
    before = item.before
    profile = current["profile"][item.profile_id]
    if before["profile"] is None:
        profile.delete()
    else:
        _restore(profile, before["profile"])
        for key in M2M_FIELDS:
            if key in before:
                getattr(profile, key).set(before[key])
    if item.contact_created:
        current["contact"][item.contact_id].delete()
    elif before["contact"] is not None:
        _restore(current["contact"][item.contact_id], before["contact"])
    _restore(current["organisation"][item.organisation_id], before["organisation"])
