"""PDF documents: an HTML template printed by WeasyPrint. Every PDF extends
`reports/print_base.html`, so official documents share one page layout and typeface."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which pages that never print do not need.
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
