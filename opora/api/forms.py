from django import forms

from opora.forms import OporaForm


class TokenForm(OporaForm):
    name = forms.CharField(
        label="Для чего ключ",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "например, выгрузка в региональную систему"}),
    )
