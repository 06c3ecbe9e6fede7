from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from paper.sitemaps import SITEMAP_LIMIT

from .models import Article


class ArticleSitemap(Sitemap):
    """Every published article, in files of ``SITEMAP_LIMIT`` URLs (see paper/sitemaps.py)."""

    limit = SITEMAP_LIMIT

    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, article):
        return article.updated

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated"))["latest"]
