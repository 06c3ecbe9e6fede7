import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from paper.models import (
    Issue,
    Page,
    Searchable,
    SearchableManager,
    SearchableQuerySet,
    Zone,
    crop_box,
)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


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


class ArticleQuerySet(SearchableQuerySet):
    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED, issue__is_published=True)

    def for_list(self):
        return self.select_related("issue", "page__issue")


class Article(Searchable):
    Status = ArticleStatus

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="articles", verbose_name="报纸期次"
    )
    page = models.ForeignKey(
        Page,
        on_delete=models.CASCADE,
        related_name="articles",
        verbose_name="版面",
        help_text="文章开始的版面,必须属于同一期报纸。",
    )
    pub_date = models.DateField("出版日期", editable=False, help_text="随报纸期次自动填写。")
    order = models.PositiveSmallIntegerField("版内顺序", default=0)
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
    status = models.CharField(
        "状态", max_length=10, choices=ArticleStatus, default=ArticleStatus.DRAFT
    )
    needs_review = models.BooleanField(
        "待核对", default=False, help_text="导入时未能完全修复,需要编辑核对。"
    )
    review_note = models.TextField(
        "核对说明", blank=True, help_text="导入时做了哪些修复、还有什么需要核对。"
    )
    created = models.DateTimeField("创建时间", auto_now_add=True)
    updated = models.DateTimeField("修改时间", auto_now=True)

    objects = SearchableManager.from_queryset(ArticleQuerySet)()

    class Meta:
        ordering = ["-pub_date", "id"]
        get_latest_by = "pub_date"
        verbose_name = "文章"
        verbose_name_plural = "文章"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ArticleStatus.values), name="article_status_valid"
            ),
        ]
        indexes = [
            # The public list: newest first, drafts left out.
            models.Index(models.F("pub_date").desc(), "id", name="article_list_order"),
            models.Index(fields=["page", "order"], name="article_page_order"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.pub_date = self.issue.date
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"pk": self.pk})

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

    def search_display(self):
        return self.headline, " ".join(text for _, text in self.paragraphs())

    def clean(self):
        if self.page_id and self.issue_id and self.page.issue_id != self.issue_id:
            raise ValidationError({"page": "所选版面不属于这一期报纸。"})

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
        document's title, are passed over.
        """
        paragraphs = [text for is_heading, text in self.paragraphs() if not is_heading]
        return next((text for text in paragraphs if len(text) >= 20), "") or next(
            iter(paragraphs), ""
        )

    def authors(self):
        """The names in the byline without their roles: 本报记者 王晓 通讯员李明 → 王晓, 李明."""
        names = []
        for word in BYLINE_SEPARATORS.split(self.byline):
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

    def page_crop(self):
        """Where the article stands on its page image: an SVG viewBox, or None."""
        return crop_box(self.zones.all(), self.page)

    def get_zone_url(self):
        """The page view, zoomed to this article's zones."""
        return f"{self.page.get_absolute_url()}#article-{self.pk}"


class ArticleZone(Zone):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="zones", verbose_name="文章"
    )

    class Meta(Zone.Meta):
        verbose_name = "文章热区"
        verbose_name_plural = "文章热区"
