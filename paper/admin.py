import datetime
import re
import unicodedata

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Func, OuterRef, Subquery
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from .history import describe_change
from .models import (
    Issue,
    Page,
    PageRecognition,
    PageRedaction,
    PrintedItem,
    RecognitionStatus,
    printed_item_models,
)
from .ocr.lines import DOUBTFUL_CHAR_CONFIDENCE, DOUBTFUL_LINE_CONFIDENCE, union
from .ocr.recognition_admin import RecognitionAdminMixin
from .ocr.review import KIND_LABELS, page_review, percent
from .page_files import attach_page_file, find_zones, render_stored_page
from .page_rendering import PageFileError, max_bytes, render
from .pagination import ArchivePaginator


def yes_no(value):
    """Django's yes/no icon for a list column, its alt text in Chinese (Django's says "True")."""
    icon, label = {True: ("yes", "是"), False: ("no", "否"), None: ("unknown", "未知")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), label)


class DateRangeFilter(admin.FieldListFilter):
    """从 … 到 …: a range of dates, both inclusive, the way an archive is looked through.

    With the date hierarchy above the list (year, month, day) it replaces Django's date filter,
    whose 今天 and 过去7天 say little about a paper thirty years deep.
    """

    template = "admin/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_from = f"{field_path}__gte"
        self.lookup_to = f"{field_path}__lte"
        for name in (self.lookup_from, self.lookup_to):
            if name in params and not any(params[name]):
                del params[name]  # a box of the form left empty
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = f"{self.title}(起止)"

    def expected_parameters(self):
        return [self.lookup_from, self.lookup_to]

    def choices(self, changelist):
        mine = {self.lookup_from, self.lookup_to, "p", "e"}
        yield {
            "selected": bool(self.used_parameters),
            "from_name": self.lookup_from,
            "from_value": changelist.params.get(self.lookup_from, ""),
            "to_name": self.lookup_to,
            "to_value": changelist.params.get(self.lookup_to, ""),
            "hidden": [(k, v) for k, v in changelist.params.items() if k not in mine],
            "clear_url": changelist.get_query_string(remove=[self.lookup_from, self.lookup_to]),
        }


class IssueDayFilter(admin.FieldListFilter):
    """出版日期 by year, then month, then day, from the days the paper came out.

    Django's date hierarchy asks the list itself (MIN, MAX and DISTINCT over a million
    articles: 0.3 s, and 1.3 s each within a search); the days of issue are 11,000 rows of
    their own. The parameters are the hierarchy's (pub_date__year=2024&pub_date__month=10).
    """

    parts = ("year", "month", "day")
    bounds = ((1, 9999), (1, 12), (1, 31))

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.names = {part: f"{field_path}__{part}" for part in self.parts}
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = "出版日期"

    def expected_parameters(self):
        return list(self.names.values())

    def queryset(self, request, queryset):
        """The chosen day, month or year; any other value is the admin's 筛选条件有误 (not a 500:
        a year of 99999999999 has no first of January)."""
        chosen = self.chosen()
        if len(chosen) != len(self.used_parameters) or not all(
            low <= value <= high for value, (low, high) in zip(chosen, self.bounds, strict=False)
        ):
            raise IncorrectLookupParameters("出版日期的年、月、日不对")
        return queryset.filter(
            **{f"{self.field_path}__{p}": v for p, v in zip(self.parts, chosen, strict=False)}
        )

    def chosen(self):
        """The year, month and day chosen, as numbers, each only with the ones before it."""
        values = []
        for part in self.parts:
            given = self.used_parameters.get(self.names[part])
            if isinstance(given, list):  # Django gives each parameter's values as a list
                given = given[-1] if given else None
            try:
                values.append(int(given))
            except (TypeError, ValueError):
                break
        return values

    def choices(self, changelist):
        chosen = self.chosen()
        names = list(self.names.values())
        # The values listed are the next part's, or the day's beside a chosen day.
        listed = min(len(chosen), len(self.parts) - 1)

        def link(values):
            keep = dict(zip(names, map(str, values), strict=False))
            return changelist.get_query_string(keep, remove=names[len(values) :])

        yield {"selected": not chosen, "query_string": link([]), "display": "全部"}
        for depth in range(listed):
            yield {
                "selected": depth == len(chosen) - 1,
                "query_string": link(chosen[: depth + 1]),
                "display": f"{chosen[depth]}{'年月日'[depth]}",
            }
        part = self.parts[listed]
        days = Issue.objects.filter(
            **{f"date__{p}": v for p, v in zip(self.parts, chosen[:listed], strict=False)}
        )
        for day in days.dates("date", part, order="DESC"):
            value = getattr(day, part)
            yield {
                "selected": chosen[listed:] == [value],
                "query_string": link([*chosen[:listed], value]),
                "display": f"{value}{'年月日'[listed]}",
            }


