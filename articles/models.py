import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from paper.links import path_to
from paper.models import PrintedItem, PrintedStatus, Zone
from paper.text import mask_resident_ids

# Roles printed before names in a byline (本报记者 王晓 通讯员 李明), longest first.
BYLINE_ROLES = (
    "本报记者",
    "本报通讯员",
    "特约记者",
    "见习记者",
    "实习记者",
    "记者",
    "通讯员",
    "实习生",
)
BYLINE_SEPARATORS = re.compile(r"[\s、,,;;()()]+")


class Article(PrintedItem):
    """A news story, feature or document printed on a page; long ones go on to other pages."""

    kicker = models.CharField("引题", max_length=200, blank=True)
    headline = models.CharField("标题", max_length=200)
    subheadline = models.CharField("副题", max_length=200, blank=True)
    source = models.CharField(
        "来源", max_length=50, blank=True, help_text="例如 本报讯、新华社、据新华社电。"
    )
    byline = models.CharField(
        "作者", max_length=200, blank=True, help_text="记者、通讯员姓名,或文末括号中的署名。"
    )
    dateline = models.CharField(
        "电头", max_length=100, blank=True, help_text="例如 新华社北京10月21日电。"
    )
    column = models.CharField("栏目", max_length=50, blank=True)
    body = models.TextField("正文", help_text="每段一行;以“## ”开头的一行是小标题。")

    class Meta(PrintedItem.Meta):
        verbose_name = "文章"
        verbose_name_plural = "文章"
        indexes = [
            *PrintedItem.Meta.indexes,
            # The public list's keys with what its text filters compare: a page of a list by
            # 作者 王 is found in the index alone (ArchivePaginator.page), not row by row.
            models.Index(
                fields=["-pub_date", "id"],
                include=["issue", "byline", "source", "column"],
                condition=models.Q(status=PrintedStatus.PUBLISHED),
                name="article_published_list",
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return path_to("articles:article-detail", pk=self.pk)

    def search_parts(self):
        return [
            self.kicker,
            self.headline,
            self.subheadline,
            self.source,
            self.byline,
            self.dateline,
            self.column,
            self.body,
        ]

    def list_title(self):
        """The line a search result shows for the article: its headline."""
        return mask_resident_ids(self.headline)

    def search_display(self):
        headline, text = self.headline, " ".join(text for _, text in self.paragraphs())
        return mask_resident_ids(headline), mask_resident_ids(text)

    def paragraphs(self):
        """The body as a list of (is_heading, text) pairs, blank lines separating paragraphs."""
        blocks = []
        for line in self.body.splitlines():
            text = line.strip()
            if not text:
                continue
            if text.startswith("## "):
                blocks.append((True, text[3:].strip()))
            else:
                blocks.append((False, text))
        return blocks

    def lead(self):
        """The summary in feeds and shared links: the first real paragraph of the body.

        Headings and short lines before it, such as the date ``(2024年10月12日)`` under a
        document's title, are passed over. Resident IDs come masked: the page cuts the lead
        short, and an ID cut in two is one the mask cannot see.
        """
        paragraphs = [
            mask_resident_ids(text) for is_heading, text in self.paragraphs() if not is_heading
        ]
        return next((text for text in paragraphs if len(text) >= 20), "") or next(
            iter(paragraphs), ""
        )

    def authors(self):
        """The names in the byline without their roles: 本报记者 王晓 通讯员李明 → 王晓, 李明."""
        names = []
        # Masked first: split up, an ID's hidden digits would be names the mask cannot see.
        for word in BYLINE_SEPARATORS.split(mask_resident_ids(self.byline)):
            for role in BYLINE_ROLES:
                word = word.removeprefix(role)
            if word:
                names.append(word)
        return names

    def neighbours_on_page(self):
        """The published articles just before and after this one on its page (or None).

        One query for both: a page holds a handful of articles, read with only what a link to
        them needs (not their bodies).
        """
        siblings = (
            Article.objects.published()
            .filter(page_id=self.page_id)
            .only("id", "order", "headline")
            .order_by("order", "id")
        )
        here = (self.order, self.pk)
        previous = following = None
        for sibling in siblings:
            if (sibling.order, sibling.pk) < here:
                previous = sibling
            elif (sibling.order, sibling.pk) > here:
                following = sibling
                break
        return previous, following

    def zone_phrases(self):
        texts = [self.kicker, self.subheadline, *(text for _, text in self.paragraphs())]
        return self.headline, texts


class ArticleZone(Zone):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="zones", verbose_name="文章"
    )

    class Meta(Zone.Meta):
        verbose_name = "文章热区"
        verbose_name_plural = "文章热区"


class TextSuggestion(models.Model):
    """A reader's correction of an article whose text was read off a scan (OCR).

    The reader sends the whole headline and body as they would have them; editors see the
    difference from the text the reader started from (``base_headline``, ``base_body``) and
    accept or reject it. Accepting writes the text through ``Article.save()`` and keeps what it
    replaces as an ``ArticleRevision``. The sender is known only by a keyed digest of their
    address, enough to see one source of many suggestions, never the address itself.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "不采纳"

    # No public page shows a suggestion: sending one leaves the page cache alone (the accepted
    # text is saved through the article, which purges it).
    purges_page_cache = False

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="suggestions", verbose_name="文章"
    )
    base_headline = models.CharField("读者看到的标题", max_length=200, editable=False)
    base_body = models.TextField("读者看到的正文", editable=False)
    headline = models.CharField("建议的标题", max_length=200)
    body = models.TextField("建议的正文")
    note = models.CharField("读者说明", max_length=500, blank=True)
    sender = models.CharField(
        "来源标识",
        max_length=64,
        editable=False,
        db_index=True,
        help_text="读者网络地址的加密摘要,用于识别同一来源的大量提交;不保存地址本身。",
    )
    status = models.CharField(
        "处理状态", max_length=10, choices=Status, default=Status.PENDING, editable=False
    )
    created = models.DateTimeField("提交时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="处理人",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        get_latest_by = "created"
        verbose_name = "读者改错建议"
        verbose_name_plural = "读者改错建议"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "rejected"]),
                name="textsuggestion_status_valid",
                violation_error_message="请从列表中选择处理状态。",
            ),
        ]
        indexes = [
            # The editors' queue: pending suggestions, oldest first or newest first.
            models.Index(
                fields=["-created"],
                condition=models.Q(status="pending"),
                name="textsuggestion_pending",
            ),
        ]

    def __str__(self):
        return f"读者建议 #{self.pk}"

    def is_stale(self, article=None):
        """Whether the article's text changed since the reader read it."""
        article = article or self.article
        return (article.headline, article.body) != (self.base_headline, self.base_body)

    def accept(self, user):
        """Put the suggested text into the article, keeping the text it replaces.

        Refused (ValidationError, nothing changed) when the suggestion was decided already or
        the article's text changed since the reader read it: the difference an editor looked
        at would not be the change made. Returns the revision kept.
        """
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=self.article_id)
            current = TextSuggestion.objects.select_for_update().get(pk=self.pk)
            current.check_pending()
            if current.is_stale(article):
                raise ValidationError(
                    "这条建议提出后,文章的文字已经改过:建议是在旧文字上改的,不能直接采纳。"
                    "请对照现在的文字在文章页手工修改,或不采纳。"
                )
            revision = ArticleRevision.objects.create(
                article=article,
                headline=article.headline,
                body=article.body,
                user=user,
                suggestion=current,
            )
            article.headline, article.body = current.headline, current.body
            article.save()
            current.decide(self.Status.ACCEPTED, user)
        self.refresh_from_db()
        return revision

    def reject(self, user):
        with transaction.atomic():
            current = TextSuggestion.objects.select_for_update().get(pk=self.pk)
            current.check_pending()
            current.decide(self.Status.REJECTED, user)
        self.refresh_from_db()

    def check_pending(self):
        if self.status != self.Status.PENDING:
            raise ValidationError(f"这条建议已经处理过了({self.get_status_display()})。")

    def decide(self, status, user):
        self.status, self.decided_by, self.decided_at = status, user, timezone.now()
        self.save(update_fields=["status", "decided_by", "decided_at"])


class ArticleRevision(models.Model):
    """An article's text as it was before an accepted reader's suggestion replaced it.

    Kept whenever a suggestion changes the text (``TextSuggestion.accept``): who replaced it,
    when, and on which suggestion. Nothing edits them afterwards.
    """

    # Written with the article's own save, which purges the page cache; no public page shows it.
    purges_page_cache = False

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name="文章"
    )
    headline = models.CharField("修改前的标题", max_length=200)
    body = models.TextField("修改前的正文")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="修改人",
    )
    suggestion = models.OneToOneField(
        TextSuggestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revision",
        verbose_name="依据的读者建议",
    )
    replaced = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        ordering = ["-replaced", "-id"]
        get_latest_by = "replaced"
        verbose_name = "文章修改记录"
        verbose_name_plural = "文章修改记录"

    def __str__(self):
        return f"{timezone.localtime(self.replaced):%Y-%m-%d %H:%M} 修改前的文字"
