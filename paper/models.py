import calendar
from decimal import Decimal
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .fields import TokensField
from .history import logged
from .links import path_to
from .search import SearchQuery, search_fields

SEARCH_FIELDS = ["search_text", "search_numbers", "search_tokens"]


class SearchableQuerySet(models.QuerySet):
    def search(self, q):
        """The documents containing every whitespace-separated word of ``q`` (see paper.search)."""
        return SearchQuery.parse(q).filter(self)


class SearchableManager(models.Manager):
    """Leaves the search columns out of every query unless asked for: they are large."""

    def get_queryset(self):
        return super().get_queryset().defer(*SEARCH_FIELDS)


class Searchable(models.Model):
    """A document found by the archive's search: its normalised text and tokens.

    The columns are filled from ``search_parts()`` each time the document is saved.
    """

    search_text = models.TextField(editable=False, default="")
    search_numbers = models.TextField(editable=False, default="")
    search_tokens = TokensField()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.update_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def search_parts(self):
        raise NotImplementedError

    def update_search_fields(self):
        for name, value in search_fields(*self.search_parts()).items():
            setattr(self, name, value)


class IssueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def calendar(self, year):
        """The months of ``year`` as weeks of days, each day paired with its issue or None.

        One query, whatever the size of the archive.
        """
        by_date = {issue.date: issue for issue in self.filter(date__year=year)}
        months = []
        for month in range(1, 13):
            weeks = [
                [(day, by_date.get(day)) if day.month == month else (None, None) for day in week]
                for week in calendar.Calendar().monthdatescalendar(year, month)
            ]
            months.append({"month": month, "weeks": weeks})
        return months


class Issue(models.Model):
    """One day's paper."""

    date = models.DateField("出版日期", help_text="这一期报纸的出版日期,每天只有一期。")
    number = models.PositiveIntegerField(
        "期号", null=True, blank=True, help_text="报头上印的总期号,可不填。"
    )
    is_published = models.BooleanField(
        "已发布", default=False, help_text="未发布的报纸读者看不到。"
    )
    created = models.DateTimeField("创建时间", auto_now_add=True)
    updated = models.DateTimeField("修改时间", auto_now=True)
    imported = models.DateTimeField(
        "导入时间",
        null=True,
        blank=True,
        editable=False,
        help_text="最近一次从版面导出文件导入的时间;"
        "此后在后台改过的内容,再次导入时不会被悄悄覆盖。",
    )

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        get_latest_by = "date"
        verbose_name = "报纸期次"
        verbose_name_plural = "报纸期次"
        constraints = [
            models.UniqueConstraint(fields=["date"], name="issue_unique_date"),
        ]
        indexes = [
            models.Index(fields=["is_published", "-date"], name="issue_published_date"),
            # The sitemaps' lastmod: the newest change first.
            models.Index(fields=["-updated"], name="issue_updated"),
        ]

    def __str__(self):
        return f"{self.date:%Y年%m月%d日}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Printed items carry their issue's date so that lists can be sorted by an index.
        for model in printed_item_models():
            moved = model._base_manager.filter(issue=self).exclude(pub_date=self.date)
            moved.update(pub_date=self.date, updated=timezone.now())

    def get_absolute_url(self):
        return path_to("paper:issue-detail", date=self.date)

    def edited_since_import(self):
        """The issue, its pages and what is printed on them, where changed after the last import.

        Every row is locked until the end of the transaction, so that nobody saves one between
        this answer and the import that acts on it. Without an import on record (an issue
        entered by hand, or imported before imports were recorded) the changes are the rows
        the admin's history has a record of.
        """
        rows = [self, *Page.objects.select_for_update().filter(issue=self).order_by("order")]
        for model in printed_item_models():
            rows += model._default_manager.select_for_update().filter(issue=self).order_by("id")
        if self.imported:
            return [row for row in rows if row.updated > self.imported]
        return logged(rows)

    def get_previous_published(self):
        return Issue.objects.published().filter(date__lt=self.date).order_by("-date").first()

    def get_next_published(self):
        return Issue.objects.published().filter(date__gt=self.date).order_by("date").first()

    def publish(self):
        """Make the issue public, as saving the form with 已发布 ticked does."""
        save_publication(self, "is_published", True)

    def unpublish(self):
        """Withdraw the issue: readers no longer see it or anything printed in it."""
        save_publication(self, "is_published", False)


