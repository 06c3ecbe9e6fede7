"""The notice corpus (tests/notices/corpus): every case imported and right in every field.

Each case is a fragment of a page export and the notices and articles the import must make of
it; a failing case lists its mismatches, one line each. ``make bench-notices`` prints the same
comparison as figures for the whole corpus.
"""

import datetime
from decimal import Decimal

import pytest

from tests.notices.corpus import (
    KINDS,
    Case,
    CorpusError,
    ExpectedArticle,
    ExpectedItem,
    ExpectedNotice,
    Produced,
    ProducedArticle,
    ProducedItem,
    ProducedNotice,
    load_cases,
    run_case,
    score,
)

CASES = load_cases()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case):
    result = score(case, run_case(case))
    if not result.perfect:
        pytest.fail("\n".join([f"{case.source}: {case.about}", *result.mismatches]), pytrace=False)


# --- The corpus itself -------------------------------------------------------------------------


def test_the_corpus_is_large_enough_and_covers_every_kind():
    notices = [notice for case in CASES for notice in case.notices]
    kinds = {kind: sum(notice.kind == kind for notice in notices) for kind in KINDS}
    assert len(notices) >= 160
    assert kinds["other"] >= 20 and kinds["wedding"] >= 1
    assert sum(notice.flagged for notice in notices) >= 5


def write(folder, text, name="broken.toml"):
    (folder / name).write_text(text, encoding="utf-8")
    return folder


GOOD_CASE = """
[[case]]
id = "good"
export = \"\"\"
## 遗失声明
孔德华遗失工作证,编号:0087,声明作废。
\"\"\"

[[case.notices]]
text = "孔德华遗失工作证,编号:0087,声明作废。"
fee = 150

[[case.notices.items]]
holder = "孔德华"
type = "工作证"
document = "工作证"
number = "0087"
"""


def test_a_well_formed_file_loads(tmp_path):
    (case,) = load_cases(write(tmp_path, GOOD_CASE))
    assert case.id == "good" and case.date == datetime.date(2024, 10, 22)
    (notice,) = case.notices
    assert notice.fee == 150 and notice.items[0].number == "0087"


TEXT = 'text = "孔德华遗失工作证,编号:0087,声明作废。"'
MALFORMED = {
    "unknown key": ('number = "0087"', 'number = "0087"\nserial = "1"', r"'good'.*'serial'"),
    "missing text": (TEXT, "", r"broken\.toml: case 'good' notice 1: missing text"),
    "fee not the card's": ("fee = 150", "fee = 400", r"fee is 400, the rate card says 150"),
    "fee not a number": ("fee = 150", 'fee = "150"', r"fee must be int"),
    "type not on the card": ('type = "工作证"', 'type = "工作照"', r"'工作照' is not on the"),
    "text not printed": (TEXT, TEXT.replace("0087", "0088"), r"the text is not in the export"),
    "id not kebab-case": ('id = "good"', 'id = "Good Case"', r"kebab-case"),
    "no headline first": ("## 遗失声明\n", "", r"must start with a headline or a page marker"),
}


@pytest.mark.parametrize(("old", "new", "message"), MALFORMED.values(), ids=MALFORMED)
def test_the_loader_rejects_a_malformed_case(tmp_path, old, new, message):
    text = GOOD_CASE.replace(old, new, 1)
    assert text != GOOD_CASE, f"the replacement of {old!r} did not apply"
    with pytest.raises(CorpusError, match=message):
        load_cases(write(tmp_path, text))


def test_the_loader_rejects_a_wrong_check_character_nobody_flagged(tmp_path):
    text = GOOD_CASE.replace("编号:0087", "编号:0087,身份证号码:370602198305192367")
    with pytest.raises(CorpusError, match=r"resident ID 370602198305192367: check character"):
        load_cases(write(tmp_path, text))


def test_the_loader_rejects_an_id_used_twice(tmp_path):
    write(tmp_path, GOOD_CASE, "a.toml")
    write(tmp_path, GOOD_CASE, "b.toml")
    used = r"b\.toml: case 'good': the id is already used in a\.toml"
    with pytest.raises(CorpusError, match=used):
        load_cases(tmp_path)


# --- Running and scoring -----------------------------------------------------------------------


def case_of(*notices, articles=()):
    return Case(
        id="made",
        about="",
        date=datetime.date(2024, 10, 22),
        export="## 遗失声明\n",
        notices=notices,
        articles=articles,
        source="test",
    )


