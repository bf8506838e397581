"""Template helpers of the risks pages."""

from django import template

register = template.Library()


@register.filter
def bound_field(form, name: str):
    """The form's field by a name known only at render time (a question's code)."""
    return form[name]
