"""Recognised (OCR) text says so, and readers may correct it: suggest, review, accept, keep.

The reader's side is ``/articles/<id>/suggest/`` (articles.views.article_suggest), the
editors' the admin's 读者改错建议 (articles.admin.TextSuggestionAdmin).
"""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils.cache import get_max_age
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.diffs import diff_html
from articles.forms import unmask
from articles.models import Article, ArticleRevision, TextSuggestion
from paper import caching
from paper.text import mask_resident_ids
from tests.admin_forms import posted_form
from tests.factories import make_article, make_notice, make_page

pytestmark = pytest.mark.django_db

OCR_BODY = "烟合港前三季度货物吞吐量增长。\n\n## 一、总体要求\n\n会议选举产生了第一届理事会。"
FIXED_BODY = "烟台港前三季度货物吞吐量增长。\n\n## 一、总体要求\n\n会议选举产生了第一届理事会。"


@pytest.fixture
def article():
    return make_article(headline="烟合港货物吞吐量创新高", body=OCR_BODY, ocr_confidence=0.91)


def suggest_url(article):
    return f"/articles/{article.pk}/suggest/"


def form_data(client, article, **changes):
    """What the form sends back: its fields as the page filled them, with ``changes``."""
    response = client.get(suggest_url(article))
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def suggest(client, article, **changes):
    return client.post(suggest_url(article), form_data(client, article, **changes))


# Honest text


def test_a_recognised_article_says_so_with_its_confidence_and_the_page_image(
    client, article, django_assert_num_queries
):
    with django_assert_num_queries(2):  # as for any article: the article, its neighbours
        html = client.get(article.get_absolute_url()).content.decode()
    assert "识别文本,可能有误" in html
    assert "识别置信度 91%" in html
    assert "电脑从版面扫描图中自动识别" in html
    assert f'href="{article.get_zone_url()}"' in html
    assert f'href="{suggest_url(article)}"' in html


def test_a_typeset_article_says_nothing_of_recognition_and_takes_no_suggestion(client):
    typeset = make_article(body="烟台港前三季度货物吞吐量增长。")
    html = client.get(typeset.get_absolute_url()).content.decode()
    assert "识别文本" not in html and "suggest" not in html
    assert client.get(suggest_url(typeset)).status_code == 404
    assert client.post(suggest_url(typeset), {"body": "改"}).status_code == 404
    assert not TextSuggestion.objects.exists()


def test_the_suggest_url_answers_get_and_post_only(client, article):
    assert client.put(suggest_url(article)).status_code == 405
    assert client.delete(suggest_url(article)).status_code == 405


def test_lists_and_search_results_mark_recognised_items(client, article):
    make_article(article.page, headline="排版录入的文章", body="排版录入的正文。")
    notice = make_notice(make_page(article.issue, code="A03", name="公告"), ocr_confidence=0.8)
    marks = {
        "/articles/": 1,
        "/search/?q=吞吐量": 1,
        "/search/?q=毕丽静": 1,  # the notice
        article.page.get_absolute_url(): 1,
        "/notices/": 1,
        article.issue.get_absolute_url(): 2,  # the article on A01, the notice on A03
        "/": 3,  # the issue's pages, and the notice again among the newest
    }
    for url, count in marks.items():
        html = client.get(url).content.decode()
        assert html.count('class="recognised-mark"') == count, url
    html = client.get(notice.get_absolute_url()).content.decode()
    assert "识别文本,可能有误" in html and "识别置信度 80%" in html
    assert "suggest" not in html  # corrections are taken for articles only
    proof = client.get(notice.get_proof_url()).content.decode()
    assert "以上文字由电脑从A03版扫描图识别(识别置信度 80%),可能有误" in proof


def test_json_says_whether_text_was_recognised(client, article):
    data = client.get(f"/articles/{article.pk}.json").json()
    assert (data["recognised_text"], data["ocr_confidence"]) == (True, 0.91)
    listed = client.get("/articles.json").json()["results"][0]
    assert (listed["recognised_text"], listed["ocr_confidence"]) == (True, 0.91)
    notice = make_notice()
    data = client.get(f"/notices/{notice.pk}.json").json()
    assert (data["recognised_text"], data["ocr_confidence"]) == (False, None)


