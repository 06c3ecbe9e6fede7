import datetime
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains

from articles.models import Article
from notices.models import Notice
from paper import search
from paper.search import SearchQuery, Term, newest
from paper.text import compact_numbers, normalize_text
from tests.factories import make_article, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db


def headlines(queryset):
    return sorted(a.headline for a in queryset)


def test_normalisation_folds_width_case_and_traditional_characters():
    assert normalize_text("ＹＺ－０００１３５") == "yz-000135"
    assert normalize_text("（鲁烟）船登") == "(鲁烟)船登"
    assert normalize_text("遺失聲明 國籍證書") == "遗失声明 国籍证书"
    assert normalize_text("Ab\x00c") == "ab c"
    assert compact_numbers(normalize_text("编号:(2024)YZ-000135号 电话 6631203")) == [
        "2024yz000135"
    ]


def test_terms_know_numbers():
    assert Term.parse("YZ-000135") == Term("yz-000135", "yz000135")
    assert Term.parse("yz000135") == Term("yz000135", "yz000135")
    assert Term.parse("工匠") == Term("工匠", "")
    assert Term.parse("a-1") == Term("a-1", "")  # too short to be a number


def test_every_word_must_match_anywhere_in_the_article():
    make_article(headline="大国工匠", body="培养高技能人才。", byline="孙文琦")
    make_article(headline="生态环保督察", body="督察组全部进驻。")
    assert headlines(Article.objects.search("工匠 人才")) == ["大国工匠"]
    assert headlines(Article.objects.search("孙文琦")) == ["大国工匠"]
    assert headlines(Article.objects.search("督")) == ["生态环保督察"]
    assert headlines(Article.objects.search("工匠 督察")) == []


def test_traditional_query_finds_simplified_text_and_back():
    make_article(headline="遗失声明", body="国籍证书丢失。")
    make_article(headline="舊報紙", body="這是繁體字。")
    assert headlines(Article.objects.search("遺失")) == ["遗失声明"]
    assert headlines(Article.objects.search("國籍證書")) == ["遗失声明"]
    assert headlines(Article.objects.search("旧报纸")) == ["舊報紙"]


def test_numbers_match_without_their_punctuation():
    notice = make_notice(
        items=[
            {
                "holder": "迟汝海",
                "document_type": "国籍证书",
                "number": "(鲁烟)船登(籍)(2024)YZ-000135号",
            }
        ]
    )
    for q in (
        "yz000135",
        "YZ-000135",
        "ｙｚ－０００１３５",
        "（鲁烟）船登",
        "2024yz000135",
        "YZ 000135",
    ):
        assert list(Notice.objects.search(q)) == [notice], q
    assert list(Notice.objects.search("yz000136")) == []


ALPHABET = "工匠人才督察遗失遺國国证证书鲁烟aAbZ019-().:, "


def fold(text):
    return normalize_text(text)


def reference_matches(document_text, q):
    """The definition of a match, written plainly: every term in the text or its numbers."""
    normalized = normalize_text(document_text)
    numbers = compact_numbers(normalized)
    query = SearchQuery.parse(q)
    return bool(query) and all(
        term.text in normalized or (term.number and any(term.number in n for n in numbers))
        for term in query.terms
    )


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """Forty generated articles shared by the property tests (built once, removed after).

    Their issue is unpublished, so that the other tests of the module do not see them.
    """
    rng = random.Random(20241022)
    with django_db_blocker.unblock():
        page = make_page(make_issue(date=datetime.date(1999, 1, 1), is_published=False))
        articles = [
            make_article(
                page,
                headline=f"第{n}篇",
                body="".join(rng.choice(ALPHABET) for _ in range(rng.randint(5, 60))),
            )
            for n in range(40)
        ]
        yield articles
        page.issue.delete()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_part_of_a_document_finds_it(corpus, data):
    article = data.draw(st.sampled_from(corpus))
    text = article.body
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 12)))
    part = text[start:end]
    if not part.split():
        return
    found = {a.pk for a in Article.objects.filter(page=corpus[0].page).search(part)}
    assert article.pk in found
    expected = {
        a.pk for a in corpus if reference_matches(a.search_display()[0] + "\n" + a.body, part)
    }
    assert found == expected


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=st.text(alphabet=ALPHABET + "家庭xyz", min_size=1, max_size=8))
def test_search_agrees_with_a_brute_force_scan(corpus, q):
    found = {a.pk for a in Article.objects.filter(page=corpus[0].page).search(q)}
    expected = {a.pk for a in corpus if reference_matches("\n".join(a.search_parts()), q)}
    assert found == expected


