from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import JsonResponse
from django.urls import path

from paper.admin import (
    DateRangeFilter,
    EditConflictForm,
    IssueDayFilter,
    PrintedItemAdmin,
    RecognisedTextFilter,
    publishing_actions,
)
from paper.text import chinese_date, number_keys

from .models import (
    AdDeskPhone,
    CorrectionKind,
    DocumentAlias,
    DocumentType,
    LostItem,
    Notice,
    NoticeKind,
    NoticeRevision,
    NoticeZone,
    RateCategory,
    WeddingDetails,
    number_condition,
)


class DocumentTypeInline(admin.TabularInline):
    model = DocumentType
    extra = 0
    fields = ["name", "number_format", "number_label", "measure_word"]


@admin.register(RateCategory)
class RateCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "order"]
    list_editable = ["price", "order"]
    inlines = [DocumentTypeInline]


class DocumentAliasInline(admin.TabularInline):
    model = DocumentAlias
    extra = 1
    fields = ["name"]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "number_format",
        "number_label",
        "measure_word",
        "alias_names",
    ]
    list_select_related = ["category"]
    list_filter = ["category", "number_format"]
    # An alias finds its type, in the list and in the notices' document type field.
    search_fields = ["name", "aliases__name"]
    inlines = [DocumentAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="别名")
    def alias_names(self, document_type):
        return "、".join(alias.name for alias in document_type.aliases.all())


@admin.register(AdDeskPhone)
class AdDeskPhoneAdmin(admin.ModelAdmin):
    list_display = ["number", "label", "order"]
    list_editable = ["label", "order"]


