from django import forms

from .search import MAX_RESULT_PAGES


class DateJumpForm(forms.Form):
    date = forms.DateField(
        label="日期", error_messages={"invalid": "请输入有效的日期,例如 2024-10-22。"}
    )


class SearchForm(forms.Form):
    KINDS = [("", "全部"), ("articles", "文章"), ("notices", "公告")]
    ORDERS = [("newest", "最新在前"), ("relevance", "相关度")]

    q = forms.CharField(label="关键词", max_length=200, required=False)
    kind = forms.ChoiceField(label="类别", choices=KINDS, required=False)
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label="排序", choices=ORDERS, required=False)
    page = forms.IntegerField(
        min_value=1, max_value=MAX_RESULT_PAGES, required=False, widget=forms.HiddenInput
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return cleaned
