from django.contrib import admin

from ..models import Organisation, Person
from ..models.organisations import PUBLIC_NEEDS_BASIS
from .base import CRMAdmin, TranslatedAdmin, WithdrawalNoticeMixin
from .gdpr import PersonGDPRMixin


@admin.register(Organisation)
class OrganisationAdmin(CRMAdmin, TranslatedAdmin):
    list_display = ["name", "short_name", "kind", "city", "register_number", "visibility"]
    list_filter = ["kind", "visibility"]
    list_select_related = ["city"]
    search_fields = ["name", "short_name", "register_number"]
    autocomplete_fields = ["city", "parent"]
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(PersonGDPRMixin, WithdrawalNoticeMixin, CRMAdmin, TranslatedAdmin):
    withdrawal_reason = PUBLIC_NEEDS_BASIS
    list_display = [
        "full_name",
        "local_name",
        "position",
        "organisation",
        "lawful_basis",
        "visibility",
    ]
    list_filter = ["lawful_basis", "visibility"]
    list_select_related = ["organisation"]
    search_fields = [
        "full_name",
        "local_name",
        "email",
        "organisation__name",
    ]
    autocomplete_fields = ["organisation"]
    show_full_result_count = False
