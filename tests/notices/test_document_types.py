"""Document types: the names documents are printed under (aliases), how a printed name finds its
type and so its fee, and the numbers checked as resident IDs inside other documents."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from stdnum.cn import ric

from notices.models import DocumentAlias, DocumentType, LostItem, Notice, NumberFormat
from paper.text import mask_resident_ids
from tests.factories import make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db


def resident_id(first_17):
    """A valid resident ID: ``first_17`` and the check character stdnum computes."""
    return first_17 + ric.calc_check_digit(first_17 + "0")


ID_NUMBER = resident_id("37060219900101123")


@pytest.fixture
def resolver():
    return DocumentType.objects.resolver()


def resolved(resolver, printed):
    document_type, printed_name = resolver.resolve(printed)
    return (document_type.name if document_type else None), printed_name


# --- Resolution ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "printed, expected",
    [
        # The type's own name: no printed name to keep.
        ("身份证", ("身份证", "")),
        ("营业执照", ("营业执照", "")),
        ("其他证件", ("其他证件", "")),
        # An alias.
        ("居民身份证", ("身份证", "居民身份证")),
        ("不动产权证书", ("房产证", "不动产权证书")),
        ("户口簿", ("户口本", "户口簿")),
        ("财务专用章", ("财务章", "财务专用章")),
        ("合同专用章", ("印章", "合同专用章")),
        ("名章", ("印章", "名章")),
        ("残疾人证", ("残疾证", "残疾人证")),
        ("出生医学证明", ("出生证明", "出生医学证明")),
        ("机动车驾驶证", ("驾驶证", "机动车驾驶证")),
        ("机动车行驶证", ("行驶证", "机动车行驶证")),
        # 登记证 ends it, but the alias says what it is.
        ("就业失业登记证", ("失业证", "就业失业登记证")),
        # Which copy: taken off, then a name or an alias; the printed name is kept.
        ("营业执照副本", ("营业执照", "营业执照副本")),
        ("营业执照正本", ("营业执照", "营业执照正本")),
        ("营业执照(副本)", ("营业执照", "营业执照(副本)")),
        ("营业执照（正本）", ("营业执照", "营业执照（正本）")),
        ("营业执照(正本）", ("营业执照", "营业执照(正本）")),
        ("不动产权证书副本", ("房产证", "不动产权证书副本")),
        # The longest name or alias it ends with.
        ("收款收据", ("收据", "收款收据")),
        ("置换保证金收款收据", ("收据", "置换保证金收款收据")),
        ("增值税专用发票", ("发票", "增值税专用发票")),
        ("购物发票", ("发票", "购物发票")),
        ("烟台大学学生证", ("学生证", "烟台大学学生证")),
        ("公司开户许可证", ("开户许可证", "公司开户许可证")),
        ("渔业船舶登记证", ("登记证", "渔业船舶登记证")),
        ("烟台市就业失业登记证", ("失业证", "烟台市就业失业登记证")),
        # The longest name or alias it contains.
        ("营业执照复印件", ("营业执照", "营业执照复印件")),
        ("身份证复印件", ("身份证", "身份证复印件")),
        # A seal the card does not name is one of 各类印章.
        ("法定代表人刘强名章", ("印章", "法定代表人刘强名章")),
        ("法定代表人章", ("印章", "法定代表人章")),
        ("报关专用章", ("印章", "报关专用章")),
        # Anything else is one of 其他证件 (and not a 开户许可证 for its 许可证).
        ("食品经营许可证", ("其他证件", "食品经营许可证")),
        ("会员卡", ("其他证件", "会员卡")),
    ],
)
def test_printed_names_resolve_in_order(resolver, printed, expected):
    assert resolved(resolver, printed) == expected


def test_the_resolver_is_two_queries_and_resolving_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(2):
        resolver = DocumentType.objects.resolver()
    with django_assert_num_queries(0):
        for printed in ["居民身份证", "收款收据", "法定代表人刘强名章", "会员卡"]:
            document_type, _ = resolver.resolve(printed)
            assert document_type.category.price


def test_an_alias_an_editor_adds_is_used_and_a_longer_one_wins(resolver):
    assert resolved(resolver, "残疾军人证") == ("其他证件", "残疾军人证")
    DocumentAlias.objects.create(
        document_type=DocumentType.objects.get(name="残疾证"), name="军人证"
    )
    DocumentAlias.objects.create(
        document_type=DocumentType.objects.get(name="其他证件"), name="残疾军人证"
    )
    resolver = DocumentType.objects.resolver()
    assert resolved(resolver, "残疾军人证") == ("其他证件", "残疾军人证")
    assert resolved(resolver, "伤残军人证") == ("残疾证", "伤残军人证")


def test_without_a_type_for_seals_or_others_nothing_is_guessed():
    resolver = DocumentType.objects.filter(name__in=["身份证", "收据"]).resolver()
    assert resolved(resolver, "合同专用章") == (None, "合同专用章")
    assert resolved(resolver, "收款收据") == ("收据", "收款收据")


# --- Aliases in the database and the admin ---------------------------------------------------


def test_seed_aliases_and_new_types_are_loaded():
    aliases = dict(DocumentAlias.objects.values_list("name", "document_type__name"))
    assert aliases["居民身份证"] == "身份证"
    assert aliases["就业失业登记证"] == "失业证"
    assert aliases["税务专用章"] == "印章"
    assert len(aliases) == 51
    other = DocumentType.objects.get(name="其他证件").category
    new = {t.name: t for t in DocumentType.objects.filter(category=other)}
    assert (new["驾驶证"].number_format, new["驾驶证"].number_label) == ("resident_id", "证号")
    assert (new["行驶证"].number_label, new["开户许可证"].number_label) == ("编号", "核准号")
    assert (new["号牌"].number_label, new["号牌"].measure_word) == ("号牌号码", "副")
    assert DocumentType.objects.get(name="残疾证").number_format == "disability_card"
    assert other.price == 400


def test_an_alias_is_unique_and_no_type_name():
    identity = DocumentType.objects.get(name="身份证")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentAlias.objects.create(document_type=identity, name="居民身份证")
    for name in ["居民身份证", "收据", "身份证"]:
        with pytest.raises(ValidationError) as error:
            DocumentAlias(document_type=identity, name=name).full_clean()
        assert error.value.message_dict["name"]
    with pytest.raises(ValidationError) as error:
        DocumentAlias(document_type=identity, name="收据").full_clean()
    assert "“收据”已是一种证件类型的名称,不能再作别名。" in error.value.message_dict["name"]
    DocumentAlias(document_type=identity, name="临时身份证").full_clean()


def test_a_type_name_may_not_be_an_alias():
    card = DocumentType(
        name="居民身份证", category=DocumentType.objects.get(name="身份证").category
    )
    with pytest.raises(ValidationError) as error:
        card.full_clean()
    assert error.value.message_dict["name"] == [
        "“居民身份证”已是证件类型“身份证”的别名,不能再作名称。"
    ]
    card.name = "临时身份证"
    card.full_clean()


def test_admin_finds_a_type_by_its_alias_and_shows_them(admin_client):
    identity = DocumentType.objects.get(name="身份证")
    response = admin_client.get("/admin/notices/documenttype/", {"q": "居民身份证"})
    assert [t.pk for t in response.context["cl"].result_list] == [identity.pk]
    assert "居民身份证、第二代居民身份证" in response.content.decode()
    # The notices' document type field (an autocomplete) finds it by the alias too.
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "户口簿",
            "app_label": "notices",
            "model_name": "lostitem",
            "field_name": "document_type",
        },
    )
    assert [result["text"] for result in response.json()["results"]] == ["户口本"]


def alias_form(document_type, aliases, **fields):
    data = {
        "name": document_type.name,
        "category": document_type.category_id,
        "number_format": document_type.number_format,
        "number_label": document_type.number_label,
        "measure_word": document_type.measure_word,
        "aliases-TOTAL_FORMS": len(aliases),
        "aliases-INITIAL_FORMS": 0,
        "aliases-MIN_NUM_FORMS": 0,
        "aliases-MAX_NUM_FORMS": 1000,
    }
    for n, alias in enumerate(aliases):
        data[f"aliases-{n}-name"] = alias
    data.update(fields)
    return data


def test_admin_adds_aliases_inline_and_refuses_a_type_name(admin_client):
    identity = DocumentType.objects.get(name="身份证")
    url = f"/admin/notices/documenttype/{identity.pk}/change/"
    response = admin_client.post(url, alias_form(identity, ["临时身份证"]))
    assert response.status_code == 302
    assert identity.aliases.filter(name="临时身份证").exists()

    # A type's name, or another type's alias, is refused and nothing is saved.
    response = admin_client.post(url, alias_form(identity, ["户口本"]))
    assert "“户口本”已是一种证件类型的名称,不能再作别名。" in response.content.decode()
    response = admin_client.post(url, alias_form(identity, ["户口簿"]))
    assert response.status_code == 200
    assert "已存在" in response.content.decode()
    assert DocumentAlias.objects.get(name="户口簿").document_type.name == "户口本"
    # Renamed in the same form: the new name cannot be one of its aliases either.
    response = admin_client.post(url, alias_form(identity, ["证件甲"], name="证件甲"))
    assert response.status_code == 200
    assert DocumentType.objects.get(pk=identity.pk).name == "身份证"


def test_editors_see_the_aliases_and_admins_edit_them(editor):
    identity = DocumentType.objects.get(name="身份证")
    url = f"/admin/notices/documenttype/{identity.pk}/change/"
    html = editor.get(url).content.decode()
    assert "居民身份证" in html
    response = editor.post(url, alias_form(identity, ["临时身份证"]))
    assert response.status_code == 403
    assert not identity.aliases.filter(name="临时身份证").exists()


# --- Fees per item, through the aliases ------------------------------------------------------


def notice_as_imported(*printed_items):
    """A notice whose items are typed from their printed names as the import types them."""
    resolver = DocumentType.objects.resolver()
    items = []
    for printed, quantity in printed_items:
        document_type, document_name = resolver.resolve(printed)
        items.append(
            {
                "holder": "烟台某某有限公司",
                "document_type": document_type,
                "document_name": document_name,
                "quantity": quantity,
            }
        )
    return make_notice(items=items)


@pytest.mark.parametrize(
    "items, fee",
    [
        ([("残疾人证", 1)], 20),
        ([("出生医学证明", 1)], 150),
        ([("公章", 1), ("财务专用章", 1)], 800),
        ([("合同专用章", 2)], 800),
        ([("名章", 3)], 1200),
        ([("营业执照正本", 1), ("营业执照副本", 1)], 1600),
        ([("机动车驾驶证", 1), ("机动车行驶证", 1)], 800),
        ([("就业失业登记证", 1)], 20),
    ],
)
def test_fee_is_each_items_price_times_its_quantity(items, fee):
    notice = notice_as_imported(*items)
    assert notice.fee == notice.compute_fee() == fee


def test_a_seal_under_its_printed_name_reads_as_printed():
    notice = notice_as_imported(("合同专用章", 2))
    assert notice.text == "烟台某某有限公司合同专用章二枚遗失,声明作废。"


# --- Numbers checked as resident IDs inside other documents ----------------------------------


def test_a_driving_licence_number_is_the_holders_resident_id():
    licence = DocumentType.objects.get(name="驾驶证")
    assert licence.check_number(ID_NUMBER.lower()) == ID_NUMBER
    wrong = ID_NUMBER[:17] + ("1" if ID_NUMBER[17] == "0" else "0")
    with pytest.raises(ValidationError, match="校验位不正确"):
        licence.check_number(wrong)


def test_a_disability_card_number_is_checked_and_masked(client):
    card = DocumentType.objects.get(name="残疾证")
    assert card.number_format == NumberFormat.DISABILITY_CARD
    number = ID_NUMBER + "42"
    assert card.check_number(f"{ID_NUMBER[:6]} {ID_NUMBER[6:]} 42") == number
    with pytest.raises(ValidationError, match="残疾类别"):
        card.check_number(ID_NUMBER + "82")
    # On public pages the ID part is masked, the category and grade stay.
    masked = f"{ID_NUMBER[:6]}********{ID_NUMBER[14:]}42"
    assert mask_resident_ids(f"残疾人证号:{number}") == f"残疾人证号:{masked}"
    x_id = resident_id("11010519491231002")
    assert x_id.endswith("X")
    assert mask_resident_ids(x_id + "13") == "110105********002X13"
    notice = make_notice(
        make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A03"),
        items=[
            {
                "holder": "张三",
                "document_type": "残疾证",
                "document_name": "残疾人证",
                "number": number,
            }
        ],
    )
    assert notice.text == f"张三遗失残疾人证,编号:{number},声明作废。"
    html = client.get(notice.get_absolute_url()).content.decode()
    assert number not in html and ID_NUMBER not in html
    assert masked in html
    # The whole number and the ID inside it find it; the key holds it masked.
    assert Notice.objects.with_number(number).get() == notice
    assert Notice.objects.with_number(ID_NUMBER).get() == notice
    assert ID_NUMBER[6:14] not in LostItem.objects.get().number_key


# --- The data migration, back and forth -------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_migration_goes_back_to_the_seed_card_and_forward_again():
    make_notice(
        items=[
            {"holder": "张三", "document_type": "驾驶证", "number": ID_NUMBER},
            {"holder": "张三", "document_type": "号牌", "document_name": "小型汽车号牌"},
        ]
    )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("notices", "0010_document_aliases")])
        old = (
            MigrationExecutor(connection)
            .loader.project_state(("notices", "0010_document_aliases"))
            .apps
        )
        OldType = old.get_model("notices", "DocumentType")
        assert not old.get_model("notices", "DocumentAlias").objects.exists()
        assert not OldType.objects.filter(name__in=["驾驶证", "行驶证", "开户许可证", "号牌"])
        assert OldType.objects.get(name="残疾证").number_format == "free"
        items = old.get_model("notices", "LostItem").objects.order_by("order")
        assert [(i.document_type.name, i.document_name) for i in items] == [
            ("其他证件", "驾驶证"),
            ("其他证件", "小型汽车号牌"),
        ]
        group = old.get_model("auth", "Group").objects.get(name="编辑")
        assert not group.permissions.filter(codename="view_documentalias").exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert DocumentAlias.objects.count() == 51
    assert DocumentType.objects.get(name="驾驶证").number_format == "resident_id"
    assert Group.objects.get(name="编辑").permissions.filter(codename="view_documentalias")
