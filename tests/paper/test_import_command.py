"""manage.py import_issue: exports into the database in one transaction, with a report."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from articles.models import Article
from notices.models import LostItem, Notice, WeddingDetails
from paper.models import Issue, Page
from tests.factories import make_notice

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "sample" / "page-export-2024-10-22.txt"
EXPORTS = Path(__file__).parent / "exports"
DAY = datetime.date(2024, 10, 22)


def run(path, *args, date="2024-10-22"):
    out = io.StringIO()
    call_command("import_issue", str(path), "--date", date, *args, stdout=out)
    return out.getvalue()


def counts():
    models = (Issue, Page, Article, Notice, LostItem, WeddingDetails)
    return {model.__name__: model.objects.count() for model in models}


def snapshot(date=DAY):
    """Everything an import writes for ``date``, with the ids readers and proofs link to."""
    issue = Issue.objects.get(date=date)
    return {
        "issue": (issue.pk, issue.number, issue.is_published),
        "pages": list(issue.pages.values_list("pk", "code", "name", "order")),
        "articles": list(
            issue.articles.order_by("page__order", "order").values_list(
                "pk",
                "page__code",
                "order",
                "headline",
                "source",
                "dateline",
                "byline",
                "body",
                "status",
                "needs_review",
                "review_note",
            )
        ),
        "notices": list(
            issue.notices.order_by("reference").values_list(
                "pk",
                "reference",
                "kind",
                "page__code",
                "order",
                "text",
                "fee",
                "status",
                "needs_review",
                "review_note",
            )
        ),
        "items": list(
            LostItem.objects.filter(notice__issue=issue)
            .order_by("notice__reference", "order")
            .values_list(
                "notice__reference",
                "holder",
                "document_type__name",
                "document_name",
                "number",
                "issuer",
                "issued_on",
                "amount",
                "other_identifier",
                "quantity",
            )
        ),
        "weddings": list(
            WeddingDetails.objects.filter(notice__issue=issue).values_list(
                "notice__reference", "groom", "bride", "wedding_date", "lunar_date", "message"
            )
        ),
    }


def test_seed_becomes_a_draft_issue_with_its_pages_articles_and_notices():
    run(SAMPLE)
    issue = Issue.objects.get(date=DAY)
    assert not issue.is_published
    assert list(issue.pages.values_list("code", "name")) == [
        ("A01", "要闻"),
        ("A02", "要闻"),
        ("A03", "公告"),
        ("A04", "综合"),
    ]
    assert list(issue.articles.order_by("page__order").values_list("page__code", "status")) == [
        ("A01", "draft"),
        ("A02", "draft"),
        ("A04", "draft"),
    ]
    notices = list(issue.notices.order_by("reference"))
    assert [(n.reference, n.kind, n.page.code, n.order, n.status) for n in notices] == [
        ("YT20241022-001", "wedding", "A03", 1, "draft"),
        ("YT20241022-002", "lost", "A03", 2, "draft"),
        ("YT20241022-003", "lost", "A03", 3, "draft"),
    ]
    assert not any(n.needs_review for n in notices)
    assert not issue.articles.filter(needs_review=True).exists()


def test_seed_notices_are_structured_so_that_they_reproduce_the_printed_wording():
    run(SAMPLE)
    wedding, receipt, vessels = Notice.objects.order_by("reference")
    assert (wedding.wedding.groom, wedding.wedding.bride) == ("张雨", "百音一兰")
    assert wedding.wedding.wedding_date == datetime.date(2024, 11, 2)
    assert wedding.wedding.lunar_date == "农历十月初二"
    assert wedding.fee is None
    for notice in (receipt, vessels):
        assert notice.compose_text() == notice.text
    assert receipt.items.get().document_type.name == "收据"
    assert receipt.items.get().document_name == "置换保证金收款收据"
    assert [(i.document_type.name, i.document_name) for i in vessels.items.all()] == [
        ("国籍证书", ""),
        ("登记证", ""),
    ]
    assert (receipt.fee, vessels.fee) == (400, 800)
    assert Notice.objects.with_number("yz-000135").get() == vessels


def test_article_review_note_records_the_repairs():
    run(SAMPLE)
    policy = Article.objects.get(headline__startswith="中共中央")
    assert not policy.needs_review
    assert policy.review_note.startswith("导入时已修复:\n第23行 删除:重复段落")
    assert "第57行+第59行 合并" in policy.review_note
    wire = Article.objects.get(headline__startswith="第三轮")
    assert wire.review_note == ""


def test_report_says_what_was_created_repaired_and_not_read():
    report = run(SAMPLE, "--dry-run").splitlines()
    assert report[0] == (f"{SAMPLE} → 2024年10月22日的报纸:新建,草稿,编辑核对后发布")
    assert "版面 4 个:A01 要闻、A02 要闻、A03 公告、A04 综合" in report
    assert "文章 3 篇:" in report
    assert "公告 3 条:" in report
    assert (
        "  第111行 A03 YT20241022-002 遗失声明:毕丽静 置换保证金收款收据(收据),"
        "票号 0001715;费用 400 元"
    ) in report
    assert "修复 7 处:" in report
    assert any(line.startswith("  第23行 删除:") for line in report)
    assert any(line.startswith("  第121行+第125行 合并:") for line in report)
    assert any("价目表(公告栏):已识别,不作为公告导入" in line for line in report)
    assert "未能识别或需要核对:无" in report


def test_report_lists_what_needs_review_and_where_to_find_it(admin_client):
    report = run(EXPORTS / "notices.txt", "--publish").splitlines()
    assert "未能识别或需要核对 3 处:" in report
    assert any(
        "李强的身份证:号码 370602199001011238 居民身份证号码校验位不正确" in line for line in report
    )
    assert any("后台价目表为 800/400/150/20 元" in line for line in report)
    [admin_line] = [line for line in report if line.startswith("在后台核对")]
    url = admin_line.split(":", 1)[1]
    response = admin_client.get(url)
    assert response.status_code == 200
    listed = {n.reference for n in response.context["cl"].result_list}
    assert listed == set(
        Notice.objects.filter(needs_review=True).values_list("reference", flat=True)
    )
    assert len(listed) == 3


def test_publish_publishes_everything_but_what_needs_review():
    run(EXPORTS / "notices.txt", "--publish")
    issue = Issue.objects.get(date=DAY)
    assert issue.is_published
    flagged = Notice.objects.filter(needs_review=True)
    assert flagged.count() == 3
    assert set(flagged.values_list("status", flat=True)) == {"draft"}
    assert set(Notice.objects.filter(needs_review=False).values_list("status", flat=True)) == {
        "published"
    }
    unread = Notice.objects.get(text__contains="业主大会")
    assert unread.kind == "other" and unread.fee is None and not unread.items.exists()
    assert "未能识别的公告" in unread.review_note
    mismatch = Notice.objects.get(wedding__groom="李想")
    assert "不一致" in mismatch.review_note


def test_dry_run_writes_nothing_and_prints_the_same_report():
    before = counts()
    dry = run(SAMPLE, "--dry-run").splitlines()
    assert counts() == before
    real = run(SAMPLE).splitlines()
    assert dry[-1] == "试运行(--dry-run):以上内容没有写入数据库。"
    assert dry[:-1] == real

    written = snapshot()
    run(EXPORTS / "local-news.txt", "--replace", "--dry-run")
    assert snapshot() == written


def test_replace_twice_gives_the_same_result():
    run(SAMPLE, "--publish")
    first = snapshot()
    run(SAMPLE, "--publish", "--replace")
    assert snapshot() == first
    run(SAMPLE, "--publish", "--replace")
    assert snapshot() == first


def test_replace_with_another_file_keeps_nothing_of_the_old_one():
    run(EXPORTS / "notices.txt")
    run(EXPORTS / "local-news.txt", "--replace")
    issue = Issue.objects.get(date=DAY)
    assert list(issue.pages.values_list("code", flat=True)) == ["A01", "A02"]
    assert issue.articles.count() == 3
    assert not Notice.objects.exists() and not LostItem.objects.exists()
    run(EXPORTS / "notices.txt", "--replace")
    references = list(Notice.objects.order_by("reference").values_list("reference", flat=True))
    assert references == [f"YT20241022-{n:03d}" for n in range(1, 13)]
    assert not Article.objects.exists()


def test_existing_issue_is_kept_without_replace():
    run(SAMPLE)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(EXPORTS / "local-news.txt")
    assert str(error.value) == (
        f"{EXPORTS / 'local-news.txt'}: 2024年10月22日的报纸已经存在;"
        "要用这个文件替换它,请加 --replace"
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    "content, date, message",
    [
        (None, "2024-10-22", "{path}: 文件不存在"),
        (
            "# 标题\n\n".encode() + "正文。\n".encode("gbk"),
            "2024-10-22",
            "{path}:3: 文件不是 UTF-8 编码",
        ),
        ("# 标题\n\n正文。\n".encode(), "2024-02-30", "{path}: 出版日期“2024-02-30”无效"),
        ("# 标题\n\n正文。\n".encode(), "22.10.2024", "{path}: 出版日期“22.10.2024”无效"),
        ("# 标题\n\n正文。\n=== A1 要闻 ===\n".encode(), "2024-10-22", "{path}:4: 版面标记"),
        ("# 标题\n\n正文。\n\n# \n".encode(), "2024-10-22", "{path}:5: 标题是空的"),
    ],
    ids=["missing", "not-utf8", "no-such-day", "date-format", "bad-marker", "empty-headline"],
)
def test_bad_input_names_the_file_and_line_and_changes_nothing(tmp_path, content, date, message):
    path = tmp_path / "export.txt"
    if content is not None:
        path.write_bytes(content)
    before = counts()
    with pytest.raises(CommandError) as error:
        run(path, date=date)
    assert str(error.value).startswith(message.format(path=path))
    assert counts() == before


def test_a_write_the_database_refuses_rolls_everything_back_and_names_the_line(monkeypatch):
    # The database refuses the first lost item, after the articles and the wedding were written.
    def refuse(self, *args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    make_notice()
    monkeypatch.setattr(LostItem, "save", refuse)
    before = counts()
    with pytest.raises(CommandError) as error:
        run(SAMPLE)
    assert str(error.value).startswith(f"{SAMPLE}:111: 无法写入数据库")
    assert counts() == before


def test_page_option_and_issue_number(tmp_path):
    bare = tmp_path / "seed.txt"
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    bare.write_text("\n".join("" if line.startswith("===") else line for line in lines))
    run(bare, "--page", "A03 公告", "--issue-number", "25123")
    issue = Issue.objects.get(date=DAY)
    assert issue.number == 25123
    assert list(issue.pages.values_list("code", "name")) == [("A03", "公告")]
    assert issue.articles.count() == 3 and issue.notices.count() == 3
    run(bare, "--replace")
    issue.refresh_from_db()
    assert issue.number == 25123  # not in the file: the editor's number stays
    assert list(issue.pages.values_list("code", "name")) == [("A01", "")]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--page", "a1"], "版号“a1”无效"),
        (["--issue-number", "0"], "期号应为正整数"),
    ],
)
def test_bad_options_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        run(SAMPLE, *args)
    assert not Issue.objects.exists()


def test_quiet_import_prints_nothing():
    out = io.StringIO()
    call_command("import_issue", str(SAMPLE), "--date", "2024-10-22", stdout=out, verbosity=0)
    assert out.getvalue() == ""
    assert Issue.objects.filter(date=DAY).exists()


PAGES = Path(settings.BASE_DIR) / "paper" / "fixtures" / "sample_pages"


def test_pages_option_attaches_the_printed_pages(render_once):
    report = run(SAMPLE, "--publish", "--pages", str(PAGES))
    assert "版面文件 A03:A03.pdf,找到热区 3 个" in report
    pages = Issue.objects.get().pages.all()
    assert all(page.image and page.thumbnail for page in pages)


def test_a_bad_page_file_undoes_the_whole_import(tmp_path):
    (tmp_path / "A01.pdf").write_bytes(b"%PDF-1.7 this is not a PDF")
    with pytest.raises(CommandError, match="A01.pdf"):
        run(SAMPLE, "--pages", str(tmp_path))
    assert not Issue.objects.exists()
    assert not Article.objects.exists()
