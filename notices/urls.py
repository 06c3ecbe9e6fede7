from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.NoticeListView.as_view(), name="notice-list"),
    path("rates/", views.rates, name="rates"),
    path("<int:pk>/", views.notice_detail, name="notice-detail"),
    path("<int:pk>/proof/", views.notice_proof, name="notice-proof"),
]
