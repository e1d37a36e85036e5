"""Which public texts are kept per language (django-modeltranslation, DESIGN.md "Languages").

Each field ``X`` gets ``X_de``, ``X_en`` and ``X_zh_hans``; ``X`` reads the active language
and falls back to German, the source. The original column keeps the German text too, so
that code writing ``X`` directly (bulk inserts, raw SQL) stays readable.
"""

import warnings

from modeltranslation.translator import TranslationOptions, translator
from simple_history import register as keep_history

from .models import (
    COUNTED_FIELDS,
    City,
    CompanyProfile,
    Delegation,
    DelegationMember,
    FollowUp,
    Interest,
    Meeting,
    Memorandum,
    MemorandumParty,
    Opportunity,
    Organisation,
    Partnership,
    Person,
    Photo,
    Sector,
)

TRANSLATED_FIELDS = {
    City: ("name", "region", "description"),
    Partnership: ("description",),
    Organisation: ("name", "description"),
    Person: ("position",),
    Delegation: ("title", "purpose", "summary"),
    # A copy of the person's position in each language, as it was then.
    DelegationMember: ("position_at_time",),
    Meeting: ("title",),
    Memorandum: ("title", "summary"),
    MemorandumParty: ("signatory_position",),
    FollowUp: ("title", "description"),  # "What comes next" on public pages
    CompanyProfile: ("products", "summary"),
    Photo: ("caption",),
    Sector: ("name",),
    Interest: ("name",),
    Opportunity: ("title", "summary"),
}

# Fields worked out from others, kept out of the history: Organisation.name_key from the
# name (the import's match key), the names folded for the admin search (models/folding.py),
# the report's partner city and day (COUNTED_FIELDS), the names of the organisations
# involved (models/organisation_names.py).
DERIVED_FIELDS = {
    Organisation: ["name_key", "name_folded"],
    Person: ["full_name_folded"],
    City: ["name_folded"],
    Meeting: COUNTED_FIELDS,
    FollowUp: COUNTED_FIELDS,
    Memorandum: [*COUNTED_FIELDS, "organisation_names", "organisation_names_folded"],
    Opportunity: ["organisation_names", "organisation_names_folded"],
}

with warnings.catch_warnings():
    # modeltranslation copies each index on a translated field per language and renames
    # the copies whose name would pass 30 characters, warning at every start.
    warnings.filterwarnings("ignore", message="Index name .* exceeds 30 characters")
    for model, fields in TRANSLATED_FIELDS.items():
        options = type(f"{model.__name__}Translation", (TranslationOptions,), {"fields": fields})
        translator.register(model, options)
        # The history is declared here, after the translated fields exist, so that it
        # copies them too (a HistoricalRecords() on the model would be built without).
        keep_history(model, excluded_fields=DERIVED_FIELDS.get(model))
