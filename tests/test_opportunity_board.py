"""The pipeline board: who sees and moves cards, stale moves refused, filters, query count."""

import datetime
import re
from html import unescape

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from partners import models as m
from partners.roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS

from . import factories as f
from .backoffice import change_form_data, client_for, user_with_role

pytestmark = pytest.mark.django_db
Stage = m.Opportunity.Stage
BOARD = reverse("admin:partners_opportunity_board")


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def _move_url(opportunity):
    return reverse("admin:partners_opportunity_move", args=[opportunity.pk])


def _move(client, opportunity, stage, **extra):
    data = {"stage": stage, "version": opportunity.version, "next": BOARD, **extra}
    return client.post(_move_url(opportunity), data, follow=True)


def _column(page: str, stage: str) -> str:
    start = page.index(f'id="stage-{stage}"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def officer():
    return user_with_role(TRADE_OFFICERS, username="meier", email="meier@example.org")


@pytest.fixture
def card(officer):
    return f.OpportunityFactory(
        title="Battery plant",
        partner_city=f.CityFactory(name="Nanjing"),
        local_organisation=f.OrganisationFactory(name="Invest Region Leipzig"),
        foreign_organisation=f.OrganisationFactory(name="Nanjing Battery Co."),
        owner=officer,
        next_step="Send the site offer",
        next_step_on=days(-2),
        stage=Stage.CONTACTED,
    )


def test_a_card_shows_city_organisations_owner_next_step_and_is_marked_overdue(officer, card):
    page = client_for(officer).get(BOARD).content.decode()
    column = _column(page, Stage.CONTACTED)
    for text in ["Battery plant", "Nanjing", "Invest Region Leipzig", "Nanjing Battery Co.",
                 "meier", "Send the site offer"]:  # fmt: skip
        assert text in column
    assert 'class="board-card overdue"' in column
    assert "Battery plant" not in _column(page, Stage.IDEA)
    # One column per open stage, none for the closed ones.
    assert re.findall(r'id="stage-(\w+)"', page) == m.Opportunity.OPEN_STAGES


@pytest.mark.parametrize(
    ("role", "sees", "may_move"),
    [
        (TRADE_OFFICERS, 200, True),
        (MANAGERS, 200, False),
        (ADMINISTRATORS, 200, True),
        (None, 403, False),
    ],
)
def test_each_role_on_the_board(role, sees, may_move, card):
    client = client_for(user_with_role(role, is_staff=True))
    response = client.get(BOARD)
    assert response.status_code == sees
    if sees == 200:
        assert ('action="' + _move_url(card)) in response.content.decode() or not may_move
    response = client.post(_move_url(card), {"stage": Stage.IN_TALKS, "version": card.version})
    assert response.status_code == (302 if may_move else 403)
    card.refresh_from_db()
    assert card.stage == (Stage.IN_TALKS if may_move else Stage.CONTACTED)


def test_logged_out_the_board_asks_to_log_in(card):
    response = client_for(None).get(BOARD)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_move_is_logged_with_who_and_when(officer, card):
    response = _move(client_for(officer), card, Stage.IN_TALKS)
    assert "moved to in talks" in response.content.decode()
    change = card.stage_changes.order_by("pk").last()
    assert (change.stage, change.entered_on, change.changed_by) == (
        Stage.IN_TALKS,
        timezone.localdate(),
        officer,
    )


def test_a_stale_move_is_refused_and_names_what_changed(officer, card):
    colleague = user_with_role(TRADE_OFFICERS, username="schulze")
    stale_version = card.version
    url = reverse("admin:partners_opportunity_change", args=[card.pk])
    form = change_form_data(client_for(colleague), url)
    form["stage"] = Stage.NEGOTIATING
    assert client_for(colleague).post(url, form).status_code == 302

    response = client_for(officer).post(
        _move_url(card), {"stage": Stage.IDEA, "version": stale_version, "next": BOARD}, follow=True
    )
    page = response.content.decode()
    assert "Not moved: someone else saved" in page
    assert "schulze" in page and "negotiating" in page
    card.refresh_from_db()
    assert card.stage == Stage.NEGOTIATING


def test_a_stale_move_names_stages_and_days_as_the_form_does(officer, card):
    colleague = user_with_role(TRADE_OFFICERS, username="schulze")
    stale_version = card.version
    url = reverse("admin:partners_opportunity_change", args=[card.pk])
    form = change_form_data(client_for(colleague), url)
    form["stage"], form["next_step_on"] = Stage.IN_TALKS, "2026-03-09"
    assert client_for(colleague).post(url, form).status_code == 302

    response = client_for(officer).post(
        _move_url(card), {"stage": Stage.IDEA, "version": stale_version, "next": BOARD}, follow=True
    )
    page = response.content.decode()
    assert "“contacted” → “in talks”" in page
    with translation.override("en"):
        old, new = (
            date_format(d, "SHORT_DATE_FORMAT") for d in (days(-2), datetime.date(2026, 3, 9))
        )
    assert f"“{old}” → “{new}”" in page


def test_lost_needs_a_reason_and_won_is_dated_today(officer, card):
    client = client_for(officer)
    page = _move(client, card, Stage.LOST).content.decode()
    assert "needs the reason it was lost" in page
    card.refresh_from_db()
    assert card.stage == Stage.CONTACTED
    _move(client, card, Stage.LOST, lost_reason="Chose Poland")
    card.refresh_from_db()
    assert (card.stage, card.lost_reason) == (Stage.LOST, "Chose Poland")

    other = f.OpportunityFactory(owner=officer)
    _move(client, other, Stage.WON)
    other.refresh_from_db()
    assert (other.stage, other.won_on) == (Stage.WON, timezone.localdate())


def test_a_win_after_a_win_was_undone_is_dated_today_not_by_the_undone_one(officer, card):
    card.stage, card.won_on = Stage.WON, days(-200)  # marked won by mistake
    card.save()
    card.stage = Stage.IN_TALKS  # reopened on its form, the day won left filled in
    card.save()

    _move(client_for(officer), card, Stage.WON)

    card.refresh_from_db()
    assert (card.stage, card.won_on) == (Stage.WON, timezone.localdate())
    assert card.stage_changes.order_by("-pk").first().entered_on == timezone.localdate()


def test_a_day_won_entered_before_the_move_is_kept(officer, card):
    card.won_on = days(-3)
    card.save()

    _move(client_for(officer), card, Stage.WON)

    card.refresh_from_db()
    assert (card.stage, card.won_on) == (Stage.WON, days(-3))


def test_a_move_to_an_unknown_stage_or_without_version_changes_nothing(officer, card):
    client = client_for(officer)
    assert "Unknown stage" in _move(client, card, "bogus").content.decode()
    response = client.post(_move_url(card), {"stage": Stage.IDEA, "next": BOARD}, follow=True)
    assert "Not moved" in response.content.decode()
    for version in ("abc", "1.5", "²", "-1"):
        response = client.post(
            _move_url(card), {"stage": Stage.IDEA, "version": version, "next": BOARD}, follow=True
        )
        assert "is not a version. Reload the board." in unescape(response.text), version
        assert "someone else saved" not in response.text
    card.refresh_from_db()
    assert card.stage == Stage.CONTACTED


@pytest.mark.parametrize(
    ("back", "lands_on"),
    [
        ("board", BOARD),
        ("\x00", BOARD),
        ("https://evil.example/", BOARD),
        ("/admin/?q=x", "/admin/?q=x"),
    ],
)
def test_a_move_goes_back_only_to_a_path_of_this_site(officer, card, back, lands_on):
    # redirect() took a word for the name of a view: a 500.
    response = _move(client_for(officer), card, Stage.IDEA, next=back).redirect_chain[0]
    assert response == (lands_on, 302)


@pytest.mark.parametrize(
    ("query", "field"),
    [({"partner_city": "abc"}, "Partner city"), ({"kind": "research", "owner": "abc"}, "Owner")],
)
def test_a_bad_board_filter_is_named_and_not_applied_silently(officer, card, query, field):
    f.OpportunityFactory(title="Jining school", kind="research")

    response = client_for(officer).get(BOARD, query, headers={"accept-language": "en"})

    assert response.status_code == 400
    page = response.content.decode()
    assert f"{field}: Select a valid choice" in page
    if "kind" in query:  # the valid filter still holds
        assert "Jining school" in page and "Battery plant" not in page


def test_the_board_filters_by_partner_city_owner_and_kind(officer, card):
    other_city = f.CityFactory(name="Jining")
    f.OpportunityFactory(title="Jining school", partner_city=other_city, kind="research")
    client = client_for(officer)

    def titles(**query):
        page = client.get(BOARD, query).content.decode()
        return set(re.findall(r"<h4><a [^>]*>([^<]+)</a>", page))

    assert titles() == {"Battery plant", "Jining school"}
    assert titles(partner_city=other_city.pk) == {"Jining school"}
    assert titles(owner=officer.pk) == {"Battery plant"}
    assert titles(kind="research") == {"Jining school"}


def test_my_board_from_the_desk_opens_for_a_colleague_who_owns_nothing_yet(card):
    newcomer = user_with_role(TRADE_OFFICERS, username="neu")
    client = client_for(newcomer)
    desk = client.get(reverse("admin:index")).content.decode()
    link = re.search(rf'href="({BOARD}[^"]*)"', desk).group(1)

    response = client.get(link)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Battery plant" not in page  # the officer's card: the board is the newcomer's
    owners = re.search(r'<select name="owner".*?</select>', page, re.S).group(0)
    assert re.search(rf'value="{newcomer.pk}" selected>neu</option>', owners)


def test_the_board_filter_searches_partner_cities_and_lists_owners(officer, card):
    for n in range(30):
        f.OpportunityFactory(partner_city=f.CityFactory(name=f"City {n}"))
    client = client_for(officer)

    page = client.get(BOARD, {"partner_city": card.partner_city.pk}).content.decode()

    cities = re.search(r'<select name="partner_city".*?</select>', page, re.S).group(0)
    assert 'data-ajax--url="/admin/autocomplete/"' in cities
    assert cities.count("<option") <= 2  # the empty choice and the one chosen
    assert "Nanjing" in cities and "City 1" not in page
    owners = re.search(r'<select name="owner".*?</select>', page, re.S).group(0)
    assert f">{officer.username}</option>" in owners
    kinds = re.search(r'<select name="kind".*?</select>', page, re.S).group(0)
    for choices in (owners, kinds):  # an empty filter shows every card, and says so
        assert re.search(r'<option value=""[^>]*>all</option>', choices)
    assert client.get(BOARD, {"partner_city": 10**9}).status_code == 400  # no such city: named
    # The search behind the city field answers a trade officer, not only administrators.
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "partners", "model_name": "opportunity", "field_name": "partner_city",
         "term": "City 1"},
    )  # fmt: skip
    assert found.status_code == 200
    assert {r["text"] for r in found.json()["results"]} >= {"City 1", "City 10"}


