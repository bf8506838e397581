"""Links people store as evidence: only http(s) links are kept, and only they become links on
pages. A `javascript:` link would run in the browser of everyone who opens it (stored XSS).
And the one way back to the page a form was sent from (`next`), only within Opora."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.http import url_has_allowed_host_and_scheme

WEB_LINK_MESSAGE = "Нужна ссылка, которая начинается с http:// или https://."


@deconstructible
class WebLinkValidator(URLValidator):
    schemes = ["http", "https"]
    message = WEB_LINK_MESSAGE


validate_web_link = WebLinkValidator()


def is_web_link(value: str | None) -> bool:
    try:
        validate_web_link(value or "")
    except ValidationError:
        return False
    return True


class WebLinkFormField(forms.URLField):
    default_validators = [validate_web_link]


class WebLinkField(models.URLField):
    """A link field that keeps only http(s) links: the one validator for every stored link."""

    default_validators = [validate_web_link]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebLinkFormField, **kwargs})


def clean_web_links(model: type[models.Model], **values: str) -> None:
    """Check links that a service writes without `full_clean` by their model field's own
    validation; the error is keyed by the field, so pages and the API name it."""
    errors = {}
    for name, value in values.items():
        try:
            model._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def local_next(request, target: str | None) -> str | None:
    """`target` when it is a path of this site, else None: `next` is never another site (an open
    redirect) nor a script."""
    target = target or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else None
