import datetime
import re
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import Truncator
from lunar_python import Solar

from paper.links import path_to
from paper.models import (
    Issue,
    Page,
    PrintedItem,
    PrintedItemQuerySet,
    PrintedStatus,
    SearchableManager,
    Zone,
)
from paper.page_files import PHRASE_LENGTH
from paper.text import (
    LONG_NUMBER,
    chinese_date,
    mask_resident_ids,
    normalize_number,
    normalize_text,
    number_keys,
    resident_id_digest,
    resident_id_lookup,
)

from . import validators

CHINESE_NUMERALS = "零一二三四五六七八九十"
# The label of a second number in ``LostItem.other_identifier``: 档案编号, 发票代码 …
SECOND_NUMBER_LABEL = re.compile(r"[\u4e00-\u9fff]{1,10}(?:号码|编号|编码|代码|号)")


def chinese_count(number):
    """1 → 一, 12 → 十二: how quantities read in a notice's wording."""
    if 0 < number <= 10:
        return CHINESE_NUMERALS[number]
    if number < 20:
        return "十" + CHINESE_NUMERALS[number - 10]
    if number < 100:
        tens, ones = divmod(number, 10)
        return CHINESE_NUMERALS[tens] + "十" + (CHINESE_NUMERALS[ones] if ones else "")
    return str(number)


class RateCategory(models.Model):
    """A row of the rate card (公告栏): the price of one item of the document types it covers."""

    name = models.CharField(
        "类别", max_length=200, help_text="刊登在价目表上的文字,例如 身份证、工作证、户口本。"
    )
    price = models.PositiveIntegerField("单价(元)", help_text="每个(张)证件的刊登费用。")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "收费类别"
        verbose_name_plural = "收费类别"

    def __str__(self):
        return f"{self.name}({self.price}元)"


class NumberFormat(models.TextChoices):
    FREE = "free", "不校验"
    RESIDENT_ID = "resident_id", "居民身份证号码(18位)"
    CREDIT_CODE = "credit_code", "统一社会信用代码(18位)"
    REGISTRATION = "registration", "注册号(15位)"
    DISABILITY_CARD = "disability_card", "残疾人证号(身份证号加两位)"


# What follows a document's name when the paper prints which copy was lost: 营业执照副本,
# 营业执照(正本), in full- or half-width brackets.
COPY_SUFFIX = re.compile(r"(?:[(（][正副]本[)）]|[正副]本)$")


class DocumentTypeQuerySet(models.QuerySet):
    def resolver(self):
        """A DocumentTypeResolver over these types and their aliases (two queries)."""
        return DocumentTypeResolver(self.select_related("category").prefetch_related("aliases"))


