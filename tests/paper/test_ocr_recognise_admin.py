"""识别文字 in the page admin: the button, the action, the reading's status on the form."""

import os
import time

import pytest
import redis
from pytest_django.asserts import assertContains, assertNotContains

from paper.celery import app as celery_app
from paper.celery import reconfigure
from paper.models import PageRecognition
from tests.factories import make_page, make_scanned_page, make_text_scan
from tests.paper.test_ocr_batch import broker_keys

pytestmark = pytest.mark.django_db

SHORT_PAGE = [
    (60, 60, 40, "港口新建泊位投入使用", True),
    (60, 140, 24, "本报讯 新建的两个泊位昨天投入使用。", False),
]


def change_url(page):
    return f"/admin/paper/page/{page.pk}/change/"


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_the_form_of_a_scan_offers_recognition_and_then_shows_the_reading(editor):
    page = make_scanned_page(make_text_scan(SHORT_PAGE))
    response = editor.get(change_url(page))
    assertContains(response, "文字识别")
    assertContains(response, f'formaction="/admin/paper/page/{page.pk}/recognise/"')
    assertContains(response, ">识别文字</button>")

    response = editor.post(f"/admin/paper/page/{page.pk}/recognise/", follow=True)
    assert response.redirect_chain[-1][0] == change_url(page)
    assert any("识别完成" in message for message in messages_of(response))
    recognition = PageRecognition.objects.get(page=page)
    assert recognition.status == "done"
    assertContains(response, "已识别")
    assertContains(response, "RapidOCR")
    assertContains(response, ">重新识别文字</button>")

    # Asked again without 重新: the reading is not repeated.
    response = editor.post(f"/admin/paper/page/{page.pk}/recognise/", follow=True)
    assert any("已经识别过" in message for message in messages_of(response))
    assert PageRecognition.objects.get(page=page).attempts == 1
    response = editor.post(f"/admin/paper/page/{page.pk}/recognise/", {"force": "1"}, follow=True)
    assert PageRecognition.objects.get(page=page).attempts == 2


def test_a_page_without_a_scan_says_so(editor):
    page = make_page()
    response = editor.get(change_url(page))
    assertContains(response, "附上扫描图后可以识别文字。")
    assertNotContains(response, "/recognise/")


def test_a_failed_reading_shows_its_message_on_the_form(editor):
    page = make_scanned_page(make_text_scan(SHORT_PAGE))
    PageRecognition.objects.create(
        page=page, status="failed", message="图片文件已损坏,无法读取。", attempts=1
    )
    response = editor.get(change_url(page))
    assertContains(response, "识别失败")
    assertContains(response, "图片文件已损坏,无法读取。")


def test_the_recognition_view_needs_the_right_to_change_pages(client, django_user_model):
    page = make_scanned_page(make_text_scan(SHORT_PAGE))
    user = django_user_model.objects.create_user("reader", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    response = client.post(f"/admin/paper/page/{page.pk}/recognise/")
    assert response.status_code == 403
    assert not PageRecognition.objects.exists()


def test_the_action_reads_the_selected_scans_and_skips_the_rest(editor):
    scan = make_scanned_page(make_text_scan(SHORT_PAGE))
    empty = make_page(scan.issue)
    response = editor.post(
        "/admin/paper/page/",
        {"action": "recognise_text", "_selected_action": [scan.pk, empty.pk]},
        follow=True,
    )
    said = messages_of(response)
    assert any("跳过 1 个没有扫描图" in message for message in said)
    assert any(message.startswith(f"{scan} 识别完成") for message in said)
    assert PageRecognition.objects.get(page=scan).status == "done"
    assert not PageRecognition.objects.filter(page=empty).exists()


@pytest.fixture
def broker(settings):
    """The real Redis as the broker, a queue of this test's own, no worker."""
    url = "redis://127.0.0.1:6379/8"
    queue = f"test-ocr-admin-{os.getpid()}-{time.monotonic_ns()}"
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_default_queue")}
    settings.OCR_BROKER_URL, settings.OCR_QUEUE = url, queue
    reconfigure(broker_url=url, task_default_queue=queue)
    client = redis.Redis.from_url(url)
    yield client, queue
    reconfigure(**saved)
    client.delete(*broker_keys(queue))
    client.close()


def test_with_a_broker_the_action_queues_the_pages_for_the_workers(editor, broker):
    client, queue = broker
    scans = [make_scanned_page(make_text_scan(SHORT_PAGE)) for _ in range(2)]
    response = editor.post(
        "/admin/paper/page/",
        {"action": "recognise_text", "_selected_action": [page.pk for page in scans]},
        follow=True,
    )
    assert any("交给识别队列" in message for message in messages_of(response))
    assert client.llen(queue) == 2
    assert list(PageRecognition.objects.values_list("status", flat=True)) == ["queued"] * 2
    assertContains(editor.get(change_url(scans[0])), "排队中")


def test_a_box_the_ocr_made_and_an_editor_moved_is_the_editors(editor):
    from paper.models import PageRedaction

    page = make_scanned_page(make_text_scan(SHORT_PAGE))
    kept = PageRedaction.objects.create(
        page=page, left="0.1", top="0.1", width="0.1", height="0.05", found_by_ocr=True
    )
    moved = PageRedaction.objects.create(
        page=page, left="0.3", top="0.3", width="0.1", height="0.05", found_by_ocr=True
    )
    form = {
        "issue": page.issue.pk,
        "code": page.code,
        "name": page.name,
        "order": page.order,
        "redactions-TOTAL_FORMS": "2",
        "redactions-INITIAL_FORMS": "2",
    }
    for index, (box, left) in enumerate([(kept, "0.1"), (moved, "0.35")]):
        form.update(
            {
                f"redactions-{index}-id": box.pk,
                f"redactions-{index}-page": page.pk,
                f"redactions-{index}-left": left,
                f"redactions-{index}-top": box.top,
                f"redactions-{index}-width": box.width,
                f"redactions-{index}-height": box.height,
            }
        )
    response = editor.post(change_url(page), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert PageRedaction.objects.get(pk=kept.pk).found_by_ocr
    assert not PageRedaction.objects.get(pk=moved.pk).found_by_ocr
