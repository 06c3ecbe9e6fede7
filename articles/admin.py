from django.contrib import admin

from paper.admin import (
    DateRangeFilter,
    IssueDayFilter,
    PrintedItemAdmin,
    RecognisedTextFilter,
    publishing_actions,
)

from .models import Article, ArticleZone


class ArticleZoneInline(admin.TabularInline):
    model = ArticleZone
    extra = 0
    fields = ["left", "top", "width", "height"]


@admin.register(Article)
class ArticleAdmin(PrintedItemAdmin):
    this_item = "这篇文章"
    list_display = [
        "pub_date",
        "page_code",
        "headline",
        "source",
        "status",
        "review_flag",
        "recognition_confidence",
    ]
    list_display_links = ["headline"]
    list_filter = [
        "status",
        "needs_review",
        RecognisedTextFilter,
        ("pub_date", IssueDayFilter),
        ("pub_date", DateRangeFilter),
    ]
    search_fields = ["headline", "kicker", "subheadline", "byline"]
    readonly_fields = ["pub_date", "created", "updated", "zones_on_page"]
    fieldsets = [
        (None, {"fields": ["issue", "page", "order", "status"]}),
        ("标题", {"fields": ["kicker", "headline", "subheadline"]}),
        ("来源与署名", {"fields": ["source", "dateline", "byline", "column"]}),
        ("正文", {"fields": ["body"]}),
        ("核对", {"fields": ["needs_review", "review_note"]}),
        ("版面位置", {"fields": ["zones_on_page"]}),
        ("记录", {"fields": ["pub_date", "created", "updated"], "classes": ["collapse"]}),
    ]
    actions = publishing_actions("文章", "篇")
    inlines = [ArticleZoneInline]
