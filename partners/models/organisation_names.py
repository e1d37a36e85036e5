"""The names of the organisations a memorandum or an opportunity involves, kept on it for
the admin search.

Searching through the relation (``parties__organisation__name``) must read either every
organisation the word matches or every record listed: for a word in a third of all
company names ("GmbH") and in no memorandum, 40 ms per query at demo scale 100, growing
with the data. Kept in one column of the record with a trigram index (migration 0073), a
search reads only the records it finds.

Refreshed by the signals below for writes through the ORM, by ``refresh`` where a write
sends none (the import, demo data, ``loaddata``).

The import's match key of an organisation (``Organisation.name_key``) is kept the same way:
by ``Organisation.save()``, and by ``refresh_name_keys`` where a write skips it (a
fixture's raw save, a queryset ``update()``, raw SQL).
"""

import operator
from collections import defaultdict
from functools import reduce

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .folding import FoldedField, fold, folded_fields

# model label → the paths from it to the organisations whose names it keeps
PATHS = {
    "partners.Memorandum": ("parties__organisation",),
    "partners.Opportunity": ("local_organisation", "foreign_organisation"),
}


class KeepsOrganisationNames(models.Model):
    organisation_names = models.TextField(
        _("organisation names"), blank=True, default="", editable=False
    )
    # The names as the admin search matches them without accents ("Muller": Müller GmbH).
    organisation_names_folded = FoldedField(source="organisation_names")

    class Meta:
        abstract = True


def _names(model, pks) -> tuple[dict, list]:
    """Each row's names as its organisations are called now, and the rows whose kept
    names differ from them."""
    columns = [
        f"{path}__{build_localized_fieldname('name', code)}"  # a search matches any language
        for path in PATHS[model._meta.label]
        for code, _name in settings.LANGUAGES
    ]
    rows = model._default_manager.order_by()
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    kept, found = {}, defaultdict(set)
    for pk, names, *names_found in rows.values_list("pk", "organisation_names", *columns):
        kept[pk] = names
        found[pk].update(name for name in names_found if name)
    texts = {pk: "\n".join(sorted(found[pk])) for pk in kept}
    return texts, [pk for pk in kept if texts[pk] != kept[pk]]


def refresh(model, pks=None) -> dict:
    """Keep the names on the rows ``pks`` of ``model`` (None: all; ``model`` may be a
    migration's), folded too (bulk_update skips the field's own save); returns each row's
    names. Writes only the rows whose names changed."""
    texts, stale_pks = _names(model, pks)
    # None on a migration's model from before the column (0084).
    folded = [f.name for f in folded_fields(model) if f.source == "organisation_names"]
    changed = [
        model(pk=pk, organisation_names=texts[pk], **dict.fromkeys(folded, fold(texts[pk])))
        for pk in stale_pks
    ]
    model._default_manager.bulk_update(changed, ["organisation_names", *folded], batch_size=500)
    return texts


def stale(model) -> list:
    """The rows of ``model`` whose kept names are not what their organisations are called."""
    return _names(model, None)[1]


def refresh_all() -> None:
    from . import folding

    refresh_name_keys()
    folding.refresh()  # the names folded for the admin search, which a raw save skips too
    for label in PATHS:
        refresh(apps.get_model(label))


def stale_name_keys() -> dict:
    """The organisations whose ``name_key`` is not their German name's: pk → the right key."""
    from .organisations import normalise_company_name

    organisations = apps.get_model("partners.Organisation")._default_manager.order_by()
    # The German name (the source language), whatever language is active.
    rows = organisations.values_list("pk", "name_de", "name_key")
    return {
        pk: key
        for pk, german, kept in rows.iterator(chunk_size=2000)
        if (key := normalise_company_name(german or "")) != kept
    }


def refresh_name_keys() -> int:
    """Keep the import's match key on every organisation whose key is out of date (the
    same as ``Organisation.save()`` would); returns how many were written."""
    Organisation = apps.get_model("partners.Organisation")
    changed = [Organisation(pk=pk, name_key=key) for pk, key in stale_name_keys().items()]
    Organisation._default_manager.bulk_update(changed, ["name_key"], batch_size=500)
    return len(changed)


def linked_to(pks) -> dict:
    """The records that show the names of organisations ``pks``: model → their pks."""
    linked = {}
    for label, paths in PATHS.items():
        model = apps.get_model(label)
        shows = reduce(operator.or_, (models.Q(**{f"{path}__in": pks}) for path in paths))
        linked[model] = list(model._default_manager.filter(shows).values_list("pk", flat=True))
    return linked


def refresh_linked(linked: dict) -> None:
    for model, pks in linked.items():
        if pks:
            refresh(model, pks)


# --- signals. A fixture's rows (``raw``) wait for the refresh that ``loaddata`` ends with.


def _record_saved(sender, instance, raw, **kwargs):
    if not raw:  # the instance too, so that saving it again keeps them
        instance.organisation_names = refresh(sender, [instance.pk])[instance.pk]
        instance.organisation_names_folded = fold(instance.organisation_names)


def _party_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(apps.get_model("partners.Memorandum"), [instance.memorandum_id])


def _organisation_saved(sender, instance, raw, created, **kwargs):
    if not raw and not created:  # a new organisation is in no record yet
        refresh_linked(linked_to([instance.pk]))


def _organisation_deleting(sender, instance, **kwargs):
    # Its opportunities lose the link (SET_NULL) before post_delete; its parties go with it.
    instance.names_linked = linked_to([instance.pk])


def _organisation_deleted(sender, instance, **kwargs):
    refresh_linked(instance.names_linked)


def connect():
    """Called by the app's ``ready``."""
    uid = "partners-organisation-names"
    for label in PATHS:
        post_save.connect(_record_saved, sender=label, dispatch_uid=uid)
    post_save.connect(_party_changed, sender="partners.MemorandumParty", dispatch_uid=uid)
    post_delete.connect(_party_changed, sender="partners.MemorandumParty", dispatch_uid=uid)
    post_save.connect(_organisation_saved, sender="partners.Organisation", dispatch_uid=uid)
    pre_delete.connect(_organisation_deleting, sender="partners.Organisation", dispatch_uid=uid)
    post_delete.connect(_organisation_deleted, sender="partners.Organisation", dispatch_uid=uid)
