from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Для чего ключ",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "например, выгрузка в региональную систему"}),
    )
