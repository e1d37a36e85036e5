"""Strings of Django 6.1, django-tasks-db, django-simple-history and django-axes that their own
catalogues do not translate (yet) into German or Chinese. Marked here so that
``makemessages`` keeps them in ours; tests/test_admin_german.py finds any that an admin
page shows untranslated."""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

STRINGS = [
    # Django's admin (the actions' button, a select's empty choice).
    gettext_noop("Run"),
    gettext_noop("- Select an option -"),
    # The suffix Django adds to form labels; its Chinese catalogue keeps the ASCII colon.
    gettext_noop(":"),
    # The date hierarchy's label above a changelist (delegations, imports, jobs).
    gettext_noop("Filter by %(field_name)s"),
    # django-tasks-db's task results in the admin.
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    # django-simple-history's name of a linked record deleted since, on history pages.
    gettext_noop("Deleted %(type_name)s"),
    # Django 6.1's delete pages quote with “…”; its German catalogue still has these with
    # ASCII quotes, and its Chinese wording has stray spaces, so ours carries them.
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the "
        "following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of the "
        "following related items will be deleted:"
    ),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects."),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but "
        "your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following "
        "protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following "
        "objects and their related items will be deleted:"
    ),
    # Django 6.1's user pages (Administrators) and task states, not yet in its German
    # catalogue; ours repeats its Chinese wording.
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Password-based authentication"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, "
        "they may still be able to authenticate using other backends, such as Single Sign-On "
        "or LDAP."
    ),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Set password"),
    gettext_noop("Reset password"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Disable password-based authentication"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
    # django-axes ships no Chinese catalogue and its German one lacks some texts; Django
    # fills a gap from the default language's catalogue, so its pages were German on
    # Chinese pages.
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]
