"""A page's recognised text written as drafts on that page: articles, notices, zones, blocks."""

import json
import re

import pytest

from articles.models import Article
from notices.models import LostItem, Notice
from paper.importing.parsing import ExportError
from paper.models import PageRecognition, PrintedStatus
from paper.ocr.drafts import write_recognised_page
from paper.ocr.layout import lay_out
from paper.ocr.lines import Recognition
from paper.ocr.review import page_review
from tests.factories import make_article, make_issue, make_notice, make_page
from tests.paper.test_ocr_layout import (
    FIRST,
    LOST,
    RECOGNITIONS,
    SECOND,
    THIRD,
    column,
    flow,
    line,
    recognise,
)

pytestmark = pytest.mark.django_db

HEADLINE = "烟台市整形美容协会成立大会成功召开"


def scanned_page():
    """A page 1,000 px wide: an article over two columns, a notices column at the right."""
    lines = [line(HEADLINE, 40, 60, size=32)]
    lines += flow(["本报讯 " + FIRST, SECOND, THIRD], [40, 360], 130, width=14)
    lines.append(line("(本报记者 王晓)", 460, 298))
    lines += [line("遗失声明", 740, 60, size=32)]
    lines += column(LOST, 700, 130, width=14)[0]
    return recognise(lines, width=1000, height=1400)


def write(page, recognition=None):
    recognition = recognition or scanned_page()
    return write_recognised_page(page, recognition, lay_out(recognition))


def test_articles_and_notices_become_drafts_to_review_on_that_page_only():
    page = make_page(code="A03", name="公告")
    other = make_page(page.issue, code="A04")
    elsewhere = make_article(other, headline="别的版面上的文章")
    created = write(page)
    (article,) = Article.objects.filter(page=page)
    assert article.headline == HEADLINE
    assert article.source == "本报讯"
    assert article.byline == "本报记者 王晓"
    assert article.body == "\n\n".join([FIRST, SECOND, THIRD])
    notices = list(Notice.objects.filter(page=page).order_by("order"))
    assert len(notices) == 3
    assert set(created) == {article, *notices}
    for item in created:
        assert item.status == PrintedStatus.DRAFT
        assert item.needs_review
        assert item.is_recognised_text
        assert item.review_note.startswith("由扫描图识别")
    assert list(Article.objects.filter(page=other)) == [elsewhere]
    assert not Notice.objects.filter(page=other).exists()


def test_notice_column_becomes_notices_with_lost_items_masked_once_published(client):
    page = make_page(code="A03", name="公告")
    write(page)
    items = LostItem.objects.filter(notice__page=page).order_by("notice__order", "order")
    assert [(item.holder, item.document_type.name) for item in items] == [
        ("毕丽静", "收据"),
        ("曲和林", "登记证"),
        ("王晓明", "身份证"),
    ]
    assert items[0].amount == 10000 and items[0].number == "0001715"
    notice = items[2].notice
    assert items[2].number == "370602199001011239"
    notice.needs_review = False
    notice.save()
    notice.publish()
    response = client.get(notice.get_absolute_url())
    text = response.content.decode()
    assert "370602********1239" in text
    assert "370602199001011239" not in text


def test_hand_entered_items_are_kept_and_not_written_twice():
    page = make_page(code="A03", name="公告")
    by_hand = make_article(page, headline=HEADLINE, status=PrintedStatus.DRAFT)
    notice = make_notice(page, items=[{"holder": "张三"}])
    write(page)
    assert list(Article.objects.filter(page=page)) == [by_hand]
    by_hand.refresh_from_db()
    assert by_hand.ocr_confidence is None and not by_hand.needs_review
    assert Notice.objects.filter(pk=notice.pk).exists()
    assert Notice.objects.filter(page=page).count() == 4


def test_a_second_reading_replaces_only_what_the_first_wrote_and_nobody_touched():
    page = make_page(code="A03", name="公告")
    first = write(page)
    reviewed = next(item for item in first if isinstance(item, Notice))
    reviewed.needs_review = False
    reviewed.save()
    untouched = {item.pk for item in first if item.pk != reviewed.pk}
    second = write(page)
    assert Notice.objects.filter(page=page).count() == 3
    assert Article.objects.filter(page=page).count() == 1
    assert Notice.objects.filter(pk=reviewed.pk).exists()
    assert reviewed not in second
    assert not untouched & {item.pk for item in second}
    assert not Article.objects.filter(pk__in=untouched).exists()


