"""The work of the offices in the demo world: trips, meetings, handovers, MoUs, follow-ups.

Children of a batch (stops, members, links) are written right after that batch, so memory
stays bounded by the batch size whatever the scale.
"""

import datetime
from collections import defaultdict

from django.utils import timezone

from .. import models as m
from . import names
from .world import Slugs

Delegation, Meeting, Memorandum = m.Delegation, m.Meeting, m.Memorandum
STATUS_WEIGHTS = {
    Delegation.Status.COMPLETED: 6,
    Delegation.Status.CONFIRMED: 1,
    Delegation.Status.PLANNED: 2,
    Delegation.Status.CANCELLED: 1,
}


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


class ActivitiesMixin:
    # --- delegations ------------------------------------------------------------------

    def delegations(self):
        slugs = Slugs(Delegation)
        self.delegation_info = {}  # pk -> (start date, first stop's city, visibility, end)
        Supporter = Delegation.supporting_organisations.through

        def children(batch):
            stops, members, supporters = [], [], []
            for d in batch:
                cities = self.pick(self.partner_city_ids, 1, 3)
                self.delegation_info[d.pk] = (d.start_date, cities[0], d.visibility, d.end_date)
                for order, city_id in enumerate(cities, 1):
                    # A day a stop, never beyond the trip's last day (a stop's dates lie
                    # within the trip's).
                    arrival = d.start_date and d.start_date + days(order - 1)
                    departure = arrival and arrival + days(1)
                    if d.end_date and arrival:
                        arrival, departure = min(arrival, d.end_date), min(departure, d.end_date)
                    stops.append(
                        m.DelegationStop(
                            delegation_id=d.pk, city_id=city_id, order=order, arrival=arrival,
                            departure=departure,
                        )
                    )  # fmt: skip
                for n, person_id in enumerate(self.pick(self.person_ids, 2, 6)):
                    role = (
                        m.DelegationMember.Role.HEAD if n == 0 else m.DelegationMember.Role.MEMBER
                    )
                    members.append(
                        m.DelegationMember(
                            delegation_id=d.pk, person_id=person_id, role=role,
                            position_at_time=self.positions[person_id],
                        )
                    )  # fmt: skip
                supporters += [
                    Supporter(delegation_id=d.pk, organisation_id=org_id)
                    for org_id in self.pick(self.institution_ids, 0, 2)
                ]
            self.insert(m.DelegationStop, stops, "delegation stops")
            self.insert(m.DelegationMember, members, "delegation members")
            self.insert(Supporter, supporters)

        self.delegation_ids = self.insert(
            Delegation,
            (self.delegation(slugs) for _ in range(self.sizes.delegations)),
            "delegations",
            after=children,
        )

    def delegation(self, slugs):
        status = self.weighted(STATUS_WEIGHTS)
        planned_undated = status == Delegation.Status.PLANNED and self.random.random() < 0.3
        start = None if planned_undated else self.day()
        home_id = self.random.choice(self.home_city_ids)
        home = self.city_names[home_id]
        partner_id = self.random.choice(self.partner_city_ids)
        partner = self.city_names[partner_id]
        year = f" {start.year}" if start else ""
        outbound = self.random.random() < 0.6
        if outbound:
            title, origin_id = f"Delegationsreise {home} nach {partner}{year}", home_id
            lead = self.random.choice(self.home_institution_ids or self.institution_ids)
        else:
            title, origin_id = f"Delegation aus {partner} in {home}{year}", partner_id
            lead = self.random.choice(self.partner_institution_ids or self.institution_ids)
        precision = self.random.choices(list(Delegation.DatePrecision), [85, 10, 5])[0]
        return Delegation(
            title=title, slug=slugs(title),
            direction=Delegation.Direction.OUTBOUND if outbound else Delegation.Direction.INBOUND,
            status=status, start_date=start,
            end_date=start + days(self.random.randint(1, 9)) if start else None,
            date_precision=precision, origin_city_id=origin_id, lead_organisation_id=lead,
            purpose=self.random.choice(names.MEETING_TOPICS),
            summary=f"Gespräche über {self.random.choice(names.MEETING_TOPICS)}.",
            outcome="Interne Einschätzung: Folgegespräche vereinbart.",
            visibility=self.visibility(0.5 if status == Delegation.Status.COMPLETED else 0.2),
        )  # fmt: skip

    # --- meetings ---------------------------------------------------------------------

    def meetings(self):
        organisation_ids = self.institution_ids + self.company_ids
        Party, Attendee = Meeting.organisations.through, Meeting.attendees.through

        self.meetings_of = defaultdict(list)  # delegation pk (None: none) -> meeting pks

        def links(batch):
            orgs, attendees = [], []
            for meeting in batch:
                self.meetings_of[meeting.delegation_id].append(meeting.pk)
                orgs += [
                    Party(meeting_id=meeting.pk, organisation_id=org_id)
                    for org_id in self.pick(organisation_ids, 1, 2)
                ]
                attendees += [
                    Attendee(meeting_id=meeting.pk, person_id=person_id)
                    for person_id in self.pick(self.person_ids, 1, 2)
                ]
            self.insert(Party, orgs, "meeting organisations and attendees")
            self.insert(Attendee, attendees, "meeting organisations and attendees")

        self.meeting_ids = self.insert(
            Meeting, (self.meeting() for _ in range(self.sizes.meetings)), "meetings", after=links
        )

    def meeting(self):
        kind = self.random.choice(list(Meeting.Kind))
        topic = self.random.choice(names.MEETING_TOPICS)
        delegation_id = None
        if self.random.random() < 0.7:
            delegation_id = self.random.choice(self.delegation_ids)
            start, city_id, visibility, end = self.delegation_info[delegation_id]
            date = start + days(self.random.randint(0, 3)) if start else None
            date = min(date, end) if date and end else date  # within the trip's days
            public_share = 0.6 if visibility == m.Visibility.PUBLIC else 0.0
        else:
            date, city_id, public_share = self.day(), self.random.choice(self.city_ids), 0.2
        return Meeting(
            delegation_id=delegation_id, date=date, city_id=city_id, kind=kind,
            title=f"{Meeting.Kind(kind).label.capitalize()}: {topic}",
            notes="Interne Notiz zum Gespräch.", outcome="Weiteres Vorgehen abgestimmt.",
            logged_by_id=self.random.choice(self.user_ids),
            visibility=self.visibility(public_share),
        )  # fmt: skip

    # --- handovers, memoranda, follow-ups ----------------------------------------------

    def handovers(self):
        if not self.shareable_profile_ids:
            return
        recipients = self.partner_institution_ids or self.institution_ids
        Giver = m.ProfileHandover.handed_over_by.through

        def givers(batch):
            rows = [
                Giver(profilehandover_id=handover.pk, person_id=person_id)
                for handover in batch
                for person_id in self.pick(self.person_ids, 0, 2)
            ]
            self.insert(Giver, rows, "handed over by")

        self.handover_ids = self.insert(
            m.ProfileHandover,
            (self.handover(recipients) for _ in range(self.sizes.handovers)),
            "profile handovers",
            after=givers,
        )

    def handover(self, recipients):
        # Only profiles whose company consented to sharing are ever handed over.
        delegation_id = None
        handed_over_on = self.day()
        if self.random.random() < 0.6:
            delegation_id = self.random.choice(self.delegation_ids)
            handed_over_on = self.delegation_info[delegation_id][0] or handed_over_on
        return m.ProfileHandover(
            profile_id=self.random.choice(self.shareable_profile_ids),
            recipient_id=self.random.choice(recipients), delegation_id=delegation_id,
            meeting_id=self.meeting_of(delegation_id) if self.random.random() < 0.2 else None,
            handed_over_on=handed_over_on,
            response=self.random.choice(list(m.ProfileHandover.Response)),
        )  # fmt: skip

    def meeting_of(self, delegation_id):
        """A meeting of the delegation (of none: one of no delegation), if it has any."""
        meetings = self.meetings_of[delegation_id]
        return self.random.choice(meetings) if meetings else None

    def memoranda(self):
        slugs = Slugs(Memorandum)
        home_orgs = self.home_institution_ids or self.institution_ids
        partner_orgs = self.partner_institution_ids or self.institution_ids

        def parties(batch):
            rows = []
            for memorandum in batch:
                # A list, not a set: a set's order follows the pks, which differ between runs.
                org_ids = [self.random.choice(home_orgs), self.random.choice(partner_orgs)]
                for org_id in dict.fromkeys(org_ids):
                    people = self.people_of.get(org_id)
                    signatory = self.random.choice(people) if people else None
                    rows.append(
                        m.MemorandumParty(
                            memorandum_id=memorandum.pk, organisation_id=org_id,
                            signatory_id=signatory,
                            signatory_position=self.positions[signatory] if signatory else "",
                        )
                    )  # fmt: skip
            self.insert(m.MemorandumParty, rows, "memorandum parties")

        self.memorandum_ids = self.insert(
            Memorandum,
            (self.memorandum(slugs) for _ in range(self.sizes.memoranda)),
            "memoranda",
            after=parties,
        )

    def memorandum(self, slugs):
        status = self.random.choices(list(Memorandum.Status), [1, 1, 6, 1, 1])[0]
        signed = status in (Memorandum.Status.SIGNED, Memorandum.Status.EXPIRED)
        signed_on = self.day() if signed else None
        delegation_id = (
            self.random.choice(self.delegation_ids) if self.random.random() < 0.4 else None
        )
        valid_until = signed_on + days(365 * self.random.randint(2, 5)) if signed_on else None
        partner = self.city_names[self.random.choice(self.partner_city_ids)]
        title = f"Absichtserklärung über {self.random.choice(names.MEETING_TOPICS)} mit {partner}"
        return Memorandum(
            title=title, slug=slugs(title), kind=self.random.choice(list(Memorandum.Kind)),
            status=status, partnership_id=self.random.choice(self.partnership_ids or [None]),
            delegation_id=delegation_id, signed_on=signed_on,
            signed_in_id=self.random.choice(self.city_ids) if signed else None,
            valid_until=valid_until,
            review_on=valid_until - days(180) if valid_until else None,
            summary="Die Partner vereinbaren, die Zusammenarbeit zu vertiefen.",
            visibility=self.visibility(0.6 if signed else 0.1),
        )  # fmt: skip

    def follow_ups(self):
        self.insert(
            m.FollowUp, (self.follow_up() for _ in range(self.sizes.follow_ups)), "follow-ups"
        )

    def follow_up(self):
        status = self.random.choice(list(m.FollowUp.Status))
        due_on = self.day()
        link = self.random.randrange(4)
        return m.FollowUp(
            title=self.random.choice(names.FOLLOW_UP_TASKS),
            kind=self.random.choice(list(m.FollowUp.Kind)), status=status,
            owner_id=self.random.choice(self.user_ids), due_on=due_on,
            partner_city_id=self.random.choice(self.partner_city_ids),
            delegation_id=self.random.choice(self.delegation_ids) if link == 0 else None,
            meeting_id=self.random.choice(self.meeting_ids) if link == 1 else None,
            memorandum_id=self.random.choice(self.memorandum_ids) if link == 2 else None,
            logged_by_id=self.random.choice(self.user_ids),
            completed_on=(
                min(due_on, timezone.localdate()) if status == m.FollowUp.Status.DONE else None
            ),
            visibility=self.visibility(0.1),
        )  # fmt: skip