def page_zones_preview(page, *, editable_prefix=None, leave_out=None, help_text="", guides=()):
    """The page image with its zones drawn, each a link to its article or notice in the admin.

    With ``editable_prefix`` (an inline formset's prefix) the zones of that formset are drawn by
    static/js/zone-editor.js, to be moved, resized and added with the mouse; ``leave_out``
    (an article or notice) is then left out of the zones drawn here. ``help_text`` replaces
    the sentence that says what the editable boxes are. ``guides`` are boxes drawn dashed
    beneath, for reference: where OCR found an item's text (x, y, width, height in fractions).
    """
    if page is None or not page.has_image:
        return "版面还没有图片:在“版面”中上传这一版的 PDF 或扫描图后,这里会显示版面图和热区。"
    shown = []
    for model in printed_item_models():
        meta = model._meta
        for item in model._default_manager.filter(page=page).prefetch_related("zones"):
            if item == leave_out or not item.zones.all():
                continue
            shown.append(
                {
                    "label": f"{meta.verbose_name}:{item}",
                    "url": reverse(
                        f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk]
                    ),
                    "zones": item.zones.all(),
                }
            )
    context = {
        "page": page,
        "shown": shown,
        "editable_prefix": editable_prefix,
        "help_text": help_text,
        "guides": guides,
    }
    return render_to_string("admin/page_zones.html", context)


class EditConflictForm(forms.ModelForm):
    """A change form that refuses to save over a change made after it was opened.

    It carries the object's ``updated`` stamp as it was when the form was opened. Saving reads
    the stored stamp under a row lock (the admin saves in a transaction, so a save running at
    the same moment waits for this one), and if another editor, an action or an import has
    changed the object since, nothing is written: the editor is told who changed what and
    when, and gets a link to the current version, with what they typed still in the form.
    A form posted without the stamp (a script, not the admin's page) is not checked.
    """

    opened_version = forms.CharField(label="打开时的版本", widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.updated.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        opened = cleaned_data.get("opened_version")
        if self.instance.pk and opened:
            self.check_unchanged_since(opened)
        return cleaned_data

    def check_unchanged_since(self, opened):
        model = type(self.instance)
        current = (
            model._base_manager.select_for_update(of=("self",))
            .filter(pk=self.instance.pk)
            .values_list("updated", flat=True)
            .first()
        )
        try:
            unchanged = current == datetime.datetime.fromisoformat(opened)
        except ValueError:
            unchanged = False
        if unchanged or current is None:
            return
        stored = model._base_manager.get(pk=self.instance.pk)
        differing = [
            str(self.fields[name].label)
            for name in self.changed_data
            if name != "opened_version" and name in self.fields
        ]
        meta = model._meta
        self.add_error(
            None,
            format_html(
                "没有保存:您打开这个表单之后,{}“{}”有了改动:{}。为了不覆盖这次改动,"
                '请<a href="{}" target="_blank">打开当前版本</a>,'
                "对照本页您填写的内容,在当前版本上重新修改后保存。{}",
                meta.verbose_name,
                stored,
                describe_change(stored),
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[stored.pk]),
                f"本页与当前版本不同的字段:{'、'.join(differing)}。" if differing else "",
            ),
        )


class EditConflictAdmin(admin.ModelAdmin):
    """The admin of a model with an ``updated`` stamp whose change form must not lose updates."""

    form = EditConflictForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or "opened_version" in flatten_fieldsets(fieldsets):
            return fieldsets
        return [*fieldsets, (None, {"fields": ["opened_version"], "classes": ["hidden"]})]