def _cards(count, owner):
    city = f.CityFactory()
    organisation = f.OrganisationFactory()
    for i in range(count):
        f.OpportunityFactory(
            stage=m.Opportunity.OPEN_STAGES[i % 5],
            partner_city=city,
            foreign_organisation=organisation,
            owner=owner,
            next_step_on=days(i - 3),
        )


def test_the_board_costs_the_same_queries_for_5_and_50_cards(officer, django_assert_num_queries):
    client = client_for(officer)
    _cards(5, officer)
    client.get(BOARD)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(BOARD).status_code == 200
    _cards(45, officer)
    with django_assert_num_queries(len(few)):
        page = client.get(BOARD).content.decode()
    assert page.count('class="board-card') == 50


# Create from a meeting, a handover, a memorandum ---------------------------------------


def test_create_from_a_handover_is_prefilled_from_profile_and_recipient(officer):
    nanjing = f.PartnershipFactory(partner_city__name="Nanjing").partner_city
    handover = f.ProfileHandoverFactory(
        delegation=None,
        recipient=f.OrganisationFactory(name="Nanjing Investment Bureau", city=nanjing),
    )
    url = reverse("admin:partners_profilehandover_change", args=[handover.pk])
    page = client_for(officer).get(url).content.decode()
    add = reverse("admin:partners_opportunity_add") + f"?handover={handover.pk}"
    assert f'href="{add}"' in page

    form = change_form_data(client_for(officer), add)
    assert form["profile"] == str(handover.profile_id)
    assert form["local_organisation"] == str(handover.profile.organisation_id)
    assert form["foreign_organisation"] == str(handover.recipient_id)
    assert form["partner_city"] == str(nanjing.pk)
    assert form["handover"] == str(handover.pk)
    assert form["owner"] == str(officer.pk)
    form["title_de"] = "Distribution in Nanjing"  # the admin form posts each language
    assert client_for(officer).post(add, form).status_code == 302
    opportunity = m.Opportunity.objects.get(title_de="Distribution in Nanjing")
    assert opportunity.handover == handover
    assert opportunity.logged_by == officer
    assert opportunity.stage_changes.get().changed_by == officer


