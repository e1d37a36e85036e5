from django.contrib import admin
from django.core.exceptions import ValidationError

from ..models import CompanyProfile, Interest, ProfileHandover, Sector
from ..models.profiles import NO_CONSENT, PUBLIC_NEEDS_CONSENT
from .base import CRMAdmin, CRMInline, TranslatedAdmin, WithdrawalNoticeMixin
from .documents import ProfileDocumentsMixin
from .imports import ProfileImportMixin
from .list_filters import NoPartnerCityFilter
from .versions import VersionCheckedFormSet


class ConsentCheckedFormSet(VersionCheckedFormSet):
    def clean(self):
        # The model's clean cannot see a profile that is not saved yet (new profile) or
        # whose consent is being unticked in this same form.
        super().clean()
        profile = self.instance
        handed_over = any(row.has_changed() and row not in self.deleted_forms for row in self.forms)
        if handed_over and not profile.consent_to_share:
            raise ValidationError(NO_CONSENT % {"profile": profile})


class ProfileHandoverInline(CRMInline):
    model = ProfileHandover
    formset = ConsentCheckedFormSet
    fields = ["recipient", "delegation", "meeting", "handed_over_on", "handed_over_by", "response"]
    autocomplete_fields = ["recipient", "delegation", "meeting", "handed_over_by"]


@admin.register(Sector, Interest)
class ReferenceDataAdmin(CRMAdmin, TranslatedAdmin):
    list_display = ["code", "name_de", "name_en", "name_zh_hans"]
    search_fields = ["code", "name_de", "name_en", "name_zh_hans"]


@admin.register(CompanyProfile)
class CompanyProfileAdmin(
    ProfileDocumentsMixin, ProfileImportMixin, WithdrawalNoticeMixin, CRMAdmin, TranslatedAdmin
):
    withdrawal_reason = PUBLIC_NEEDS_CONSENT
    list_display = [
        "organisation",
        "sector",
        "employees",
        "status",
        "consent_to_share",
        "visibility",
    ]
    list_filter = ["status", "consent_to_share", "visibility", "sector"]
    list_select_related = ["organisation", "sector"]
    search_fields = ["organisation__name", "products"]
    autocomplete_fields = ["organisation", "sector", "contact", "target_cities", "interests"]
    inlines = [ProfileHandoverInline]
    show_full_result_count = False


@admin.register(ProfileHandover)
class ProfileHandoverAdmin(CRMAdmin):
    list_display = ["profile", "recipient", "delegation", "handed_over_on", "response"]
    list_filter = ["response", NoPartnerCityFilter]
    list_select_related = ["profile__organisation", "recipient", "delegation"]
    search_fields = ["profile__organisation__name", "recipient__name"]
    autocomplete_fields = ["profile", "recipient", "delegation", "meeting", "handed_over_by"]
    show_full_result_count = False