# The reader's side


def test_the_article_page_stays_cacheable_and_the_form_is_never_cached(client, article):
    page = client.get(article.get_absolute_url())
    assert get_max_age(page) == 300 and not page.cookies  # no CSRF cookie on a cached page
    form = client.get(suggest_url(article))
    assert "no-cache" in form["Cache-Control"] and "csrftoken" in form.cookies
    assert "烟合港前三季度" in form.content.decode()  # the text to correct, as it is now


def token_url(article):
    return f"/articles/{article.pk}/suggest/token/"


def page_form_data(client, article, **changes):
    """What the form on the article's page sends back, its text filled in by its script from
    the token URL, before the script adds the token."""
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    # The page is the same for everyone: its token field is empty, for the script to fill.
    assert html.count('<input type="hidden" name="csrfmiddlewaretoken" value="">') == 1
    form = response.context["suggestion_form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(client.get(token_url(article)).json()["fields"])
    data.update(changes)
    return data


def test_the_article_page_carries_the_form_to_every_reader_alike(client, article):
    """Same bytes and ETag for a new reader and one holding a CSRF cookie; no token in them."""
    returning = Client()
    returning.get(token_url(article))
    assert "csrftoken" in returning.cookies
    pages = [reader.get(article.get_absolute_url()) for reader in (client, returning)]
    assert pages[0].content == pages[1].content
    assert pages[0]["ETag"] == pages[1]["ETag"]
    for page in pages:
        assert get_max_age(page) == 300 and not page.cookies
        assert "Cookie" not in page.get("Vary", "")
    html = pages[0].content.decode()
    assert returning.cookies["csrftoken"].value not in html
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]', html) is None
    assert f'<form class="suggest-form" method="post" action="{suggest_url(article)}">' in html
    assert "发现识别错误?提出改正" in html and "烟合港前三季度" in html
    # The page does not repeat the body in the form: its fields are filled in from the token URL.
    assert re.search(r'<textarea name="body"[^>]*>\s*</textarea>', html)
    assert '<script src="/static/js/suggestion-form.js" defer></script>' in html
    # Without the script the form stays hidden and the notice's link leads to its own page.
    assert '<details class="suggestion" id="suggestion" hidden' in html
    assert f'<a href="{suggest_url(article)}" data-opens="suggestion">' in html
    again = client.get(article.get_absolute_url(), headers={"if-none-match": pages[0]["ETag"]})
    assert again.status_code == 304


def test_the_article_page_is_cached_once_for_all_readers_with_its_form(client, article, page_cache):
    first = client.get(article.get_absolute_url())
    returning = Client()
    returning.get(token_url(article))
    cached = returning.get(article.get_absolute_url())
    assert cached.content == first.content and "发现识别错误?提出改正" in cached.content.decode()
    assert not cached.cookies


def test_the_token_url_is_never_cached_and_sets_the_readers_own_csrf_cookie(
    client, article, page_cache
):
    response = client.get(token_url(article))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "ETag" not in response
    token = response.json()["csrf_token"]
    assert re.fullmatch(r"[A-Za-z0-9]{64}", token)
    assert client.cookies["csrftoken"].value
    # Another reader gets a cookie of their own, not a copy of the first reader's answer.
    other = Client()
    assert other.get(token_url(article)).json()["csrf_token"] != token
    assert other.cookies["csrftoken"].value != client.cookies["csrftoken"].value
    typeset = make_article(body="排版录入的正文。")
    assert client.get(token_url(typeset)).status_code == 404
    assert client.post(token_url(article)).status_code == 405


def test_the_form_on_the_article_page_is_sent_with_the_fetched_token_and_refused_without(article):
    reader = Client(enforce_csrf_checks=True)
    data = page_form_data(reader, article, body=FIXED_BODY, note="烟合→烟台")
    refused = reader.post(suggest_url(article), data)  # as the page has it: no token
    assert refused.status_code == 403 and "表单没有提交成功" in refused.content.decode()
    assert not TextSuggestion.objects.exists()
    data["csrfmiddlewaretoken"] = reader.get(token_url(article)).json()["csrf_token"]
    # Another reader's token does not go with this reader's cookie.
    stranger = Client(enforce_csrf_checks=True)
    assert stranger.post(suggest_url(article), data).status_code == 403
    response = reader.post(suggest_url(article), data)
    assert response.status_code == 302
    assert response["Location"] == f"{suggest_url(article)}?sent=1"
    assert "谢谢,编辑核对后会更新" in reader.get(response["Location"]).content.decode()
    suggestion = TextSuggestion.objects.get()
    assert (suggestion.body, suggestion.note) == (FIXED_BODY, "烟合→烟台")


