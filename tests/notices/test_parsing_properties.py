"""Properties of the notices reader: however the export breaks or joins a bulletin's lines,
every notice comes out once and whole."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from paper.importing import parse_export

BULLETIN = [
    "王建军遗失鲁F·A2K36号小型汽车号牌一副,号牌号码:鲁FA2K36,特此声明作废。",
    "烟台某某商贸有限公司遗失收据两张,票号:0012345、0012346,金额分别为:300元、500元,声明作废。",
    "烟台某某有限公司公章、财务专用章各一枚遗失,声明作废。",
    "烟台某某有限公司遗失增值税专用发票一张,发票代码:037001900111,发票号码:04521873,声明作废。",
    "烟台某某有限公司遗失开户许可证,核准号:J4560001234501,开户银行:中国工商银行烟台分行,作废。",
    "张三遗失机动车驾驶证,证号:370602199001011239,档案编号:370600123456,声明作废。",
    "李四遗失房屋所有权证,证号:烟房权证芝字第123456号,声明作废。",
    "王五遗失收据一张,NO.0012345,金额:¥3,500.00元,特此声明。",
    "张伟、李娜夫妇之子张浩然的出生医学证明遗失,编号:P370123456,声明作废。",
    "烟台某某有限公司法定代表人刘强名章一枚遗失,声明作废。",
    "迟汝海的鲁烟渔养67419国籍证书丢失,编号:(鲁烟)船登(籍)(2024)YZ-000135号;"
    "曲和林的鲁烟渔70235登记证丢失,编号:YD02BA130262.18。以上证件声明作废。",
    "孙七遗失烟台市芝罘区市场监督管理局2020年5月10日核发的营业执照副本,特此声明作废。",
    "兹有烟台某某建筑工程有限公司法定代表人张强,因保管不善,将公司开户许可证丢失,特此声明作废。",
]
PUNCTUATION = set(",,。;;::、()()·")


def compact(text):
    return re.sub(r"\s+", "", text)


def breakable(text):
    """Where the export may break a line: between two characters that are not punctuation."""
    return [
        index
        for index in range(1, len(text))
        if text[index - 1] not in PUNCTUATION and text[index] not in PUNCTUATION
    ]


@st.composite
def printed(draw):
    """The bulletin as an export may print it: notices joined on lines, lines broken."""
    lines = []
    for notice in BULLETIN:
        cuts = sorted(draw(st.sets(st.sampled_from(breakable(notice)), max_size=2)))
        pieces = [notice[a:b] for a, b in zip([0, *cuts], [*cuts, len(notice)], strict=True)]
        if lines and draw(st.booleans()):
            lines[-1] += draw(st.sampled_from(["", " "])) + pieces[0]
            lines += pieces[1:]
        else:
            lines += pieces
    return lines


@settings(max_examples=150, deadline=None)
@given(printed(), st.booleans())
def test_line_breaks_and_joins_never_lose_or_merge_a_notice(lines, rate_card_first):
    card = "公告栏 6631203 房产证、营业执照(800元) 身份证(个)150元 声明 " if rate_card_first else ""
    export = parse_export("## 遗失声明\n\n" + card + "\n\n".join(lines))
    assert [compact(notice.text) for notice in export.notices] == list(map(compact, BULLETIN))
    assert all(notice.problems == [] for notice in export.notices), [
        notice.problems for notice in export.notices
    ]


@settings(max_examples=60, deadline=None)
@given(printed())
def test_a_bulletin_after_an_article_leaves_the_article_alone(lines):
    article = "# 大会闭幕\n\n在热烈的掌声中,大会胜利闭幕。\n\n(孙文琦)\n\n"
    export = parse_export(article + "\n\n".join(lines))
    [parsed] = export.articles
    assert (parsed.byline, parsed.body_text()) == ("孙文琦", "在热烈的掌声中,大会胜利闭幕。")
    assert [compact(notice.text) for notice in export.notices] == list(map(compact, BULLETIN))
