from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from paper.admin import (
    DateRangeFilter,
    IssueDayFilter,
    PrintedItemAdmin,
    RecognisedTextFilter,
    publishing_actions,
)

from .diffs import diff_html
from .models import Article, ArticleZone, TextSuggestion


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
    readonly_fields = [
        "pub_date",
        "created",
        "updated",
        "zones_on_page",
        "recognition",
        "revision_list",
    ]
    fieldsets = [
        (None, {"fields": ["issue", "page", "order", "status"]}),
        ("标题", {"fields": ["kicker", "headline", "subheadline"]}),
        ("来源与署名", {"fields": ["source", "dateline", "byline", "column"]}),
        ("正文", {"fields": ["body"]}),
        ("核对", {"fields": ["needs_review", "review_note", "recognition"]}),
        ("版面位置", {"fields": ["zones_on_page"]}),
        ("记录", {"fields": ["pub_date", "created", "updated"], "classes": ["collapse"]}),
        ("修改记录", {"fields": ["revision_list"], "classes": ["collapse"]}),
    ]
    actions = publishing_actions("文章", "篇")
    inlines = [ArticleZoneInline]

    class Media:
        css = {"all": ["css/text-diff-admin.css"]}

    @admin.display(description="识别文本")
    def recognition(self, article):
        """Whether the text was read off a scan, and the readers' corrections waiting for it."""
        if not article.is_recognised_text:
            return "否(排版或录入的文字)"
        confidence = f"是,识别置信度 {article.ocr_confidence:.0%};读者可以提出改错建议。"
        if article.pk is None:
            return confidence
        pending = article.suggestions.filter(status=TextSuggestion.Status.PENDING).count()
        url = reverse("admin:articles_textsuggestion_changelist") + (
            f"?article__exact={article.pk}&status__exact={TextSuggestion.Status.PENDING}"
        )
        return format_html('{} <a href="{}">{} 条待处理的读者建议</a>', confidence, url, pending)

    @admin.display(description="采纳读者建议前的文字")
    def revision_list(self, article):
        """The texts accepted suggestions replaced, newest first: who, when, and the change.

        Read-only, as the record they are; a list rather than an inline, so that the change
        form posts nothing for them.
        """
        revisions = article.revisions.select_related("user", "suggestion") if article.pk else []
        if not revisions:
            return "没有(文字未因读者建议改动过)"
        return format_html_join(
            "",
            '<div class="text-revision"><p>{}:{}采纳{},此前的文字改动如下</p>{}</div>',
            (
                (
                    date_format(timezone.localtime(revision.replaced), "Y年n月j日 H:i"),
                    revision.user.get_username() if revision.user else "(已删除的用户)",
                    revision.suggestion or "读者建议",
                    revision_change(revision),
                )
                for revision in revisions
            ),
        )


def revision_change(revision):
    """What the accepted suggestion changed of the revision's text (or the text, if it is gone)."""
    if revision.suggestion is None:
        return Truncator(revision.body).chars(200)
    return suggestion_diff(
        revision.headline, revision.body, revision.suggestion.headline, revision.suggestion.body
    )


def suggestion_diff(old_headline, old_body, new_headline, new_body):
    """The headline's and the body's difference, one above the other, as the admin shows it."""
    return format_html(
        '<div class="text-diff"><p class="text-diff-headline">{}</p>'
        '<div class="text-diff-body">{}</div></div>',
        diff_html(old_headline, new_headline),
        diff_html(old_body, new_body),
    )


