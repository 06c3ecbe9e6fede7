from paper.sitemaps import PrintedItemSitemap

from .models import Notice


class NoticeSitemap(PrintedItemSitemap):
    """Every published notice's permalink, in files of ``SITEMAP_LIMIT`` URLs."""

    model = Notice
    url_name = "notices:notice-detail"
