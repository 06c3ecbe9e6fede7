"""import_issue --replace over an issue editors have changed since it was imported."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from notices.models import Notice
from paper.models import Issue
from tests.factories import make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "sample" / "page-export-2024-10-22.txt"
DAY = datetime.date(2024, 10, 22)


def run(*args):
    out = io.StringIO()
    call_command("import_issue", str(SAMPLE), "--date", "2024-10-22", *args, stdout=out)
    return out.getvalue()


def edit_in_the_admin(obj, message, username="xiaowang"):
    """What the admin's change form does: save, then record who changed what."""
    obj.save()
    user, _ = User.objects.get_or_create(username=username)
    LogEntry.objects.log_actions(
        user.pk,
        [obj],
        CHANGE,
        change_message=[{"changed": {"fields": [message]}}],
        single_object=True,
    )


def test_an_import_records_when_it_ran():
    run("--publish")
    issue = Issue.objects.get(date=DAY)
    assert issue.imported is not None
    assert all(notice.updated < issue.imported for notice in issue.notices.all())
    assert not issue.edited_since_import()


def test_replace_refuses_to_overwrite_a_correction_and_names_it():
    run("--publish")
    notice = Notice.objects.get(reference="YT20241022-002")
    notice.text = notice.text.replace("毕丽静", "毕丽晶")
    notice.correction_note = "持有人姓名有误"
    edit_in_the_admin(notice, "刊登文字")

    with pytest.raises(CommandError) as error:
        run("--publish", "--replace")
    message = str(error.value)
    assert "2024年10月22日的报纸在上次导入之后有 1 处修改,替换会覆盖它们" in message
    assert "公告“遗失声明 YT20241022-002”:xiaowang于" in message
    assert "(已修改刊登文字)" in message
    assert "--discard-edits" in message
    notice.refresh_from_db()
    assert "毕丽晶" in notice.text
    assert notice.revisions.count() == 1


def test_replace_names_a_change_made_outside_the_admin():
    run()
    issue = Issue.objects.get(date=DAY)
    issue.publish()
    with pytest.raises(CommandError) as error:
        run("--replace")
    assert "报纸期次“2024年10月22日”:于" in str(error.value)
    assert "在后台以外修改" in str(error.value)
    assert Issue.objects.get(date=DAY).is_published


def test_a_dry_run_refuses_too():
    run()
    page = Issue.objects.get(date=DAY).pages.first()
    page.name = "改过的版名"
    edit_in_the_admin(page, "版名")
    with pytest.raises(CommandError, match="版面“.*”:xiaowang于"):
        run("--replace", "--dry-run")


def test_discard_edits_replaces_and_says_what_it_overwrote():
    run("--publish")
    notice = Notice.objects.get(reference="YT20241022-002")
    text = notice.text
    notice.review_note = "已核对"
    edit_in_the_admin(notice, "核对说明")

    out = run("--publish", "--replace", "--discard-edits")
    assert "已按文件覆盖:公告“遗失声明 YT20241022-002”:xiaowang于" in out
    notice.refresh_from_db()
    assert notice.text == text and notice.review_note == ""
    # The import is on record again: replacing once more needs nothing.
    run("--publish", "--replace")


def test_an_issue_without_an_import_on_record_is_replaced_unless_the_admin_changed_it():
    issue = make_issue(date=DAY, is_published=False)
    make_notice(make_page(issue, code="A03", name="公告"))
    run("--replace")
    assert Issue.objects.get(date=DAY).notices.count() > 1

    Issue.objects.filter(date=DAY).update(imported=None)
    issue = Issue.objects.get(date=DAY)
    notice = issue.notices.first()
    edit_in_the_admin(notice, "核对说明")
    with pytest.raises(CommandError) as error:
        run("--replace")
    assert "没有导入记录,有 1 处在后台录入或修改" in str(error.value)