# A memorandum has no links to load: select_related() with no names was deprecated.
@pytest.mark.filterwarnings("error::django.utils.deprecation.RemovedInDjango2028Warning")
def test_create_from_a_meeting_and_from_a_memorandum(officer):
    meeting = f.MeetingFactory(
        title="Talk at the bureau", delegation=None, city=f.PartnershipFactory().partner_city
    )
    form = change_form_data(
        client_for(officer), reverse("admin:partners_opportunity_add") + f"?meeting={meeting.pk}"
    )
    assert (form["title_de"], form["partner_city"], form["meeting"]) == (
        "Talk at the bureau",
        str(meeting.city_id),
        str(meeting.pk),
    )
    partnership = f.PartnershipFactory()
    memorandum = f.MemorandumFactory(title="MoU Jining", partnership=partnership)
    form = change_form_data(
        client_for(officer),
        reverse("admin:partners_opportunity_add") + f"?memorandum={memorandum.pk}",
    )
    assert (form["title_de"], form["partner_city"], form["memorandum"]) == (
        "MoU Jining",
        str(partnership.partner_city_id),
        str(memorandum.pk),
    )


def test_the_partner_city_prefilled_is_never_a_home_city(officer):
    # A meeting in Leipzig during a visit from Nanjing is Nanjing's (as in the report).
    leipzig = f.HomeCityFactory(name="Leipzig")
    nanjing = f.PartnershipFactory(home_city=leipzig, partner_city__name="Nanjing").partner_city
    visit = f.DelegationFactory(
        direction=m.Delegation.Direction.INBOUND, origin_city=nanjing, lead_organisation=None
    )
    in_leipzig = f.MeetingFactory(delegation=visit, city=leipzig)
    form = change_form_data(
        client_for(officer), reverse("admin:partners_opportunity_add") + f"?meeting={in_leipzig.pk}"
    )
    assert form["partner_city"] == str(nanjing.pk)
    # In a city that is no partner city, with no partner counterpart: left blank.
    elsewhere = f.MeetingFactory(delegation=None, city=f.CityFactory(name="Schanghai"))
    form = change_form_data(
        client_for(officer), reverse("admin:partners_opportunity_add") + f"?meeting={elsewhere.pk}"
    )
    assert form.get("partner_city", "") == ""