def save_publication(instance, field, value, check=None):
    """Set ``field`` to ``value`` through the model's own rules and save it with ``updated``.

    The rules are those the admin form keeps (``full_clean()`` on the fields an editor can
    change), then ``check``. On a refusal the instance is left as it was and ValidationError
    says why.
    """
    previous = getattr(instance, field)
    setattr(instance, field, value)
    try:
        instance.full_clean(exclude=[f.name for f in instance._meta.fields if not f.editable])
        if check:
            check()
    except ValidationError:
        setattr(instance, field, previous)
        raise
    instance.save(update_fields=[field, "updated"])


# The width of the thumbnails paper.page_rendering makes; templates give it to <img>.
THUMBNAIL_WIDTH = 300

page_code_validator = RegexValidator(
    r"^[A-Z][0-9]{2}$", "版号由一个大写字母和两位数字组成,例如 A01。"
)


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(issue__is_published=True)

    def unchecked_scans(self):
        """Pages whose file has no text layer to find ID numbers by, unchecked by an editor."""
        return self.exclude(file="").filter(has_text_layer=False, redaction_checked=None)

    def with_recognised_drafts_to_review(self):
        """Pages on which an article or notice read off the scan (OCR) waits for an editor."""
        condition = models.Q(pk__in=[])
        for model in printed_item_models():
            drafts = model._default_manager.filter(
                page=models.OuterRef("pk"), needs_review=True, ocr_confidence__isnull=False
            )
            condition |= models.Exists(drafts)
        return self.filter(condition)


