"""Reading page exports: the seed and exports written in its style, without the database."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from notices.parsing import (
    Unreadable,
    parse_clause,
    parse_declaration,
    parse_wedding,
    split_rate_card,
)
from paper.importing import ExportError, parse_export, read_export
from paper.importing.parsing import Heading, ends_sentence

SAMPLE = Path(settings.BASE_DIR) / "sample" / "page-export-2024-10-22.txt"
EXPORTS = Path(__file__).parent / "exports"
SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "page-export.txt"


def fullwidth(text):
    """``text`` with the full-width punctuation of the exports written for these tests."""
    return text.translate(str.maketrans(",:;()", "\uff0c\uff1a\uff1b\uff08\uff09"))


def parse(name, **options):
    return parse_export(read_export(EXPORTS / name), **options)


@pytest.fixture(scope="module")
def seed():
    return parse_export(read_export(SAMPLE))


def article(export, headline_start):
    return next(a for a in export.articles if a.headline.startswith(headline_start))


def all_paragraphs_end_sentences(export):
    return all(ends_sentence(p.text) for a in export.articles for p in a.paragraphs)


# --- The seed ----------------------------------------------------------------------------------


def test_sample_is_the_seed_with_page_markers_on_blank_lines():
    if not SEED.exists():
        pytest.skip("../shared/seed is not beside the project")
    seed_lines = SEED.read_text(encoding="utf-8").split("\n")
    sample_lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    assert len(seed_lines) == len(sample_lines)
    changed = [
        n for n, (a, b) in enumerate(zip(seed_lines, sample_lines, strict=True), 1) if a != b
    ]
    assert changed == [1, 94, 105, 112]
    assert all(seed_lines[n - 1] == "" for n in changed)
    assert all(sample_lines[n - 1].startswith("=== ") for n in changed)


def test_seed_pages_come_from_the_markers(seed):
    assert [(p.code, p.name, p.line) for p in seed.pages] == [
        ("A01", "要闻", 1),
        ("A02", "要闻", 94),
        ("A03", "公告", 105),
        ("A04", "综合", 112),
    ]
    assert [(a.page, a.line) for a in seed.articles] == [("A01", 3), ("A02", 95), ("A04", 113)]
    assert {n.page for n in seed.notices} == {"A03"}


def test_seed_articles_split_at_headlines_with_numbered_sections_inside(seed):
    assert [a.headline for a in seed.articles] == [
        "中共中央 国务院关于深化产业工人队伍建设改革的意见",
        "第三轮第三批中央生态环保督察全部进驻",
        "烟台市整形美容协会成立大会成功召开",
    ]
    policy = article(seed, "中共中央")
    headings = [item.text for item in policy.body if isinstance(item, Heading)]
    assert len(headings) == 9
    assert headings[0] == "一、总体要求"
    assert headings[-1] == "九、加强组织领导,合力推进产业工人队伍建设改革"
    assert policy.body_text().startswith("(2024年10月12日)\n\n产业工人是工人阶级的主体力量")
    assert "\n\n## 一、总体要求\n\n" in policy.body_text()


def test_seed_sources_datelines_and_bylines_leave_the_body(seed):
    policy = article(seed, "中共中央")
    assert (policy.source, policy.dateline, policy.byline) == ("新华社", "新华社北京10月21日电", "")
    assert "新华社北京10月21日电" not in policy.body_text()
    wire = article(seed, "第三轮")
    assert (wire.source, wire.dateline, wire.byline) == ("据新华社电", "", "")
    assert wire.body_text().startswith("生态环境部10月21日发布消息")
    local = article(seed, "烟台市整形美容协会")
    assert (local.source, local.byline) == ("", "孙文琦")
    assert "孙文琦)" not in local.body_text()
    assert local.body_text().endswith("为烟台整形美容行业的高质量发展作出应有贡献。")


def test_seed_paragraphs_broken_by_the_export_are_joined(seed):
    policy = article(seed, "中共中央").body_text()
    local = article(seed, "烟台市整形美容协会").body_text()
    assert "加强与劳动人事争议调解仲裁联动" in policy
    assert "加强中高级工匠培养,充分发挥作用。" in policy
    assert "致以热烈的祝贺。他在致辞中说" in local
    assert "要引导全市整形美容机构" in local
    assert "首届领导班子将针对烟台市整形美容行业的发展趋势" in local
    assert all_paragraphs_end_sentences(seed)


def test_seed_duplicate_is_dropped_where_it_breaks_the_flow(seed):
    policy = article(seed, "中共中央").body_text()
    assert "鼓励大型企业制定技能人才发展战略" in policy
    assert policy.count("企业制定技能人才发展战略") == 1
    # Section 三 now follows the end of (三), as printed.
    assert "组织开展劳模工匠进校园、进社区、进机关宣传活动。\n\n## 三、" in policy


def test_seed_repairs_are_reported_with_their_lines(seed):
    assert [(r.action, r.lines) for r in seed.repairs] == [
        ("删除", (23,)),
        ("合并", (41, 43)),
        ("合并", (57, 59)),
        ("合并", (77, 79)),
        ("合并", (121, 125)),
        ("合并", (125, 127)),
        ("合并", (133, 135)),
    ]
    assert "第43行的同一段接续第41行的句子" in seed.repairs[0].detail
    assert str(seed.repairs[2]) == "第57行+第59行 合并:“…加强与劳动人事争”接“议调解仲裁联动,…”"
    assert not seed.problems
    assert not any(a.problems for a in seed.articles)
    assert not any(n.problems for n in seed.notices)


def test_seed_wedding_is_structured_and_its_lunar_date_checked(seed):
    wedding_notice = seed.notices[0]
    assert (wedding_notice.kind, wedding_notice.line) == ("wedding", 109)
    assert wedding_notice.text.startswith("【农历 十月初二】 2024年11月2日 新娘 百音一兰")
    wedding = wedding_notice.wedding
    assert (wedding.groom, wedding.bride) == ("张雨", "百音一兰")
    assert wedding.date == datetime.date(2024, 11, 2)
    assert (wedding.printed_lunar, wedding.computed_lunar) == ("十月初二", "农历十月初二")
    assert wedding.message == (
        "愿修百年之好,共赴白头之约。同心同德,宜室宜家。永结鸾俦,共盟鸳蝶。"
        "特此登报,敬告亲友,亦作留念。"
    )


def test_seed_rate_card_is_recognised_and_not_a_notice(seed):
    [(line, card)] = seed.rate_cards
    assert line == 111
    assert card.phones == ["6631203", "6631205"]
    assert card.prices == [800, 400, 150, 20]
    assert card.rows[0][0] == "房产证、土地证、营运证、营业执照"
    assert not any("公告栏" in n.text or "800元" in n.text for n in seed.notices)


def test_seed_lost_certificate_declarations_are_structured(seed):
    receipt, vessels = seed.notices[1:]
    assert receipt.text == (
        "毕丽静遗失烟台中升丰田汽车销售服务有限公司开具的置换保证金收款收据,"
        "开具日期:2024年8月30日,票号:0001715,金额:10000元,声明作废。"
    )
    [item] = receipt.items
    assert (item.holder, item.issuer, item.document) == (
        "毕丽静",
        "烟台中升丰田汽车销售服务有限公司",
        "置换保证金收款收据",
    )
    assert (item.issued_on, item.number, item.number_label, item.amount) == (
        datetime.date(2024, 8, 30),
        "0001715",
        "票号",
        Decimal("10000"),
    )
    assert vessels.text.endswith("编号:YD02BA130262.18。以上证件声明作废。")
    assert [(i.holder, i.vessel, i.document, i.number) for i in vessels.items] == [
        ("迟汝海", "鲁烟渔养67419", "国籍证书", "(鲁烟)船登(籍)(2024)YZ-000135号"),
        ("曲和林", "鲁烟渔70235", "登记证", "YD02BA130262.18"),
    ]


def test_seed_without_markers_puts_everything_on_the_given_page(seed):
    text = SAMPLE.read_text(encoding="utf-8")
    bare = "\n".join("" if line.startswith("===") else line for line in text.split("\n"))
    export = parse_export(bare, page="B03", page_name="综合")
    assert [(p.code, p.name) for p in export.pages] == [("B03", "综合")]
    assert {a.page for a in export.articles} | {n.page for n in export.notices} == {"B03"}
    assert [a.body_text() for a in export.articles] == [a.body_text() for a in seed.articles]
    assert [n.text for n in export.notices] == [n.text for n in seed.notices]
    assert export.repairs == seed.repairs


# --- Exports in the same style, other wordings and other damage --------------------------------


def test_local_news_sources_bylines_and_datelines_in_other_wordings():
    export = parse("local-news.txt")
    heating, wind, apples = export.articles
    assert (heating.source, heating.byline) == ("本报讯", "记者 王晓 通讯员 李明")
    assert heating.body_text().startswith(fullwidth("10月20日,市住房和城乡建设局召开"))
    assert (wind.source, wind.dateline, wind.byline) == (
        "新华社",
        "新华社烟台10月20日电",
        "记者 张海",
    )
    assert wind.body_text().startswith("记者从国家电投山东公司获悉")
    assert apples.byline == "李娜"
    assert "李娜" not in apples.body_text()


def test_numbered_item_after_a_source_is_not_a_byline():
    export = parse_export("# 标题\n\n据新华社电 (二十七)健全社会支持体系。\n")
    [wire] = export.articles
    assert (wire.source, wire.byline) == ("据新华社电", "")
    assert wire.body_text() == "(二十七)健全社会支持体系。"


def test_local_news_article_continues_across_a_page_marker():
    export = parse("local-news.txt")
    heating = export.articles[0]
    assert [(p.code, p.name) for p in export.pages] == [("A01", "要闻"), ("A02", "要闻")]
    assert heating.page == "A01"
    assert "确保居民按时用上暖气。" in heating.body_text()
    assert [a.page for a in export.articles[1:]] == ["A02", "A02"]


def test_local_news_duplicate_kept_where_it_completes_and_dropped_in_another_article():
    export = parse("local-news.txt")
    _, wind, apples = export.articles
    assert "创造了单日吊装3台风机的纪录" in wind.body_text()
    assert "单日吊装" not in apples.body_text()
    assert "全市已销售苹果120万吨。" in apples.body_text()
    assert [(r.action, r.lines) for r in export.repairs] == [
        ("合并", (7, 11)),
        ("合并", (21, 23)),
        ("删除", (29,)),
        ("合并", (31, 35)),
    ]
    assert all_paragraphs_end_sentences(export)
    assert not any(a.problems for a in export.articles)


def test_what_cannot_be_repaired_is_kept_and_reported():
    export = parse("unrepairable.txt")
    meeting, empty = export.articles
    assert "深入开展" in meeting.body_text()
    assert meeting.body_text().count("拉网式排查") == 1
    assert meeting.problems == [
        "第7行与第9行内容相同,无法判断哪一处错位,已删除第9行,请核对",
        "第3行:段落在句子中间结束(“…体责任\uff0c深入开展”),其后是小标题,未能接续",
        "第11行:段落在句子中间结束(“…成工作合力\uff0c确保”),文章到此结束,未能接续",
    ]
    assert empty.problems == ["第13行:标题下没有正文"]


@pytest.fixture(scope="module")
def notices():
    return parse("notices.txt").notices


def test_wedding_in_the_standard_wording_with_a_wrong_lunar_date_is_flagged(notices):
    wedding = notices[0]
    assert (wedding.wedding.groom, wedding.wedding.bride) == ("李想", "王芳")
    assert wedding.wedding.date == datetime.date(2024, 10, 21)
    assert wedding.problems == [
        "见报农历日期“农历九月二十”与公历2024年10月21日推算的“农历九月十九”不一致"
    ]


def test_wedding_with_colons_and_winter_month_named_by_number(notices):
    wedding = notices[1]
    assert (wedding.wedding.groom, wedding.wedding.bride) == ("于洋", "陈静")
    assert wedding.wedding.computed_lunar == "农历冬月初一"
    assert wedding.wedding.printed_lunar == "十一月初一"
    assert wedding.problems == []
    assert wedding.wedding.message == fullwidth("百年好合,永结同心。")


def test_each_standard_lost_wording_is_structured(notices):
    by_holder = {item.holder: item for n in notices for item in n.items}
    assert by_holder["张建国"].document == "身份证"
    assert by_holder["张建国"].number == "370602199001011239"
    assert by_holder["张建国"].number_label == "号码"
    seal = by_holder["烟台海港物流有限公司"]
    assert (seal.document, seal.quantity) == ("合同专用章", 2)
    licence = by_holder["烟台市福山区兴旺五金店"]
    assert (licence.document, licence.number_label, licence.number) == (
        "营业执照副本",
        "统一社会信用代码",
        "91350100M000100Y43",
    )
    invoice = by_holder["王丽"]
    assert (invoice.issuer, invoice.document, invoice.issued_on, invoice.amount) == (
        "烟台振华商厦有限公司",
        "购物发票",
        datetime.date(2024, 9, 15),
        Decimal("2380.50"),
    )
    assert (invoice.number_label, invoice.number) == ("发票号码", "04521873")
    car = by_holder["刘海涛"]
    assert (car.vessel, car.document, car.number) == ("鲁F7K936", "机动车行驶证", "370600123456")
    assert by_holder["孙梅"].document == "学生证"
    seals = [n for n in notices if n.items and n.items[0].holder == "烟台海港物流有限公司"]
    assert [(n.items[0].document, n.items[0].quantity) for n in seals] == [
        ("公章", 1),
        ("合同专用章", 2),
    ]


def test_declarations_closed_together_make_one_notice(notices):
    [grouped] = [n for n in notices if len(n.items) == 2]
    assert [i.holder for i in grouped.items] == ["刘海涛", "孙梅"]
    assert grouped.text.endswith("以上证件均声明作废。")
    assert grouped.problems == []


def test_declaration_broken_across_paragraphs_is_joined():
    export = parse("notices.txt")
    [receipt] = [n for n in export.notices if n.items and n.items[0].holder == "赵敏"]
    assert receipt.items[0].number == "0036512"
    assert receipt.items[0].amount == Decimal("3000")
    assert receipt.line == 25
    assert [(r.action, r.lines) for r in export.repairs] == [("合并", (25, 27))]


def test_declaration_in_the_zhi_you_wording_is_structured(notices):
    [notice] = [n for n in notices if n.text.startswith("兹有")]
    assert [(i.holder, i.document) for i in notice.items] == [
        ("烟台某某建筑工程有限公司", "开户许可证")
    ]
    assert notice.problems == []


def test_unknown_announcement_is_kept_as_text_and_flagged(notices):
    other = notices[-1]
    assert other.kind == "other"
    assert other.text == fullwidth(
        "烟台市某某小区业主委员会定于11月5日召开业主大会,请各位业主准时参加。"
    )
    assert other.problems == ["未能识别的公告,保留原文"]


def test_rate_card_with_other_prices_is_recognised():
    export = parse("notices.txt")
    [(line, card)] = export.rate_cards
    assert line == 13
    assert card.prices == [1000, 400, 150, 20]
    assert card.problems == []
    assert len(export.notices) == 12


# --- The pieces --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, complete",
    [
        ("会议胜利闭幕。", True),
        ("他说:“要加强监管。”", True),
        ("主要目标是:", True),
        ("(2024年10月12日)", True),
        ("图为会议现场(记者 张三 摄)", True),
        ("加强与劳动人事争", False),
        ("开设“劳模工匠大讲堂”", False),
        ("确保60", False),
        ("致以热烈的", False),
    ],
)
def test_ends_sentence(text, complete):
    assert ends_sentence(text) is complete


@pytest.mark.parametrize(
    "clause, fields",
    [
        (
            "张三遗失身份证,号码:370602199001011239",
            {"holder": "张三", "document": "身份证", "number": "370602199001011239"},
        ),
        ("烟台某某有限公司公章一枚遗失", {"holder": "烟台某某有限公司", "document": "公章"}),
        ("烟台某某有限公司财务章二枚遗失", {"document": "财务章", "quantity": 2}),
        ("于洋的鲁烟渔60012船舶登记证书丢失", {"holder": "于洋", "vessel": "鲁烟渔60012"}),
        ("李四不慎遗失学生证", {"holder": "李四", "document": "学生证"}),
        ("王五遗失烟台某银行出具的存单,金额:5000元", {"issuer": "烟台某银行", "amount": 5000}),
        ("赵六遗失收据,开具日期:2024-08-30", {"issued_on": datetime.date(2024, 8, 30)}),
        ("张三遗失收据,金额:一万元", {"amount": 10000}),
        ("张三遗失收据,金额:人民币叁万伍仟元整(¥35000.00)", {"amount": 35000}),
    ],
)
def test_clause_wordings(clause, fields):
    [item] = parse_clause(clause)
    assert {key: getattr(item, key) for key in fields} == fields


@pytest.mark.parametrize(
    "clause",
    [
        "张三遗失身份证,号码:1,号码:2",  # two numbers
        "张三遗失收据,开具日期:2024年2月30日",  # no such day
        "张三遗失收据,备注:无",
        "张三遗失收据,金额:人民币叁万伍仟元整(¥3500.00)",  # the figures say otherwise
        "某公司公章0枚遗失",
        "张三身份证",
    ],
)
def test_clauses_that_are_not_read(clause):
    with pytest.raises(Unreadable):
        parse_clause(clause)


def test_declaration_without_its_closing_words_is_a_problem_and_keeps_what_was_read():
    declaration = parse_declaration("张三遗失身份证,号码:370602199001011239")
    assert [(i.holder, i.document, i.number) for i in declaration.items] == [
        ("张三", "身份证", "370602199001011239")
    ]
    assert declaration.problems == ["没有以“声明作废”结尾,未能识别"]


def test_declarations_in_one_line_are_cut_at_their_closing_words_and_a_remainder_kept():
    export = parse_export("## 遗失声明\n\n声明 甲遗失乙证,声明作废。丙遗失丁证,声明作废。戊遗失")
    assert [n.text for n in export.notices] == [
        "甲遗失乙证,声明作废。",
        "丙遗失丁证,声明作废。",
        "戊遗失",
    ]
    assert export.notices[-1].problems[0] == "没有以“声明作废”结尾,未能识别"
    assert export.notices[-1].items == []


def test_rate_card_without_a_price_is_a_problem():
    card, rest = split_rate_card(
        "公告栏 6631203 身份证、工作证 残疾证(个)20元 声明 甲遗失乙,声明作废。"
    )
    assert card.rows == [("身份证、工作证残疾证(个)", 20)]
    assert rest == "甲遗失乙,声明作废。"
    assert split_rate_card("公告栏 6631203 房产证 声明 甲遗失乙,声明作废。")[0].problems == [
        "价目表中“房产证”没有价格",
        "价目表中没有找到价格",
    ]
    assert split_rate_card("甲遗失乙,声明作废。") == (None, "甲遗失乙,声明作废。")


@pytest.mark.parametrize(
    "text, problem",
    [
        ("【农历闰六月初八】新郎甲与新娘乙于公历2025年8月1日正式结为夫妇。", None),
        ("【农历六月初八】新郎甲与新娘乙于公历2025年8月1日正式结为夫妇。", "不一致"),
        ("【农历腊月廿一】新郎甲与新娘乙于公历2025年1月20日正式结为夫妇。", None),
        ("新郎甲与新娘乙于公历2025年1月20日正式结为夫妇。", None),
        ("新郎甲与新娘乙正式结为夫妇。", "未能识别结婚日期"),
        ("新郎 新娘乙于公历2025年1月20日结婚", "未能识别新郎姓名"),
        ("新郎甲与新娘乙于公历2025年2月30日结婚", "不存在"),
        ("新郎甲与新娘乙2025年1月20日登记,2025年2月1日举行婚礼", "不同的公历日期"),
    ],
)
def test_wedding_dates(text, problem):
    wedding, problems = parse_wedding(text)
    if problem is None:
        assert problems == []
        assert wedding.groom == "甲" and wedding.bride == "乙"
    else:
        assert any(problem in p for p in problems), problems


# --- Lines that cannot be read at all ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("# 标题\n\n正文。\n=== A1 要闻 ===\n", 4, "版号“A1”无效"),
        ("# 标题\n\n正文。\n=== 要闻 ===\n", 4, "版号“要闻”无效"),
        ("=== ===\n# 标题\n", 1, "缺少版号"),
        ("=== A01 要闻 ===\n# 标题\n=== A01 公告 ===\n", 3, "又名为“公告”"),
        ("# 标题\n\n#\n\n正文。", 3, "标题是空的"),
        ("# 标题\n\n### 小节\n", 3, "只认得 # 和 ## 两级标题"),
        ("\n\n报社简介。\n# 标题\n", 3, "正文出现在第一个标题之前"),
        ("# 标题\n\n正文\x00。\n", 3, "控制字符"),
        ("# " + "长" * 201 + "\n", 1, "标题超过200字"),
        ("# 标题\n\n" + "作废。" * 20_000 + "\n", 3, "超过50000字"),
        ("\n只有正文。\n", 2, "正文出现在第一个标题之前"),
        ("\n\n", None, "没有标题"),
    ],
)
def test_bad_lines_are_errors_naming_the_line(text, line, message):
    with pytest.raises(ExportError) as error:
        parse_export(text)
    assert error.value.line == line
    assert message in error.value.message


def test_page_named_twice_differently_is_an_error_also_against_the_page_option():
    with pytest.raises(ExportError) as error:
        parse_export("# 标题\n\n正文。\n=== A03 要闻 ===\n", page="A03", page_name="公告")
    assert error.value.line == 4
    assert error.value.message == "版面 A03 在 --page 选项中名为“公告”,这里又名为“要闻”"


def test_reading_a_missing_file_a_directory_and_other_encodings(tmp_path):
    with pytest.raises(ExportError, match="文件不存在"):
        read_export(tmp_path / "missing.txt")
    with pytest.raises(ExportError, match="目录"):
        read_export(tmp_path)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("# 标题\n\n".encode() + "正文。".encode("gbk"))
    with pytest.raises(ExportError) as error:
        read_export(gbk)
    assert error.value.line == 3
    assert "UTF-8" in error.value.message
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeff# 标题\r\n\r\n正文。\r\n".encode())
    export = parse_export(read_export(bom))
    assert [(a.headline, a.body_text()) for a in export.articles] == [("标题", "正文。")]
