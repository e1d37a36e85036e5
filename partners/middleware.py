"""A value in a query string that the database cannot take is the client's error (400),
not the server's."""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# The back office, the reports and background jobs (crm/urls.py).
STAFF_PATHS = ("/admin/", "/reports/", "/jobs/")


class DatabaseValueMiddleware:
    """Values in a staff page's query string that the database cannot take answer 400.

    A NUL byte: no field of this site holds one, and PostgreSQL cannot even compare text
    with one (psycopg refuses the query), so a search term ``a\\x00b`` would be a 500. A
    number beyond the database's integers is refused where the list reads its filters
    (``CheckedChangeList``) and by the forms, which name the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Public pages ignore a bad filter value (their filters validate every choice);
        # the staff pages search and filter with what they are given.
        if request.path.startswith(STAFF_PATHS):
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    raise BadRequest(
                        _("The parameter %(name)s contains a NUL byte.") % {"name": repr(key)}
                    )
            # Django's admin looks an empty ``?_to_field=`` up as a field named "" (a 500 on
            # the change page of every admin, the installed apps' included).
            if request.GET.get("_to_field") == "":
                raise BadRequest(
                    _("The parameter '_to_field' is empty: name a field or leave it out.")
                )
        return self.get_response(request)