HOSTILE = [
    "'",
    '"',
    "a & b",
    "| ! : * ( ) \\ < >",
    "工匠 & ! | :*",
    "x" * 2000,
    "工" * 2000,
    "   ",
    "a\x00b",
    "\x00",
    "Ж工匠😀ﬁ",
    "'); DROP TABLE articles_article; --",
    "%_%",
    "\\'\\\\",
]


@pytest.mark.parametrize("q", HOSTILE)
@pytest.mark.parametrize("path", ["/search/", "/articles/", "/notices/"])
def test_hostile_input_is_a_normal_page(client, q, path):
    make_article(headline="大国工匠", body="工匠精神 a & b")
    make_notice(items=[{"holder": "张三"}])
    response = client.get(path, {"q": q})
    assert response.status_code == 200
    assert "<script" not in response.content.decode().split("</header>")[1]


def test_search_page_shows_highlighted_snippets_and_counts(client):
    article = make_article(headline="大国工匠", body="培养大国工匠和高技能人才。")
    make_notice(items=[{"holder": "工匠张三"}])
    response = client.get("/search/", {"q": "工匠"})
    html = response.content.decode()
    assert "文章 1 条" in html and "公告 1 条" in html
    assertContains(
        response, '<p class="search-snippet">培养大国<mark>工匠</mark>和高技能人才。</p>', html=True
    )
    assertContains(
        response,
        f'<h2 class="search-result-title"><a href="{article.get_absolute_url()}">大国工匠</a></h2>',
        html=True,
    )


def test_search_narrows_by_kind_and_date(client):
    make_article(make_page(make_issue(date=datetime.date(2024, 1, 2))), headline="一月的工匠")
    make_article(make_page(make_issue(date=datetime.date(2024, 5, 2))), headline="五月的工匠")
    make_notice(items=[{"holder": "工匠张三"}])

    def titles(**params):
        response = client.get("/search/", {"q": "工匠", **params})
        return [r["title"] for r in response.context["results"]]

    assert titles(kind="articles") == ["五月的工匠", "一月的工匠"]
    assert titles(kind="notices") == ["工匠张三 · 收据 · 遗失声明"]
    assert titles(kind="articles", date_to="2024-03-01") == ["一月的工匠"]
    assert titles(kind="articles", date_from="2024-03-01") == ["五月的工匠"]


def test_search_pages_newest_first_and_by_relevance(client):
    page = make_page(make_issue(date=datetime.date(2024, 1, 2)))
    for n in range(25):
        make_article(page, headline=f"第{n}篇", body="工匠")
    late = make_page(make_issue(date=datetime.date(2024, 6, 1)))
    make_article(late, headline="最新的", body="工匠")
    make_article(page, headline="工匠工匠", body="工匠 工匠 工匠")
    first = client.get("/search/", {"q": "工匠", "kind": "articles"})
    assert first.context["results"][0]["title"] == "最新的"
    assert first.context["has_next"]
    second = client.get("/search/", {"q": "工匠", "kind": "articles", "page": 2})
    assert len(second.context["results"]) == 7
    assert not second.context["has_next"]
    ranked = client.get("/search/", {"q": "工匠", "kind": "articles", "sort": "relevance"})
    assert ranked.context["results"][0]["title"] == "工匠工匠"


@pytest.mark.parametrize(
    "params", [{"page": "abc"}, {"page": "0"}, {"page": "51"}, {"date_from": "2024-13-01"}]
)
def test_bad_search_parameters_are_a_form_error(client, params):
    response = client.get("/search/", {"q": "工匠", **params})
    assert response.status_code == 200
    assert "搜索条件有误" in response.content.decode()


def test_notice_results_mask_resident_ids(client):
    make_notice(
        items=[{"holder": "张三", "document_type": "身份证", "number": "370602199001011239"}]
    )
    for q in ("370602199001011239", "张三"):
        html = client.get("/search/", {"q": q}).content.decode()
        html = html.replace('value="370602199001011239"', "")
        assert "370602199001011239" not in html
        assert "370602********1239" in html


