"""Admin: time limits, keywords, the knowledge base, rate weights and Open311 keys are edited here;
calls, replies, callbacks and reveals are read-only records (numbers masked in the lists)."""

import secrets

from django import forms
from django.contrib import admin

from audit.admin import PersonalDataAdminMixin
from incidents.admin import ReadOnlyAdmin

from .models import (
    Call, Callback, CategoryKeyword, HotlineTimeLimit, KnowledgeArticle, Open311Key, Open311Request, PhoneReveal,
    RateWeights, Reply,
)


@admin.register(HotlineTimeLimit)
class HotlineTimeLimitAdmin(admin.ModelAdmin):
    list_display = ["kind", "dispatch_minutes", "reply_minutes", "clock_time"]
    filter_horizontal = ["categories"]


@admin.register(CategoryKeyword)
class CategoryKeywordAdmin(admin.ModelAdmin):
    list_display = ["keyword", "category", "weight"]
    list_filter = ["category__parent"]
    search_fields = ["keyword", "category__name", "category__code"]
    list_select_related = ["category"]


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "is_active", "updated_at"]
    list_filter = ["is_active", "category__parent"]
    search_fields = ["title", "keywords", "body"]


@admin.register(RateWeights)
class RateWeightsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "response_weight", "resolution_weight", "satisfaction_weight", "basically_factor"]


class Open311KeyForm(forms.ModelForm):
    class Meta:
        model = Open311Key
        fields = ["key", "name", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("key", secrets.token_urlsafe(24))


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    form = Open311KeyForm
    list_display = ["name", "is_active", "created_at"]
    list_filter = ["is_active"]


@admin.register(Call)
class CallAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ["started_at", "caller_phone_masked", "request_type", "outcome", "ticket", "operator"]
    list_filter = ["request_type", "outcome", "confidential"]
    list_select_related = ["ticket", "operator"]
    date_hierarchy = "started_at"


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "unit", "replied_by", "in_time", "created_at"]
    list_select_related = ["ticket", "unit", "replied_by"]


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "unit", "operator", "reached", "responded", "solved", "satisfaction", "created_at"]
    list_filter = ["reached", "satisfaction"]
    list_select_related = ["ticket", "unit", "operator"]


@admin.register(PhoneReveal)
class PhoneRevealAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "call"]
    list_select_related = ["user", "call"]


@admin.register(Open311Request)
class Open311RequestAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ["ticket", "api_key", "created_at"]
    list_select_related = ["ticket", "api_key"]
