import re

from django.db import models

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
