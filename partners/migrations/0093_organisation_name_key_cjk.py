"""The import's and the registration's match key of every organisation
(``Organisation.name_key``) as ``normalise_company_name`` now reads Chinese: no space beside
a CJK character, full-width forms folded (NFKC)."""

from importlib import import_module

from django.db import migrations

# The same refresh as when the key began to spell umlauts out.
umlauts = import_module("partners.migrations.0077_organisation_name_key_umlauts")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0092_trip_registration_other_applications"),
    ]

    operations = [
        migrations.RunPython(umlauts.refresh_name_keys, migrations.RunPython.noop, elidable=True),
    ]
