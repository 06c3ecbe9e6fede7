from paper.sitemaps import PrintedItemSitemap

from .models import Article


class ArticleSitemap(PrintedItemSitemap):
    """Every published article, in files of ``SITEMAP_LIMIT`` URLs (see paper/sitemaps.py)."""

    model = Article
    url_name = "articles:article-detail"
