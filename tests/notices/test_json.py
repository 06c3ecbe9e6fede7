"""Notices as data: /notices/<id>.json and /notices.json with the list's filters."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from notices.models import DocumentType, Notice
from tests.factories import (
    make_archive,
    make_issue,
    make_notice,
    make_page,
    make_wedding_notice,
)

pytestmark = pytest.mark.django_db
# On PostgreSQL a list's count is planned first (EXPLAIN), then runs under its own time limit
# (paper.pagination): a savepoint, the limit set and put back, and the savepoint's release.
TIMED_COUNT = 5 if connection.vendor == "postgresql" else 0

HOST = "http://testserver"
ID_NUMBER = "370602199001011239"
MASKED = "370602********1239"


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, (url, params, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def page():
    return make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A03", name="公告")


def test_notice_json_has_every_field_the_permalink_shows(client, sample_issue):
    notice = Notice.objects.get(reference="YT20241022-002")
    data = get_json(client, f"/notices/{notice.pk}.json")

    assert data.pop("updated") == timezone.localtime(notice.updated).isoformat()
    assert data == {
        "id": notice.pk,
        "reference": "YT20241022-002",
        "kind": "lost",
        "kind_label": "遗失声明",
        "title": "遗失声明:毕丽静",
        "url": f"{HOST}/notices/{notice.pk}/",
        "proof_url": f"{HOST}/notices/{notice.pk}/proof/",
        "date": "2024-10-22",
        "issue": {"date": "2024-10-22", "number": None, "url": f"{HOST}/issues/2024-10-22/"},
        "page": {"code": "A03", "name": "公告", "url": f"{HOST}/issues/2024-10-22/A03/"},
        "order": 2,
        "text": notice.text,
        "items": [
            {
                "holder": "毕丽静",
                "document_type": "收据",
                "document_name": "置换保证金收款收据",
                "number": "0001715",
                "issuer": "烟台中升丰田汽车销售服务有限公司",
                "issued_on": "2024-08-30",
                "amount": "10000.00",
                "other_identifier": "",
                "quantity": 1,
            }
        ],
        "wedding": None,
        "announcement": None,
        "corrected": None,
        "recognised_text": False,
        "ocr_confidence": None,
        "wordings": [
            {
                "text": notice.text,
                "since": "2024-10-22",
                "printed": True,
                "replaced": None,
                "correction_kind": None,
                "correction_note": None,
            }
        ],
    }
    assert "fee" not in data and "review_note" not in data


def test_wedding_json_has_the_couple(client, page):
    notice = make_wedding_notice(page)
    data = get_json(client, f"/notices/{notice.pk}.json")
    assert data["items"] == []
    assert data["wedding"] == {
        "groom": "张雨",
        "bride": "百音一兰",
        "wedding_date": "2024-11-02",
        "lunar_date": "农历十月初二",
        "message": notice.wedding.message,
    }


def test_resident_id_numbers_are_masked_in_json(client, page):
    notice = make_notice(
        page, items=[{"holder": "张三", "document_type": "身份证", "number": ID_NUMBER}]
    )
    notice.text = "张三遗失身份证,声明作废。"
    notice.save()
    for url, params in [
        (f"/notices/{notice.pk}.json", {}),
        ("/notices.json", {}),
        ("/notices.json", {"number": ID_NUMBER}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200
        assert ID_NUMBER.encode() not in response.content, (url, params)
        assert MASKED.encode() in response.content, (url, params)
    listed = get_json(client, "/notices.json", {"number": ID_NUMBER})["results"]
    assert [n["reference"] for n in listed] == [notice.reference]
    assert listed[0]["items"][0]["number"] == MASKED


def test_a_corrected_notice_lists_its_wordings(client, page):
    notice = make_notice(page, items=[{"holder": "张三"}], text="张山遗失收据,声明作废。")
    notice.text = "张三遗失收据,声明作废。"
    notice.correction_note = "持有人姓名有误"
    notice.save()

    data = get_json(client, f"/notices/{notice.pk}.json")
    revision = notice.revisions.get()
    assert (
        data["corrected"]
        == revision.replaced.astimezone(datetime.timezone(datetime.timedelta(hours=8))).isoformat()
    )
    assert [(w["text"], w["printed"], w["correction_note"]) for w in data["wordings"]] == [
        ("张山遗失收据,声明作废。", True, "持有人姓名有误"),
        ("张三遗失收据,声明作废。", False, None),
    ]
    assert data["wordings"][1]["since"] == data["corrected"]


def test_draft_or_missing_notice_json_is_a_json_404(client):
    draft = make_notice(status=Notice.Status.DRAFT)
    for pk in (draft.pk, 999999):
        data = get_json(client, f"/notices/{pk}.json", status=404)
        assert data["errors"]["__all__"][0]["code"] == "not_found"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "wedding"},
        {"holder": "曲和林"},
        {"doc_type": "收据"},
        {"number": "yz-000135"},
        {"q": "（鲁烟） 迟汝海"},
        {"date_from": "2024-10-22", "date_to": "2024-10-22", "kind": "lost"},
    ],
)
def test_the_json_list_filters_as_the_page_does(client, sample_issue, params):
    if "doc_type" in params:
        params = {**params, "doc_type": DocumentType.objects.get(name=params["doc_type"]).pk}
    page = client.get("/notices/", params).context["notice_list"]
    data = get_json(client, "/notices.json", params)
    assert page, "every case should find something"
    assert [n["reference"] for n in data["results"]] == [n.reference for n in page]
    assert data["count"] == len(page)


def test_the_json_list_pages_and_names_bad_parameters(client):
    for _ in range(25):
        make_notice(items=[{"holder": "王五"}])
    first = get_json(client, "/notices.json", {"holder": "王五"})
    assert (first["count"], first["num_pages"], len(first["results"])) == (25, 2, 20)
    assert first["next"] == f"{HOST}/notices.json?holder=%E7%8E%8B%E4%BA%94&page=2"
    second = get_json(client, first["next"].removeprefix(HOST))
    assert len(second["results"]) == 5 and second["next"] is None

    errors = get_json(client, "/notices.json", {"kind": "advert"}, status=400)["errors"]
    assert list(errors) == ["kind"]
    errors = get_json(client, "/notices.json", {"page": 3}, status=404)["errors"]
    assert list(errors) == ["page"]


def test_json_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for count in (1, 30):
        newest = make_archive(count)
        notice = newest.notices.get()
        # The notice with its page, issue and couple; its items; its corrections.
        with django_assert_num_queries(3):
            get_json(client, f"/notices/{notice.pk}.json")
        # The count, the page of notices, their items, their corrections.
        with django_assert_num_queries(4 + TIMED_COUNT):
            get_json(client, "/notices.json", {"holder": "张三", "kind": "lost"})
