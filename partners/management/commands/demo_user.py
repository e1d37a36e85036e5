"""Demo logins, one per role, for trying the back office (`make run` calls this).

The password is public (README), so the command refuses to run when DEBUG is off unless
told that this really is a demo installation.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partners.roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS

DEMO_PASSWORD = "demo-leipzig-2019"

# username -> (group, superuser?)
DEMO_USERS = {
    "admin": (ADMINISTRATORS, True),
    "officer": (TRADE_OFFICERS, False),
    "manager": (MANAGERS, False),
}


class Command(BaseCommand):
    help = "Create or reset the demo users admin, officer and manager (one per role)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for all three.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also run when DEBUG is off (only for a demo installation).",
        )

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create users with a published password. "
                "Use --force on a demo installation."
            )
        missing = {group for group, _ in DEMO_USERS.values()} - set(
            Group.objects.values_list("name", flat=True)
        )
        if missing:
            raise CommandError(f"Missing groups {sorted(missing)}: run `manage.py migrate` first.")
        with transaction.atomic():
            for username, (group, superuser) in DEMO_USERS.items():
                user, _ = get_user_model().objects.get_or_create(username=username)
                user.email = f"{username}@example.org"
                user.is_staff = user.is_active = True
                user.is_superuser = superuser
                user.set_password(password)
                user.save()
                user.groups.set([Group.objects.get(name=group)])
        self.stdout.write("Demo logins for the back office (/admin/):")
        for username, (group, _) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<8} / {password}   ({group})")
