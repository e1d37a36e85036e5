"""The back office's own pages lay out their breadcrumbs as Django's do: "Start › Import",
not "Start ›Import" (Django's separator is an ::after of an inline-block item, whose
trailing space collapses, so the space between items must be in the markup)."""

import re

import pytest
from django.core.files.base import ContentFile

from partners.models import Job
from partners.roles import ADMINISTRATORS

from . import factories as f
from .backoffice import client_for, user_with_role


@pytest.fixture
def administrator(db):
    return user_with_role(ADMINISTRATORS)


def test_every_own_back_office_page_spaces_its_breadcrumbs(administrator):
    trip = f.DelegationFactory(status="completed")
    job = Job(kind=Job.Kind.IMPORT, stage=Job.Stage.IMPORT, created_by=administrator)
    job.file.save("profiles.xlsx", ContentFile(b"x"), save=True)
    client = client_for(administrator)
    for url in (
        f"/admin/partners/delegation/{trip.pk}/agenda/",
        f"/admin/partners/delegation/{trip.pk}/after-trip/",
        "/admin/partners/opportunity/board/",
        f"/jobs/{job.pk}/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        [crumbs] = re.findall(r'<ol class="breadcrumbs">(.*?)</ol>', page.text, re.S)
        assert crumbs.count("<li") >= 2, url
        assert not re.search(r"</li><li", crumbs), url
