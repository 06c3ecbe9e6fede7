from django.urls import path

from . import views

app_name = "articles"

# Each page has a JSON twin: the same path without its final slash, plus ".json".
urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles.json", views.article_list_json, name="article-list-json"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>.json", views.article_detail_json, name="article-detail-json"),
    path("articles/<int:pk>/suggest/", views.article_suggest, name="article-suggest"),
    path(
        "articles/<int:pk>/suggest/token/",
        views.article_suggest_token,
        name="article-suggest-token",
    ),
]