def test_managers_get_no_create_link(officer):
    meeting = f.MeetingFactory()
    url = reverse("admin:partners_meeting_change", args=[meeting.pk])
    assert "Create opportunity" in client_for(officer).get(url).content.decode()
    manager = user_with_role(MANAGERS)
    assert "Create opportunity" not in client_for(manager).get(url).content.decode()


# My desk and remind ------------------------------------------------------------------


def test_my_desk_lists_my_opportunities_with_a_step_due_and_remind_mails_them(
    officer, card, mailoutbox, capsys
):
    f.OpportunityFactory(title="Later step", owner=officer, next_step_on=days(5))
    f.OpportunityFactory(title="Due today", owner=officer, next_step_on=days(0))
    f.OpportunityFactory(
        title="Lost one", owner=officer, next_step_on=days(-9), stage=Stage.LOST, lost_reason="x"
    )
    f.OpportunityFactory(title="Someone else's", next_step_on=days(-9))
    page = client_for(officer).get(reverse("admin:index")).content.decode()
    desk = page[page.index('id="my-opportunities"') :]
    desk = desk[: desk.index("</table>")]
    assert desk.index("Battery plant") < desk.index("Due today")
    for title in ["Later step", "Lost one", "Someone else's"]:
        assert title not in desk

    call_command("remind")
    body = next(mail.body for mail in mailoutbox if mail.to == ["meier@example.org"])
    assert "Battery plant: Send the site offer" in body
    with translation.override(settings.LANGUAGE_CODE):  # the mails speak the office's language
        overdue = translation.gettext("overdue")
    assert overdue in body[body.index("Battery plant") : body.index("Due today")]
    assert "opportunities with a next step due: 2" in capsys.readouterr().out


