"""Django's ``loaddata``, then, in the same transaction, what a fixture written by hand (the
seed) lacks and a backup carries: each record's report city and day (``reports.places``;
the signals wait until every record is in, as they arrive in any order), and the names and
match keys a raw save leaves out (``models.organisation_names``)."""

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
