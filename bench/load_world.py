"""The data of the load benchmark: the seed plus a generated world, written in bulk.

A small local generator (the project-wide ``generate_demo_data`` lives elsewhere): partner
cities, organisations, published delegations with stops and meetings, and one trade officer.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from partners import models as m

OFFICER = ("load-officer", "load-officer-password-1")


def build(scale: int = 1) -> None:
    call_command("migrate", verbosity=0)
    call_command("loaddata", "seed", "demo_companies", verbosity=0)
    rng = random.Random(7)
    home = m.City.objects.filter(is_home=True).first()
    cities = m.City.objects.bulk_create(
        m.City(
            name=f"Partnerstadt {n}", slug=f"partnerstadt-{n}", country="CN", visibility="public"
        )
        for n in range(50 * scale)
    )
    m.Partnership.objects.bulk_create(
        m.Partnership(home_city=home, partner_city=c, kind="economic", status="active")
        for c in cities
    )
    organisations = m.Organisation.objects.bulk_create(
        m.Organisation(
            name=f"Organisation {n}",
            slug=f"organisation-{n}",
            kind="company",
            city=rng.choice(cities),
            visibility="public",
        )
        for n in range(2000 * scale)
    )
    start = datetime.date(2015, 1, 1)
    delegations = m.Delegation.objects.bulk_create(
        m.Delegation(
            title=f"Delegation {n}",
            slug=f"delegation-{n}",
            direction=rng.choice(["outbound", "inbound"]),
            status="completed",
            start_date=start + datetime.timedelta(days=n % 3000),
            end_date=start + datetime.timedelta(days=n % 3000 + 4),
            origin_city=home,
            lead_organisation=rng.choice(organisations),
            summary="Bericht über die Reise. " * 5,
            visibility="public",
        )
        for n in range(500 * scale)
    )
    m.DelegationStop.objects.bulk_create(
        m.DelegationStop(delegation=d, city=rng.choice(cities), order=1) for d in delegations
    )
    m.Meeting.objects.bulk_create(
        m.Meeting(
            delegation=d,
            date=d.start_date,
            city=rng.choice(cities),
            kind="meeting",
            title=f"Gespräch {d.pk}-{k}",
            visibility="public",
        )
        for d in delegations
        for k in range(10)
    )
    officer = get_user_model().objects.create_user(OFFICER[0], password=OFFICER[1], is_staff=True)
    officer.groups.add(Group.objects.get(name="Trade officers"))