def test_results_change_at_once_when_content_changes(client, admin_client):
    article = make_article(headline="大国工匠")

    def found():
        return [
            r["document"].pk for r in client.get("/search/", {"q": "大国工匠"}).context["results"]
        ]

    assert found() == [article.pk]
    admin_client.post(
        "/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
    )
    assert found() == []
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    assert found() == [article.pk]
    admin_client.post(
        "/admin/paper/issue/", {"action": "unpublish", "_selected_action": [article.issue.pk]}
    )
    assert found() == []
    article.issue.is_published = True
    article.issue.save()
    article.headline = "生态环保督察"
    article.save()
    assert found() == []
    assert client.get("/search/", {"q": "环保督察"}).context["results"][0]["document"] == article
    article.delete()
    assert client.get("/search/", {"q": "环保督察"}).context["results"] == []


def test_admin_edit_reindexes(admin_client):
    article = make_article(headline="大国工匠", body="正文。")
    data = {
        "issue": article.issue.pk,
        "page": article.page.pk,
        "order": 1,
        "status": "published",
        "headline": "劳模精神",
        "body": "正文。",
        "zones-TOTAL_FORMS": 0,
        "zones-INITIAL_FORMS": 0,
    }
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302
    assert list(Article.objects.published().search("劳模")) == [article]
    assert list(Article.objects.published().search("工匠")) == []


def test_rebuild_command_restores_the_index():
    from django.core.management import call_command

    article = make_article(headline="大国工匠")
    Article.objects.filter(pk=article.pk).update(
        search_text="", search_numbers="", search_tokens=""
    )
    assert list(Article.objects.published().search("工匠")) == []
    call_command("rebuild_search_index", batch_size=1, verbosity=0)
    assert list(Article.objects.published().search("工匠")) == [article]


QUERY_CLASSES = {
    "one character": "工",
    "two characters": "工匠",
    "name": "迟汝海",
    "phrase": "产业工人队伍",
    "number": "yz000135",
    "two words": "工匠 人才",
}


@pytest.mark.parametrize("plan_fraction", [0.5, 0.0001, 0.005], ids=["walk", "bitmap", "windows"])
@pytest.mark.parametrize("q", QUERY_CLASSES.values(), ids=QUERY_CLASSES.keys())
def test_no_query_class_scans_the_articles_table(postgres_only, monkeypatch, q, plan_fraction):
    """With sequential scans priced out, each plan's queries still have an index to use."""
    make_article(headline="大国工匠", body="迟汝海 产业工人队伍 YZ-000135 人才")
    stats = search.TokenStatistics(
        rows=1_000_000,
        frequencies={},
        floor=plan_fraction,
        first=datetime.date(1995, 1, 1),
        last=datetime.date(2024, 12, 31),
    )
    monkeypatch.setattr(search.TokenStatistics, "for_model", classmethod(lambda cls, *args: stats))
    if plan_fraction > 0.001:
        # No probe short cut: the walk and the windows plans are what is being checked.
        monkeypatch.setattr(search, "BITMAP_UP_TO_MATCHES", 0)
    with CaptureQueriesContext(connection) as captured:
        results = newest(Article.objects.published(), SearchQuery.parse(q), 21)
    planned = {0.5: "walk", 0.0001: "bitmap", 0.005: "windows"}[plan_fraction]
    if search.is_single_token(SearchQuery.parse(q)) or planned == "bitmap":
        assert results.plan == planned
    else:
        # Several tokens: a bounded walk over the newest documents, then the token index (at
        # once, or newest windows first where the tokens are all common).
        assert results.plan in ("walk", "bitmap", "windows")
    selects = [
        query["sql"]
        for query in captured
        if query["sql"].startswith("SELECT") and '"articles_article"' in query["sql"]
    ]
    assert selects
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for sql in selects:
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "Seq Scan on articles_article" not in plan, plan
        finally:
            cursor.execute("SET enable_seqscan = on")


@pytest.mark.parametrize("q", ["0001715", "毕丽静", "保证金"])
def test_a_notice_found_by_its_number_or_a_word_says_whose_it_is(client, q):
    """The title line names holder and document (the snippet may start after the name)."""
    notice = make_notice(
        items=[
            {
                "holder": "毕丽静",
                "document_name": "置换保证金收款收据",
                "issuer": "烟台中升丰田汽车销售服务有限公司",
                "number": "0001715",
            }
        ]
    )
    response = client.get("/search/", {"q": q})
    [result] = response.context["results"]
    assert result["title"] == "毕丽静 · 收据 · 遗失声明"
    html = response.content.decode()
    assert f'<a href="{notice.get_absolute_url()}">毕丽静 · 收据 · 遗失声明</a>' in html
    assert f"公告编号 {notice.reference}" in html