@pytest.mark.parametrize(("language", "stage"), [("de", "Phase:"), ("zh-hans", "阶段：")])
def test_the_stage_and_the_next_step_have_different_words_on_the_form(
    officer, card, language, stage
):
    # "Schritt: Idee" above "Nächster Schritt: Anruf" read as one thing: a stage is a phase,
    # as the stage log and the report call it.
    url = reverse("admin:partners_opportunity_change", args=[card.pk])
    client = client_for(officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get(url).content.decode()
    assert f'for="id_stage">{stage}</label>' in page  # Chinese labels end in a full-width colon
    with translation.override(language):
        verbose_name = m.OpportunityStageChange._meta.get_field("stage").verbose_name
        assert f"{verbose_name}{translation.gettext(':')}" == stage


def test_the_link_to_the_rest_of_a_column_keeps_the_boards_filters(officer):
    jining, nanjing = f.CityFactory(name="Jining"), f.CityFactory(name="Nanjing")
    for n in range(17):
        f.OpportunityFactory(title=f"Jining lead {n:02}", partner_city=jining, owner=officer)
    f.OpportunityFactory(title="Nanjing lead", partner_city=nanjing, owner=officer)
    client = client_for(officer)
    page = client.get(BOARD, {"partner_city": jining.pk}).content.decode()
    column = _column(page, Stage.IDEA)
    assert "(17)" in column
    link = re.search(r'<a href="([^"]+)">15 shown; all in the list</a>', column)[1]

    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert all(f"Jining lead {n:02}" in listed for n in range(17))
    assert "Nanjing lead" not in listed


def test_on_a_published_story_only_a_publisher_ticks_the_figures_public(officer):
    # The tick puts jobs and investment on the public site: publishing, not editing.
    story = f.WonOpportunityFactory(owner=officer, jobs_created=40, figures_public=False)
    url = reverse("admin:partners_opportunity_change", args=[story.pk])
    for user in (officer, user_with_role(ADMINISTRATORS)):
        client = client_for(user)
        data = {**change_form_data(client, url), "figures_public": "on"}
        assert client.post(url, data).status_code == 302
        story.refresh_from_db()
        assert story.figures_public is (user is not officer), user

    internal = f.WonOpportunityFactory(owner=officer, visibility=m.Visibility.INTERNAL)
    url = reverse("admin:partners_opportunity_change", args=[internal.pk])
    client = client_for(officer)
    client.post(url, {**change_form_data(client, url), "figures_public": "on"})
    internal.refresh_from_db()
    assert internal.figures_public  # shown only once a publisher publishes the story


def test_a_colleague_who_left_keeps_their_opportunities_and_follow_ups(officer):
    # Only active staff are offered as owners; a form saved unchanged emptied the owner.
    gone = user_with_role(TRADE_OFFICERS, username="left", is_active=False)
    idea = f.OpportunityFactory(owner=gone)
    task = f.FollowUpFactory(owner=gone)
    client = client_for(officer)
    for record, name in ((idea, "opportunity"), (task, "followup")):
        url = reverse(f"admin:partners_{name}_change", args=[record.pk])
        assert client.post(url, change_form_data(client, url)).status_code == 302, name
        record.refresh_from_db()
        assert record.owner == gone, name


def test_a_move_posted_twice_from_two_tabs_is_done_once_and_not_refused(officer, card):
    client, loaded = client_for(officer), card.version
    _move(client, card, Stage.IN_TALKS)

    response = client.post(
        _move_url(card), {"stage": Stage.IN_TALKS, "version": loaded, "next": BOARD}, follow=True
    )

    page = unescape(response.text)
    assert "someone else saved" not in page
    assert "moved to in talks" in page
    assert [c.stage for c in card.stage_changes.order_by("pk")] == [Stage.CONTACTED, Stage.IN_TALKS]
