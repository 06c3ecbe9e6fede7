from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter

from articles.feeds import LatestArticlesFeed, PageNameArticlesFeed
from notices.feeds import LatestNoticesFeed, NoticeKindFeed

from . import converters, views

register_converter(converters.IsoDateConverter, "isodate")
register_converter(converters.PageCodeConverter, "pagecode")

edition_patterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issue-archive"),
    path("issues/<isodate:date>/", views.issue_detail, name="issue-detail"),
    path("issues/<isodate:date>/<pagecode:code>/", views.page_detail, name="page-detail"),
    path("healthz", views.healthz, name="healthz"),
]

feed_patterns = [
    path("articles/", LatestArticlesFeed(), name="articles"),
    path("articles/<path:page_name>/", PageNameArticlesFeed(), name="articles-page-name"),
    path("notices/", LatestNoticesFeed(), name="notices"),
    path("notices/<str:kind>/", NoticeKindFeed(), name="notices-kind"),
]

urlpatterns = [
    path("", include((edition_patterns, "paper"))),
    path("articles/", include("articles.urls")),
    path("notices/", include("notices.urls")),
    path("feeds/", include((feed_patterns, "feeds"))),
    path("admin/", admin.site.urls),
]

admin.site.site_header = f"{settings.PAPER_NAME}数字档案 · 编辑后台"
admin.site.site_title = "编辑后台"
admin.site.index_title = "内容管理"