class DocumentTypeManager(models.Manager.from_queryset(DocumentTypeQuerySet)):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class DocumentType(models.Model):
    """A kind of document that people lose, with its fee category and how its number is checked.

    Other names it is printed under are its aliases (DocumentAlias); ``resolver()`` finds the
    type of any name as printed.
    """

    NumberFormat = NumberFormat
    # The rate card's last resorts: 各类印章, and 及其它各类证件.
    SEALS = "印章"
    OTHER = "其他证件"

    name = models.CharField("证件名称", max_length=50, help_text="例如 营业执照、身份证、收据。")
    category = models.ForeignKey(
        RateCategory,
        on_delete=models.PROTECT,
        related_name="document_types",
        verbose_name="收费类别",
    )
    number_format = models.CharField(
        "号码校验",
        max_length=20,
        choices=NumberFormat,
        default=NumberFormat.FREE,
        help_text="录入号码时按哪种规则检查。",
    )
    number_label = models.CharField(
        "号码名称",
        max_length=20,
        default="编号",
        help_text="刊登文字中号码前的说法,例如 编号、号码、票号、统一社会信用代码。",
    )
    measure_word = models.CharField(
        "量词", max_length=4, blank=True, help_text="没有号码时的说法,例如公章“一枚”填 枚。"
    )

    objects = DocumentTypeManager()

    class Meta:
        ordering = ["category__order", "name"]
        verbose_name = "证件类型"
        verbose_name_plural = "证件类型"
        constraints = [
            models.UniqueConstraint(fields=["name"], name="documenttype_unique_name"),
            models.CheckConstraint(
                condition=models.Q(number_format__in=NumberFormat.values),
                name="documenttype_number_format_valid",
                violation_error_message="请从列表中选择号码校验方式。",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def clean(self):
        alias = (
            DocumentAlias.objects.filter(name=self.name).select_related("document_type").first()
            if self.name
            else None
        )
        if alias:
            raise ValidationError(
                {"name": f"“{self.name}”已是证件类型“{alias.document_type}”的别名,不能再作名称。"}
            )

    def check_number(self, number):
        """The number in canonical form, or ValidationError; a registration number only warns."""
        if self.number_format == self.NumberFormat.RESIDENT_ID:
            return validators.validate_resident_id(number)
        if self.number_format == self.NumberFormat.DISABILITY_CARD:
            return validators.validate_disability_card_number(number)
        if self.number_format == self.NumberFormat.CREDIT_CODE:
            compact = "".join(number.split())
            if len(compact) == 15 and compact.isdigit():
                return compact  # an old-style registration number on an older licence
            return validators.validate_credit_code(number)
        return number.strip()


class DocumentAlias(models.Model):
    """Another name a document type is printed under: 居民身份证 is a 身份证."""

    document_type = models.ForeignKey(
        DocumentType, on_delete=models.CASCADE, related_name="aliases", verbose_name="证件类型"
    )
    name = models.CharField(
        "别名", max_length=50, help_text="见报时的另一种说法,例如 居民身份证、不动产权证书。"
    )

    class Meta:
        ordering = ["document_type", "name"]
        verbose_name = "证件别名"
        verbose_name_plural = "证件别名"
        constraints = [
            models.UniqueConstraint(fields=["name"], name="documentalias_unique_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.name:
            return
        # The type edited with its aliases (the admin's inline) may be renamed in the same form.
        document_type = getattr(self, "document_type", None)
        own = document_type.name if document_type else None
        if self.name == own or DocumentType.objects.filter(name=self.name).exists():
            raise ValidationError({"name": f"“{self.name}”已是一种证件类型的名称,不能再作别名。"})


class DocumentTypeResolver:
    """The document type of a document as printed, from the type names and their aliases.

    Built by ``DocumentType.objects.resolver()``; ``resolve()`` asks the database nothing.
    """

    def __init__(self, document_types):
        self.by_name = {}
        aliases = {}
        for document_type in document_types:
            self.by_name[document_type.name] = document_type
            for alias in document_type.aliases.all():
                aliases[alias.name] = document_type
        # Names before aliases, so that a name wins where an alias of another type says the same.
        self.names = {**aliases, **self.by_name}
        # The longest first, a type's own name before an alias of the same length.
        self.longest_first = sorted(
            self.names, key=lambda name: (-len(name), name not in self.by_name, name)
        )

    def resolve(self, printed):
        """(document type or None, the printed name, or "" when it is the type's own name).

        In order: the type's name; an alias; either of them once a 正本/副本 is taken off the
        end; the longest name or alias the printed name ends with (收款收据 is a 收据), then the
        longest it contains; a seal (…章) is one of 印章; anything else one of 其他证件.
        """
        printed = printed.strip()
        document_type = self._match(printed)
        if document_type is None:
            document_type = self.by_name.get(
                DocumentType.SEALS if printed.endswith("章") else DocumentType.OTHER
            ) or self.by_name.get(DocumentType.OTHER)
        if document_type is None:
            return None, printed
        return document_type, "" if printed == document_type.name else printed

    def _match(self, printed):
        if printed in self.names:
            return self.names[printed]
        name = COPY_SUFFIX.sub("", printed)
        if name in self.names:
            return self.names[name]
        if not name:
            return None
        for match in (name.endswith, name.__contains__):
            found = next((known for known in self.longest_first if match(known)), None)
            if found:
                return self.names[found]
        return None


class AdDeskPhone(models.Model):
    """A telephone number of the advertising desk that takes notices."""

    number = models.CharField("电话", max_length=30)
    label = models.CharField("说明", max_length=50, blank=True, help_text="例如 公告栏。")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "广告部电话"
        verbose_name_plural = "广告部电话"

    def __str__(self):
        return self.number


class NoticeKind(models.TextChoices):
    LOST = "lost", "遗失声明"
    WEDDING = "wedding", "结婚启事"
    OTHER = "other", "其他声明"


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "更正"
    TRANSCRIPTION = "transcription", "录入更正"


def holder_characters():
    """The characters of an item's holder, upper-cased, as index lostitem_holder_chars holds
    them (PostgreSQL; migration 0019)."""
    return models.Func(
        Upper("holder"),
        models.Value(""),
        function="regexp_split_to_array",
        output_field=ArrayField(models.TextField()),
    )


def items_with_types():
    return models.Prefetch("items", queryset=LostItem.objects.select_related("document_type"))


class NoticeQuerySet(PrintedItemQuerySet):
    def for_detail(self):
        """What a notice's permalink, its data and its feed entry show: items, couple."""
        return self.for_list().with_titles()

    def with_titles(self):
        """With what ``Notice.list_title()`` reads: the items and their types, the couple."""
        return self.select_related("wedding").prefetch_related(items_with_types())

    def with_revisions(self):
        """With the wordings corrections replaced: for the permalink, the proof and the data."""
        return self.prefetch_related("revisions")

    def with_credit_code(self):
        """The notices with a credit code, through their index (``notice_credit_code``)."""
        return self.exclude(credit_code="")

    def with_holder(self, name):
        """Notices with an item whose holder contains ``name`` (the list's 持有人 filter).

        A semi-join rather than a join and DISTINCT: the newest notices are read in order and
        each is kept if it has such an item, so a common name (王) stops at the page's last
        notice instead of sorting every notice that has one. As with PublicTextFilter, a name
        with digits never matches a holder that holds a long number.
        """
        items = LostItem.objects.filter(notice=models.OuterRef("pk"), holder__icontains=name)
        if connection.vendor == "postgresql" and len(name) < 3:
            # pg_trgm finds no trigram in a name this short (its index would be read whole):
            # the items with each of its characters come from lostitem_holder_chars instead,
            # and the planner, which knows how common each character is, picks the plan.
            items = items.alias(holder_characters=holder_characters()).filter(
                holder_characters__contains=list(name.upper())
            )
        if any(char.isdigit() for char in name):
            items = items.exclude(holder__regex=LONG_NUMBER)
        return self.filter(models.Exists(items))

    def with_document_type(self, document_type):
        """Notices with an item of ``document_type``: a semi-join, as ``with_holder()``."""
        items = LostItem.objects.filter(notice=models.OuterRef("pk"), document_type=document_type)
        return self.filter(models.Exists(items))

    def with_number(self, number):
        """Notices with an item whose number contains ``number``, however it was typed, or whose
        unified social credit code does (an other notice's).

        A resident ID is matched whole, by its digest, and nothing else can reach the digits the
        mask hides: the keys hold IDs masked.
        """
        condition = number_condition(number)
        return self.filter(condition).distinct() if condition else self.none()


def prefetch_titles(notices):
    """Read at once, in two queries, what ``list_title()`` needs of each of ``notices``."""
    models.prefetch_related_objects(notices, "wedding", items_with_types())


def number_condition(number):
    """The condition on notices that ``with_number()`` filters by.

    Asks the database whether a credit code holds the number (an index covers the few notices
    that have one): only then does the condition name the notice's own column, since an OR
    with it makes PostgreSQL join every notice to its items before filtering.
    """
    resident_id = resident_id_lookup(number)
    if resident_id:
        return models.Q(items__number_digests__contains=resident_id_digest(resident_id))
    key = normalize_number(number)
    if not key:
        return None
    condition = models.Q(items__number_key__contains=key)
    # A credit code is stored canonical (GB 32100: digits and capitals, no punctuation), so the
    # key, lower-cased and without punctuation, is a part of it when it is a part of the code.
    in_credit_code = models.Q(credit_code__icontains=key)
    if Notice.objects.with_credit_code().filter(in_credit_code).exists():
        condition |= in_credit_code
    return condition


class Notice(PrintedItem):
    """A classified notice as printed: a lost-certificate declaration, a wedding, another notice."""

    Kind = NoticeKind
    # Lost-certificate notices print the holder's ID number: a scan of their page is covered.
    carries_resident_ids = True

    # How the next save describes its change if it changes the wording of a public notice
    # (see NoticeRevision); the admin sets them from its correction fields.
    correction_kind = CorrectionKind.CORRECTION
    correction_note = ""
    # Set by the admin when the save changes a public notice's items: their earlier state goes
    # into the same NoticeRevision, so that readers see what the notice declared before.
    items_corrected = False
    # Set by the admin's 按条目重新生成刊登文字: the wording is composed from the items the
    # same save writes (LostItemFormSet does it, before the notice is saved).
    compose_from_items = False

    kind = models.CharField("类型", max_length=10, choices=NoticeKind, default=NoticeKind.LOST)
    # A notice is a public record: its issue and page cannot be deleted from under it.
    issue = models.ForeignKey(
        Issue, on_delete=models.PROTECT, related_name="notices", verbose_name="报纸期次"
    )
    page = models.ForeignKey(
        Page,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name="版面",
        help_text=PrintedItem._meta.get_field("page").help_text,
    )
    reference = models.CharField(
        "公告编号",
        max_length=20,
        editable=False,
        help_text="公开的查验编号,保存时自动生成,此后不变。",
    )
    text = models.TextField(
        "刊登文字",
        blank=True,
        help_text="见报的全文。留空则按下面的条目自动生成;生成后可以修改。",
    )
    fee = models.PositiveIntegerField(
        "费用(元)",
        null=True,
        blank=True,
        help_text="遗失声明按价目表和数量自动计算,录入后价目调整不影响已有声明。",
    )
    # Other notices (注销公告, 减资公告 …): what they are and who publishes them.
    headline = models.CharField(
        "标题", max_length=50, blank=True, help_text="其他声明的标题,例如 减资公告、注销公告。"
    )
    announcer = models.CharField(
        "声明人", max_length=100, blank=True, help_text="发布公告的单位或个人。"
    )
    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        blank=True,
        help_text="发布公告的单位的统一社会信用代码,按号码查询时也能查到这则公告。",
    )

    objects = SearchableManager.from_queryset(NoticeQuerySet)()

    class Meta(PrintedItem.Meta):
        verbose_name = "公告"
        verbose_name_plural = "公告"
        constraints = [
            *PrintedItem.Meta.constraints,
            models.UniqueConstraint(fields=["reference"], name="notice_unique_reference"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values),
                name="notice_kind_valid",
                violation_error_message="请从列表中选择公告类型。",
            ),
        ]
        indexes = [
            *PrintedItem.Meta.indexes,
            # The public list's keys and its 类型 (ArchivePaginator.page).
            models.Index(
                fields=["-pub_date", "id"],
                include=["issue", "kind"],
                condition=models.Q(status=PrintedStatus.PUBLISHED),
                name="notice_published_list",
            ),
            # The few notices with a credit code, for number searches (see number_condition).
            models.Index(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="notice_credit_code",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}".strip()

    def save(self, *args, **kwargs):
        """Save, keeping the public wording this save replaces as a NoticeRevision."""
        with transaction.atomic():
            if not self.reference:
                # Lock the issue so that two editors saving at once do not take the same number.
                Issue.objects.select_for_update().filter(pk=self.issue_id).first()
                prefix = f"YT{self.issue.date:%Y%m%d}-"
                # The next number after the highest given that day: counting would hand out a
                # number again once a notice of the day has been deleted.
                taken = Notice.objects.filter(reference__startswith=prefix).values_list(
                    "reference", flat=True
                )
                numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
                self.reference = f"{prefix}{max(numbers, default=0) + 1:03d}"
            replaced = self.public_record_replaced()
            super().save(*args, **kwargs)
            if replaced:
                text, items = replaced
                NoticeRevision.objects.create(
                    notice=self,
                    text=text,
                    items=items,
                    kind=self.correction_kind,
                    note=self.correction_note,
                )
                self.correction_kind = CorrectionKind.CORRECTION
                self.correction_note = ""
                self.items_corrected = False

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.credit_code:
            try:
                self.credit_code = validators.validate_credit_code(self.credit_code)
            except ValidationError as error:
                errors.setdefault("credit_code", []).extend(error.messages)
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return path_to("notices:notice-detail", pk=self.pk)

    def search_parts(self):
        return [self.text]

    def search_display(self):
        return f"{self.get_kind_display()} {self.reference}", self.public_text()

    def get_proof_url(self):
        return path_to("notices:notice-proof", pk=self.pk)

    def public_text(self):
        """The text as it stands, with resident ID numbers masked."""
        return mask_resident_ids(self.text)

    def validate_publishable(self):
        """A notice goes out with its wording, and with what that wording declares.

        The admin form checks the items and the couple with its inlines; publishing from the
        list checks the same.
        """
        if not self.text.strip():
            raise ValidationError("没有刊登文字", code="no_text")
        if self.kind == NoticeKind.LOST and not self.items.exists():
            raise ValidationError("遗失声明至少要录入一件遗失的证件。", code="no_items")
        if self.kind == NoticeKind.WEDDING and not hasattr(self, "wedding"):
            raise ValidationError("结婚启事需要填写新郎、新娘和结婚日期。", code="no_couple")
        if self.kind == NoticeKind.WEDDING and self.items.exists():
            raise ValidationError("结婚启事不需要录入遗失证件。", code="wedding_items")

    def zone_phrases(self):
        return self.text[:PHRASE_LENGTH], [self.text]

    def public_record_replaced(self):
        """(wording, items) as readers see them, if this save replaces them, else None.

        The items are recorded only when ``items_corrected`` says they change (before the
        admin saves its items inline, so the stored ones are still the earlier ones).
        """
        if self._state.adding:
            return None
        stored = (
            Notice.objects.select_for_update(of=("self",))
            .filter(pk=self.pk, status=PrintedStatus.PUBLISHED, issue__is_published=True)
            .values_list("text", flat=True)
            .first()
        )
        if not stored or (stored == self.text and not self.items_corrected):
            return None
        items = [item.record() for item in self.items.all()] if self.items_corrected else []
        return stored, items

    def is_stored_public(self):
        """Whether readers can see the notice as stored (whatever this instance now holds)."""
        return bool(self.pk) and Notice.objects.published().filter(pk=self.pk).exists()

    def wording_disagreements(self, items):
        """A sentence for each of ``items`` whose holder or number the wording does not say."""
        if self.kind != NoticeKind.LOST or not self.text.strip():
            return []
        found = []
        for position, item in enumerate(items, start=1):
            missing = item.missing_from(self.text)
            if missing:
                found.append(
                    f"第 {position} 件证件({item.holder} · {item.name})的"
                    f"{'和'.join(missing)}不在刊登文字中"
                )
        return found

    def wordings(self):
        """Every wording readers have seen, oldest first, the current one last.

        Reads ``revisions``: use on notices from ``with_revisions()``.
        """
        revisions = list(self.revisions.all())
        # The first published wording was printed, unless a 录入更正 replaced it: that says the
        # archive's copy differed from the paper, and the wording it put in is the printed one.
        printed = 0
        for index, revision in enumerate(revisions):
            if revision.kind == CorrectionKind.TRANSCRIPTION and index == printed:
                printed = index + 1
        texts = [revision.text for revision in revisions] + [self.text]
        return [
            Wording(
                text=text,
                since=revisions[index - 1].replaced if index else None,
                replaced_by=revisions[index] if index < len(revisions) else None,
                printed=index == printed,
            )
            for index, text in enumerate(texts)
        ]

    def printed_wording(self):
        """The wording as printed in the paper (see ``wordings()``)."""
        return next(wording for wording in self.wordings() if wording.printed)

    def corrected(self):
        """When the wording was last corrected, or None. Reads ``revisions``."""
        revisions = list(self.revisions.all())
        return revisions[-1].replaced if revisions else None

    def title(self):
        """A name a reader recognises, 遗失声明:毕丽静, 结婚启事:张雨、百音一兰 or
        减资公告:烟台某某有限公司.

        Reads the items and the couple: use on notices from ``for_detail()``.
        """
        kind = self.get_kind_display()
        if self.kind == NoticeKind.OTHER and self.announcer:
            return mask_resident_ids(f"{self.headline or kind}:{self.announcer}")
        if self.kind == NoticeKind.WEDDING:
            wedding = getattr(self, "wedding", None)
            parties = [wedding.groom, wedding.bride] if wedding else []
        else:
            parties = list(dict.fromkeys(item.holder for item in self.items.all()))
        parties = [mask_resident_ids(party) for party in parties]
        if len(parties) > 3:
            return f"{kind}:{'、'.join(parties[:3])}等"
        if parties:
            return f"{kind}:{'、'.join(parties)}"
        if self.text:
            return f"{kind}:{Truncator(self.public_text()).chars(24)}"
        return kind

    def list_title(self):
        """The line a list or a search result shows for the notice: who, what, which kind, as in
        毕丽静 · 收据 · 遗失声明, 张雨、百音一兰 · 结婚启事 or 烟台某某有限公司 · 减资公告.

        Reads the items and the couple: use on notices from ``with_titles()`` or given to
        ``prefetch_titles()``.
        """
        kind = self.get_kind_display()
        if self.kind == NoticeKind.OTHER:
            parts = [self.announcer, self.headline or kind]
        elif self.kind == NoticeKind.WEDDING:
            wedding = getattr(self, "wedding", None)
            parts = [f"{wedding.groom}、{wedding.bride}" if wedding else "", kind]
        else:
            items = list(self.items.all())
            parts = [
                first_few(item.holder for item in items),
                first_few(item.document_label for item in items),
                kind,
            ]
        parts = [part for part in parts if part]
        if len(parts) == 1:  # nobody named: the wording says who
            return self.title()
        return mask_resident_ids(" · ".join(parts))

    def compose_text(self):
        """The wording in the paper's standard form, from the notice's items or wedding details."""
        if self.kind == NoticeKind.WEDDING:
            wedding = getattr(self, "wedding", None)
            return wedding.compose_text() if wedding else ""
        return self.compose_declaration(list(self.items.all()))

    @staticmethod
    def compose_declaration(items):
        """The standard wording of a declaration of ``items`` (LostItem, saved or not)."""
        if not items:
            return ""
        if len(items) == 1:
            return items[0].clause() + ",声明作废。"
        return ";".join(item.clause() for item in items) + "。以上证件声明作废。"

    def compute_fee(self):
        """Each item's category price × its quantity, at today's rate card."""
        return sum(
            item.document_type.category.price * item.quantity
            for item in self.items.select_related("document_type__category")
            if item.document_type
        )


def first_few(names, count=3):
    """Distinct names joined with 、, the first ``count`` of them and 等 for the rest."""
    names = list(dict.fromkeys(name for name in names if name))
    return "、".join(names[:count]) + ("等" if len(names) > count else "")


@dataclass
class Wording:
    """A wording of a notice as readers saw it, from ``since`` (None: from publication)."""

    text: str
    since: datetime.datetime | None
    replaced_by: "NoticeRevision | None"
    printed: bool

    def public_text(self):
        return mask_resident_ids(self.text)


class NoticeRevision(models.Model):
    """A published wording of a notice that a correction replaced, kept as the public record.

    ``Notice.save()`` writes one whenever it changes the wording of a notice readers can see;
    nothing edits them afterwards. The permalink shows them, and the proof prints the wording
    that was printed in the paper.
    """

    Kind = CorrectionKind

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="revisions", verbose_name="公告"
    )
    text = models.TextField("更正前的文字")
    kind = models.CharField(
        "更正类型",
        max_length=20,
        choices=CorrectionKind,
        default=CorrectionKind.CORRECTION,
        help_text="更正:见报后更正公告内容,登报证明仍印见报文字。"
        "录入更正:网上文字与报纸不符,改正后的文字才是见报文字。",
    )
    note = models.CharField("更正说明", max_length=200, blank=True)
    items = models.JSONField(
        "更正前的条目",
        default=list,
        blank=True,
        editable=False,
        help_text="更正改动了遗失证件条目时,更正前的条目(LostItem.record())。",
    )
    replaced = models.DateTimeField("更正时间", default=timezone.now, editable=False)

    class Meta:
        ordering = ["replaced", "id"]
        get_latest_by = "replaced"
        verbose_name = "更正记录"
        verbose_name_plural = "更正记录"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CorrectionKind.values),
                name="noticerevision_kind_valid",
                violation_error_message="请从列表中选择更正类型。",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.replaced):%Y-%m-%d %H:%M}"

    def public_text(self):
        return mask_resident_ids(self.text)

    def public_items(self):
        """The items before the correction, a line each, as readers see items: IDs masked."""
        lines = []
        for item in self.items:
            parts = [item["holder"], item["document"]]
            if item["number"]:
                parts.append(f"号码 {mask_resident_ids(item['number'])}")
            if item["issuer"]:
                parts.append(item["issuer"])
            if item["issued_on"]:
                issued_on = datetime.date.fromisoformat(item["issued_on"])
                parts.append(f"开具日期 {chinese_date(issued_on)}")
            if item["amount"]:
                parts.append(f"金额 {item['amount']}元")
            if item["other_identifier"]:
                parts.append(item["other_identifier"])
            if item["quantity"] != 1:
                parts.append(f"数量 {item['quantity']}")
            lines.append(mask_resident_ids(" · ".join(part for part in parts if part)))
        return lines


