"""The trip schedule in people's hands: agendas (page, .ics, PDF) and the whole XLSX."""

import io

import icalendar
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..dates import utc_offset
from ..documents.render import DocumentsUnavailable, render_pdf
from ..models import Delegation, Organisation, TripRegistration
from ..scheduling import agendas
from ..spreadsheets import Column, Table, write_xlsx
from .documents import asked_language, pdf_response
from .pages import XLSX, attachment, page_context
from .rights import allowed


def _ics(entries, *, name: str, host: str, cancelled=(), trip_cancelled=False) -> bytes:
    """The agenda as a calendar; ``cancelled``: meetings it held once, marked cancelled;
    every meeting is, when the trip is (``trip_cancelled``)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Partner-city CRM//Trip agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for entry, status in [
        *((entry, "CANCELLED" if trip_cancelled else "CONFIRMED") for entry in entries),
        *((entry, "CANCELLED") for entry in cancelled),
    ]:
        event = icalendar.Event()
        # Stable across re-runs of the scheduler: one event per meeting request.
        event.add("uid", f"meeting-request-{entry.request.pk}-{entry.request.created_at:%s}@{host}")
        event.add("dtstamp", stamp)
        # Each change of the meeting (a new slot or table) raises its version: a calendar
        # that imports the file again replaces the older event (RFC 5545, 3.8.7.4).
        event.add("sequence", entry.request.version)
        event.add("last-modified", entry.request.updated_at)
        event.add("dtstart", entry.starts_at)
        event.add("dtend", entry.ends_at)
        event.add("summary", f"{entry.company.name} – {entry.counterpart.name}")
        table = _("table %(number)s") % {"number": entry.table} if entry.table else ""
        event.add("location", ", ".join(filter(None, [entry.city.name, table])))
        event.add("status", status)
        calendar.add_component(event)
    return calendar.to_ical()


def _schedule_row(entry) -> tuple:
    """Day and time in the stop city's zone, and the zone's offset beside them."""
    starts, ends = (
        timezone.localtime(value, entry.zone) for value in (entry.starts_at, entry.ends_at)
    )
    return (
        starts.date(),
        f"{starts:%H:%M}–{ends:%H:%M}",
        utc_offset(starts),
        entry.city.name,
        entry.table,
        entry.company.name,
        entry.counterpart.name,
        entry.request.get_status_display(),
    )


class AgendaViewsMixin:
    """URLs under a delegation: agenda/, agenda/<who>/<id>.<html|ics|pdf>, schedule.xlsx."""

    def get_urls(self):
        view, route = self.admin_site.admin_view, "<path:object_id>/"
        return [
            path(f"{route}agenda/", view(self.agenda_index), name="partners_delegation_agenda"),
            path(
                f"{route}agenda/<str:who>/<int:pk>.<str:fmt>",
                view(self.agenda),
                name="partners_delegation_agenda_of",
            ),
            path(
                f"{route}schedule.xlsx",
                view(self.schedule_xlsx),
                name="partners_delegation_schedule_xlsx",
            ),
            *super().get_urls(),
        ]

    def agenda_index(self, request, object_id):
        delegation = self.permitted_object(request, object_id, allowed("schedule"))
        entries = agendas.agenda(delegation)
        participants = {e.request.registration_id: e.company for e in entries}
        counterparts = {e.counterpart.pk: e.counterpart for e in entries}
        context = {
            **page_context(self, request, _("Schedule of %(trip)s") % {"trip": delegation}),
            "original": delegation,
            "entries": entries,
            "participants": sorted(participants.items(), key=lambda item: item[1].name),
            "counterparts": sorted(counterparts.items(), key=lambda item: item[1].name),
        }
        return render(request, "admin/partners/delegation/agenda_index.html", context)

    def agenda(self, request, object_id, who, pk, fmt):
        delegation = self.permitted_object(request, object_id, allowed("schedule"))
        if who == "participant":
            registration = get_object_or_404(TripRegistration, pk=pk, delegation=delegation)
            organisation, default_language = registration.organisation, registration.language
            of = {"registration": registration}
        elif who == "counterpart":
            # A counterpart of this trip: any other organisation has no agenda here.
            counterparts = Organisation.objects.filter(meeting_requests__delegation=delegation)
            organisation = get_object_or_404(counterparts.distinct(), pk=pk)
            default_language = agendas.counterpart_language(organisation)
            of = {"counterpart": organisation}
        else:
            raise Http404
        language = asked_language(request, default_language)
        # Organisation and city names are translated fields: read them in the document's
        # language (German where it has none).
        with translation.override(language):
            entries = agendas.agenda(delegation, **of)
            name = organisation.name
            # The file says whose agenda it is: one is printed per company and counterpart.
            slug = f"agenda-{delegation.slug}-{organisation.slug}"
            context = {
                "delegation": delegation,
                "who": who,
                "organisation": organisation,
                "name": name,
                "entries": entries,
            }
            if fmt == "ics":
                body = _ics(
                    entries,
                    name=f"{delegation.title} – {name}",
                    host=request.get_host(),
                    cancelled=agendas.dropped(delegation, entries, **of),
                    trip_cancelled=delegation.status == Delegation.Status.CANCELLED,
                )
                return attachment(body, f"{slug}.ics", "text/calendar; charset=utf-8")
            if fmt == "html":
                context.update(language=language, printed_on=timezone.localdate())
                return render(request, "partners/documents/agenda.html", context)
        if fmt == "pdf":  # render_pdf sets the language; its refusal speaks the user's
            try:
                pdf = render_pdf("partners/documents/agenda.html", context, language=language)
            except DocumentsUnavailable as error:
                # Back to the schedule it was asked from, as the other documents do.
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:partners_delegation_agenda", delegation.pk)
            return pdf_response(pdf, f"{slug}-{language}.pdf")
        raise Http404

    def schedule_xlsx(self, request, object_id):
        delegation = self.permitted_object(request, object_id, allowed("schedule"))
        entries = agendas.agenda(delegation)
        table = Table(
            name=_("Schedule"),
            columns=[
                Column(_("Day"), kind="date", width=12),
                Column(_("Time"), width=14),
                Column(_("Time zone"), width=10),
                Column(_("City"), width=14),
                Column(_("Table"), kind="number", width=8),
                Column(_("Company"), width=36),
                Column(_("Counterpart"), width=36),
                Column(_("Status"), width=14),
            ],
            rows=map(_schedule_row, entries),
        )
        target = io.BytesIO()
        write_xlsx(target, [table])
        return attachment(target.getvalue(), f"schedule-{delegation.slug}.xlsx", XLSX)