def test_search_reads_the_notices_titles_in_a_fixed_number_of_queries(client):
    make_notice(items=[{"holder": "工匠张三"}])
    client.get("/search/", {"q": "工匠"})  # the token statistics are then cached
    with CaptureQueriesContext(connection) as one:
        client.get("/search/", {"q": "工匠"})
    for n in range(10):
        make_notice(items=[{"holder": f"工匠{n}"}, {"holder": "李四", "document_type": "身份证"}])
    with CaptureQueriesContext(connection) as eleven:
        response = client.get("/search/", {"q": "工匠"})
    assert len(response.context["results"]) == 11
    assert len(eleven) == len(one)


def pretend_statistics(monkeypatch, last, floor):
    """Statistics of a million documents from 1995 to ``last``, each token in ``floor`` of them."""
    stats = search.TokenStatistics(
        rows=1_000_000, frequencies={}, floor=floor, first=datetime.date(1995, 1, 1), last=last
    )
    monkeypatch.setattr(search.TokenStatistics, "for_model", classmethod(lambda cls, *a: stats))


@pytest.fixture
def every_token_common(monkeypatch):
    """Statistics of a million documents from 1995 on in which every token is common (烟台, 台建):
    call it with the archive's last day."""

    def pretend(last, floor=0.5):
        pretend_statistics(monkeypatch, last, floor)
        monkeypatch.setattr(search, "BITMAP_UP_TO_MATCHES", 0)

    return pretend


def test_a_walk_reads_its_prefetches_with_the_planners_own_settings(
    postgres_only, every_token_common
):
    """The walk turns sorts and bitmap scans off for itself; a notice's items, read for the
    page it found, are read with them on (they took 200 ms without on a million notices)."""
    notice = make_notice(items=[{"holder": "毕丽静"}, {"holder": "迟汝海"}])
    every_token_common(last=notice.pub_date)
    sort_setting = []

    def note_sort_setting(execute, sql, params, many, context):
        if '"notices_lostitem"' in sql:
            with context["connection"].cursor() as cursor:
                cursor.execute("SHOW enable_sort")
                sort_setting.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_sort_setting):
        results = newest(Notice.objects.published().for_detail(), SearchQuery.parse("遗失"), 21)
    assert results.plan == "walk"
    assert results.objects == [notice]
    assert sort_setting == ["on"]
    with CaptureQueriesContext(connection) as captured:
        holders = [item.holder for item in results.objects[0].items.all()]
    assert holders == ["毕丽静", "迟汝海"] and len(captured) == 0


@pytest.mark.parametrize(
    "q, asked",
    [
        # A word: its two rarest pairs narrow the candidates enough.
        ("整形美容", ["形美", "美容"]),
        # A number: every digit pair is common, so four of them (here all three), in the text
        # and among the numbers in their compact form.
        ("1784", ["17", "78", "84"]),
    ],
)
def test_the_token_index_is_asked_for_more_of_a_numbers_tokens_than_of_a_words(q, asked):
    common = {"整形": 0.3, "形美": 0.2, "美容": 0.1, "17": 0.5, "78": 0.4, "84": 0.3}
    frequencies = {**common, **{search.NUMBER_MARK + t: f for t, f in common.items()}}
    stats = search.TokenStatistics(rows=1_000_000, frequencies=frequencies, floor=0.01)
    [term] = SearchQuery.parse(q).terms
    [text, *number] = term.tsquery(stats).split(" | ")
    assert sorted(re.findall(r"'([^']+)'", text)) == asked
    if number:
        assert sorted(re.findall(r"'\ue000([^']+)'", number[0])) == asked


