import pytest
from django import forms
from django.test.html import parse_html

from paper.forms import ListSelect

CHOICES = [("", "全部"), ("lost", "遗失声明"), ("a&b", '<甲> & "乙"')]
GROUPED = [("", "全部"), ("证件", [("1", "身份证"), ("2", "驾驶证")]), ("9", "其他")]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED], ids=["flat", "grouped"])
@pytest.mark.parametrize("value", [None, "", "lost", "a&b", "2", "none of them"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_kind", "required": True, "class": "x"}])
def test_a_list_select_is_djangos_select(choices, value, attrs):
    django_html = forms.Select(choices=choices).render("kind", value, attrs)
    ours = ListSelect(choices=choices).render("kind", value, attrs)
    assert parse_html(ours) == parse_html(django_html)


def test_a_list_select_escapes_what_it_writes():
    html = ListSelect(choices=CHOICES).render('k"><script>', "a&b")
    assert "<script>" not in html and "&lt;甲&gt; &amp; &quot;乙&quot;" in html
    assert '<option value="a&amp;b" selected>' in html
