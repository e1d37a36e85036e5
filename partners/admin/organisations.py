from django.contrib import admin, messages
from django.utils.translation import gettext as _

from ..models import Organisation, Person
from ..models.organisations import PUBLIC_NEEDS_BASIS
from .base import CRMAdmin, TranslatedAdmin
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
class PersonAdmin(PersonGDPRMixin, CRMAdmin, TranslatedAdmin):
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

    def save_model(self, request, obj, form, change):
        was_public = change and Person.objects.published().filter(pk=obj.pk).exists()
        super().save_model(request, obj, form, change)
        if was_public and not obj.is_published:  # Person.clean(): the basis no longer allows it
            withdrawn = _("%(person)s is no longer shown on the public site.") % {"person": obj}
            messages.warning(request, f"{withdrawn} {PUBLIC_NEEDS_BASIS}")
