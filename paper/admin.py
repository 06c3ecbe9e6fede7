import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .history import describe_change
from .models import Issue, Page, PageRedaction, printed_item_models
from .page_files import attach_page_file, find_zones, render_stored_page
from .page_rendering import PageFileError, max_bytes, render


def page_zones_preview(page, *, editable_prefix=None, leave_out=None, help_text=""):
    """The page image with its zones drawn, each a link to its article or notice in the admin.

    With ``editable_prefix`` (an inline formset's prefix) the zones of that formset are drawn by
    static/js/zone-editor.js, to be moved, resized and added with the mouse; ``leave_out``
    (an article or notice) is then left out of the zones drawn here. ``help_text`` replaces
    the sentence that says what the editable boxes are.
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

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

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
        changed, refused = 0, []
        for obj in queryset:
            try:
                getattr(obj, method)()
            except ValidationError as error:
                refused.append(f"{obj}({';'.join(error.messages)})")
                continue
            modeladmin.log_change(request, obj, record)
            changed += 1
        if refused:
            modeladmin.message_user(
                request, f"以下{noun}未能{done}:" + "、".join(refused), messages.ERROR
            )
        modeladmin.message_user(request, f"已{done} {changed} {measure}{noun}。", messages.SUCCESS)

    @admin.action(description=f"发布所选{noun}", permissions=["change"])
    def publish(modeladmin, request, queryset):
        act(modeladmin, request, queryset, "publish", "发布", "已发布(批量操作)。")

    @admin.action(description=f"撤回所选{noun}(读者将看不到)", permissions=["change"])
    def unpublish(modeladmin, request, queryset):
        act(modeladmin, request, queryset, "unpublish", "撤回", "已撤回(批量操作)。")

    return [publish, unpublish]


class PrintedItemAdmin(EditConflictAdmin):
    """What the admin of every printed model shares: its page, and its zones on the page image.

    ``this_item`` names one in a sentence: 这篇文章, 这则公告.
    """

    this_item = ""
    list_select_related = ["page"]
    date_hierarchy = "pub_date"
    autocomplete_fields = ["issue", "page"]

    class Media:
        css = {"all": ["css/page-zones-admin.css"]}
        js = ["js/zone-editor.js"]

    @admin.display(description="版面图上的热区")
    def zones_on_page(self, item):
        if not item.pk:
            return f"保存后可以在版面图上画出{self.this_item}的热区。"
        return page_zones_preview(item.page, editable_prefix="zones", leave_out=item)

    @admin.display(description="版号", ordering="page__code")
    def page_code(self, item):
        return item.page.code


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["order", "code", "name"]
    ordering = ["order", "code"]


@admin.register(Issue)
class IssueAdmin(EditConflictAdmin):
    list_display = ["date", "number", "is_published", "page_count"]
    list_filter = ["is_published"]
    date_hierarchy = "date"
    ordering = ["-date"]
    search_fields = ["date", "number"]
    inlines = [PageInline]
    readonly_fields = ["created", "updated"]
    actions = publishing_actions("报纸", "期")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(page_count=Count("pages"))

    @admin.display(description="版面数", ordering="page_count")
    def page_count(self, issue):
        return issue.page_count


class PageRedactionInline(admin.TabularInline):
    model = PageRedaction
    extra = 0
    fields = ["left", "top", "width", "height"]


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
class PageAdmin(EditConflictAdmin):
    form = PageAdminForm
    list_display = ["code", "name", "issue", "order", "has_image", "needs_redaction"]
    list_select_related = ["issue"]
    list_filter = ["needs_redaction", "issue__is_published"]
    date_hierarchy = "issue__date"
    search_fields = ["code", "name", "issue__date"]
    autocomplete_fields = ["issue"]
    ordering = ["-issue__date", "order"]
    readonly_fields = ["stored_file", "public_file_link", "redaction_checked", "zones_on_page"]
    fieldsets = [
        (None, {"fields": ["issue", ("code", "name", "order")]}),
        (
            "版面文件与热区",
            {"fields": ["upload", "stored_file", "public_file_link", "zones_on_page"]},
        ),
        ("遮盖身份证号", {"fields": ["needs_redaction", "redaction_checked"]}),
    ]
    inlines = [PageRedactionInline]
    actions = ["find_page_zones"]

    class Media:
        css = {"all": ["css/page-zones-admin.css"]}
        js = ["js/zone-editor.js"]

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

    @admin.display(description="版面图", boolean=True)
    def has_image(self, page):
        return page.has_image

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
