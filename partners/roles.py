"""The three roles of DESIGN.md and their rights, declared once.

``ROLES`` maps each group to its rights per model, in the words of the README's roles table
(``roles_table`` generates it; tests/test_roles.py checks that they agree and drives every
admin URL with every role); ``codenames`` says which permissions each word grants.
``sync_roles`` writes the declaration into the database; it runs in migration 0011 and after
every ``migrate`` (post_migrate), so the groups also get the permissions of models added
later, and test databases that are flushed between transactional tests get their groups back.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TRADE_OFFICERS = "Trade officers"
MANAGERS = "Managers"
ADMINISTRATORS = "Administrators"
# The groups' names are data (English); pages name the roles in their own language.
ROLE_NAMES = {
    TRADE_OFFICERS: _("Trade officers"),
    MANAGERS: _("Managers"),
    ADMINISTRATORS: _("Administrators"),
}

# Trade officers record what happened on trips.
_WRITE = "view, add, change"
# Trade officers also create opportunities and move them along the board.
_OFFICER_MODELS = [
    "city", "partnership", "organisation", "person", "delegation", "delegationstop",
    "delegationmember", "meeting", "memorandum", "memorandumparty", "companyprofile",
    "profilehandover", "followup", "photo", "opportunity", "tripregistration", "meetingslot",
    "meetingrequest",
]  # fmt: skip
_OWN_DELETE = {"meeting", "followup", "photo"}
# Sectors and interests are reference data: everybody picks them, only administrators edit.
_REFERENCE_MODELS = ["sector", "interest"]
_ALL_MODELS = _OFFICER_MODELS + _REFERENCE_MODELS

_WITHOUT_HISTORY = {"importrun", "job"}

REPORTS = "reports"  # a pseudo-model: the /reports/ pages (permission partners.view_reports)
# A pseudo-model: publishing and withdrawing any record (permission partners.publish_records,
# declared on PublicationRequest). Trade officers instead mark records ready for publication.
PUBLISHING = "publishing"

ROLES: dict[str, dict[str, str]] = {
    TRADE_OFFICERS: {
        **{
            f"partners.{model}": _WRITE + (", delete own" if model in _OWN_DELETE else "")
            for model in _OFFICER_MODELS
        },
        **{f"partners.{model}": "view" for model in _REFERENCE_MODELS},
        # Not a permission: whoever may change a record may mark it ready for publication.
        PUBLISHING: "mark ready",
    },
    MANAGERS: {
        **{f"partners.{model}": "view, export" for model in _ALL_MODELS},
        "partners.followup": "view, change status, export",
        REPORTS: "view",
        PUBLISHING: "publish",
    },
    ADMINISTRATORS: {
        **{f"partners.{model}": "all" for model in _ALL_MODELS},
        REPORTS: "view",
        PUBLISHING: "publish",
        # The log of spreadsheet imports, with the right to revert one.
        "partners.importrun": "view, revert import",
        # Background imports and exports (read-only in the admin, partners/admin/jobs.py).
        "partners.job": "view",
        "auth.user": "all",
        "auth.group": "all",
        "axes.accessattempt": "all",
        "axes.accesslog": "all",
        "axes.accessfailurelog": "all",
        "django_tasks_database.dbtaskresult": "all",
    },
}


def parse_rights(text: str) -> set[str]:
    return {word.strip() for word in text.split(",") if word.strip()}


def codenames(label: str, rights: str) -> list[tuple[str, str, str | None]]:
    """(app_label, model, codename) triples; codename None means every permission of model.

    ``model`` is the content type's model name; the history of a model has its own
    content type (``historical<model>``), which django-simple-history checks because
    settings.SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS is on.
    """
    if label == REPORTS:
        return [("partners", "delegation", "view_reports")] if rights else []
    if label == PUBLISHING:
        publish = "publish" in parse_rights(rights)
        return [("partners", "publicationrequest", "publish_records")] if publish else []
    app_label, model = label.split(".")
    # The import log has no history of its own; every other partners model has one.
    history = None if model in _WITHOUT_HISTORY else f"historical{model}"
    by_right = {
        "view": [(model, f"view_{model}"), (history, f"view_{history}")],
        "add": [(model, f"add_{model}")],
        "change": [(model, f"change_{model}")],
        "delete": [(model, f"delete_{model}")],
        "delete own": [(model, f"delete_own_{model}")],
        "change status": [(model, f"change_{model}_status")],
        "export": [(model, f"export_{model}")],
        "import": [(model, f"import_{model}")],
        "revert": [(history, f"change_{history}")],
        "revert import": [(model, f"revert_{model}")],
        "all": [(model, None), (history, None)],
    }
    triples = []
    for right in parse_rights(rights):
        if right not in by_right:
            raise ValueError(f"Unknown right {right!r} for {label}")
        triples += [(app_label, m, codename) for m, codename in by_right[right] if m]
    return triples


def permissions_for(role: str, permission_model):
    """The Permission rows the role should have (a queryset of ``permission_model``)."""
    condition = Q(pk__in=[])
    for label, rights in ROLES[role].items():
        for app_label, model, codename in codenames(label, rights):
            match = Q(content_type__app_label=app_label, content_type__model=model)
            if codename:
                match &= Q(codename=codename)
            condition |= match
    return permission_model.objects.filter(condition)


def sync_roles(apps, using="default"):
    """Create the three groups if missing and give each exactly its declared permissions.

    ``apps`` is the app registry: the historical one inside a migration, the real one
    after migrate. Permissions of apps not installed (yet) are simply not found.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = group_model.objects.using(using).get_or_create(name=role)
        group.permissions.set(permissions_for(role, permission_model).using(using))


def roles_table() -> str:
    """The README's roles table (Markdown), generated from ``ROLES``.

    Regenerate with ``python -m partners.roles``; tests/test_roles.py checks the README.
    """
    labels = list(dict.fromkeys(label for rights in ROLES.values() for label in rights))
    lines = [
        "| records | " + " | ".join(ROLES) + " |",
        "|---" * (len(ROLES) + 1) + "|",
    ]
    for label in labels:
        name = {
            REPORTS: "reports (`/reports/`)",
            PUBLISHING: "publishing (`partners.publish_records`)",
        }.get(label, f"`{label}`")
        cells = [ROLES[role].get(label, "–") for role in ROLES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(roles_table(), end="")
