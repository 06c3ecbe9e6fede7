from django.urls import path

from . import views

app_name = "notices"

# Each notice list and permalink has a JSON twin: the path without its final slash, plus ".json".
urlpatterns = [
    path("notices/", views.NoticeListView.as_view(), name="notice-list"),
    path("notices.json", views.notice_list_json, name="notice-list-json"),
    path("notices/rates/", views.rates, name="rates"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>.json", views.notice_detail_json, name="notice-detail-json"),
    path("notices/<int:pk>/proof/", views.notice_proof, name="notice-proof"),
]
