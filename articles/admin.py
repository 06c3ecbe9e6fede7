from django.contrib import admin

from paper.admin import page_zones_preview, publishing_actions

from .models import Article, ArticleZone


class ArticleZoneInline(admin.TabularInline):
    model = ArticleZone
    extra = 0
    fields = ["left", "top", "width", "height"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["pub_date", "page_code", "headline", "source", "status", "needs_review"]
    list_display_links = ["headline"]
    list_select_related = ["page"]
    list_filter = [
        "status",
        "needs_review",
        "pub_date",
        ("page__code", admin.AllValuesFieldListFilter),
        ("source", admin.AllValuesFieldListFilter),
    ]
    search_fields = ["headline", "kicker", "subheadline", "byline"]
    date_hierarchy = "pub_date"
    autocomplete_fields = ["issue", "page"]
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

    class Media:
        css = {"all": ["css/page-zones-admin.css"]}
        js = ["js/zone-editor.js"]

    @admin.display(description="版面图上的热区")
    def zones_on_page(self, article):
        if not article.pk:
            return "保存后可以在版面图上画出这篇文章的热区。"
        return page_zones_preview(article.page, editable_prefix="zones", leave_out=article)

    @admin.display(description="版号", ordering="page__code")
    def page_code(self, article):
        return article.page.code