def publishing_actions(noun, measure):
    """The admin actions 发布所选… and 撤回所选…, for a model with publish() and unpublish().

    Each object goes through its model's rules and save(), so ``updated`` moves and the admin
    history records who did it; an object its rules refuse is named with the reason and left
    as it was. ``noun`` and ``measure`` make the messages: 文章 and 篇 give 已发布 3 篇文章。
    """

    def act(modeladmin, request, queryset, method, done, record):
        changed, refused, unseen = 0, [], {}
        for obj in queryset:
            try:
                getattr(obj, method)()
            except ValidationError as error:
                refused.append(f"{obj}({';'.join(error.messages)})")
                continue
            modeladmin.log_change(request, obj, record)
            changed += 1
            if method == "publish" and isinstance(obj, PrintedItem) and not obj.issue.is_published:
                unseen.setdefault(obj.issue_id, obj)
        if refused:
            modeladmin.message_user(
                request, f"以下{noun}未能{done}:" + "、".join(refused), messages.ERROR
            )
        modeladmin.message_user(request, f"已{done} {changed} {measure}{noun}。", messages.SUCCESS)
        for obj in unseen.values():
            modeladmin.message_user(
                request, unpublished_issue_message(request, obj), messages.WARNING
            )

    @admin.action(description=f"发布所选{noun}", permissions=["change"])
    def publish(modeladmin, request, queryset):
        act(modeladmin, request, queryset, "publish", "发布", "已发布(批量操作)。")

    @admin.action(description=f"撤回所选{noun}(读者将看不到)", permissions=["change"])
    def unpublish(modeladmin, request, queryset):
        act(modeladmin, request, queryset, "unpublish", "撤回", "已撤回(批量操作)。")

    return [publish, unpublish]


