from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter

from . import converters, views

register_converter(converters.IsoDateConverter, "isodate")
register_converter(converters.PageCodeConverter, "pagecode")

edition_patterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issue-archive"),
    path("issues/<isodate:date>/", views.issue_detail, name="issue-detail"),
    path("issues/<isodate:date>/<pagecode:code>/", views.page_detail, name="page-detail"),
    path("issues/<isodate:date>/<pagecode:code>.pdf", views.page_pdf, name="page-pdf"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns = [
    path("", include((edition_patterns, "paper"))),
    path("articles/", include("articles.urls")),
    path("notices/", include("notices.urls")),
    path("admin/", admin.site.urls),
]

if not settings.MEDIA_URL.startswith(("http:", "https:", "//")):
    urlpatterns.append(path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", views.media))

admin.site.site_header = f"{settings.PAPER_NAME}数字档案 · 编辑后台"
admin.site.site_title = "编辑后台"
admin.site.index_title = "内容管理"
