"""The one rule for resident ID numbers: what counts as one, what the mask hides, the digests."""

import pytest

from paper.text import (
    find_resident_ids,
    mask_resident_ids,
    resident_id_digest,
    resident_id_digests,
    resident_id_lookup,
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("号码:370602199001011239,声明", "号码:370602********1239,声明"),
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002x"),
        # A wrong check digit is still somebody's ID.
        ("身份证号370602199001011238", "身份证号370602********1238"),
        ("370602 19900101 1239", "370602 ******** 1239"),
        ("370602-1990-0101-1239", "370602-****-****-1239"),
        ("3706 0219 9001 0112 39", "3706 02** **** **12 39"),
        ("３７０６０２１９９００１０１１２３９", "３７０６０２********１２３９"),
        # First generation: 15 digits, a two-digit year.
        ("370602900101123", "370602******123"),
        # A 残疾人证 number is the ID and two digits; a driving licence number is the ID.
        ("残疾人证号37060219900101123912", "残疾人证号370602********123912"),
        ("驾驶证证号:370602199001011239", "驾驶证证号:370602********1239"),
        ("A370602199001011239B", "A370602********1239B"),
        ("370602199001011239X", "370602********1239X"),
        ("残疾人证11010519491231002X12", "残疾人证110105********002X12"),
        (
            "电话 0535-6612345 370602199001011239 2024年",
            "电话 0535-6612345 370602********1239 2024年",
        ),
        (
            "甲370602199001011239、乙110105194912310021",
            "甲370602********1239、乙110105********0021",
        ),
    ],
)
def test_ids_in_every_form_are_masked(text, masked):
    assert mask_resident_ids(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "123456789012345678",  # 9012-34-56 is no birth date
        "370602199013011239",  # the 13th month
        "990602199001011239",  # no province 99
        "6222021234567890123",  # a 19-digit bank account
        "毕业证书编号:370602201099991234",  # 18 digits, but no birth date
        "370602991399123",  # 15 digits, but no birth date
    ],
)
def test_numbers_that_are_not_ids_are_left_alone(text):
    assert mask_resident_ids(text) == text
    assert find_resident_ids(text) == []


def test_a_birth_date_in_the_future_is_no_id():
    assert mask_resident_ids("370602209901011239") == "370602209901011239"


def test_an_exact_lookup_is_a_whole_id_however_written():
    assert resident_id_lookup(" 370602 19900101 1239 ") == "370602199001011239"
    assert resident_id_lookup("３７０６０２１９９００１０１１２３９") == "370602199001011239"
    assert resident_id_lookup("3706021990") is None
    assert resident_id_lookup("370602********1239") is None
    assert resident_id_lookup("王建国 370602199001011239") is None


def test_digests_are_keyed_and_cover_the_id_inside_a_longer_number(settings):
    number = "370602199001011239"
    assert resident_id_digests(f"残疾人证 {number}12") == {
        resident_id_digest(number + "12"),
        resident_id_digest(number),
    }
    assert number not in resident_id_digest(number)
    before = resident_id_digest(number)
    settings.RESIDENT_ID_KEY = "another key"
    assert resident_id_digest(number) != before


@pytest.fixture
def twins(db):
    """Two published notices and two articles whose IDs differ only in the hidden digits."""
    from tests.factories import make_article, make_notice, make_page

    page = make_page(code="A03", name="公告")
    made = []
    for born in ("19900101", "19911231"):
        number = f"370602{born}1239"
        notice = make_notice(
            page,
            items=[{"holder": f"王建国{number}", "number": number, "document_type": "身份证"}],
        )
        article = make_article(page, headline=f"通报 {number}", byline=f"记者 {number}")
        made.append((notice, article))
    return made


PROBES = ["3706021990", "19900101", "0602199", "370602 1990", "９０", "1990 0101", "19911231"]


@pytest.mark.parametrize("probe", PROBES)
def test_no_probe_tells_the_twins_apart(client, twins, probe):
    (first, first_article), (second, second_article) = twins
    for url, params, key in [
        ("/notices/", {"number": probe}, "notice_list"),
        ("/notices/", {"holder": probe}, "notice_list"),
        ("/notices/", {"q": f"王建国 {probe}"}, "notice_list"),
        ("/articles/", {"q": probe}, "article_list"),
        ("/articles/", {"author": probe}, "article_list"),
    ]:
        found = {item.pk for item in client.get(url, params).context[key]}
        pair = (
            {first.pk, second.pk}
            if key == "notice_list"
            else {
                first_article.pk,
                second_article.pk,
            }
        )
        assert found & pair in (set(), pair), (url, params)
    results = client.get("/search/", {"q": probe}).context.get("results", [])
    found = {(result["kind"], result["document"].pk) for result in results}
    assert len(found) in (0, 4), probe


def test_the_exact_number_finds_its_notice_and_only_it(client, twins):
    (first, first_article), (second, _) = twins
    for typed in (
        "370602199001011239",
        "370602 19900101 1239",
        "３７０６０２１９９００１０１１２３９",
    ):
        listed = client.get("/notices/", {"number": typed}).context["notice_list"]
        assert [n.pk for n in listed] == [first.pk]
        results = client.get("/search/", {"q": typed}).context["results"]
        found = {(result["kind"], result["document"].pk) for result in results}
        assert found == {("notices", first.pk), ("articles", first_article.pk)}
    # What the mask shows finds both.
    listed = client.get("/notices/", {"q": "370602********1239"}).context["notice_list"]
    assert {n.pk for n in listed} == {first.pk, second.pk}


def test_a_new_digest_key_needs_the_keys_rebuilt(client, twins, settings):
    from django.core.management import call_command

    (first, first_article), _ = twins
    settings.RESIDENT_ID_KEY = "a new key"
    number = {"number": "370602199001011239"}
    assert list(client.get("/notices/", number).context["notice_list"]) == []
    call_command("rebuild_number_keys", verbosity=0)
    call_command("rebuild_search_index", verbosity=0)
    assert [n.pk for n in client.get("/notices/", number).context["notice_list"]] == [first.pk]
    results = client.get("/search/", {"q": number["number"]}).context["results"]
    assert {(r["kind"], r["document"].pk) for r in results} == {
        ("notices", first.pk),
        ("articles", first_article.pk),
    }
