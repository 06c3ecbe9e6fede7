from django import forms


class DateJumpForm(forms.Form):
    date = forms.DateField(
        label="日期", error_messages={"invalid": "请输入有效的日期,例如 2024-10-22。"}
    )
