"""Django's ``loaddata``, which then works out the report's partner city and day of the
records that lack them (``partners.reports.places``), in the same transaction. A backup
carries them and keeps them as they were; a fixture written by hand (the seed) does not.
Its records arrive in any order, so the signals wait until all are in. The organisation
names kept for the admin search and the organisations' match keys for the import
(``Organisation.name_key``, which a fixture's raw save leaves empty) are refreshed too
(``models.organisation_names``): the ones a backup carries stay as they are."""

from django.core.management.commands import loaddata
from django.db.models import Q

from partners.models import organisation_names
from partners.reports import places


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        with places.paused():
            super().loaddata(fixture_labels)
        if self.loaded_object_count:
            for kind in places.KEPT:
                places.refresh(kind, Q(counted_in=None) | Q(counted_on=None))
            organisation_names.refresh_all()
