"""The site's URLs and one more, whose view runs a query slower than any statement timeout."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from paper import urls


def slow_query(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("finished")


urlpatterns = [path("slow-query/", slow_query), *urls.urlpatterns]
handler500 = urls.handler500
