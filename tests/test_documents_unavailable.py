"""A machine without WeasyPrint's system libraries: every PDF link says so on the page it
was clicked on, in the user's language, and nothing answers with a bare error."""

import datetime
import importlib.abc
import sys

import pytest

from partners.roles import MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role

UTC = datetime.UTC


class _PangoMissing(importlib.abc.MetaPathFinder):
    """What cffi does when Pango cannot be loaded: importing weasyprint raises OSError."""

    def find_spec(self, name, path, target=None):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return None


@pytest.fixture
def without_pango(monkeypatch):
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_PangoMissing(), *sys.meta_path])


@pytest.fixture
def officer(db):
    return client_for(user_with_role(TRADE_OFFICERS))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_profile_handout_goes_back_to_the_profile_and_says_why(without_pango, officer):
    profile = f.CompanyProfileFactory(consent_to_share=True)
    url = f"/admin/partners/companyprofile/{profile.pk}/handout.pdf?lang=de"
    response = officer.get(url, follow=True)
    change = f"/admin/partners/companyprofile/{profile.pk}/change/"
    assert response.redirect_chain == [(change, 302)]
    [message] = messages_of(response)
    assert "libpango-1.0-0" in message and "make run" in message


def test_an_agenda_pdf_goes_back_to_the_schedule_and_says_why(without_pango, officer):
    trip = f.DelegationFactory(status="planned")
    slot = f.MeetingSlotFactory(
        delegation=trip,
        starts_at=datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 5, 10, 1, 45, tzinfo=UTC),
    )
    company = f.TripRegistrationFactory(delegation=trip)
    f.MeetingRequestFactory(registration=company, slot=slot, status="scheduled")
    url = f"/admin/partners/delegation/{trip.pk}/agenda/participant/{company.pk}.pdf"
    response = officer.get(url, follow=True)
    assert response.redirect_chain == [(f"/admin/partners/delegation/{trip.pk}/agenda/", 302)]
    [message] = messages_of(response)
    assert "libpango-1.0-0" in message
    # The other formats do not need the libraries.
    assert officer.get(url.removesuffix(".pdf") + ".ics").status_code == 200


def test_the_report_pdf_keeps_the_report_and_names_the_missing_libraries(without_pango, db):
    manager = client_for(user_with_role(MANAGERS))
    response = manager.get("/reports/?year=2019&format=pdf")
    assert response.status_code == 503
    assert "libpango-1.0-0" in response.text and "<table" in response.text


def test_the_report_pdf_asked_in_chinese_says_why_in_the_users_language(without_pango, db):
    manager = client_for(user_with_role(MANAGERS))
    response = manager.get(
        "/reports/?year=2019&format=pdf&lang=zh-hans", headers={"accept-language": "de"}
    )
    assert response.status_code == 503
    assert "PDF-Dokumente brauchen die Systembibliotheken" in response.text
    assert "PDF文档" not in response.text
