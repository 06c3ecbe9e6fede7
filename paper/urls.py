from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter
from django.views.generic import TemplateView

from articles.feeds import LatestArticlesFeed, PageNameArticlesFeed
from articles.sitemaps import ArticleSitemap
from notices.feeds import LatestNoticesFeed, NoticeKindFeed
from notices.sitemaps import NoticeSitemap

from . import converters, views
from .sitemaps import IssueSitemap, PageSitemap

register_converter(converters.IsoDateConverter, "isodate")
register_converter(converters.PageCodeConverter, "pagecode")
register_converter(converters.PageNameConverter, "pagename")

edition_patterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issue-archive"),
    path("issues/<isodate:date>/", views.issue_detail, name="issue-detail"),
    path("issues/<isodate:date>/<pagecode:code>/", views.page_detail, name="page-detail"),
    path("search/", views.search, name="search"),
    path("issues/<isodate:date>/<pagecode:code>.pdf", views.page_pdf, name="page-pdf"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
]

feed_patterns = [
    path("articles/", LatestArticlesFeed(), name="articles"),
    path("articles/<pagename:page_name>/", PageNameArticlesFeed(), name="articles-page-name"),
    path("notices/", LatestNoticesFeed(), name="notices"),
    path("notices/<str:kind>/", NoticeKindFeed(), name="notices-kind"),
]

sitemaps = {
    "issues": IssueSitemap,
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "notices": NoticeSitemap,
}

crawler_patterns = [
    path(
        "sitemap.xml",
        sitemap_views.index,
        {
            "sitemaps": sitemaps,
            "sitemap_url_name": "sitemap-section",
            "template_name": "paper/sitemap_index.xml",
        },
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps, "template_name": "paper/sitemap.xml"},
        name="sitemap-section",
    ),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

urlpatterns = [
    path("", include((edition_patterns, "paper"))),
    path("", include("articles.urls")),
    path("", include("notices.urls")),
    path("feeds/", include((feed_patterns, "feeds"))),
    *crawler_patterns,
    path("admin/", admin.site.urls),
]

if not settings.MEDIA_URL.startswith(("http:", "https:", "//")):
    urlpatterns.append(path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", views.media))

handler500 = "paper.views.server_error"

admin.site.site_header = f"{settings.PAPER_NAME}数字档案 · 编辑后台"
admin.site.site_title = "编辑后台"
admin.site.index_title = "内容管理"
