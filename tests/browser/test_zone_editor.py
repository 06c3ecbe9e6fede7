"""An editor corrects an article's zones with the mouse on its page image, in the admin."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.models import Article
from tests.conftest import load_sample_issue_with_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def editor(transactional_db, render_once):
    load_sample_issue_with_pages()
    user = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


def log_in(page, live_server):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "xiaowang")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("编辑后台")


def drag(page, start, end):
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()


@pytest.mark.parametrize("page", [1280], indirect=True, ids=["desktop"])
def test_editor_moves_a_zone_and_draws_another(page, live_server, editor, screenshot):
    article = Article.objects.get(headline="烟台市整形美容协会成立大会成功召开")
    found = article.zones.get()
    log_in(page, live_server)
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    surface = page.locator(".page-zones-admin-editable")
    surface.scroll_into_view_if_needed()
    zone = surface.locator("rect:not(.is-handle)")
    expect(zone).to_have_count(1)
    box = surface.bounding_box()

    # Move the zone found from the PDF down by 5 % of the page.
    zone_box = zone.bounding_box()
    start = (zone_box["x"] + zone_box["width"] / 2, zone_box["y"] + zone_box["height"] / 2)
    drag(page, start, (start[0], start[1] + box["height"] * 0.05))
    top = float(page.input_value("#id_zones-0-top"))
    assert top == pytest.approx(float(found.top) + 0.05, abs=0.003)

    # Draw a second zone over the picture at the foot of the page.
    drag(
        page,
        (box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.8),
        (box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.9),
    )
    expect(zone).to_have_count(2)
    assert float(page.input_value("#id_zones-1-left")) == pytest.approx(0.2, abs=0.003)
    assert float(page.input_value("#id_zones-1-width")) == pytest.approx(0.4, abs=0.003)
    screenshot("admin-zone-editor")

    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("成功")
    zones = list(article.zones.order_by("top"))
    assert len(zones) == 2
    assert zones[0].top == Decimal(str(top))
    assert zones[0].left == found.left and zones[0].width == found.width
    assert float(zones[1].top) == pytest.approx(0.8, abs=0.003)
    assert float(zones[1].height) == pytest.approx(0.1, abs=0.003)
