from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ... import mail
from ...desk import desk_for
from ...models import FollowUp, Opportunity
from ...roles import ADMINISTRATORS, TRADE_OFFICERS


def recipients():
    """Owners of open follow-ups and of opportunities with a step due, and the people who
    look after memoranda and trips."""
    owners = FollowUp.objects.open().values("owner")
    lead_owners = Opportunity.objects.next_step_due().values("owner")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(pk__in=owners)
            | Q(pk__in=lead_owners)
            | Q(groups__name__in=[TRADE_OFFICERS, ADMINISTRATORS])
        )
        .distinct()
        .order_by("username")
    )


class Command(BaseCommand):
    help = (
        "E-mail each user their open follow-ups, memoranda due for review, upcoming trips "
        "and opportunities whose next step is due."
    )

    @no_translations  # the summary line is for logs: always English
    def handle(self, *args, **options):
        today = timezone.localdate()
        counts = Counter()
        for user in recipients():
            desk = desk_for(user, today)
            if not desk:
                continue
            # Commands run untranslated; the mails speak the office's language.
            with translation.override(settings.LANGUAGE_CODE):
                body = render_to_string("partners/remind.txt", {"user": user, "desk": desk})
                subject = _("Your CRM desk")
            if not mail.send(subject, body, user.email):
                counts["refused"] += 1
                continue
            counts["sent"] += 1
            counts["follow_ups"] += len(desk.follow_ups)
            counts["opportunities"] += len(desk.opportunities)
            # Memoranda and delegations are the team's: the same ones on every desk.
            counts["memoranda"], counts["delegations"] = len(desk.memoranda), len(desk.delegations)
        self.stdout.write(
            _(
                "Reminders sent: %(sent)d. Open follow-ups: %(follow_ups)d; memoranda due: "
                "%(memoranda)d; upcoming delegations: %(delegations)d; opportunities with a "
                "next step due: %(opportunities)d."
            )
            % counts
        )
        if counts["refused"]:
            # After the others are sent, and failing, so that cron reports it.
            raise CommandError(
                f"The mail server refused {counts['refused']} reminders (see the log)."
            )
