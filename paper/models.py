import calendar

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from .fields import TokensField
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
        ]

    def __str__(self):
        return f"{self.date:%Y年%m月%d日}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Articles carry their issue's date so that lists can be sorted by an index.
        self.articles.exclude(pub_date=self.date).update(pub_date=self.date)

    def get_absolute_url(self):
        return reverse("paper:issue-detail", kwargs={"date": self.date})

    def get_previous_published(self):
        return Issue.objects.published().filter(date__lt=self.date).order_by("-date").first()

    def get_next_published(self):
        return Issue.objects.published().filter(date__gt=self.date).order_by("date").first()


page_code_validator = RegexValidator(
    r"^[A-Z][0-9]{2}$", "版号由一个大写字母和两位数字组成,例如 A01。"
)


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(issue__is_published=True)


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
        # The issue is shown only when it is already loaded: no query per row in lists.
        if Page.issue.is_cached(self):
            return f"{self.issue} {label}"
        return label

    def get_absolute_url(self):
        return reverse("paper:page-detail", kwargs={"date": self.issue.date, "code": self.code})