ID_CARD = ExpectedNotice(
    text="孔德华遗失工作证,编号:0087,声明作废。",
    fee=150,
    items=(ExpectedItem(holder="孔德华", type="工作证", document="工作证", number="0087"),),
)
RECEIPT = ExpectedNotice(
    text="于凤英遗失收据,金额:300元,声明作废。",
    fee=400,
    items=(ExpectedItem(holder="于凤英", type="收据", document="收据", amount=Decimal("300")),),
)


def produced_from(notice, **changes):
    items = [
        ProducedItem(
            holder=item.holder,
            type=item.type,
            document=item.document,
            number=item.number,
            amount=item.amount,
        )
        for item in notice.items
    ]
    made = ProducedNotice(kind=notice.kind, text=notice.text, fee=notice.fee, items=items)
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def test_what_matches_the_case_scores_perfect():
    case = case_of(ID_CARD, RECEIPT)
    result = score(case, Produced(notices=[produced_from(ID_CARD), produced_from(RECEIPT)]))
    assert result.perfect and not result.mismatches
    assert result.fields["holder"]["right"] == 2 and result.fields["amount"]["right"] == 1
    # An issuer nobody printed and nobody produced is not counted.
    assert sum(result.fields["issuer"].values()) == 0


def test_line_breaks_do_not_matter_but_every_field_does():
    broken = produced_from(ID_CARD, text="孔德华遗失工作证,编号:00\n87,声明作废。", fee=None)
    broken.items[0].number = "0088"
    result = score(case_of(ID_CARD), Produced(notices=[broken]))
    assert result.fields["text"]["right"] == 1
    assert result.fields["fee"]["missing"] == 1 and result.fields["number"]["wrong"] == 1
    assert result.mismatches == [
        "made notice 1: fee: expected 150, got None",
        "made notice 1 item 1: number: expected '0087', got '0088'",
    ]


def test_merged_lost_in_article_and_extra_are_told_apart():
    merged = ProducedNotice(kind="lost", text=ID_CARD.text + RECEIPT.text)
    article = ProducedArticle(headline="新闻", body="正文。" + RECEIPT.text)
    result = score(
        case_of(ID_CARD, RECEIPT, articles=(ExpectedArticle(headline="新闻"),)),
        Produced(notices=[merged], articles=[article]),
    )
    assert (result.merged, result.lost, result.in_article, result.extra) == (2, 0, 1, 1)
    assert result.fields["holder"]["missing"] == 2 and not result.perfect

    result = score(case_of(ID_CARD, RECEIPT), Produced(articles=[article]))
    assert (result.merged, result.lost, result.in_article, result.extra_articles) == (0, 2, 1, 1)
    assert any("in the body of article '新闻'" in line for line in result.mismatches)


def test_flagged_needs_the_reason_in_the_review_note():
    expected = ExpectedNotice(text="滕海波遗失,声明作废。", flagged=True, reason="未能识别")
    made = ProducedNotice(kind="lost", text=expected.text, needs_review=True, review_note="其他")
    result = score(case_of(expected), Produced(notices=[made]))
    assert result.fields["flagged"]["wrong"] == 1
    made.review_note = "需要核对:\n未能识别“滕海波遗失”"
    assert score(case_of(expected), Produced(notices=[made])).perfect


def test_articles_keep_their_byline_and_end_where_they_end():
    expected = ExpectedArticle(headline="新闻", byline="孙文琦", last_words="胜利闭幕。")
    made = ProducedArticle(headline="新闻", byline="", body="会议胜利闭幕。\n\n(孙文琦)")
    result = score(case_of(articles=(expected,)), Produced(articles=[made]))
    assert result.fields["byline"]["missing"] == 1 and result.fields["body end"]["wrong"] == 1


@pytest.mark.django_db
def test_a_run_leaves_nothing_behind():
    from paper.models import Issue

    case = next(case for case in CASES if case.id == "id-card-plain")
    produced = run_case(case)
    assert produced.notices and not produced.error
    assert not Issue.objects.exists()


@pytest.mark.django_db
def test_an_export_the_import_refuses_is_scored_as_nothing_made():
    refused = case_of(ID_CARD)
    refused = Case(**{**refused.__dict__, "export": "孔德华遗失工作证,声明作废。"})
    result = score(refused, run_case(refused))
    assert result.errors == 1 and result.lost == 1
    assert result.mismatches[0].startswith("made import: refused: 第1行:正文出现在第一个标题之前")
