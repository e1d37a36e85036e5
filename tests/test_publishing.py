"""Publishing: a right of Managers and Administrators, with the whole story of a page.

Trade officers mark records ready for publication; the managers' desk publishes them in
one click. Publishing lists the internal records the public page would need and publishes
the chosen ones in the same step, within the rules; a staff-only preview shows the page.
"""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from partners import models as m
from partners.roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import client_for, user_with_role

pytestmark = pytest.mark.django_db

INTERNAL = m.Visibility.INTERNAL


class _Forms(HTMLParser):
    """Every form of a page: its action and the values it would send."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "id": attrs.get("id"), "data": []})
        elif tag == "input" and self.forms and "name" in attrs and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind == "checkbox" and "checked" not in attrs:
                return
            if kind not in ("submit", "button"):
                self.forms[-1]["data"].append((attrs["name"], attrs.get("value", "")))


def forms_of(response):
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_form(client, url, form):
    data = {}
    for name, value in form["data"]:
        data.setdefault(name, []).append(value)
    return client.post(form["action"] or url, data, follow=True)


@pytest.fixture
def memorandum_story():
    """A memorandum with two parties: the Nanjing one and both signatories internal."""
    memorandum = f.MemorandumFactory(title="MoU Leipzig–Nanjing", visibility=INTERNAL)
    leipzig = f.OrganisationFactory(name="Invest Region Leipzig")
    nanjing = f.OrganisationFactory(name="Nanjing city government", visibility=INTERNAL)
    mayor = f.PersonFactory(full_name="Mayor Office Holder", visibility=INTERNAL)
    clerk = f.PersonFactory(
        full_name="Clerk Without Consent",
        lawful_basis=m.Person.LawfulBasis.LEGITIMATE_INTEREST,
        visibility=INTERNAL,
    )
    f.MemorandumPartyFactory(memorandum=memorandum, organisation=leipzig, signatory=clerk)
    f.MemorandumPartyFactory(memorandum=memorandum, organisation=nanjing, signatory=mayor)
    return memorandum, nanjing, mayor, clerk


def test_the_publish_right_belongs_to_managers_and_administrators():
    assert user_with_role(MANAGERS).has_perm("partners.publish_records")
    assert user_with_role(ADMINISTRATORS).has_perm("partners.publish_records")
    assert not user_with_role(TRADE_OFFICERS).has_perm("partners.publish_records")


def test_the_visibility_field_is_read_only_in_the_form():
    city = f.CityFactory(visibility=INTERNAL)
    url = reverse("admin:partners_city_change", args=[city.pk])
    for role in (TRADE_OFFICERS, ADMINISTRATORS):
        page = client_for(user_with_role(role)).get(url).content.decode()
        assert 'name="visibility"' not in page
    officer = client_for(user_with_role(TRADE_OFFICERS))
    page = officer.get(url).content.decode()
    assert 'value="request_publication"' in page
    assert 'value="publish"' not in page


def test_a_record_that_could_not_be_published_is_not_marked_ready():
    # On the managers' desk it could only wait: publishing refuses an opportunity not won.
    idea = f.OpportunityFactory(title="Battery plant", stage=m.Opportunity.Stage.IN_TALKS)
    won = f.WonOpportunityFactory(title="Office in Leipzig", visibility=INTERNAL)
    officer = client_for(user_with_role(TRADE_OFFICERS))
    changelist = reverse("admin:partners_opportunity_changelist")
    data = {"action": "request_publication", "_selected_action": [idea.pk, won.pk], "index": 0}
    said = messages_of(officer.post(changelist, data, follow=True))
    assert any("1 record marked ready" in message for message in said), said
    assert any("Not marked" in message and "Battery plant" in message for message in said)
    requested = m.PublicationRequest.objects.values_list("object_id", flat=True)
    assert list(requested) == [won.pk]


def test_an_officer_marks_a_record_ready_and_a_manager_publishes_it_from_the_desk():
    city = f.CityFactory(name="Jining", visibility=INTERNAL)
    officer = user_with_role(TRADE_OFFICERS, username="officer")
    changelist = reverse("admin:partners_city_changelist")
    data = {"action": "request_publication", "_selected_action": [city.pk], "index": 0}
    response = client_for(officer).post(changelist, data, follow=True)
    assert any("ready for publication" in message for message in messages_of(response))
    city.refresh_from_db()
    assert not city.is_published

    # Not on the officer's own desk: they cannot publish.
    officer_desk = client_for(officer).get(reverse("admin:index")).content.decode()
    assert 'id="ready-to-publish"' not in officer_desk

    manager = client_for(user_with_role(MANAGERS))
    desk = manager.get(reverse("admin:index"))
    assert "Jining" in desk.content.decode()
    [one_click] = [form for form in forms_of(desk) if ("action", "publish") in form["data"]]
    post_form(manager, reverse("admin:index"), one_click)
    city.refresh_from_db()
    assert city.is_published
    assert not m.PublicationRequest.objects.exists()
    assert 'id="ready-to-publish"' not in manager.get(reverse("admin:index")).content.decode()


def test_publishing_a_memorandum_offers_its_internal_parties_within_the_rules(memorandum_story):
    memorandum, nanjing, mayor, clerk = memorandum_story
    manager = client_for(user_with_role(MANAGERS))
    changelist = reverse("admin:partners_memorandum_changelist")
    data = {"action": "publish", "_selected_action": [memorandum.pk], "index": 0}
    confirmation = manager.post(changelist, data)
    page = confirmation.content.decode()
    assert "Nanjing city government" in page
    assert "Mayor Office Holder" in page
    # Listed, but not offered: a person without office or consent stays internal.
    assert "Clerk Without Consent" in page
    assert f'value="person:{clerk.pk}"' not in page
    # The preview opens in the language of the back office (the client asks for English).
    with translation.override("en"):
        assert reverse("partners:preview", args=["memorandum", memorandum.pk]) in page
    memorandum.refresh_from_db()
    assert not memorandum.is_published  # nothing happens before the confirmation

    [form] = [form for form in forms_of(confirmation) if form["id"] == "publish-confirm"]
    post_form(manager, changelist, form)
    for record in (memorandum, nanjing, mayor, clerk):
        record.refresh_from_db()
    assert memorandum.is_published and nanjing.is_published and mayor.is_published
    assert not clerk.is_published

    public = client_for(None).get(memorandum.get_absolute_url()).content.decode()
    assert "Invest Region Leipzig" in public
    assert "Nanjing city government" in public
    assert "Mayor Office Holder" in public
    assert "Clerk Without Consent" not in public


def test_the_confirmation_publishes_only_what_was_chosen_and_needed(memorandum_story):
    memorandum, nanjing, mayor, _clerk = memorandum_story
    stranger = f.OrganisationFactory(name="Unrelated GmbH", visibility=INTERNAL)
    manager = client_for(user_with_role(MANAGERS))
    changelist = reverse("admin:partners_memorandum_changelist")
    data = {
        "action": "publish",
        "_selected_action": [memorandum.pk],
        "index": 0,
        "confirm_publish": "yes",
        "also_publish": [f"person:{mayor.pk}", f"organisation:{stranger.pk}"],
    }
    manager.post(changelist, data)
    for record in (memorandum, nanjing, mayor, stranger):
        record.refresh_from_db()
    assert memorandum.is_published and mayor.is_published
    assert not nanjing.is_published  # not chosen
    assert not stranger.is_published  # not needed by this memorandum


def test_a_record_refused_publishes_nothing_of_what_it_needs():
    refused = f.CompanyProfileFactory(
        organisation__name="Ohne Zustimmung GmbH",
        organisation__visibility=INTERNAL,
        consent_to_share=False,
        consent_given_on=None,
        visibility=INTERNAL,
    )
    shared = f.CompanyProfileFactory(
        organisation__name="Mit Zustimmung GmbH",
        organisation__visibility=INTERNAL,
        visibility=INTERNAL,
    )
    manager = client_for(user_with_role(MANAGERS))
    data = {
        "action": "publish",
        "_selected_action": [refused.pk, shared.pk],
        "index": 0,
        "confirm_publish": "yes",
        "also_publish": [
            f"organisation:{refused.organisation_id}",
            f"organisation:{shared.organisation_id}",
        ],
    }
    response = manager.post(reverse("admin:partners_companyprofile_changelist"), data)
    said = [str(message) for message in get_messages(response.wsgi_request)]
    for record in (refused, refused.organisation, shared, shared.organisation):
        record.refresh_from_db()
    assert not refused.is_published and not refused.organisation.is_published
    assert shared.is_published and shared.organisation.is_published
    assert said[0] == "2 records published."
    assert "a profile can only be published with the consent to share it" in said[1]


def test_publishing_from_the_records_own_page_shows_the_delegations_story():
    delegation = f.DelegationFactory(title="Trip to Jining", visibility=INTERNAL)
    delegation.lead_organisation.visibility = INTERNAL
    delegation.lead_organisation.save()
    stop = f.DelegationStopFactory(
        delegation=delegation, city__name="Jining", city__visibility=INTERNAL
    )
    member = f.DelegationMemberFactory(delegation=delegation, person__visibility=INTERNAL)
    admin_client = client_for(user_with_role(ADMINISTRATORS))
    url = reverse("admin:partners_delegation_change", args=[delegation.pk])
    data = {"CHANGE_FORM-action": "publish", "_selected_action": [delegation.pk], "index": 0}
    confirmation = admin_client.post(url, data)
    page = confirmation.content.decode()
    for name in (delegation.lead_organisation.name, "Jining", member.person.full_name):
        assert name in page
    [form] = [form for form in forms_of(confirmation) if form["id"] == "publish-confirm"]
    post_form(admin_client, url, form)
    for record in (delegation, delegation.lead_organisation, stop.city, member.person):
        record.refresh_from_db()
        assert record.is_published, record


def test_a_profile_is_published_with_its_company():
    profile = f.CompanyProfileFactory(visibility=INTERNAL, organisation__visibility=INTERNAL)
    manager = client_for(user_with_role(MANAGERS))
    changelist = reverse("admin:partners_companyprofile_changelist")
    data = {"action": "publish", "_selected_action": [profile.pk], "index": 0}
    confirmation = manager.post(changelist, data)
    assert profile.organisation.name in confirmation.content.decode()
    [form] = [form for form in forms_of(confirmation) if form["id"] == "publish-confirm"]
    post_form(manager, changelist, form)
    profile.refresh_from_db()
    profile.organisation.refresh_from_db()
    assert profile.is_published and profile.organisation.is_published


def test_a_record_whose_page_needs_nothing_is_published_at_once():
    city = f.CityFactory(visibility=INTERNAL)
    manager = client_for(user_with_role(MANAGERS))
    changelist = reverse("admin:partners_city_changelist")
    data = {"action": "publish", "_selected_action": [city.pk], "index": 0}
    assert manager.post(changelist, data).status_code == 302
    city.refresh_from_db()
    assert city.is_published


# The preview ---------------------------------------------------------------------------


@pytest.fixture
def internal_delegation():
    delegation = f.DelegationFactory(
        title="Planned company trip", summary="Ten companies travel.", visibility=INTERNAL
    )
    f.DelegationMemberFactory(delegation=delegation, person__full_name="Published Head")
    f.DelegationMemberFactory(
        delegation=delegation, person__full_name="Hidden Member", person__visibility=INTERNAL
    )
    return delegation


def test_the_preview_shows_the_page_as_it_will_be_published(internal_delegation):
    url = reverse("partners:preview", args=["delegation", internal_delegation.pk])
    response = client_for(user_with_role(TRADE_OFFICERS)).get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="preview-banner"' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Planned company trip" in page and "Ten companies travel." in page
    assert "Published Head" in page
    assert "Hidden Member" not in page  # still internal: not on the public page either


def test_the_preview_is_staff_only(internal_delegation):
    url = reverse("partners:preview", args=["delegation", internal_delegation.pk])
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302
    assert reverse("admin:login") in anonymous["Location"]
    outsider = f.UserFactory(is_staff=False)
    assert client_for(outsider).get(url).status_code == 403
    # The public page itself stays closed.
    assert client_for(None).get(internal_delegation.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("model_name", "factory"),
    [
        ("city", f.CityFactory),
        ("memorandum", f.MemorandumFactory),
        ("companyprofile", f.CompanyProfileFactory),
    ],
)
def test_every_page_kind_has_a_preview(model_name, factory):
    record = factory(visibility=INTERNAL)
    url = reverse("partners:preview", args=[model_name, record.pk])
    response = client_for(user_with_role(MANAGERS)).get(url)
    assert response.status_code == 200
    assert 'class="preview-banner"' in response.content.decode()
    assert (
        client_for(user_with_role(MANAGERS))
        .get(reverse("partners:preview", args=["person", 1]))
        .status_code
        == 404
    )


# Empty sections ------------------------------------------------------------------------


def test_a_delegation_page_leaves_out_what_nothing_was_published_for():
    delegation = f.DelegationFactory(title="Bare trip")
    f.DelegationMemberFactory(delegation=delegation, person__visibility=INTERNAL)
    for language in ("de", "en"):
        with translation.override(language):
            page = client_for(None).get(delegation.get_absolute_url())
        text = page.content.decode()
        assert page.status_code == 200
        assert "Bare trip" in text
        for absent in (
            "route-heading",
            "members-heading",
            "meetings-heading",
            "memoranda-heading",
            "profiles-heading",
            "profile-count",
            "Keine",
            "No stops",
            "No members",
        ):
            assert absent not in text, (language, absent)


def test_a_memorandum_page_without_published_parties_has_no_parties_section():
    memorandum = f.MemorandumFactory()
    f.MemorandumPartyFactory(memorandum=memorandum, organisation__visibility=INTERNAL)
    page = client_for(None).get(memorandum.get_absolute_url()).content.decode()
    assert "parties-heading" not in page