def test_published_recognised_article_is_kept_by_a_new_reading():
    page = make_page(code="A03", name="公告")
    (article,) = [item for item in write(page) if isinstance(item, Article)]
    article.needs_review = False
    article.save()
    article.publish()
    write(page)
    assert list(Article.objects.filter(page=page)) == [article]


def test_zones_are_inside_the_page_and_cover_the_item():
    page = make_page(code="A03", name="公告")
    recognition = scanned_page()
    write(page, recognition)
    article = Article.objects.get(page=page)
    (zone,) = article.zones.all()
    assert zone.left >= 0 and zone.left + zone.width <= 1
    assert zone.top >= 0 and zone.top + zone.height <= 1
    assert float(zone.left) <= 40 / 1000 and float(zone.left + zone.width) >= 0.6
    notice = Notice.objects.get(page=page, items__holder="曲和林")
    (zone,) = notice.zones.all()
    assert float(zone.left) >= 0.69 and float(zone.left + zone.width) <= 1


def test_low_confidence_lines_are_named_in_the_review_note():
    recognition = scanned_page()
    unsure = recognition.lines[2]
    recognition.lines[2] = line(unsure.text, unsure.box[0], unsure.box[1], confidence=0.6)
    page = make_page()
    write(page, recognition)
    article = Article.objects.get(page=page)
    assert f"识别置信度低的行:第3行“{unsure.text}”(60%)" in article.review_note
    assert article.ocr_confidence < 0.97


def test_a_line_the_review_marks_is_named_in_the_drafts_note():
    """One rule (Line.doubtful): what the page's review marks, each draft's 核对说明 names."""
    recognition = scanned_page()
    doubtful = {
        2: {"confidence": 0.85},  # by its mean: under the review's 0.9, over the old note's 0.8
        5: {"chars": "one at 0.7"},  # one character under 0.8 (over the old note's 0.5)
        len(recognition.lines) - 2: {"confidence": 0.6},  # a notice's line
    }
    for index, change in doubtful.items():
        sure = recognition.lines[index]
        if "chars" in change:
            change = {"chars": [0.99] * (len(sure.text) - 1) + [0.7]}
        recognition.lines[index] = line(sure.text, sure.box[0], sure.box[1], **change)
        assert recognition.lines[index].doubtful
    page = make_page(code="A03", name="公告")
    created = write(page, recognition)
    review = page_review(PageRecognition.objects.get(page=page).data)
    assert {line.index for line in review.low_lines} == set(doubtful)
    named = set()
    for item in created:
        marked = {
            line.index + 1 for line in review.lines_of(item._meta.label_lower, item.pk) if line.low
        }
        in_note = {int(number) for number in re.findall(r"第(\d+)行“", item.review_note)}
        assert marked == in_note, (item, item.review_note)
        named |= in_note
    assert named == {index + 1 for index in doubtful}


def test_review_note_says_what_the_reading_repaired_and_could_not():
    page = make_page(code="A03", name="公告")
    write(page)
    notice = Notice.objects.get(page=page, items__holder="毕丽静")
    first = notice.review_note.splitlines()[0]
    assert first == "由扫描图识别(平均置信度 97%),请对照版面图核对全文。"
    assert notice.text == LOST[0]


def test_search_finds_the_words_of_a_published_recognised_article():
    page = make_page()
    write(page)
    article = Article.objects.get(page=page)
    article.needs_review = False
    article.save()
    article.publish()
    assert list(Article.objects.published().search("东山宾馆")) == [article]


def test_blocks_are_kept_with_the_item_each_was_written_to():
    page = make_page(code="A03", name="公告")
    recognition = scanned_page()
    created = write(page, recognition)
    stored = PageRecognition.objects.get(page=page)
    blocks = stored.data["blocks"]
    assert stored.data["lines"][0]["text"] == HEADLINE
    article = next(item for item in created if isinstance(item, Article))
    assert blocks[0] == {
        "kind": "headline",
        "box": list(recognition.lines[0].box),
        "lines": [0],
        "article": 0,
        "item": {"model": "articles.article", "pk": article.pk},
    }
    notices = {item.pk for item in created if isinstance(item, Notice)}
    notice_blocks = [block for block in blocks if block["kind"] == "notice"]
    assert {block["item"]["pk"] for block in notice_blocks if block["item"]} == notices
    assert all(block["kind"] in {"headline", "body", "byline", "notice"} for block in blocks)