def test_the_form_on_the_article_page_shows_ids_masked_and_sends_nothing_hidden(client):
    headline = "张三370602199001011239捐款"
    body = "烟合港居民张三(身份证号370602199001011239)捐款。"
    article = make_article(headline=headline, body=body, ocr_confidence=0.9)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "370602199001011239" not in html and "19900101" not in html
    answer = client.get(token_url(article))
    assert "19900101" not in answer.content.decode()
    fields = answer.json()["fields"]
    assert fields["headline"] == "张三370602********1239捐款"
    assert fields["body"] == "烟合港居民张三(身份证号370602********1239)捐款。"
    data = page_form_data(client, article, body=body.replace("烟合港", "烟台港"))
    data = {name: mask_resident_ids(value) for name, value in data.items()}
    assert all("19900101" not in value for value in data.values())
    assert client.post(suggest_url(article), data).status_code == 302
    # The digits the reader never saw are put back from the article, as on the form's own page.
    assert TextSuggestion.objects.get().body == "烟台港居民张三(身份证号370602199001011239)捐款。"


def test_a_suggestion_is_saved_pending_and_the_reader_thanked(client, article):
    response = suggest(client, article, body=FIXED_BODY, note="第一段烟合港应为烟台港")
    assert response.status_code == 302
    assert response["Location"] == f"{suggest_url(article)}?sent=1"
    thanks = client.get(response["Location"]).content.decode()
    assert "谢谢,编辑核对后会更新" in thanks
    suggestion = TextSuggestion.objects.get()
    assert suggestion.status == TextSuggestion.Status.PENDING
    assert (suggestion.body, suggestion.note) == (FIXED_BODY, "第一段烟合港应为烟台港")
    assert (suggestion.base_body, suggestion.base_headline) == (OCR_BODY, article.headline)
    assert re.fullmatch(r"[0-9a-f]{64}", suggestion.sender)
    assert "127.0.0.1" not in suggestion.sender
    article.refresh_from_db()
    assert article.body == OCR_BODY  # nothing changes before an editor has looked


def test_a_suggestion_needs_the_csrf_token(article):
    reader = Client(enforce_csrf_checks=True)
    data = form_data(reader, article, body=FIXED_BODY)
    stranger = Client(enforce_csrf_checks=True)  # a page elsewhere posting on the reader's behalf
    refused = stranger.post(suggest_url(article), data)
    assert refused.status_code == 403
    assert "表单没有提交成功" in refused.content.decode()  # in the site's look, in Chinese
    data.pop("csrfmiddlewaretoken", None)
    assert reader.post(suggest_url(article), data).status_code == 403
    assert not TextSuggestion.objects.exists()
    data = form_data(reader, article, body=FIXED_BODY)
    data["csrfmiddlewaretoken"] = reader.cookies["csrftoken"].value
    assert reader.post(suggest_url(article), data).status_code == 302
    assert TextSuggestion.objects.count() == 1


def test_a_filled_in_honeypot_is_thanked_and_nothing_is_saved(client, article):
    response = suggest(client, article, body=FIXED_BODY, website="http://spam.example/")
    assert response.status_code == 302
    assert not TextSuggestion.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "您没有改动文字"),
        ({"body": "  \n\n "}, "这个字段是必填项"),
        ({"headline": ""}, "这个字段是必填项"),
        ({"body": OCR_BODY + "增" * 2_100}, "不超过"),
        ({"note": "长" * 501, "body": FIXED_BODY}, "不超过"),
        ({"base": "0" * 64, "body": FIXED_BODY}, "这篇文章的文字已经更新"),
        ({"base": "", "body": FIXED_BODY}, "这篇文章的文字已经更新"),
        ({"body": FIXED_BODY + "\x00"}, "空字符"),
    ],
)
def test_a_bad_suggestion_is_refused_with_a_message_and_nothing_saved(
    client, article, changes, message
):
    response = suggest(client, article, **changes)
    assert response.status_code == 400
    html = response.content.decode()
    assert "没有提交成功" in html and message in html
    assert not TextSuggestion.objects.exists()


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(["headline", "body", "note", "base", "website", "page"]),
        st.text(max_size=300),
    )
)
def test_any_post_is_answered_without_a_server_error(client, article, settings, data):
    settings.TEXT_SUGGESTIONS_PER_HOUR = 1_000_000
    assert client.post(suggest_url(article), data).status_code in (302, 400)


