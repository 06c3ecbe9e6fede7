from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from paper.sitemaps import SITEMAP_LIMIT

from .models import Notice


class NoticeSitemap(Sitemap):
    """Every published notice's permalink, in files of ``SITEMAP_LIMIT`` URLs."""

    limit = SITEMAP_LIMIT

    def items(self):
        return Notice.objects.published().order_by("pk")

    def lastmod(self, notice):
        return notice.updated

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated"))["latest"]