class Page(models.Model):
    """A page (版面) of an issue."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="pages", verbose_name="报纸期次"
    )
    code = models.CharField(
        "版号", max_length=3, validators=[page_code_validator], help_text="例如 A01、B04。"
    )
    name = models.CharField("版名", max_length=40, blank=True, help_text="例如 要闻、公告。")
    order = models.PositiveSmallIntegerField("顺序", default=0, help_text="版面在这一期中的顺序。")
    # The file as printed and the images rendered from it; paper.page_files writes them all
    # together, under names made from digests. The images, the thumbnail and ``public_file``
    # are what readers get, with the ID numbers covered; ``file`` is the original, for staff.
    file = models.FileField(
        "版面文件",
        max_length=200,
        blank=True,
        editable=False,
        help_text="这一版印刷用的 PDF(只有一页),或扫描图(PNG、JPEG、TIFF)。",
    )
    public_file = models.FileField(
        "公开的 PDF",
        max_length=200,
        blank=True,
        editable=False,
        help_text="读者下载的 PDF:身份证号的出生日期部分已涂黑,文字层中也已删去。",
    )
    image = models.FileField("阅读图", max_length=200, blank=True, editable=False)
    thumbnail = models.FileField("缩略图", max_length=200, blank=True, editable=False)
    image_width = models.PositiveIntegerField("阅读图宽度", null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField("阅读图高度", null=True, blank=True, editable=False)
    # None until the file is rendered by a version that records it.
    has_text_layer = models.BooleanField("有文字层", null=True, editable=False)
    needs_redaction = models.BooleanField(
        "待核对遮盖",
        default=False,
        help_text="扫描图(或没有文字层的 PDF)认不出身份证号:请在版面图上画出要涂黑的地方"
        "(身份证号的出生日期部分),或确认没有需要涂黑的内容,然后取消勾选并保存。"
        "勾选期间读者看不到这一版的图片和 PDF。",
    )
    redaction_checked = models.DateTimeField(
        "遮盖核对时间",
        null=True,
        blank=True,
        editable=False,
        help_text="编辑确认这一版的扫描图已遮盖好的时间;换了文件要重新核对。",
    )
    # Two editors' forms are told apart by it (paper.admin.EditConflictForm).
    updated = models.DateTimeField("修改时间", auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "order", "code"]
        verbose_name = "版面"
        verbose_name_plural = "版面"
        constraints = [
            models.UniqueConstraint(fields=["issue", "code"], name="page_unique_code_per_issue"),
        ]

    def __str__(self):
        label = f"{self.code} {self.name}".strip()
        # The issue's date is shown only when it is already loaded: no query per row in lists.
        # The admin's page choices load it, so that 2024-12-10 A05 公告 cannot pass for
        # another day's A05.
        if Page.issue.is_cached(self):
            return f"{self.issue.date:%Y-%m-%d} {label}"
        return label

    def get_absolute_url(self):
        return path_to("paper:page-detail", date=self.issue.date, code=self.code)

    @property
    def has_pdf(self):
        return self.file.name.lower().endswith(".pdf")

    @property
    def has_image(self):
        """Whether the page has its images; staff see them, readers see ``has_public_image``."""
        return bool(self.image and self.image_width and self.image_height)

    @property
    def has_public_image(self):
        """Readers see the images once nobody has still to cover ID numbers on them by hand."""
        return self.has_image and not self.needs_redaction

    @property
    def has_public_pdf(self):
        return bool(self.public_file) and not self.needs_redaction

    def redaction_boxes(self):
        """The boxes editors drew to cover: (left, top, right, bottom) in floats, as render()
        takes them and RenderedPage.cover keeps them."""
        if not self.pk:
            return ()
        return tuple(
            tuple(
                float(value)
                for value in (box.left, box.top, box.left + box.width, box.top + box.height)
            )
            for box in self.redactions.order_by("top", "left", "pk")
        )

    def carries_resident_ids(self):
        """Whether something printed on the page may print ID numbers (a notice does)."""
        return any(
            model._default_manager.filter(page=self).exists()
            for model in printed_item_models()
            if model.carries_resident_ids
        )

    def update_redaction_flag(self):
        """Set 待核对 by the rule: a file without a text layer on a page that carries ID numbers
        (a notice is printed on it, or its OCR text holds one: the OCR may have missed others),
        until an editor has checked it. (Saving is the caller's business.)"""
        self.needs_redaction = bool(
            self.file
            and self.has_text_layer is False
            and self.redaction_checked is None
            and (
                self.carries_resident_ids()
                or (self.pk and self.redactions.filter(found_by_ocr=True).exists())
            )
        )

    @property
    def thumbnail_height(self):
        if not self.has_image:
            return None
        return round(self.image_height * THUMBNAIL_WIDTH / self.image_width)

    def get_pdf_url(self):
        return reverse("paper:page-pdf", kwargs={"date": self.issue.date, "code": self.code})

    def pdf_content_disposition(self):
        """``inline`` with the paper, date and page in the name, Chinese where browsers allow it.

        RFC 6266: ``filename`` is the ASCII fallback, ``filename*`` the UTF-8 name.
        """
        date = self.issue.date.isoformat()
        ascii_name = f"{settings.PAPER_SLUG}-{date}-{self.code}.pdf"
        name = "-".join(part for part in (settings.PAPER_NAME, date, self.code, self.name) if part)
        return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}.pdf"


class RecognitionStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "识别中"
    DONE = "done", "已识别"
    FAILED = "failed", "识别失败"


class PageRecognition(models.Model):
    """The text read off a page's scan by OCR (paper.ocr), and how the reading went.

    One per page. ``file_name`` is the page file that was read: a new file makes the reading
    stale. ``data`` is paper.ocr.lines.Recognition as JSON, with what the layout made of it.
    A run claims the row (``claimed_by``, ``claimed_at``) so that no page is read twice at once.
    """

    Status = RecognitionStatus

    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, related_name="recognition", verbose_name="版面"
    )
    status = models.CharField(
        "识别状态", max_length=10, choices=RecognitionStatus, default=RecognitionStatus.QUEUED
    )
    file_name = models.CharField("识别的文件", max_length=200, blank=True)
    engine = models.CharField("识别引擎", max_length=100, blank=True)
    data = models.JSONField("识别结果", default=dict, blank=True, editable=False)
    confidence = models.FloatField("平均置信度", null=True, blank=True)
    message = models.TextField(
        "给编辑的说明", blank=True, help_text="识别中发现的问题,例如空白页、横放的扫描图。"
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    claimed_by = models.CharField("执行者", max_length=200, blank=True)
    claimed_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    seconds = models.FloatField("用时(秒)", null=True, blank=True)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    updated = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "文字识别"
        verbose_name_plural = "文字识别"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RecognitionStatus.values),
                name="pagerecognition_status_valid",
                violation_error_message="请从列表中选择识别状态。",
            ),
        ]

    def __str__(self):
        return f"{self.page} {self.get_status_display()}"

    @property
    def is_current(self):
        """Whether this reading is of the page's present file."""
        return self.status == RecognitionStatus.DONE and self.file_name == self.page.file.name


class PrintedStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class PrintedItemQuerySet(SearchableQuerySet):
    def published(self):
        """What readers see: published, in a published issue."""
        return self.filter(status=PrintedStatus.PUBLISHED, issue__is_published=True)

    def for_list(self):
        """With what a list row shows of the issue and the page."""
        return self.select_related("issue", "page__issue")


class PrintedItem(Searchable):
    """What is printed on a page of an issue: an article, a notice.

    The concrete models (``articles.Article``, ``notices.Notice``) add what is theirs. Each keeps
    its zones on the page image in a model of its own with ``related_name="zones"`` (see Zone),
    and says in ``zone_phrases()`` what text finds them in a PDF's text layer.
    """

    Status = PrintedStatus
    # Whether this kind of item prints resident ID numbers: a page that carries one and whose
    # file has no text layer waits for an editor to cover them (Page.needs_redaction).
    carries_resident_ids = False

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name="报纸期次"
    )
    page = models.ForeignKey(
        Page,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        verbose_name="版面",
        help_text="刊登的版面(跨版时为开始的一版),必须属于同一期报纸。",
    )
    pub_date = models.DateField("出版日期", editable=False, help_text="随报纸期次自动填写。")
    order = models.PositiveSmallIntegerField("版内顺序", default=0)
    status = models.CharField(
        "状态", max_length=10, choices=PrintedStatus, default=PrintedStatus.DRAFT
    )
    needs_review = models.BooleanField(
        "待核对", default=False, help_text="导入时未能完全识别或修复,需要编辑核对。"
    )
    review_note = models.TextField(
        "核对说明", blank=True, help_text="导入时做了哪些修复、还有什么需要核对。"
    )
    # Set on what was read off a scan (paper.ocr): the text may be wrong, and readers are told.
    ocr_confidence = models.FloatField(
        "识别置信度",
        null=True,
        blank=True,
        editable=False,
        help_text="从扫描图识别出的文字的平均置信度(0–1);为空表示文字不是识别出来的。",
    )
    created = models.DateTimeField("创建时间", auto_now_add=True)
    updated = models.DateTimeField("修改时间", auto_now=True)

    objects = SearchableManager.from_queryset(PrintedItemQuerySet)()

    class Meta:
        abstract = True
        ordering = ["-pub_date", "id"]
        get_latest_by = "pub_date"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PrintedStatus.values),
                name="%(class)s_status_valid",
                violation_error_message="请从列表中选择状态。",
            ),
        ]
        indexes = [
            # The public lists: newest first.
            models.Index(models.F("pub_date").desc(), "id", name="%(class)s_list_order"),
            models.Index(fields=["page", "order"], name="%(class)s_page_order"),
            # When the sitemap last changed: the newest published row, one step down this.
            models.Index(models.F("updated").desc(), name="%(class)s_updated"),
        ]

    def save(self, *args, **kwargs):
        self.pub_date = self.issue.date
        super().save(*args, **kwargs)
        if self.carries_resident_ids:
            # Printed on a scan nobody has checked (a notice imported after the page's scan
            # was attached): the scan stays off the public pages until an editor covers it.
            Page.objects.filter(pk=self.page_id).unchecked_scans().update(
                needs_redaction=True, updated=timezone.now()
            )

    def clean(self):
        errors = {}
        if self.page_id and self.issue_id and self.page.issue_id != self.issue_id:
            errors["page"] = "所选版面不属于这一期报纸。"
        if self.status == PrintedStatus.PUBLISHED and self.needs_review:
            # What an import could not read may hold what must not go out (an ID number in a
            # bulletin read as an article): an editor looks first.
            errors["status"] = "标为“待核对”的内容不能发布:请核对后取消“待核对”,再发布。"
        if errors:
            raise ValidationError(errors)

    def publish(self):
        """Publish through the rules the admin form keeps, stamping ``updated``.

        ValidationError says why an item may not be published; it is then left unchanged.
        """
        save_publication(self, "status", PrintedStatus.PUBLISHED, self.validate_publishable)

    def unpublish(self):
        save_publication(self, "status", PrintedStatus.DRAFT)

    def validate_publishable(self):
        """What publishing needs beyond a valid form; subclasses raise ValidationError."""

    def is_public(self):
        return self.status == PrintedStatus.PUBLISHED and self.issue.is_published

    @property
    def is_recognised_text(self):
        """Whether the text was read off a scan by OCR (and may be wrong)."""
        return self.ocr_confidence is not None

    def zone_phrases(self):
        """(the text that starts the item, the texts printed after it), to find its zones."""
        raise NotImplementedError

    def page_crop(self):
        """Where the item stands on its page image: an SVG viewBox, or None."""
        return crop_box(self.zones.all(), self.page)

    def get_zone_url(self):
        """The page view, zoomed to this item's zones."""
        return f"{self.page.get_absolute_url()}#{self._meta.model_name}-{self.pk}"


