from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from .search import MAX_RESULT_PAGES


class ListSelect(forms.Select):
    """Django's Select, its options written with format_html rather than a template include
    each: the notice list's 证件类型 has forty, and rendering them was a tenth of the list's
    time. The markup is Select's (tests/paper/test_forms.py compares the two)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _ in widget["optgroups"]:
            html = format_html_join("\n", "{}", ((self.render_option(o),) for o in options))
            if group_name:
                html = format_html('<optgroup label="{}">\n{}\n</optgroup>', group_name, html)
            groups.append(html)
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("\n", "{}", ((group,) for group in groups)),
        )

    @staticmethod
    def render_option(option):
        value = "" if option["value"] is None else option["value"]
        return format_html(
            '<option value="{}"{}>{}</option>', value, flatatt(option["attrs"]), option["label"]
        )


class DateJumpForm(forms.Form):
    date = forms.DateField(
        label="日期", error_messages={"invalid": "请输入有效的日期,例如 2024-10-22。"}
    )


class SearchForm(forms.Form):
    KINDS = [("", "全部"), ("articles", "文章"), ("notices", "公告")]
    ORDERS = [("newest", "最新在前"), ("relevance", "相关度")]

    q = forms.CharField(label="关键词", max_length=200, required=False)
    kind = forms.ChoiceField(label="类别", choices=KINDS, required=False, widget=ListSelect)
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label="排序", choices=ORDERS, required=False, widget=ListSelect)
    page = forms.IntegerField(
        min_value=1, max_value=MAX_RESULT_PAGES, required=False, widget=forms.HiddenInput
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return cleaned
