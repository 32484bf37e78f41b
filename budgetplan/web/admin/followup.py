"""The follow-up's calendar in the admin: each year's periods and their closing dates.

The outcomes themselves are entered on the follow-up's own page (budgetplan.web.followup_views),
one form per board and period shaped like the report, not one admin page per record.
"""
from django.contrib import admin

from followup.models import FollowUpPeriod

from .base import ServiceAdmin


@admin.register(FollowUpPeriod)
class FollowUpPeriodAdmin(ServiceAdmin):
    list_display = ("__str__", "year", "kind", "closing_date")
    list_filter = ("year", "kind")
    ordering = ("-year", "closing_date")
    fields = ("year", "kind", "closing_date")