def printed_item_models():
    """The concrete models of what is printed on a page, in the order their apps are installed."""
    return [model for model in apps.get_models() if issubclass(model, PrintedItem)]


def fraction_field(verbose_name, help_text):
    """A share of the page's width or height, 0–1, to four places (0.2 px on a 2,000 px image)."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=help_text,
    )


class Zone(models.Model):
    """A rectangle on a page image (热区), in fractions of the page's width and height.

    ``left`` and ``top`` measure from the top left corner, so a zone keeps its place whatever
    size the page is shown at. Articles and notices each keep their own zones (ArticleZone,
    NoticeZone), with ``related_name="zones"``: this model is abstract, ``paper`` knows neither app.
    """

    left = fraction_field("左", "距版面左边的距离,占版面宽度的比例(0–1)。")
    top = fraction_field("上", "距版面上边的距离,占版面高度的比例(0–1)。")
    width = fraction_field("宽", "占版面宽度的比例。")
    height = fraction_field("高", "占版面高度的比例。")

    class Meta:
        abstract = True
        ordering = ["top", "left"]
        verbose_name = "热区"
        verbose_name_plural = "热区"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left__gte=0, top__gte=0, width__gt=0, height__gt=0)
                & models.Q(left__lte=1 - models.F("width"), top__lte=1 - models.F("height")),
                name="%(app_label)s_%(class)s_inside_page",
                # The one message of a zone that is off the page: the form shows it as is.
                violation_error_message="热区超出了版面,或宽、高为 0:左 + 宽、上 + 高都不能大于 1,"
                "宽和高要大于 0。",
            ),
        ]

    def __str__(self):
        return f"({self.left}, {self.top}) {self.width}×{self.height}"


class PageRedaction(Zone):
    """A box to cover (涂黑) what the text layer cannot show: ID numbers on a scan, drawn by an
    editor or found in the page's OCR text. It is filled in black on the images and the public
    PDF. A new reading replaces the boxes the last one made and leaves the editors' alone."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="redactions", verbose_name="版面"
    )
    found_by_ocr = models.BooleanField(
        "识别时添加",
        default=False,
        editable=False,
        help_text="文字识别在这里读到了身份证号(或像身份证号的一串数字)而自动添加;"
        "编辑改动过的框算作编辑画的,重新识别时不会被替换。",
    )

    class Meta(Zone.Meta):
        verbose_name = "遮盖框"
        verbose_name_plural = "遮盖框"


def crop_box(zones, page, margin=0.01):
    """The part of ``page``'s public image that holds ``zones``, as an SVG viewBox in pixels.

    A dict with ``viewbox``, ``width`` and ``height``, or None when there is nothing to show.
    """
    if not page.has_public_image:
        return None
    zones = list(zones)
    if not zones:
        return None
    left = max(min(z.left for z in zones) - Decimal(margin), Decimal(0))
    top = max(min(z.top for z in zones) - Decimal(margin), Decimal(0))
    right = min(max(z.left + z.width for z in zones) + Decimal(margin), Decimal(1))
    bottom = min(max(z.top + z.height for z in zones) + Decimal(margin), Decimal(1))
    x, y = round(left * page.image_width), round(top * page.image_height)
    width = round(right * page.image_width) - x
    height = round(bottom * page.image_height) - y
    return {"viewbox": f"{x} {y} {width} {height}", "width": width, "height": height}