class WhereSeenAdmin(EditConflictAdmin):
    """After an add or a change, a message says where readers see what was saved, or why
    they do not yet (``message_where_seen``): an edit is public on the next request (the
    page cache is purged on commit, paper.caching)."""

    this_item = ""

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.message_where_seen(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self.message_where_seen(request, obj)
        return response

    def message_where_seen(self, request, obj):
        raise NotImplementedError

    def message_public_url(self, request, url):
        where = format_html('<a href="{}">{}</a>', url, url)
        message = format_html("读者现在可以在 {} 看到{}。", where, self.this_item)
        self.message_user(request, message, messages.INFO)


class PrintedItemAdmin(WhereSeenAdmin):
    """What the admin of every printed model shares: its page, and its zones on the page image.

    ``this_item`` names one in a sentence: 这篇文章, 这则公告. ``kept_on_add_another`` are the
    fields 保存并增加另一个 carries over to the next blank form: a page is entered item by item.
    """

    this_item = ""
    kept_on_add_another = ["issue", "page"]
    list_select_related = ["page"]
    autocomplete_fields = ["issue", "page"]
    # A million articles: the count is estimated where counting would take long (as the public
    # lists do), and no second count of the whole table is made for 共 N 条.
    paginator = ArchivePaginator
    show_full_result_count = False

    class Media:
        css = {"all": ["css/page-zones-admin.css", "css/ocr-review-admin.css"]}
        # After the admin's jQuery (printed-item-form.js uses django.jQuery).
        js = ["admin/js/jquery.init.js", "js/zone-editor.js", "js/printed-item-form.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "page":
            # The chosen page is labelled with its issue's date, as the autocomplete lists it.
            kwargs["queryset"] = Page.objects.select_related("issue")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST:
            kept = {
                name: self.opts.get_field(name).value_from_object(obj)
                for name in self.kept_on_add_another
            }
            url = f"{request.path}?{urlencode(kept)}"
            context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
            response["Location"] = add_preserved_filters(context, url)
        return response

    def message_where_seen(self, request, obj):
        if obj.is_public():
            self.message_public_url(request, obj.get_absolute_url())
        elif obj.status == obj.Status.PUBLISHED:
            self.message_user(request, unpublished_issue_message(request, obj), messages.WARNING)
        else:
            self.message_user(
                request, f"{self.this_item}还是草稿,读者看不到;发布后才会公开。", messages.INFO
            )
        if obj.is_recognised_text and obj.needs_review:
            self.message_user(
                request,
                f"{self.this_item}是从扫描图识别的草稿,还标着“待核对”:"
                "对照扫描图核对标红的行和热区,取消勾选“待核对”后才能发布。",
                messages.WARNING,
            )

    @admin.display(description="版面图上的热区")
    def zones_on_page(self, item):
        if not item.pk:
            return f"保存后可以在版面图上画出{self.this_item}的热区。"
        return page_zones_preview(
            item.page, editable_prefix="zones", leave_out=item, guides=recognised_guides(item)
        )

    # What was read off a scan (OCR): its lines and their confidence on its form, with the
    # crop of the scan, so that the editor knows what to check before clearing 待核对.

    recognised_help = (
        "{this}的文字是从扫描图识别出来的,可能有误:请对照下面的扫描图核对标题、正文和署名,"
        "标红的行置信度低,标黄的字最可能认错;热区不对时在“版面位置”中拖动红框改正。"
        "核对完后取消勾选“待核对”并保存,才能发布。"
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_recognised_text:
            return fieldsets
        # The review of an OCR draft comes first, after where it is printed; its 待核对 and its
        # zones are open, whatever other items fold away.
        fieldsets = [
            (name, {**options, "classes": []}) if name in ("核对", "版面位置") else (name, options)
            for name, options in fieldsets
        ]
        recognised = (
            "识别文字核对",
            {
                "fields": ["recognition_confidence", "recognised_lines"],
                "description": self.recognised_help.format(this=self.this_item),
            },
        )
        return [fieldsets[0], recognised, *fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_recognised_text:
            return [*fields, "recognition_confidence", "recognised_lines"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and obj.is_recognised_text and "needs_review" in form.base_fields:
            form.base_fields["needs_review"].help_text = (
                "识别稿在编辑核对之前标为待核对,读者看不到:对照扫描图核对文字和热区后,"
                "取消勾选并保存,然后才能发布。"
            )
        return form

    @admin.display(description="识别置信度", ordering="ocr_confidence")
    def recognition_confidence(self, item):
        if item.ocr_confidence is None:
            return "—"
        return percent(item.ocr_confidence)

    @admin.display(description="识别出的文字")
    def recognised_lines(self, item):
        context = {**recognised_item_context(item), "this_item": self.this_item}
        return render_to_string("admin/ocr_item_lines.html", context)

    @admin.display(description="版号", ordering="page__code")
    def page_code(self, item):
        return item.page.code

    @admin.display(description="待核对", ordering="needs_review")
    def review_flag(self, item):
        return yes_no(item.needs_review)


def unpublished_issue_message(request, item):
    """The warning that a published item's issue is not, with a button that publishes it.

    The button posts the issue list's 发布所选报纸 action, so the issue is published by its
    model's rules and the history records who did it.
    """
    issue = item.issue
    warning = format_html(
        "{}已设为“已发布”,但{}的报纸还没有发布,读者还看不到。", item._meta.verbose_name, issue
    )
    if not request.user.has_perm("paper.change_issue"):
        return format_html("{}请有权限的编辑发布这一期报纸。", warning)
    return format_html(
        '{}<form method="post" action="{}" class="publish-issue-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="action" value="publish">'
        '<input type="hidden" name="_selected_action" value="{}">'
        '<button type="submit" class="button">发布{}的报纸</button></form>',
        warning,
        reverse("admin:paper_issue_changelist"),
        get_token(request),
        issue.pk,
        issue,
    )


def printed_item_add_links(page, user=None):
    """录入本版文章, 录入本版公告: the add forms of each printed model, filled with ``page``
    (those ``user``, when given, may add)."""
    links = []
    for model in printed_item_models():
        meta = model._meta
        if user is not None and not user.has_perm(f"{meta.app_label}.add_{meta.model_name}"):
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        links.append(
            {
                "label": f"录入本版{meta.verbose_name}",
                "url": f"{url}?{urlencode({'issue': page.issue_id, 'page': page.pk})}",
            }
        )
    return links


# A day as editors type it: 2024-12-10, 2024年12月10日, 12月10, 12-10, 12/10, 12.10.
TYPED_DATE = re.compile(r"(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def typed_date_condition(term, field="date"):
    """The filter on ``field`` for a day typed as an editor types it, or None.

    Without a year, the day of every year (the newest first where the list is so ordered).
    """
    match = TYPED_DATE.fullmatch(unicodedata.normalize("NFKC", term).strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        datetime.date(year or 2000, month, day)  # 2000 is a leap year: 2月29 is a day
    except ValueError:
        return None
    if year:
        return {field: datetime.date(year, month, day)}
    return {f"{field}__month": month, f"{field}__day": day}


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["order", "code", "name", "add_printed_items"]
    readonly_fields = ["add_printed_items"]
    ordering = ["order", "code"]

    @admin.display(description="录入")
    def add_printed_items(self, page):
        if not page.pk:
            return ""
        return format_html_join(
            " ",
            '<a href="{}" class="addlink">{}</a>',
            ((link["url"], link["label"]) for link in printed_item_add_links(page)),
        )


@admin.register(Issue)
class IssueAdmin(WhereSeenAdmin):
    this_item = "这一期报纸"
    list_display = ["date", "number", "published", "page_count"]
    list_filter = ["is_published", ("date", IssueDayFilter), ("date", DateRangeFilter)]
    ordering = ["-date"]
    search_fields = ["date", "number"]
    inlines = [PageInline]
    readonly_fields = ["created", "updated"]
    actions = publishing_actions("报纸", "期")

    def get_queryset(self, request):
        # Counted for the listed issues only: a GROUP BY joined every page of thirty years.
        pages = Page.objects.filter(issue=OuterRef("pk")).order_by().values("issue")
        return (
            super()
            .get_queryset(request)
            .annotate(
                page_count=Subquery(pages.annotate(n=Func("id", function="COUNT")).values("n"))
            )
        )

    def message_where_seen(self, request, issue):
        if issue.is_published:
            self.message_public_url(request, issue.get_absolute_url())
        else:
            self.message_user(
                request, "这一期报纸还没有发布,读者看不到;勾选“已发布”保存后公开。", messages.INFO
            )

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete of an article's or a notice's issue, and this list, find a day
        # however it is typed; a number is still the 期号 or a part of a date.
        condition = typed_date_condition(search_term)
        if condition:
            return queryset.filter(**condition), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="已发布", ordering="is_published")
    def published(self, issue):
        return yes_no(issue.is_published)

    @admin.display(description="版面数", ordering="page_count")
    def page_count(self, issue):
        return issue.page_count


# The OCR review: a page's recognition drawn over its scan (PageAdmin's 文字识别), and an OCR
# draft's own lines on its form (PrintedItemAdmin). paper.ocr.review reads the data.


def recognition_of(page):
    """The page's PageRecognition, or None (cached on the page either way)."""
    if page is None or page.pk is None:
        return None
    try:
        return page.recognition
    except PageRecognition.DoesNotExist:
        return None


def has_recognition(page):
    """Whether the page has a PageRecognition, from PageAdmin's annotation where it is there
    (no need to load the reading's data, which is large)."""
    if hasattr(page, "recognition_status"):
        return page.recognition_status is not None
    return recognition_of(page) is not None


def review_of(recognition):
    """paper.ocr.review's reading of a finished recognition, once per instance, or None."""
    if recognition is None or recognition.status != RecognitionStatus.DONE:
        return None
    if not hasattr(recognition, "_review"):
        recognition._review = page_review(recognition.data)
    return recognition._review


def recognised_items(page, review):
    """The drafts the blocks became, by (model label, pk): those still on ``page``.

    One query per kind of item the blocks name.
    """
    wanted = {}
    for block in review.blocks:
        if block.item:
            wanted.setdefault(block.item[0], set()).add(block.item[1])
    found = {}
    for model in printed_item_models():
        label = model._meta.label_lower
        if label in wanted:
            for item in model._default_manager.filter(page=page, pk__in=wanted[label]):
                found[(label, item.pk)] = item
    return found


def admin_change_url(item):
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])


def recognition_state(page, recognition):
    """What an editor is told of a page's recognition: a sentence, and whether it is an error."""
    if recognition is None:
        if not page.file:
            return "这一版还没有版面文件;上传扫描图后可以做文字识别。", False
        return "这一版还没有做文字识别。", False
    status = recognition.get_status_display()
    if recognition.status == RecognitionStatus.FAILED:
        reason = recognition.message or "没有说明原因。"
        return f"识别失败(尝试 {recognition.attempts} 次):{reason}", True
    if recognition.status != RecognitionStatus.DONE:
        return f"{status}:识别完成后可以在这里核对。", False
    if not recognition.is_current:
        return (
            "识别结果对应的是此前的版面文件,和现在的文件不是同一个:框的位置可能对不上,"
            "请重新识别这一版。",
            True,
        )
    return "", False


def recognition_context(page, recognition):
    """What the page's 文字识别核对 view shows (templates/admin/paper/page/recognition.html)."""
    state, is_error = recognition_state(page, recognition)
    review = review_of(recognition)
    blocks, drafts = [], []
    if review:
        items = recognised_items(page, review)
        for block in review.blocks:
            item = items.get(block.item) if block.item else None
            if item is not None:
                meta = item._meta
                title = f"{block.number} {block.kind_label}:{meta.verbose_name}“{item}”"
            elif block.item:
                title = f"{block.number} {block.kind_label}:识别出的草稿已删除"
            else:
                title = f"{block.number} {block.kind_label}:没有生成文章或公告"
            if block.low_lines:
                title += f"(置信度低的行 {block.low_lines} 行)"
            blocks.append(
                {
                    "block": block,
                    "item": item,
                    "url": admin_change_url(item) if item is not None else "",
                    "title": title,
                    # The label over the block's top left corner, clear of its text; inside
                    # it at the top of the page.
                    "label_x": round(block.box[0], 1),
                    "label_y": round(
                        block.box[1] - review.label_size * 0.25
                        if block.box[1] > review.label_size
                        else block.box[1] + review.label_size,
                        1,
                    ),
                }
            )
        drafts = list(dict.fromkeys(entry["item"] for entry in blocks if entry["item"]))
    return {
        "page": page,
        "recognition": recognition,
        "state": state,
        "state_is_error": is_error,
        "review": review,
        "blocks": blocks,
        "drafts": drafts,
        "drafts_to_review": sum(1 for item in drafts if item.needs_review),
        "kinds": [
            (kind, label)
            for kind, label in KIND_LABELS.items()
            if review and any(block.kind == kind for block in review.blocks)
        ],
        "confidence": percent(recognition.confidence)
        if recognition and recognition.confidence is not None
        else "",
        "low_line_threshold": percent(DOUBTFUL_LINE_CONFIDENCE),
        "low_char_threshold": percent(DOUBTFUL_CHAR_CONFIDENCE),
    }


def recognised_item_context(item):
    """An OCR draft's own recognised lines, and the crop of the scan they were read from."""
    page = item.page
    recognition = recognition_of(page)
    review = review_of(recognition)
    label = item._meta.label_lower
    lines = review.lines_of(label, item.pk) if review else []
    crop = None
    if review and page.has_image:
        # The item's zones as they are now (the editor may have moved them), else its blocks.
        # In the image's pixels as stored (review.image_width × image_height); the lines are
        # drawn over it through review.overlay_transform.
        width, height = review.image_width, review.image_height
        shares = [
            (
                float(zone.left),
                float(zone.top),
                float(zone.left + zone.width),
                float(zone.top + zone.height),
            )
            for zone in item.zones.all()
        ] or [review.page_share(box) for box in review.boxes_of(label, item.pk)]
        boxes = [(x0 * width, y0 * height, x1 * width, y1 * height) for x0, y0, x1, y1 in shares]
        if boxes:
            margin = width * 0.01
            left, top, right, bottom = union(boxes)
            left, top = max(left - margin, 0), max(top - margin, 0)
            right, bottom = min(right + margin, width), min(bottom + margin, height)
            crop = {
                "viewbox": f"{left:.1f} {top:.1f} {right - left:.1f} {bottom - top:.1f}",
                "width": round(right - left),
                "height": round(bottom - top),
            }
    state, is_error = recognition_state(page, recognition)
    return {
        "item": item,
        "page": page,
        "review": review,
        "lines": lines,
        "low_count": sum(1 for line in lines if line.low),
        "crop": crop,
        "state": state,
        "state_is_error": is_error,
        "review_url": reverse("admin:paper_page_recognition", args=[page.pk])
        if recognition is not None
        else "",
        "low_line_threshold": percent(DOUBTFUL_LINE_CONFIDENCE),
        "low_char_threshold": percent(DOUBTFUL_CHAR_CONFIDENCE),
    }


def recognised_guides(item):
    """Where OCR found an OCR draft's text, as fractions of the page (x, y, width, height):
    the zone editor draws them dashed, for the editor to set the zones by."""
    if not item.is_recognised_text:
        return []
    review = review_of(recognition_of(item.page))
    if review is None:
        return []
    shares = [review.page_share(box) for box in review.boxes_of(item._meta.label_lower, item.pk)]
    return [
        {
            "x": round(left, 4),
            "y": round(top, 4),
            "width": round(right - left, 4),
            "height": round(bottom - top, 4),
        }
        for left, top, right, bottom in shares
    ]


class RecognitionFilter(admin.SimpleListFilter):
    """识别状态: the scans still to be read, how the reading went, and the pages whose OCR
    drafts wait for an editor."""

    title = "识别状态"
    parameter_name = "recognition"

    def lookups(self, request, model_admin):
        return [
            ("none", "扫描图未识别"),
            *RecognitionStatus.choices,
            ("review", "识别稿待核对"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.exclude(file="").filter(has_text_layer=False, recognition=None)
        if value in RecognitionStatus.values:
            return queryset.filter(recognition__status=value)
        if value == "review":
            return queryset.with_recognised_drafts_to_review()
        return queryset


class RecognisedTextFilter(admin.SimpleListFilter):
    """来自识别文本: what was read off a scan by OCR (``ocr_confidence`` set), or not."""

    title = "来自识别文本"
    parameter_name = "recognised"

    def lookups(self, request, model_admin):
        return [("yes", "是(识别稿)"), ("no", "否")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(ocr_confidence__isnull=False)
        if self.value() == "no":
            return queryset.filter(ocr_confidence=None)
        return queryset


class PageRedactionForm(forms.ModelForm):
    def save(self, commit=True):
        if self.has_changed():
            self.instance.found_by_ocr = False  # moved by an editor: a new reading keeps it
        return super().save(commit)


class PageRedactionInline(admin.TabularInline):
    model = PageRedaction
    form = PageRedactionForm
    extra = 0
    fields = ["left", "top", "width", "height", "made_by_ocr"]
    readonly_fields = ["made_by_ocr"]

    # Said in words: the admin's boolean icon reads out "True" or "False" to a screen reader.
    @admin.display(description="识别时添加")
    def made_by_ocr(self, redaction):
        return "是" if redaction.found_by_ocr else "否"


class PageAdminForm(EditConflictForm):
    upload = forms.FileField(label="上传版面文件", required=False)

    class Meta:
        model = Page
        fields = ["issue", "code", "name", "order", "needs_redaction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = (
            f"这一版印刷用的 PDF(只能有一页),或扫描图(PNG、JPEG、TIFF),"
            f"不超过 {settings.PAGE_FILE_MAX_MB} MB。保存时生成阅读图和缩略图,"
            "并从 PDF 的文字层为还没有热区的文章和公告找出热区。"
        )
        self.rendered = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if upload.size > max_bytes():
            raise ValidationError(
                f"文件有 {upload.size / 1024 / 1024:.1f} MB,"
                f"超过了 {settings.PAGE_FILE_MAX_MB} MB 的上限。"
            )
        data = upload.read()
        try:
            self.rendered = render(data, self.instance.redaction_boxes())
        except PageFileError as error:
            raise ValidationError(f"{upload.name}:{error}", code="bad_page_file") from error
        self.page_data = data
        return upload


@admin.register(Page)
class PageAdmin(RecognitionAdminMixin, WhereSeenAdmin):
    this_item = "这一版"
    form = PageAdminForm
    list_display = [
        "code",
        "name",
        "issue",
        "order",
        "has_image",
        "redaction_flag",
        "recognition_review_link",
    ]
    list_select_related = ["issue"]
    list_filter = [
        "needs_redaction",
        RecognitionFilter,
        "issue__is_published",
        ("issue__date", IssueDayFilter),
        ("issue__date", DateRangeFilter),
    ]
    search_fields = ["code", "name", "issue__date"]
    show_full_result_count = False
    autocomplete_fields = ["issue"]
    ordering = ["-issue__date", "order"]
    readonly_fields = [
        "stored_file",
        "public_file_link",
        "redaction_checked",
        "zones_on_page",
        "recognition_summary",
        "recognition_actions",
    ]
    fieldsets = [
        (None, {"fields": ["issue", ("code", "name", "order")]}),
        (
            "版面文件与热区",
            {"fields": ["upload", "stored_file", "public_file_link", "zones_on_page"]},
        ),
        ("遮盖身份证号", {"fields": ["needs_redaction", "redaction_checked"]}),
    ]
    inlines = [PageRedactionInline]
    actions = ["find_page_zones", "recognise_text"]

    class Media:
        css = {"all": ["css/page-zones-admin.css", "css/ocr-review-admin.css"]}
        js = ["js/zone-editor.js"]

    def message_where_seen(self, request, page):
        if page.issue.is_published:
            self.message_public_url(request, page.get_absolute_url())
        else:
            message = f"{page.issue}的报纸还没有发布,读者看不到这一版。"
            self.message_user(request, message, messages.INFO)

    def get_queryset(self, request):
        # Pages are listed with their issue's date, here and in the autocomplete of a printed
        # item's page (str(page) shows the date when the issue is loaded); with the status of
        # their recognition, not its data, which is large.
        return (
            super()
            .get_queryset(request)
            .select_related("issue")
            .annotate(recognition_status=F("recognition__status"))
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        issue = request.GET.get("issue", "")
        if request.GET.get("field_name") == "page" and issue.isdigit():
            # The page field of an article or a notice offers the chosen issue's pages only
            # (static/js/printed-item-form.js sends the issue along).
            queryset = queryset.filter(issue_id=issue)
        return queryset, may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        page = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "printed_item_links": printed_item_add_links(page, request.user) if page else [],
            **self.recognition_links(page),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # The OCR review (文字识别): a fieldset on the form, a view of its own, a list column.

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # Folded where there is nothing to read: no file, or a PDF with its text layer.
        readable = obj.file and not obj.has_text_layer
        classes = [] if has_recognition(obj) or readable else ["collapse"]
        fields = ["recognition_summary", "recognition_actions"]
        return [*fieldsets, ("文字识别", {"fields": fields, "classes": classes})]

    def get_urls(self):
        review = path(
            "<path:object_id>/recognition/",
            self.admin_site.admin_view(self.recognition_view),
            name="paper_page_recognition",
        )
        return [review, *super().get_urls()]

    def recognition_links(self, page):
        if page is None or not has_recognition(page):
            return {}
        return {"recognition_url": reverse("admin:paper_page_recognition", args=[page.pk])}

    def recognition_view(self, request, object_id):
        """文字识别核对: the scan with the recognised blocks over it, and the lines read."""
        page = self.get_object(request, unquote(object_id))
        if page is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, page):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **recognition_context(page, recognition_of(page)),
            "opts": self.opts,
            "title": f"文字识别核对:{page}",
            "change_url": reverse("admin:paper_page_change", args=[page.pk]),
        }
        return TemplateResponse(request, "admin/paper/page/recognition.html", context)

    @admin.display(description="文字识别")
    def recognition_summary(self, page):
        return render_to_string(
            "admin/paper/page/recognition_summary.html",
            {**recognition_context(page, recognition_of(page)), **self.recognition_links(page)},
        )

    @admin.display(description="文字识别", ordering="recognition__status")
    def recognition_review_link(self, page):
        status = page.recognition_status
        if status is None:
            return "—"
        label = RecognitionStatus(status).label
        if status != RecognitionStatus.DONE:
            return label
        url = reverse("admin:paper_page_recognition", args=[page.pk])
        return format_html('<a href="{}">{},核对</a>', url, label)

    def save_model(self, request, obj, form, change):
        if "needs_redaction" in form.changed_data and not obj.needs_redaction:
            # The editor has covered the scan, or found nothing to cover: the check is recorded,
            # so that rendering it again does not set the flag again.
            obj.redaction_checked = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Attach the upload, or render the page again when its boxes or its flag changed.

        This runs after the inlines are saved, so the boxes drawn in the same form are covered.
        """
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if form.rendered:
            zones = attach_page_file(obj, form.page_data, form.rendered)
            self.message_user(
                request,
                f"{obj.code} 版已生成阅读图和缩略图;从文字层找到热区 {zones} 个。",
                messages.SUCCESS,
            )
        elif obj.file and (
            "needs_redaction" in form.changed_data
            or any(formset.has_changed() for formset in formsets if formset.model is PageRedaction)
        ):
            try:
                render_stored_page(obj, force=True)
            except (PageFileError, OSError) as error:
                self.message_user(request, f"{obj}:{error}", messages.ERROR)
                return
            self.message_user(request, f"{obj.code} 版的图片已按遮盖框重新生成。", messages.SUCCESS)

    @admin.display(description="版面图")
    def has_image(self, page):
        return yes_no(page.has_image)

    @admin.display(description="待核对遮盖", ordering="needs_redaction")
    def redaction_flag(self, page):
        return yes_no(page.needs_redaction)

    @admin.display(description="已附文件(原件)")
    def stored_file(self, page):
        if not page.file:
            return "还没有文件。"
        return format_html(
            '<a href="{}">{}</a>({}×{} 像素的阅读图)。原件未遮盖身份证号,只供编辑使用。',
            page.file.url,
            page.file.name.rsplit("/", 1)[-1],
            page.image_width,
            page.image_height,
        )

    @admin.display(description="读者下载的 PDF")
    def public_file_link(self, page):
        if not page.public_file:
            return "没有(扫描图没有 PDF)。" if page.file else "还没有文件。"
        if page.public_file.name == page.file.name:
            return "与原件相同:文字层中没有找到身份证号,也没有遮盖框。"
        return format_html(
            '<a href="{}">{}</a>(已涂黑身份证号的出生日期部分,文字层中也已删去)',
            page.public_file.url,
            page.public_file.name.rsplit("/", 1)[-1],
        )

    @admin.display(description="版面图、热区与遮盖框")
    def zones_on_page(self, page):
        if not page.pk:
            return page_zones_preview(None)
        return page_zones_preview(
            page,
            editable_prefix="redactions",
            help_text="红框是遮盖框,保存后在阅读图、缩略图和读者下载的 PDF 上涂黑:"
            "在图上空白处拖动画出新框,拖动红框移动它,拖动右下角改变大小;"
            "勾选下面“遮盖框”中的“删除”去掉一个框。文字层中找到的身份证号已自动涂黑。"
            "灰框是本版文章和公告的热区,点击可打开。",
        )

    @admin.action(
        description="从 PDF 文字层识别热区(只为还没有热区的文章和公告)", permissions=["change"]
    )
    def find_page_zones(self, request, queryset):
        found = 0
        for page in queryset.exclude(file=""):
            if not page.has_pdf:
                continue
            try:
                with page.file.open("rb") as stored:
                    found += find_zones(page, stored.read())
            except (PageFileError, OSError) as error:
                self.message_user(request, f"{page}:{error}", messages.ERROR)
        self.message_user(request, f"找到热区 {found} 个。", messages.SUCCESS)
