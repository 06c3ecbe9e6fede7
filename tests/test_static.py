import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import RequestFactory
from django.test.utils import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def collected(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield tmp_path


def test_static_files_get_hashed_names_and_a_year_of_cache(collected):
    url = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)

    middleware = WhiteNoiseMiddleware(lambda request: pytest.fail("not served by WhiteNoise"))
    response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))

    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"


def test_pages_name_only_the_sites_own_assets(client, db):
    html = client.get("/").content.decode()
    for reference in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not reference.startswith(("http:", "https:", "//")), reference


def test_every_page_links_the_icons_from_the_static_files(client, db):
    html = client.get("/").content.decode()
    icons = dict(re.findall(r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"', html))
    assert icons == {
        "icon": staticfiles_storage.url("favicon.ico"),
        "apple-touch-icon": staticfiles_storage.url("img/apple-touch-icon.png"),
    }
    for url in icons.values():
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def test_favicon_ico_at_the_root_leads_to_the_hashed_icon(collected, client):
    """Browsers ask for /favicon.ico whatever the page links: never a 404 there."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.ico", response["Location"])
    assert "max-age=86400" in response["Cache-Control"]
    middleware = WhiteNoiseMiddleware(lambda request: pytest.fail("not served by WhiteNoise"))
    icon = middleware(RequestFactory().get(response["Location"]))
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file
