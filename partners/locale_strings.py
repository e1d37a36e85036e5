"""Strings of Django 6.1, django-tasks-db and django-simple-history that their own
catalogues do not translate (yet) into German or Chinese. Marked here so that
``makemessages`` keeps them in ours; tests/test_admin_german.py finds any that an admin
page shows untranslated."""

from django.utils.translation import gettext_noop

STRINGS = [
    # Django's admin (the actions' button, a select's empty choice).
    gettext_noop("Run"),
    gettext_noop("- Select an option -"),
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
]
