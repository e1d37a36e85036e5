"""Times are shown in the office's time zone (TIME_ZONE), never in UTC: import runs, the
revert refusal and the "someone saved this meanwhile" message (issue 14, point 7)."""

import datetime

import pytest
from django.utils import translation

from partners.imports.revert import RevertRefused, revert_import
from partners.models import ImportRun
from tests import factories as f

# 02:30 UTC on 25 June 2019 is 04:30 in Leipzig (summer time) and 10:30 in Nanjing.
INSTANT = datetime.datetime(2019, 6, 25, 2, 30, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def _run(**fields):
    run = ImportRun.objects.create(
        file_name="profiles.xlsx",
        sha256="0" * 64,
        mode="all_or_nothing",
        status="imported",
        **fields,
    )
    ImportRun.objects.filter(pk=run.pk).update(started_at=INSTANT)
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(
    ("zone", "shown"), [("Europe/Berlin", "04:30"), ("Asia/Shanghai", "10:30")]
)
def test_an_import_run_names_its_start_in_local_time(settings, zone, shown):
    settings.TIME_ZONE = zone
    assert str(_run()) == f"profiles.xlsx (2019-06-25 {shown})"


def test_a_refused_revert_says_when_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    run = _run(reverted_at=INSTANT)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.REVERTED)

    with translation.override("de"), pytest.raises(RevertRefused) as refused:
        revert_import(run, user=f.UserFactory())

    assert "04:30" in str(refused.value) and "02:30" not in str(refused.value)
