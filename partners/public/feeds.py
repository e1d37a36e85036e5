"""Feeds of published delegations: Atom for readers, iCalendar for calendars.

A delegation known only to the month or the year (``date_precision``) is never put into a
calendar as a precise day, which every calendar app would show as "1 January 2018": its
all-day event spans the whole month or year, its title states the precision ("Besuch
(2018)"), and it is marked transparent, so it does not block anyone's time.
"""

import datetime

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dates import DatePrecision, first_day, last_day
from ..models import Delegation
from ..models.base import shown_text
from ..validators import CONTROL

FEED_SIZE = 50
# The calendar carries the latest trips only: with every published delegation it grew
# with the database (seconds at a million records) and calendar apps re-fetch it often.
# 100 trips are years of a city's delegations; older ones are on the public list.
CALENDAR_SIZE = 100
ICAL_STATUS = {Delegation.Status.CANCELLED: "CANCELLED", Delegation.Status.PLANNED: "TENTATIVE"}


def _printable(text: str) -> str:
    """``text`` without control characters: forms and the import refuse them, but a record
    stored before they did may hold one, and XML 1.0 cannot (the Atom feed answered 500).
    A space for each: Word's line break (a vertical tab) parts two words."""
    return CONTROL.sub(" ", text)


class _MarkingHandler:
    """The feed's XML writer, marking the language of the elements named in ``languages``."""

    def __init__(self, handler, languages: dict[str, str]):
        self.handler, self.languages = handler, languages

    def addQuickElement(self, name, contents=None, attrs=None):
        if name in self.languages:
            attrs = {**(attrs or {}), "xml:lang": self.languages[name]}
        self.handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self.handler, name)


class MarkedAtom1Feed(Atom1Feed):
    """A title shown in German for want of a translation says so (``xml:lang="de"`` on the
    title alone): the entry, its dates and links stay in the feed's language."""

    def add_item_elements(self, handler, item):
        languages = {"title": item["title_language"]} if item.get("title_language") else {}
        super().add_item_elements(_MarkingHandler(handler, languages), item)


class DelegationAtomFeed(Feed):
    feed_type = MarkedAtom1Feed
    title = gettext_lazy("Delegation reports")
    subtitle = gettext_lazy("Published reports of delegation trips and visits.")
    link = reverse_lazy("partners:delegations")

    def author_name(self):
        # The publishing office (settings.CRM_PUBLISHER), as Atom asks for a feed's author.
        return settings.CRM_PUBLISHER

    def author_link(self):
        return settings.CRM_PUBLISHER_URL or None

    def items(self):
        return Delegation.objects.published().order_by("-updated_at")[:FEED_SIZE]

    def item_title(self, item):
        return _printable(item.title)

    def item_description(self, item):
        # Atom's summary is typed HTML: the text is escaped, so readers show it as written.
        # The dates are in the feed's language; a summary shown in German for want of a
        # translation is marked so in the HTML, where it can be marked on its own.
        dates = linebreaks(item.dates_display, autoescape=True) if item.dates_display else ""
        summary, language = shown_text(item, "summary")
        summary = _printable(summary or "")
        text = linebreaks(summary, autoescape=True) if summary else ""
        if text and language:  # a language code of ours around text escaped just above
            text = f'<div lang="{language}">{text}</div>'
        return "\n\n".join(part for part in (dates, text) if part)

    def item_extra_kwargs(self, item):
        return {"title_language": shown_text(item, "title")[1]}

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at


def _event(delegation, host: str, site: str, stamp: datetime.datetime) -> icalendar.Event:
    event = icalendar.Event()
    # By slug (public already), not by the database id, which would tell how many
    # delegations, published or not, were recorded in between.
    event.add("uid", f"delegation-{delegation.slug}@{host}")
    event.add("dtstamp", stamp)
    start, end = event_span(delegation)
    title, dates = _printable(delegation.title), delegation.dates_display
    vague = delegation.date_precision != DatePrecision.DAY
    if vague and dates not in title:  # the precision once: not "Jahresreise 2026 (2026)"
        title = _("%(title)s (%(dates)s)") % {"title": title, "dates": dates}
    # RFC 5545's LANGUAGE: the title's own (German for want of a translation).
    event.add("summary", title, parameters={"LANGUAGE": _language(delegation, "title")})
    if vague:
        event.add("transp", "TRANSPARENT")
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("url", site + delegation.get_absolute_url())
    if delegation.summary:
        language = _language(delegation, "summary")
        event.add("description", _printable(delegation.summary), parameters={"LANGUAGE": language})
    event.add("status", ICAL_STATUS.get(delegation.status, "CONFIRMED"))
    return event


def _language(delegation, field: str) -> str:
    """The language ``field`` is shown in: the calendar's, or German for want of a
    translation."""
    return shown_text(delegation, field)[1] or translation.get_language()


def event_span(delegation) -> tuple[datetime.date, datetime.date]:
    """First day and the exclusive end (RFC 5545, 3.6.1: the day after the last day) of the
    all-day event, widened to whole months or years at those precisions."""
    start, precision = delegation.start_date, delegation.date_precision
    last = last_day(delegation.end_date or start, precision)
    # A date the forms refuse (9999) may still be stored: the feed must not fail on it.
    end = last + datetime.timedelta(days=1) if last < datetime.date.max else last
    return first_day(start, precision), end


def delegations_ics(request):
    """The latest CALENDAR_SIZE published delegations with a start date, each as one all-day
    event spanning its dates."""
    # Worked out once, not per event: what build_absolute_uri() would prefix to each URL.
    host = request.get_host()
    site = f"{request.scheme}://{host}"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Partner-city CRM//Delegations//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Delegations"))
    stamp = timezone.now()
    dated = Delegation.objects.published().filter(start_date__isnull=False)
    latest = dated.order_by("-start_date", "-pk")[:CALENDAR_SIZE]
    for delegation in sorted(latest, key=lambda d: (d.start_date, d.pk)):
        calendar.add_component(_event(delegation, host, site, stamp))
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
