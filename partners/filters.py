"""django-filter FilterSets of the public lists and of the reports.

The public lists' FilterSets live in filters_public.py; reports add theirs below.
"""

from .filters_public import CompanyFilter, DelegationFilter, MemorandumFilter

__all__ = ["CompanyFilter", "DelegationFilter", "MemorandumFilter"]