def test_a_document_unpublished_while_its_search_runs_is_left_out(postgres_only, monkeypatch):
    """The token index gives the matches' keys; the documents are read by key just after. One
    unpublished in between (an editor at work) is left out of the page, not a server error."""
    issue = make_issue(date=datetime.date(2024, 12, 31))
    kept, withdrawn = (make_article(make_page(issue), headline="烟台建港") for _ in range(2))
    pretend_statistics(monkeypatch, last=issue.date, floor=0.001)  # a rare word: the bitmap plan
    keys_read = []

    def withdraw_after_the_keys(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"articles_article"."id" AS "pk"' in sql and not keys_read:
            keys_read.append(sql)
            Article.objects.filter(pk=withdrawn.pk).update(status="draft")
        return result

    with connection.execute_wrapper(withdraw_after_the_keys):
        results = newest(Article.objects.published(), SearchQuery.parse("烟台建"), 21)
    assert keys_read and results.plan == "bitmap"
    assert results.objects == [kept]


class QueryClock:
    """time.monotonic for paper.search in which each query takes ``per_query`` seconds."""

    def __init__(self, per_query):
        self.now, self.per_query = 1000.0, per_query

    def monotonic(self):
        return self.now

    def __call__(self, execute, sql, params, many, context):
        self.now += self.per_query
        return execute(sql, params, many, context)


@pytest.mark.parametrize("per_query, most_days", [(0.008, 30), (0.004, None)])
def test_a_window_that_would_end_past_the_budget_is_not_begun(
    postgres_only, monkeypatch, every_token_common, per_query, most_days
):
    """The windows double: one is begun only if, taking twice the last one's time, it ends
    within the budget. At 8 ms a query the first window ends before the 50 ms are spent, but a
    second one, twice as long, would not: it is not begun. At 4 ms a query it is."""
    make_article(make_page(make_issue(date=datetime.date(2024, 12, 31))), headline="烟台新闻")
    every_token_common(last=datetime.date(2024, 12, 31))
    monkeypatch.setattr(search, "FIRST_WINDOW_DAYS", 30)
    monkeypatch.setattr(search, "WINDOWS_BUDGET_SECONDS", 0.05)
    clock = QueryClock(per_query)
    monkeypatch.setattr(search, "time", clock)
    with connection.execute_wrapper(clock):
        results = newest(Article.objects.published(), SearchQuery.parse("烟台建"), 21)
    assert results.plan == "windows" and results.objects == []
    days = (datetime.date(2024, 12, 31) - results.searched_from).days + 1
    if most_days:
        assert days == most_days  # the first window only
    else:
        assert days >= 30 + 60 + 120  # quick windows: read on while the budget lasts


def test_a_rare_phrase_of_common_characters_is_searched_newest_first_within_a_budget(
    postgres_only, client, monkeypatch, every_token_common
):
    old = make_article(
        make_page(make_issue(date=datetime.date(2001, 5, 8)), code="A02"),
        headline="烟台建港",
        body="烟台建港一百年。",
    )
    make_article(make_page(make_issue(date=datetime.date(2024, 12, 31))), headline="烟台新闻")
    every_token_common(last=datetime.date(2024, 12, 31))
    monkeypatch.setattr(search, "FIRST_WINDOW_DAYS", 30)
    # Time enough for every window, however busy the machine (the windows go back 24 years).
    monkeypatch.setattr(search, "WINDOWS_BUDGET_SECONDS", 10)
    query = SearchQuery.parse("烟台建")
    whole = newest(Article.objects.published(), query, 21)
    assert whole.objects == [old] and whole.searched_from is None

    monkeypatch.setattr(search, "WINDOWS_BUDGET_SECONDS", 0)  # spent after the first window
    partial = newest(Article.objects.published(), query, 21)
    assert partial.objects == [] and partial.plan == "windows"
    assert partial.searched_from == datetime.date(2024, 12, 2)  # the newest 30 days
    for path, what in [("/articles/", "文章"), ("/search/", "文章和公告")]:
        html = client.get(path, {"q": "烟台建"}).content.decode()
        assert f"只检索了 2024年12月2日 以来的{what}" in html
        assert "date_to=2024-12-01" in html and f"继续检索 2024年12月1日 以前的{what}" in html
    data = client.get("/articles.json", {"q": "烟台建"}).json()
    assert data["searched_from"] == "2024-12-02" and data["results"] == []
    # Taking up the day before, with the time to read on, the old article is found.
    monkeypatch.setattr(search, "WINDOWS_BUDGET_SECONDS", 10)
    found = client.get("/articles/", {"q": "烟台建", "date_to": "2024-12-01"})
    assert [article.pk for article in found.context["article_list"]] == [old.pk]
    assert "只检索了" not in found.content.decode()


@pytest.mark.parametrize(
    "floor, newest_matches, plan",
    [
        # Tokens in 5 % of a million documents (2,500 candidates), 2 matches in the newest
        # 5,000: about 400 in all, collected at once through the token index.
        (0.05, 2, "bitmap"),
        # 3: about 600, too many to collect; windows further back, sized by that rate.
        (0.05, 3, "windows"),
        # Tokens in half of them (250,000 candidates): windows, however few the matches.
        (0.5, 1, "windows"),
    ],
)
def test_a_phrase_found_a_few_times_among_the_newest_is_planned_by_that_rate(
    postgres_only, monkeypatch, every_token_common, floor, newest_matches, plan
):
    """The tokens of a phrase are far from independent: at 1M, collecting every match of two
    terms whose tokens promised 2,300 candidates read 2,200 matches (20-40 ms after the walk).
    The newest documents' own rate decides instead, and their matches are kept."""
    last = datetime.date(2024, 12, 31)
    days = [last - datetime.timedelta(days=n) for n in range(newest_matches)]
    recent = [
        make_article(make_page(make_issue(date=day)), headline="烟台建港", body="烟台建港。")
        for day in days
    ]
    old = make_article(
        make_page(make_issue(date=datetime.date(2001, 5, 8))), headline="烟台建港", body="港。"
    )
    make_article(make_page(make_issue(date=datetime.date(2024, 12, 1))), headline="烟台新闻")
    every_token_common(last=last, floor=floor)
    monkeypatch.setattr(search, "WINDOWS_BUDGET_SECONDS", 10)  # however busy the machine
    monkeypatch.setattr(search, "SECOND_STRETCH_SECONDS", 0)  # no second stretch
    monkeypatch.setattr(search, "WALK_SAMPLE", 5000)
    query = SearchQuery.parse("烟台建")

    results = newest(Article.objects.published(), query, 21)
    assert results.plan == plan
    assert results.objects == [*recent, old]
    assert (results.count, results.estimated, results.searched_from) == (
        len(recent) + 1,
        False,
        None,
    )

    # A page filled further back: how many there are, the newest documents' rate estimates.
    full = newest(Article.objects.published(), query, len(recent) + 1)
    assert full.objects == [*recent, old]
    if plan == "windows":
        assert (full.count, full.estimated) == (newest_matches * 200, True)


@pytest.mark.parametrize(
    "text, q, marked",
    [
        ("烟台港吞吐量创新高", "吞吐量", ["吞吐量"]),
        # ㎡ normalises to two characters and 龍 to one: the marks stay on the original text.
        ("面积120㎡的房子在龍口", "房子 龙口", ["房子", "龍口"]),
        ("ＡＢＣ公司遗失公章", "abc公司", ["ＡＢＣ公司"]),
    ],
)
def test_a_snippet_marks_the_words_where_the_original_text_has_them(text, q, marked):
    parts = search.snippet(text, SearchQuery.parse(q))
    assert [part for part, is_match in parts if is_match] == marked
    assert "".join(part for part, _ in parts) == text


def test_the_marked_snippet_escapes_the_text_and_marks_only_the_matches():
    html = search.marked_snippet("<b>烟台</b>港 & 烟台山", SearchQuery.parse("烟台"))
    assert html == "&lt;b&gt;<mark>烟台</mark>&lt;/b&gt;港 &amp; <mark>烟台</mark>山"


def current(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def assert_settings_last_only_inside_the_block():
    with search.local_settings(enable_sort="off", work_mem="64MB"):
        assert (current("enable_sort"), current("work_mem")) == ("off", "64MB")
    assert (current("enable_sort"), current("work_mem")) == ("on", "4MB")
    with pytest.raises(RuntimeError), search.local_settings(enable_sort="off"):
        raise RuntimeError("a query failed inside the block")
    assert current("enable_sort") == "on"


def test_local_settings_are_put_back_inside_an_enclosing_transaction(postgres_only):
    assert connection.in_atomic_block
    assert_settings_last_only_inside_the_block()


# Serialized like the other transactional tests, so that its flush leaves the rows they restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_local_settings_end_with_their_own_transaction(postgres_only):
    assert not connection.in_atomic_block
    assert_settings_last_only_inside_the_block()