class NoticeZone(Zone):
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="zones", verbose_name="公告"
    )

    class Meta(Zone.Meta):
        verbose_name = "公告热区"
        verbose_name_plural = "公告热区"


class LostItemQuerySet(models.QuerySet):
    def declared_void(self):
        return self.filter(notice__status=PrintedStatus.PUBLISHED)


class LostItem(models.Model):
    """One lost document declared void in a notice."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="items", verbose_name="公告"
    )
    holder = models.CharField("持有人", max_length=100, help_text="个人姓名或单位名称。")
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        null=True,
        verbose_name="证件类型",
        help_text="决定收费类别和号码的校验方式。",
    )
    document_name = models.CharField(
        "证件名称(见报)",
        max_length=100,
        blank=True,
        help_text="见报时的名称,例如 置换保证金收款收据;留空则用证件类型的名称。",
    )
    number = models.CharField("号码", max_length=100, blank=True)
    # What readers' lookups compare (see paper.text.number_keys): never a whole resident ID.
    number_key = models.CharField(max_length=100, editable=False, default="", db_index=True)
    number_digests = models.CharField(max_length=200, editable=False, default="")
    issuer = models.CharField("开具或发证单位", max_length=100, blank=True)
    issued_on = models.DateField("开具日期", null=True, blank=True)
    amount = models.DecimalField("金额(元)", max_digits=12, decimal_places=2, null=True, blank=True)
    other_identifier = models.CharField(
        "其他标识", max_length=100, blank=True, help_text="船名号、车牌号等,例如 鲁烟渔养67419。"
    )
    quantity = models.PositiveSmallIntegerField(
        "数量",
        default=1,
        validators=[MinValueValidator(1, "数量至少为 1:遗失了几个(张)就填几。")],
        help_text="遗失了几个(张),费用按数量计算。",
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    objects = LostItemQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "遗失证件"
        verbose_name_plural = "遗失证件"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(amount__isnull=True),
                name="lostitem_amount_not_negative",
                violation_error_message="金额不能为负数。",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1),
                name="lostitem_quantity_at_least_one",
                violation_error_message="数量至少为 1。",
            ),
        ]

    def __str__(self):
        return f"{self.holder} {self.name}"

    def save(self, *args, **kwargs):
        self.number_key, self.number_digests = number_keys(self.number)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.document_type and self.number:
            try:
                self.number = self.document_type.check_number(self.number)
            except ValidationError as error:
                errors["number"] = error.messages
        if self.issued_on and self.issued_on > timezone.localdate():
            errors["issued_on"] = "开具日期不能晚于今天。"
        if self.amount is not None and self.amount < 0:
            errors["amount"] = "金额不能为负数。"
        if errors:
            raise ValidationError(errors)

    @property
    def name(self):
        if self.document_name:
            return self.document_name
        return self.document_type.name if self.document_type else ""

    @property
    def document_label(self):
        """The document as a list names it: its type (收据 for 置换保证金收款收据), or the name
        as printed when the type is only 其他证件."""
        if self.document_type and self.document_type.name != DocumentType.OTHER:
            return self.document_type.name
        return self.name

    def masked_number(self):
        return mask_resident_ids(self.number)

    def missing_from(self, text):
        """What of this item ``text`` does not say: 持有人“张三”, 号码 2024007.

        Compared as searches compare (full- and half-width alike, case and spaces ignored).
        """
        said = comparable(text)
        missing = []
        if self.holder and comparable(self.holder) not in said:
            missing.append(f"持有人“{self.holder}”")
        if self.number and comparable(self.number) not in said:
            missing.append(f"号码“{self.number}”")
        return missing

    def record(self):
        """The item as a correction keeps it (NoticeRevision.items): what readers were shown."""
        return {
            "holder": self.holder,
            "document": self.name,
            "number": self.number,
            "issuer": self.issuer,
            "issued_on": self.issued_on.isoformat() if self.issued_on else "",
            "amount": f"{self.amount.normalize():f}" if self.amount is not None else "",
            "other_identifier": self.other_identifier,
            "quantity": self.quantity,
        }

    def warnings(self):
        """What an editor should look at without being stopped: odd numbers, earlier notices."""
        found = []
        if (
            self.document_type
            and self.number
            and (
                self.document_type.number_format == DocumentType.NumberFormat.REGISTRATION
                or len("".join(self.number.split())) == 15
                and self.document_type.number_format == DocumentType.NumberFormat.CREDIT_CODE
            )
        ):
            warning = validators.registration_number_warning(self.number)
            if warning:
                found.append(warning)
        if self.number_key:
            # The same resident ID by its digests; any other number by its key.
            same = (
                {"items__number_digests": self.number_digests}
                if self.number_digests
                else {"items__number_key": self.number_key}
            )
            # The same number on another kind of document (a hospital's receipt, a dealer's
            # invoice) is another document.
            same["items__document_type"] = self.document_type
            earlier = (
                Notice.objects.published()
                .filter(**same)
                .exclude(pk=self.notice_id)
                .order_by("-pub_date")
                .first()
            )
            if earlier:
                found.append(
                    f"{self.name}号码 {self.number} 已在{chinese_date(earlier.pub_date)}的公告"
                    f" {earlier.reference} 中声明作废。"
                )
        return found

    def clause(self):
        """This item's part of the wording, without the closing 声明作废.

        The wording says everything the item holds, so that reading it back (the import's
        parser) gives the item again: quantity, vehicle, issuer, date, numbers and amount.
        """
        number_label = self.document_type.number_label if self.document_type else "编号"
        measure = self.document_type.measure_word if self.document_type else ""
        vehicles, seconds = [], []
        for part in filter(None, (p.strip() for p in self.other_identifier.split(";"))):
            # A second number is kept as "档案编号 370600123456"; anything else is a name.
            label, _, value = part.partition(" ")
            if value and SECOND_NUMBER_LABEL.fullmatch(label):
                seconds.append((label, value))
            else:
                vehicles.append(part)
        count = ""
        if self.quantity > 1 or (measure and not self.number):
            count = f"{chinese_count(self.quantity)}{measure or '个'}"
        vehicle = "、".join(vehicles)
        if self.issuer:
            text = f"{self.holder}遗失{self.issuer}开具的{vehicle}{self.name}{count}"
        elif vehicle:
            text = f"{self.holder}的{vehicle}{self.name}{count}丢失"
        elif measure and not self.number:
            text = f"{self.holder}{self.name}{count}遗失"
        else:
            text = f"{self.holder}遗失{self.name}{count}"
        details = []
        if self.issued_on:
            details.append(f"开具日期:{chinese_date(self.issued_on)}")
        if self.number:
            details.append(f"{number_label}:{self.number}")
        details += [f"{label}:{value}" for label, value in seconds]
        if self.amount is not None:
            details.append(f"金额:{self.amount.normalize():f}元")
        return ",".join([text, *details])


class WeddingDetails(models.Model):
    """The couple and the day of a wedding announcement (结婚启事)."""

    notice = models.OneToOneField(
        Notice, on_delete=models.CASCADE, related_name="wedding", verbose_name="公告"
    )
    groom = models.CharField("新郎", max_length=50)
    bride = models.CharField("新娘", max_length=50)
    wedding_date = models.DateField("结婚日期(公历)")
    lunar_date = models.CharField("农历日期", max_length=20, editable=False)
    message = models.TextField(
        "祝语",
        blank=True,
        default="愿修百年之好,共赴白头之约。特此登报,敬告亲友,亦作留念。",
    )

    class Meta:
        verbose_name = "结婚启事"
        verbose_name_plural = "结婚启事"

    def __str__(self):
        return f"{self.groom}、{self.bride}"

    def save(self, *args, **kwargs):
        self.lunar_date = lunar_date(self.wedding_date)
        super().save(*args, **kwargs)

    def compose_text(self):
        return (
            f"【{lunar_date(self.wedding_date)}】新郎{self.groom}与新娘{self.bride}"
            f"于公历{chinese_date(self.wedding_date)}正式结为夫妇。{self.message}"
        )


def comparable(text):
    """``text`` as an item and its wording are compared: normalised, without spaces."""
    return "".join(normalize_text(text).split())


def lunar_date(value: datetime.date):
    """The Chinese lunar date of a Gregorian date: 2024-11-02 → 农历十月初二."""
    lunar = Solar.fromYmd(value.year, value.month, value.day).getLunar()
    return f"农历{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"
