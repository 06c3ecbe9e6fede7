"""Lookups by a full resident ID number: possible, but 20 a minute per address (issue 14).

The counts are kept in the real Redis (tests/conftest.py gives this run a key prefix of its own
and clears it after each test); only the clock of django-ratelimit's windows is fixed, so that
no test straddles the end of a minute.
"""

import types

import pytest
from django.contrib.auth.models import User

ID = "370602199001011239"
# One number, however a reader may type or paste it; each spelling is the same lookup.
SPELLINGS = [
    ID,
    "370602 19900101 1239",
    "３７０６０２１９９００１０１１２３９",
    "3706-0219-9001-0112-39",
]
# Every public list that takes a query, and any parameter of any page.
LOOKUP_URLS = [
    "/search/?q={}",
    "/notices/?number={}",
    "/notices/?q={}",
    "/notices.json?q={}",
    "/articles/?q={}",
    "/articles.json?q={}",
    "/?anything={}",
]


@pytest.fixture
def clock(monkeypatch):
    """django-ratelimit's clock, stopped at the start of a window; move it with ``.now``."""
    clock = types.SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr("django_ratelimit.core.time", types.SimpleNamespace(time=lambda: clock.now))
    return clock


def lookups(client, count, ip="203.0.113.7", **extra):
    """``count`` lookups by the ID from ``ip``, over every list and spelling in turn."""
    responses = []
    for n in range(count):
        url = LOOKUP_URLS[n % len(LOOKUP_URLS)].format(SPELLINGS[n % len(SPELLINGS)])
        responses.append(client.get(url, REMOTE_ADDR=ip, **extra))
    return responses


def assert_limited(response):
    html = response.content.decode()
    assert response.status_code == 429
    assert "查询过于频繁" in html
    assert "按完整身份证号码精确查找公告,每个网络地址每分钟最多 20 次" in html
    assert f"请 {response['Retry-After']} 秒后再试" in html
    assert 1 <= int(response["Retry-After"]) <= 60
    assert 'class="masthead"' in html and "烟台日报" in html  # the site's look
    assert "no-cache" in response["Cache-Control"]
    assert ID not in html


@pytest.mark.django_db
def test_the_21st_lookup_in_a_minute_from_one_address_gets_the_429_page(client, clock):
    assert [r.status_code for r in lookups(client, 20)] == [200] * 20
    assert_limited(client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7"))
    assert_limited(client.get("/notices/?number=370602+19900101+1239", REMOTE_ADDR="203.0.113.7"))

    clock.now += 60  # the next minute
    assert client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7").status_code == 200


@pytest.mark.django_db
def test_the_retry_after_says_when_the_minute_ends(client, clock):
    lookups(client, 20)
    retry_after = int(client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7")["Retry-After"])
    clock.now += retry_after - 1
    last_second = client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7")
    assert last_second.status_code == 429 and last_second["Retry-After"] == "1"
    clock.now += 1
    assert client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7").status_code == 200


@pytest.mark.django_db
def test_another_address_is_not_limited(client, clock):
    lookups(client, 21)
    assert client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert [r.status_code for r in lookups(client, 20, ip="198.51.100.1")] == [200] * 20


@pytest.mark.django_db
def test_behind_the_proxy_each_readers_forwarded_address_counts_apart(client, clock, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    via_proxy = {"ip": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.1.1.1, 203.0.113.7"}
    assert lookups(client, 21, **via_proxy)[-1].status_code == 429
    other_reader = lookups(client, 1, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert other_reader[0].status_code == 200


@pytest.mark.django_db
def test_searches_without_a_full_id_are_never_counted(client, clock):
    plain = ["烟台", "370602", "3706021990", "110101200001011234567", "19900101", "毕丽静 1239"]
    for n in range(30):
        query = plain[n % len(plain)]
        for url in ("/search/?q={}", "/notices/?number={}", "/articles/?q={}"):
            assert client.get(url.format(query), REMOTE_ADDR="203.0.113.7").status_code == 200
    assert [r.status_code for r in lookups(client, 20)] == [200] * 20  # the whole allowance
    assert client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7").status_code == 429


@pytest.mark.django_db
def test_the_admin_is_not_counted(client, clock):
    editor = User.objects.create_superuser("zhubian", password="pw-for-tests-only")
    client.force_login(editor)
    for _ in range(25):
        response = client.get(f"/admin/notices/notice/?q={ID}", REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
    assert [r.status_code for r in lookups(client, 20)] == [200] * 20


@pytest.mark.django_db
def test_a_lookup_served_from_the_page_cache_still_counts(client, clock, page_cache):
    for _ in range(20):
        assert client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert_limited(client.get(f"/search/?q={ID}", REMOTE_ADDR="203.0.113.7"))


@pytest.mark.django_db
def test_without_redis_lookups_by_id_answer_503_and_everything_else_works(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "limits": {**settings.CACHES["limits"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    refused = client.get(f"/search/?q={ID}")
    assert refused.status_code == 503 and "暂时无法访问" in refused.content.decode()
    assert client.get("/search/?q=烟台").status_code == 200
    assert client.get("/notices/").status_code == 200


def test_the_counts_are_kept_in_redis_under_a_test_only_prefix(settings):
    limits = settings.CACHES["limits"]
    assert limits["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert limits["KEY_PREFIX"].startswith("test-")
    assert settings.RATELIMIT_USE_CACHE == "limits"
