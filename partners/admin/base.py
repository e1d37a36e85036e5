"""What every back-office page of the domain shares."""

from simple_history.admin import SimpleHistoryAdmin


class CRMAdmin(SimpleHistoryAdmin):
    list_per_page = 50
