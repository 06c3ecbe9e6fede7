from django.contrib import admin, messages
from django.db.models import Count

from .models import Issue, Page


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["order", "code", "name"]
    ordering = ["order", "code"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["date", "number", "is_published", "page_count"]
    list_filter = ["is_published"]
    date_hierarchy = "date"
    ordering = ["-date"]
    search_fields = ["date", "number"]
    inlines = [PageInline]
    readonly_fields = ["created", "updated"]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(page_count=Count("pages"))

    @admin.display(description="版面数", ordering="page_count")
    def page_count(self, issue):
        return issue.page_count

    @admin.action(description="发布所选报纸", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(request, f"已发布 {count} 期报纸。", messages.SUCCESS)

    @admin.action(description="撤回所选报纸(读者将看不到)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(request, f"已撤回 {count} 期报纸。", messages.SUCCESS)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "issue", "order"]
    list_select_related = ["issue"]
    list_filter = ["issue__is_published"]
    date_hierarchy = "issue__date"
    search_fields = ["code", "name", "issue__date"]
    autocomplete_fields = ["issue"]
    ordering = ["-issue__date", "order"]