def test_a_reading_without_a_headline_is_flagged():
    lines = column([FIRST, SECOND], 40, 100)[0]
    page = make_page()
    write(page, recognise(lines))
    article = Article.objects.get(page=page)
    assert article.headline.startswith("(无标题)10月18日")
    assert "没有找到这篇文章的标题" in article.review_note


def test_the_sample_notices_page_reads_as_its_import_does():
    """The sample's A03 (结婚启事, the rate card, two declarations) in one column."""
    wedding = (
        "【农历 十月初二】 2024年11月2日 新娘 百音一兰 新郎 张雨 于公历2024年11月2日正式"
        "结为夫妇。愿修百年之好,共赴白头之约。特此登报,敬告亲友,亦作留念。"
    )
    card = (
        "公告栏 6631203 6631205 房产证、土地证、营运证、营业执照(800元) 身份证、工作证、户口本"
        "(个)150元 残疾证、学生证、失业证(个)20元"
    )
    declarations = [
        "毕丽静遗失烟台中升丰田汽车销售服务有限公司开具的置换保证金收款收据,开具日期:2024年"
        "8月30日,票号:0001715,金额:10000元,声明作废。",
        "迟汝海的鲁烟渔养67419国籍证书丢失,编号:(鲁烟)船登(籍)(2024)YZ-000135号;"
        "曲和林的鲁烟渔70235登记证丢失,编号:YD02BA130262.18。以上证件声明作废。",
    ]
    lines = [line("结婚启事", 120, 40, size=36)]
    body, top = column([wedding], 40, 100, width=16)
    lines += body
    lines += column([card, *declarations], 40, top + 10, width=16)[0]
    issue = make_issue()
    page = make_page(issue, code="A03", name="公告")
    write(page, recognise(lines, width=600, height=1400))
    notices = list(Notice.objects.filter(page=page).order_by("order"))
    assert [notice.kind for notice in notices] == ["wedding", "lost", "lost"]
    assert notices[0].wedding.groom == "张雨" and notices[0].wedding.bride == "百音一兰"
    assert [item.holder for item in notices[2].items.all()] == ["迟汝海", "曲和林"]
    assert notices[2].items.all()[0].number == "(鲁烟)船登(籍)(2024)YZ-000135号"
    assert not Article.objects.filter(page=page).exists()


def test_the_engine_reading_of_a_broadsheet_becomes_its_articles_and_notices():
    data = json.loads((RECOGNITIONS / "broadsheet-rapidocr.json").read_text())
    page = make_page(code="A04", name="综合")
    created = write(page, Recognition.from_json(data))
    articles = [item for item in created if isinstance(item, Article)]
    assert [article.headline for article in articles] == [
        "烟台市整形美容协会成立大会成功召开",
        "中央生态环保督察全部进驻",
    ]
    assert articles[0].byline == "孙文琦"
    assert "图片说明(未放入正文):协会成立大会现场。" in articles[0].review_note
    assert articles[1].kicker == "喜迎第三轮督察" and articles[1].source == "据新华社电"
    items = LostItem.objects.filter(notice__page=page).order_by("notice__order", "order")
    assert [(item.holder, item.document_type.name) for item in items] == [
        ("毕丽静", "收据"),
        ("曲和林", "登记证"),
        ("王晓明", "身份证"),
    ]
    wedding = Notice.objects.get(page=page, kind=Notice.Kind.WEDDING)
    assert (wedding.wedding.groom, wedding.wedding.bride) == ("张雨", "百音一兰")


def test_an_item_corrected_beyond_recognition_is_still_known_by_its_place():
    page = make_page(code="A03", name="公告")
    (article,) = [item for item in write(page) if isinstance(item, Article)]
    article.headline = "编辑改过的标题"
    article.needs_review = False
    article.save()
    second = write(page)
    assert not [item for item in second if isinstance(item, Article)]
    assert list(Article.objects.filter(page=page)) == [article]
    blocks = PageRecognition.objects.get(page=page).data["blocks"]
    assert blocks[0]["item"] == {"model": "articles.article", "pk": article.pk}


def test_a_reading_without_a_picture_size_is_refused_and_nothing_changes():
    page = make_page()
    article = make_article(page)
    recognition = scanned_page()
    recognition.width = 0
    with pytest.raises(ExportError, match="没有图片的宽和高"):
        write_recognised_page(page, recognition)
    assert list(Article.objects.filter(page=page)) == [article]
    assert not PageRecognition.objects.filter(page=page).exists()
