"""Secure by default: deployment checks, headers, the admin login and who reaches the admin."""

import datetime
import json
import os
import re
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.db.models import F

from tests.factories import make_article, make_issue, make_page

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "DJANGO_SECRET_KEY": "k9V2x-Tq8mZr4pLw7bN1cJ6hY3fD0sGaE5uKoRiXeQvWnMtB_yHzCjPdUgSlAa",
    "DJANGO_ALLOWED_HOSTS": "archive.example.cn",
}


def run_with(env, *args):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checklist_passes_with_the_production_settings():
    result = run_with(PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checklist_fails_without_https():
    env = {**PRODUCTION_ENV, "DJANGO_HTTPS": "0"}
    result = run_with(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # HSTS


HEADERS_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="archive.example.cn")
plain = client.get("/livez")
secure = client.get("/livez", secure=True)
seen = {"plain": [plain.status_code, plain.get("Location")], "secure": dict(secure.items())}
print(json.dumps(seen))
"""


def test_under_https_plain_http_is_redirected_and_hsts_is_sent():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "paper.settings"}
    result = run_with(env, "-c", HEADERS_SCRIPT)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://archive.example.cn/livez"]
    headers = seen["secure"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Content-Security-Policy" in headers


@pytest.mark.django_db
def test_every_page_forbids_inline_script_and_style_and_framing(client):
    article = make_article(make_page(make_issue()))
    for url in ("/", article.get_absolute_url(), "/notices/", "/search/?q=x", "/nope/"):
        response = client.get(url)
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in response["Content-Security-Policy"].split(";")
        )
        assert policy["script-src"] == "'self'", url
        assert policy["style-src"] == "'self'", url
        assert policy["default-src"] == "'self'", url
        assert policy["object-src"] == "'none'", url
        assert policy["frame-ancestors"] == "'none'", url
        assert "unsafe" not in response["Content-Security-Policy"], url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url


def test_no_template_has_inline_script_style_or_event_handlers():
    """What the policy would block: style attributes and elements, inline code, on* handlers."""
    offences = []
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = template.read_text()
        for pattern in (
            r"\sstyle\s*=",
            r"<style",
            r"<script(?![^>]*\ssrc=)(?![^>]*application/ld\+json)",
            r"\son[a-z]+\s*=",
            r"javascript:",
        ):
            offences += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offences == []


def login(client, username, password, ip):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def editor_account(db):
    user = User.objects.create_user("xiaowang", password="right-pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


def assert_lock_page(response):
    html = response.content.decode()
    assert response.status_code == 429
    assert "登录已锁定" in html and "登录失败已达 5 次" in html and "15 分钟后再试" in html
    assert "从这个网络地址登录已被暂时锁定" in html


@pytest.mark.django_db
def test_failures_from_many_addresses_never_lock_the_account(client, editor_account):
    """The old rule locked an account after 5 failures from anywhere, so anyone could lock an
    editor out; now only addresses are locked (issue 14), each after its own 5 failures."""
    for attempt in range(10):
        response = login(client, "xiaowang", "wrong", ip=f"10.0.0.{attempt + 1}")
        assert response.status_code == 200 and "请输入" in response.content.decode()
    assert login(client, "xiaowang", "right-pw-for-tests", ip="10.0.0.99").status_code == 302


@pytest.mark.django_db
def test_an_attacker_failing_five_times_for_an_editor_does_not_stop_them_elsewhere(
    client, editor_account
):
    for _ in range(4):
        assert login(client, "xiaowang", "wrong", ip="203.0.113.7").status_code == 200
    assert_lock_page(login(client, "xiaowang", "wrong", ip="203.0.113.7"))  # the fifth
    assert_lock_page(login(client, "xiaowang", "right-pw-for-tests", ip="203.0.113.7"))
    assert "_auth_user_id" not in client.session

    response = login(client, "xiaowang", "right-pw-for-tests", ip="198.51.100.1")
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.django_db
def test_a_locked_address_may_try_again_after_fifteen_minutes(client, editor_account):
    for _ in range(5):
        login(client, "xiaowang", "wrong", ip="203.0.113.7")
    assert_lock_page(login(client, "xiaowang", "right-pw-for-tests", ip="203.0.113.7"))
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))
    response = login(client, "xiaowang", "right-pw-for-tests", ip="203.0.113.7")
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.django_db
def test_an_address_trying_five_usernames_is_locked(client, editor_account):
    for attempt in range(4):
        assert login(client, f"guess{attempt}", "wrong", ip="203.0.113.7").status_code == 200
    assert_lock_page(login(client, "guess4", "wrong", ip="203.0.113.7"))
    assert_lock_page(login(client, "xiaowang", "right-pw-for-tests", ip="203.0.113.7"))
    elsewhere = login(client, "xiaowang", "right-pw-for-tests", ip="198.51.100.1")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_four_failures_then_success_clears_the_count(client, editor_account):
    for _ in range(4):
        login(client, "xiaowang", "wrong", ip="10.0.0.1")
    assert login(client, "xiaowang", "right-pw-for-tests", ip="10.0.0.1").status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "xiaowang", "wrong", ip="10.0.0.1")
    assert login(client, "xiaowang", "right-pw-for-tests", ip="10.0.0.1").status_code == 302


@pytest.mark.django_db
def test_only_staff_reach_the_admin(client):
    reader = User.objects.create_user("reader", password="pw-for-tests-only")
    client.force_login(reader)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    refused = login(client, "reader", "pw-for-tests-only", ip="10.0.0.2")
    assert "请输入一个正确的工作人员账户" in refused.content.decode()
    assert client.get("/admin/articles/article/").status_code == 302


@pytest.mark.django_db
def test_the_editors_group_cannot_manage_users_or_groups(client, editor_account):
    auth_permissions = Permission.objects.filter(content_type__app_label__in=["auth", "axes"])
    assert not Group.objects.get(name="编辑").permissions.filter(pk__in=auth_permissions).exists()
    client.force_login(editor_account)
    for url in ("/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/articles/article/").status_code == 200
    index = client.get("/admin/").content.decode()
    assert "/admin/auth/user/" not in index


@pytest.mark.django_db
def test_behind_the_proxy_the_readers_address_is_the_one_the_proxy_forwarded(
    client, editor_account, settings
):
    settings.TRUST_X_FORWARDED_FOR = True

    def via_proxy(username, password, forwarded_for):
        return client.post(
            "/admin/login/",
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for attempt in range(5):  # a forged first entry changes nothing
        via_proxy(f"guess{attempt}", "wrong", f"10.9.9.{attempt}, 203.0.113.7")
    assert via_proxy("xiaowang", "right-pw-for-tests", "203.0.113.7").status_code == 429
    assert via_proxy("xiaowang", "right-pw-for-tests", "198.51.100.1").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


@pytest.mark.parametrize(
    ("media", "expected"),
    [
        ({}, []),
        ({"DJANGO_MEDIA_URL": "https://cdn.example.cn/media/"}, ["https://cdn.example.cn"]),
        ({"DJANGO_MEDIA_URL": "//cdn.example.cn/media/"}, ["cdn.example.cn"]),
        (
            {"DJANGO_MEDIA_BUCKET": "yantai", "DJANGO_MEDIA_DOMAIN": "media.example.cn"},
            ["https://media.example.cn"],
        ),
        (
            {
                "DJANGO_MEDIA_BUCKET": "yantai",
                "DJANGO_MEDIA_ENDPOINT": "https://oss-cn-qingdao.aliyuncs.com",
            },
            ["https://oss-cn-qingdao.aliyuncs.com", "https://*.oss-cn-qingdao.aliyuncs.com"],
        ),
        (
            {"DJANGO_MEDIA_BUCKET": "yantai", "DJANGO_MEDIA_REGION": "cn-north-1"},
            ["https://yantai.s3.amazonaws.com", "https://yantai.s3.cn-north-1.amazonaws.com"],
        ),
    ],
)
def test_page_images_from_the_media_store_are_allowed_by_the_policy(media, expected):
    script = (
        "import json; from paper import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    result = run_with({**PRODUCTION_ENV, **media}, "-c", script)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["'self'", "data:", *expected]