class KindFormSet(BaseInlineFormSet):
    """The inline of one kind of notice (its items, its couple), left alone for other kinds.

    The form hides it unless it fits the kind (static/js/notice-form.js); the server then
    neither checks nor saves what it holds, so a block filled before the kind was changed
    stops nothing. A block that holds saved rows is shown and saved whatever the kind, so
    that the editor can see and remove them.
    """

    kind = None

    def applies(self):
        return self.instance.kind == self.kind or self.initial_form_count() > 0

    def full_clean(self):
        if self.applies():
            return super().full_clean()
        self._errors = []
        self._non_form_errors = self.error_class(error_class="nonform", renderer=self.renderer)

    def is_valid(self):
        return super().is_valid() if self.applies() else True

    def save(self, commit=True):
        if self.applies():
            return super().save(commit)
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        return []

    def kept_forms(self):
        return [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class LostItemFormSet(KindFormSet):
    kind = NoticeKind.LOST

    def clean(self):
        super().clean()
        kept = self.kept_forms()
        if self.instance.kind == NoticeKind.LOST and not kept:
            raise ValidationError("遗失声明至少要录入一件遗失的证件。")
        if self.instance.kind == NoticeKind.LOST:
            self.check_dates(kept)
            self.keep_wording_in_step(kept)

    def check_dates(self, kept):
        notice = self.instance
        if not notice.issue_id:
            return
        issue_date = notice.issue.date
        for form in kept:
            issued_on = form.cleaned_data.get("issued_on")
            if issued_on and issued_on > issue_date:
                form.add_error(
                    "issued_on",
                    f"开具日期({chinese_date(issued_on)})不能晚于这一期报纸的出版日期"
                    f"({chinese_date(issue_date)})。",
                )

    def keep_wording_in_step(self, kept):
        """The items and the wording say the same; changing a public notice's is a correction.

        Runs after the notice's own form, whose values (wording, correction note, the
        regenerate box) are on ``self.instance`` already.
        """
        notice = self.instance
        items = [
            form.instance
            for _, form in sorted(
                enumerate(kept), key=lambda pair: (pair[1].cleaned_data.get("order") or 0, pair[0])
            )
        ]
        stored_text = (
            Notice.objects.filter(pk=notice.pk).values_list("text", flat=True).first()
            if notice.pk
            else None
        )
        if notice.compose_from_items:
            notice.text = Notice.compose_declaration(items)
        items_changed = self.has_changed()
        regenerated = notice.compose_from_items and notice.text != stored_text
        # A wording typed in is the notice's own form's to check (NoticeAdminForm.clean).
        if notice.is_stored_public() and (items_changed or regenerated):
            if not notice.correction_note:
                raise ValidationError(
                    "这则公告已经发布,修改证件条目或刊登文字是更正:请在“更正”中写明更正说明,"
                    "原来的条目和文字会保留在更正记录中,读者在公告页面上能看到。"
                )
            notice.items_corrected = items_changed
        if items_changed or notice.text != stored_text:
            disagreements = notice.wording_disagreements(items)
            if disagreements:
                raise ValidationError(
                    [f"刊登文字与证件条目不一致:{sentence}。" for sentence in disagreements]
                    + ["请勾选“按条目重新生成刊登文字”后保存,或改正刊登文字。"]
                )


class LostItemInline(admin.StackedInline):
    model = LostItem
    formset = LostItemFormSet
    extra = 1
    autocomplete_fields = ["document_type"]
    classes = ["notice-kind-block", "notice-kind-lost"]
    fields = [
        ("holder", "document_type", "document_name"),
        ("number", "issuer", "issued_on"),
        ("amount", "other_identifier", "quantity", "order"),
    ]

    class Media:
        # Warnings about a number as it is typed (NoticeAdmin.number_warnings); after
        # django.jQuery, which tells it when the document type's autocomplete changes.
        js = [
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/jquery.init.js",
            "js/lost-item-warnings.js",
        ]


class WeddingFormSet(KindFormSet):
    kind = NoticeKind.WEDDING

    def clean(self):
        super().clean()
        if self.instance.kind == NoticeKind.WEDDING and not self.kept_forms():
            raise ValidationError("结婚启事需要填写新郎、新娘和结婚日期。")


class WeddingInline(admin.StackedInline):
    model = WeddingDetails
    formset = WeddingFormSet
    extra = 1
    max_num = 1
    classes = ["notice-kind-block", "notice-kind-wedding"]
    fields = [("groom", "bride"), ("wedding_date", "lunar_date"), "message"]
    readonly_fields = ["lunar_date"]


class NoticeRevisionInline(admin.TabularInline):
    """The correction trail: wordings readers saw before, read-only for everyone."""

    model = NoticeRevision
    extra = 0
    can_delete = False
    classes = ["collapse"]
    fields = ["replaced", "kind", "note", "text"]
    readonly_fields = fields
    verbose_name_plural = "更正记录(此前公开的文字)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoticeAdminForm(EditConflictForm):
    correction_kind = forms.ChoiceField(
        label="更正类型",
        choices=CorrectionKind.choices,
        initial=CorrectionKind.CORRECTION,
        required=False,
        help_text=NoticeRevision._meta.get_field("kind").help_text,
    )
    correction_note = forms.CharField(
        label="更正说明",
        max_length=200,
        required=False,
        help_text="修改已发布公告的文字或证件条目时必填,读者在公告页面上能看到,"
        "例如 持有人姓名有误。",
    )
    compose_from_items = forms.BooleanField(
        label="按条目重新生成刊登文字",
        required=False,
        help_text="保存时按下面的证件条目重新写出刊登文字,替换上面的文字;"
        "已发布的公告算作更正,要写更正说明。",
    )

    # The admin builds the form's Meta from the fieldsets.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.is_public()):
            # Only a public notice's wording is corrected; on a draft the fields would count
            # as changed in every save and the history would read 已修改 更正类型.
            del self.fields["correction_kind"], self.fields["correction_note"]

    def clean(self):
        cleaned_data = super().clean()
        # The items inline, validated after this form, reads these from the notice.
        self.instance.correction_kind = (
            cleaned_data.get("correction_kind") or CorrectionKind.CORRECTION
        )
        self.instance.correction_note = cleaned_data.get("correction_note", "").strip()
        self.instance.compose_from_items = bool(cleaned_data.get("compose_from_items"))
        if (
            self.instance.pk
            and "text" in self.changed_data
            and self.instance.is_public()
            and not cleaned_data.get("correction_note", "").strip()
        ):
            self.add_error(
                "correction_note",
                "这条公告已经发布,修改文字要写明更正说明,原文字会保留在更正记录中。",
            )
        return cleaned_data


class NoticeZoneInline(admin.TabularInline):
    model = NoticeZone
    extra = 0
    classes = ["collapse"]
    fields = ["left", "top", "width", "height"]


@admin.register(Notice)
class NoticeAdmin(PrintedItemAdmin):
    this_item = "这则公告"
    list_display = [
        "reference",
        "pub_date",
        "page_code",
        "kind",
        "holders",
        "fee",
        "status",
        "review_flag",
        "recognition_confidence",
    ]
    list_display_links = ["reference"]
    list_filter = [
        "kind",
        "status",
        "needs_review",
        RecognisedTextFilter,
        ("pub_date", IssueDayFilter),
        ("pub_date", DateRangeFilter),
        "items__document_type",
    ]
    # An issue's notices in page order: pick its day under 出版日期.
    ordering = ["-pub_date", "page__order", "order", "id"]
    search_fields = ["reference", "items__holder", "items__number", "announcer", "text"]
    readonly_fields = [
        "reference",
        "composed_text",
        "pub_date",
        "created",
        "updated",
        "zones_on_page",
    ]
    # In the order of the work: kind, issue and page; then the block of the kind (the items or
    # the couple, inlines placed by templates/admin/notices/notice/change_form.html, or the
    # announcer); then the wording and the fee; then the status. The rest is folded away.
    fieldsets = [
        (None, {"fields": ["kind", ("issue", "page", "order")]}),
        (
            "其他声明",
            {
                "fields": ["headline", ("announcer", "credit_code")],
                "classes": ["notice-kind-block", "notice-kind-other"],
                "description": "注销公告、减资公告等其他声明填写;遗失声明和结婚启事不用填。",
            },
        ),
        ("见报文字", {"fields": ["text", "compose_from_items", "composed_text", "fee"]}),
        ("发布", {"fields": ["status"]}),
        ("核对", {"fields": ["needs_review", "review_note"], "classes": ["collapse"]}),
        ("版面位置", {"fields": ["zones_on_page"], "classes": ["collapse"]}),
        (
            "记录",
            {"fields": ["reference", "pub_date", "created", "updated"], "classes": ["collapse"]},
        ),
    ]
    form = NoticeAdminForm
    inlines = [LostItemInline, WeddingInline, NoticeZoneInline]
    actions = [*publishing_actions("公告", "条"), "recompose_text"]
    kept_on_add_another = ["kind", "issue", "page"]

    class Media:
        js = ["js/notice-form.js"]

    def get_inlines(self, request, obj):
        if obj and obj.revisions.exists():
            return [*self.inlines, NoticeRevisionInline]
        return self.inlines

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj and obj.is_public():
            # A public notice's wording is changed by a correction, which is kept on record.
            correction = ("更正", {"fields": ["correction_kind", "correction_note"]})
            after = next(i for i, (name, _) in enumerate(fieldsets) if name == "见报文字") + 1
            return [*fieldsets[:after], correction, *fieldsets[after:]]
        return fieldsets

    def save_model(self, request, obj, form, change):
        # The form has put its correction fields on the notice (NoticeAdminForm.clean).
        super().save_model(request, obj, form, change)
        if obj.compose_from_items:
            self.message_user(request, "已按条目重新生成刊登文字,请核对。", messages.INFO)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    def get_urls(self):
        warnings = path(
            "number-warnings/",
            self.admin_site.admin_view(self.number_warnings),
            name="notices_notice_number_warnings",
        )
        return [warnings, *super().get_urls()]

    def number_warnings(self, request):
        """What saving would warn about an item's number, as JSON, while the editor types it.

        ``?number=…&document_type=<id>&notice=<id>``: the number's check against its document
        type, and the earlier notices that declared the same document void.
        """
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        number = request.GET.get("number", "").strip()
        document_type = request.GET.get("document_type", "")
        notice = request.GET.get("notice", "")
        item = LostItem(
            number=number,
            document_type=(
                DocumentType.objects.filter(pk=document_type).first()
                if document_type.isdigit()
                else None
            ),
            notice_id=int(notice) if notice.isdigit() else None,
        )
        warnings = []
        if item.document_type and item.number:
            try:
                item.number = item.document_type.check_number(item.number)
            except ValidationError as error:
                warnings += error.messages
        item.number_key, item.number_digests = number_keys(item.number)
        warnings += item.warnings()
        return JsonResponse({"warnings": warnings})

    def get_search_results(self, request, queryset, search_term):
        # The list's filters are applied to ``listed``; what the search adds keeps to them.
        listed = queryset
        queryset, may_have_duplicates = super().get_search_results(request, listed, search_term)
        condition = number_condition(search_term)
        if condition:
            # Numbers match however they were typed: full-width, case, spaces, punctuation; a
            # resident ID whole (the keys hold it masked).
            queryset |= listed.filter(condition)
            may_have_duplicates = True
        term = search_term.strip()
        document_types = DocumentType.objects.filter(Q(name=term) | Q(aliases__name=term)).values(
            "pk"
        )
        if term and document_types.exists():
            # A document type by its name or another (居民身份证 finds the items of 身份证).
            queryset |= listed.filter(items__document_type__in=document_types)
            may_have_duplicates = True
        return queryset, may_have_duplicates

    @admin.display(description="持有人")
    def holders(self, notice):
        return "、".join(dict.fromkeys(item.holder for item in notice.items.all()))

    @admin.display(description="按条目生成的文字")
    def composed_text(self, notice):
        if not notice.pk:
            return "保存后显示。"
        disagreements = notice.wording_disagreements(list(notice.items.all()))
        return "\n".join(
            [
                notice.compose_text() or "(没有条目)",
                *(f"与刊登文字不一致:{sentence}。" for sentence in disagreements),
            ]
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        notice = form.instance
        items_changed = any(
            formset.model is LostItem and formset.has_changed() for formset in formsets
        )
        updates = []
        if notice.kind == NoticeKind.LOST and (items_changed or notice.fee is None):
            notice.fee = notice.compute_fee()
            updates.append("fee")
        if not notice.text.strip() and (composed := notice.compose_text()):
            notice.text = composed
            updates.append("text")
            if notice.status == notice.Status.PUBLISHED:
                # Nobody has read the wording yet: it goes out only after someone has.
                notice.status = notice.Status.DRAFT
                self.message_user(
                    request,
                    "已按条目生成刊登文字。这次保存没有发布:生成的文字还没有人核对过,"
                    "公告仍是草稿;请核对文字后选“已发布”再保存。",
                    messages.WARNING,
                )
            else:
                self.message_user(request, "已按条目生成刊登文字,请核对后再发布。", messages.INFO)
        if updates:
            notice.save()
        items = list(notice.items.select_related("document_type"))
        for item in items:
            for warning in item.warnings():
                self.message_user(request, warning, messages.WARNING)
        for sentence in notice.wording_disagreements(items):
            self.message_user(
                request,
                f"刊登文字与证件条目不一致:{sentence};"
                "可以勾选“按条目重新生成刊登文字”后再保存一次。",
                messages.WARNING,
            )

    @admin.action(description="按条目重新生成刊登文字", permissions=["change"])
    def recompose_text(self, request, queryset):
        changed = []
        for notice in queryset.select_related("issue").prefetch_related(
            "items__document_type", "wedding"
        ):
            text = notice.compose_text()
            if text and text != notice.text:
                notice.text = text
                notice.correction_note = "按条目重新生成文字"
                notice.save()
                changed.append(notice.reference)
        self.message_user(
            request,
            f"已重新生成 {len(changed)} 条公告的文字:{'、'.join(changed)}"
            if changed
            else "所选公告的文字与条目一致,没有改动。",
            messages.SUCCESS,
        )