def test_the_text_changed_while_the_reader_edited_is_refused(client, article):
    data = form_data(client, article, body=FIXED_BODY)
    article.body = OCR_BODY.replace("第一届", "第二届")
    article.save()
    response = client.post(suggest_url(article), data)
    assert response.status_code == 400
    assert "这篇文章的文字已经更新" in response.content.decode()
    assert not TextSuggestion.objects.exists()


def test_suggestions_are_limited_per_address(client, article, settings):
    settings.TEXT_SUGGESTIONS_PER_HOUR = 2
    for n in range(2):
        assert suggest(client, article, body=FIXED_BODY + f"({n})").status_code == 302
    response = suggest(client, article, body=FIXED_BODY + "(3)")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "提交过于频繁" in html and "每小时最多提交 2 条" in html
    assert TextSuggestion.objects.count() == 2
    # Another address is counted on its own.
    assert suggest(Client(REMOTE_ADDR="192.0.2.7"), article, body=FIXED_BODY).status_code == 302


def test_a_refused_form_shows_what_was_typed_with_ids_masked(client, article):
    response = suggest(client, article, body="", note="张三 370602199001011239")
    assert response.status_code == 400
    html = response.content.decode()
    assert "370602199001011239" not in html and "张三 370602********1239" in html


def test_without_the_rate_limits_count_suggestions_wait_and_the_form_still_shows(
    client, article, settings
):
    data = form_data(client, article, body=FIXED_BODY)
    settings.CACHES = {
        **settings.CACHES,
        "limits": {**settings.CACHES["limits"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    refused = client.post(suggest_url(article), data)
    assert refused.status_code == 503 and "暂时无法访问" in refused.content.decode()
    assert not TextSuggestion.objects.exists()
    assert client.get(suggest_url(article)).status_code == 200


def test_resident_ids_are_masked_on_the_form_and_restored_in_what_is_kept(client):
    body = "烟合港居民张三(身份证号370602199001011239)捐款。"
    article = make_article(body=body, ocr_confidence=0.9)
    html = client.get(suggest_url(article)).content.decode()
    assert "370602199001011239" not in html and "370602********1239" in html
    suggest(client, article, body="烟台港居民张三(身份证号370602********1239)捐款。")
    assert TextSuggestion.objects.get().body == "烟台港居民张三(身份证号370602199001011239)捐款。"


# The editors' side


@pytest.fixture
def suggestion(client, article):
    suggest(client, article, headline="烟台港货物吞吐量创新高", body=FIXED_BODY, note="烟合→烟台")
    return TextSuggestion.objects.get()


def accept_url(suggestion):
    return f"/admin/articles/textsuggestion/{suggestion.pk}/accept/"


def test_editors_list_the_pending_suggestions(editor, suggestion, django_assert_num_queries):
    other = make_article(headline="另一篇识别文章", body="第二篇。", ocr_confidence=0.7)
    TextSuggestion.objects.create(
        article=other, base_headline=other.headline, base_body=other.body,
        headline=other.headline, body="第二篇文章。", sender="0" * 64,
    )  # fmt: skip
    redirect = editor.get("/admin/articles/textsuggestion/")
    assert redirect["Location"].endswith("?status__exact=pending")
    # Session, user, the user's and the groups' permissions, the filtered and the whole count,
    # the page of suggestions with their articles and deciders (one query, whatever its size).
    with django_assert_num_queries(7):
        response = editor.get(redirect["Location"])
    html = response.content.decode()
    assert "烟合港货物吞吐量创新高" in html and "另一篇识别文章" in html and "烟合→烟台" in html


def test_the_changelist_costs_the_same_for_many_suggestions(editor, article):
    def create(count):
        TextSuggestion.objects.bulk_create(
            TextSuggestion(
                article=make_article(headline=f"识别{n}", ocr_confidence=0.8),
                base_headline="",
                base_body="",
                headline="",
                body="",
                sender="0" * 64,
            )
            for n in range(count)
        )

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/admin/articles/textsuggestion/?status__exact=pending"
    create(2)
    with CaptureQueriesContext(connection) as few:
        editor.get(url)
    create(20)
    with CaptureQueriesContext(connection) as many:
        assert editor.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_article_form_links_its_pending_suggestions(editor, suggestion):
    html = editor.get(f"/admin/articles/article/{suggestion.article_id}/change/").content.decode()
    assert "识别置信度 91%" in html
    url = "/admin/articles/textsuggestion/"
    url += f"?article__exact={suggestion.article_id}&amp;status__exact=pending"
    assert f'<a href="{url}">1 条待处理的读者建议</a>' in html
    listed = editor.get(url.replace("&amp;", "&")).content.decode()
    assert f"/admin/articles/textsuggestion/{suggestion.pk}/change/" in listed


def test_the_change_view_shows_the_difference_and_the_decision_buttons(editor, suggestion):
    html = editor.get(f"/admin/articles/textsuggestion/{suggestion.pk}/change/").content.decode()
    assert "烟<del>合</del><ins>台</ins>港前三季度" in html
    assert "烟<del>合</del><ins>台</ins>港货物吞吐量" in html  # the headline
    assert 'value="采纳"' in html and 'value="不采纳"' in html
    assert "文章的文字与读者看到的相同" in html


def test_accepting_puts_the_text_in_and_keeps_the_earlier_one(
    editor, suggestion, page_cache, django_capture_on_commit_callbacks
):
    article, client = suggestion.article, Client()  # a reader
    assert "烟合港" in client.get(article.get_absolute_url()).content.decode()  # now cached
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(accept_url(suggestion))
    assert response.status_code == 302
    assert caching.generation() == before + 1  # the page cache was purged
    article.refresh_from_db()
    assert (article.headline, article.body) == ("烟台港货物吞吐量创新高", FIXED_BODY)
    revision = ArticleRevision.objects.get()
    assert (revision.headline, revision.body) == ("烟合港货物吞吐量创新高", OCR_BODY)
    assert (revision.user, revision.suggestion) == (editor.user, suggestion)
    assert revision.replaced >= suggestion.created
    suggestion.refresh_from_db()
    assert suggestion.status == TextSuggestion.Status.ACCEPTED
    assert (suggestion.decided_by, suggestion.decided_at is not None) == (editor.user, True)
    assert Article.objects.published().search("烟台港前三季度").get() == article
    assert not Article.objects.published().search("烟合港").exists()
    entry = LogEntry.objects.get(object_id=str(article.pk), content_type__model="article")
    assert entry.object_repr == "烟台港货物吞吐量创新高"  # the article as it now reads
    assert (entry.user, entry.get_change_message()) == (
        editor.user,
        f"采纳{suggestion},改正识别文字。",
    )
    page = client.get(article.get_absolute_url()).content.decode()
    # (The correction form's hint quotes 烟合港 as its example of a misreading.)
    shown_text = page.replace("“烟台港”误识别为“烟合港”", "")
    assert "烟台港前三季度" in shown_text and "烟合港" not in shown_text
    shown = editor.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "采纳读者建议前的文字" in shown and f"xiaowang采纳{suggestion}" in shown
    assert "烟<del>合</del><ins>台</ins>港前三季度" in shown


def test_an_article_form_opened_before_an_acceptance_is_refused(editor, suggestion):
    """Accepting is a change like any other: a form opened before it does not overwrite it."""
    url = f"/admin/articles/article/{suggestion.article_id}/change/"
    opened = editor.get(url)
    editor.post(accept_url(suggestion))
    response = editor.post(url, posted_form(opened, review_note="已核对"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "没有保存" in html and f"采纳{suggestion},改正识别文字" in html
    suggestion.article.refresh_from_db()
    assert suggestion.article.body == FIXED_BODY and suggestion.article.review_note == ""


def test_the_accepted_suggestion_holds_its_article_as_saved(editor, suggestion):
    assert suggestion.article.body == OCR_BODY  # read before
    revision = suggestion.accept(editor.user)
    assert suggestion.article.body == FIXED_BODY and revision.article == suggestion.article


def test_a_suggestion_is_decided_once(editor, suggestion):
    editor.post(accept_url(suggestion))
    response = editor.post(accept_url(suggestion), follow=True)
    assert "这条建议已经处理过了(已采纳)" in response.content.decode()
    assert ArticleRevision.objects.count() == 1


def test_rejecting_leaves_the_article_alone(editor, suggestion):
    response = editor.post(f"/admin/articles/textsuggestion/{suggestion.pk}/reject/")
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == ("rejected", editor.user)
    suggestion.article.refresh_from_db()
    assert suggestion.article.body == OCR_BODY
    assert not ArticleRevision.objects.exists()


def test_a_suggestion_on_text_since_changed_is_refused(editor, suggestion):
    article = suggestion.article
    article.body = OCR_BODY.replace("第一届", "第二届")
    article.save()
    html = editor.get(f"/admin/articles/textsuggestion/{suggestion.pk}/change/").content.decode()
    assert "不能直接采纳" in html
    response = editor.post(accept_url(suggestion), follow=True)
    assert "文章的文字已经改过" in response.content.decode()
    article.refresh_from_db()
    assert "第二届" in article.body and "烟合港" in article.body
    suggestion.refresh_from_db()
    assert suggestion.status == TextSuggestion.Status.PENDING
    assert not ArticleRevision.objects.exists()


def test_deciding_is_a_post_by_an_editor(client, editor, suggestion):
    assert editor.get(accept_url(suggestion)).status_code == 405
    reader = Client()
    assert reader.post(accept_url(suggestion)).status_code == 302  # to the admin's login
    suggestion.refresh_from_db()
    assert suggestion.status == TextSuggestion.Status.PENDING


def test_the_admin_actions_accept_and_reject_several(editor, suggestion):
    response = editor.post(
        "/admin/articles/textsuggestion/?status__exact=pending",
        {"action": "accept_selected", "_selected_action": [suggestion.pk]},
        follow=True,
    )
    assert "已采纳" in response.content.decode()
    suggestion.article.refresh_from_db()
    assert suggestion.article.body == FIXED_BODY


# The difference


def test_the_difference_is_by_character_and_escaped():
    assert diff_html("烟合港", "烟台港") == "烟<del>合</del><ins>台</ins>港"
    assert diff_html("甲\n乙\n", "甲\n<b>\n乙\n") == "甲\n<ins>&lt;b&gt;\n</ins>乙\n"
    assert diff_html("一段", "") == "<del>一段</del>"


def test_the_difference_of_a_long_line_shows_one_change_and_a_rewrite_whole():
    line = "".join(f"第{n}句烟台港货物吞吐量增长。" for n in range(600))  # 9,000 characters
    changed = line[:4000] + "改" + line[4001:]
    assert diff_html(line, changed).count("<del>") == 1
    rewritten = "".join(reversed(line))
    assert diff_html(line, rewritten) == f"<del>{line}</del><ins>{rewritten}</ins>"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        # A change elsewhere on the line, on another line, and next to the number.
        (
            "烟台港张三370602********1239捐款。\n第二段。",
            "烟台港张三370602199001011239捐款。\n第二段。",
        ),
        (
            "烟合港张三370602********1239捐款。\n第二段落。",
            "烟合港张三370602199001011239捐款。\n第二段落。",
        ),
        (
            "烟合港张三 370602********1239 捐款。\n第二段。",
            "烟合港张三 370602199001011239 捐款。\n第二段。",
        ),
        # What the reader typed over the stars is theirs.
        (
            "烟合港张三370602199001011230捐款。\n第二段。",
            "烟合港张三370602199001011230捐款。\n第二段。",
        ),
    ],
)
def test_the_digits_the_mask_hid_are_put_back_where_the_reader_left_them(typed, kept):
    original = "烟合港张三370602199001011239捐款。\n第二段。"
    assert unmask(typed, original) == kept