@admin.register(TextSuggestion)
class TextSuggestionAdmin(admin.ModelAdmin):
    """Readers' corrections of recognised text: 采纳 puts one into its article, 不采纳 drops it.

    The list opens on the pending ones. Nothing of a suggestion is edited: it is the reader's,
    and an editor who would change it changes the article instead.
    """

    list_display = ["created", "article_link", "status", "note_excerpt", "decided_by", "source"]
    list_display_links = ["created"]
    list_filter = ["status"]
    list_select_related = ["article", "decided_by"]
    search_fields = ["article__headline", "note"]
    fields = [
        "article_link",
        "status",
        "created",
        "note",
        "staleness",
        "text_diff",
        "decided_by",
        "decided_at",
        "sender",
    ]
    readonly_fields = fields
    actions = ["accept_selected", "reject_selected"]
    change_form_template = "admin/articles/textsuggestion/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Nothing on the form is editable: the change form is a view with 采纳 and 不采纳.
        return obj is None and super().has_change_permission(request)

    def can_decide(self, request):
        """Accepting changes an article: deciding needs the right to change both."""
        return super().has_change_permission(request) and request.user.has_perm(
            "articles.change_article"
        )

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and not request.GET:
            return redirect(f"{request.path}?status__exact={TextSuggestion.Status.PENDING}")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_decide": self.can_decide(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        decide = [
            path(
                f"<path:object_id>/{verb}/",
                self.admin_site.admin_view(self.decide_view),
                {"verb": verb},
                name=f"articles_textsuggestion_{verb}",
            )
            for verb in ("accept", "reject")
        ]
        return [*decide, *super().get_urls()]

    def decide_view(self, request, object_id, verb):
        """POST from the change form's 采纳 or 不采纳, then back to the pending list."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.can_decide(request):
            raise PermissionDenied
        suggestion = self.get_object(request, object_id)
        if suggestion is None:
            raise Http404("没有这条建议。")
        if not self.decide(request, suggestion, verb):
            return redirect(reverse("admin:articles_textsuggestion_change", args=[suggestion.pk]))
        return redirect(
            reverse("admin:articles_textsuggestion_changelist")
            + f"?status__exact={TextSuggestion.Status.PENDING}"
        )

    def decide(self, request, suggestion, verb):
        """Accept or reject one suggestion, recorded in the admin's history; False if refused."""
        try:
            if verb == "accept":
                suggestion.accept(request.user)
            else:
                suggestion.reject(request.user)
        except ValidationError as error:
            self.message_user(request, f"{suggestion}:{';'.join(error.messages)}", messages.ERROR)
            return False
        article = suggestion.article
        if verb == "accept":
            self.log_change(request, article, f"采纳{suggestion},改正识别文字。")
            self.log_change(request, suggestion, "采纳。")
            public = format_html('<a href="{0}">{0}</a>', article.get_absolute_url())
            message = format_html("已采纳{},《{}》的文字已更新:{}", suggestion, article, public)
            self.message_user(request, message, messages.SUCCESS)
        else:
            self.log_change(request, suggestion, "不采纳。")
            self.message_user(request, f"{suggestion}不采纳,文章未改动。", messages.SUCCESS)
        return True

    @admin.action(description="采纳所选建议", permissions=["decide"])
    def accept_selected(self, request, queryset):
        for suggestion in queryset.select_related("article"):
            self.decide(request, suggestion, "accept")

    @admin.action(description="不采纳所选建议", permissions=["decide"])
    def reject_selected(self, request, queryset):
        for suggestion in queryset.select_related("article"):
            self.decide(request, suggestion, "reject")

    def has_decide_permission(self, request):
        return self.can_decide(request)

    @admin.display(description="文章", ordering="article__headline")
    def article_link(self, suggestion):
        url = reverse("admin:articles_article_change", args=[suggestion.article_id])
        return format_html('<a href="{}">{}</a>', url, suggestion.article.headline)

    @admin.display(description="来源", ordering="sender")
    def source(self, suggestion):
        """The digest's start: enough to see many suggestions come from one address."""
        return suggestion.sender[:8]

    @admin.display(description="读者说明")
    def note_excerpt(self, suggestion):
        return Truncator(suggestion.note).chars(40)

    @admin.display(description="核对")
    def staleness(self, suggestion):
        if suggestion.status != TextSuggestion.Status.PENDING:
            return f"{suggestion.get_status_display()}。下面是读者对当时文字的改动。"
        if suggestion.is_stale():
            return "读者提出建议后,文章的文字已经改过:下面是读者对当时文字的改动,不能直接采纳。"
        return "文章的文字与读者看到的相同:采纳后,文章的标题和正文即如下所示。"

    @admin.display(description="改动(删除的文字划线,增加的文字加底色)")
    def text_diff(self, suggestion):
        return suggestion_diff(
            suggestion.base_headline, suggestion.base_body, suggestion.headline, suggestion.body
        )
