from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.reports.documents import FORMATS, DocumentError, document_list, export_document


class Command(BaseCommand):
    help = (
        "Выгрузить официальный документ: --list — что можно выгрузить; ID --format … --output FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", nargs="?", help="например program-7 (см. --list)")
        parser.add_argument("--list", action="store_true", help="перечислить документы")
        parser.add_argument("--format", choices=list(FORMATS), default="docx")
        parser.add_argument("--output", type=Path)

    def handle(self, *args, id, list, format, output, **options):
        if list:
            for document in document_list():
                self.stdout.write(
                    f"{document.id}\t{document.kind}\t{document.title}\t{','.join(document.formats)}"
                )
            return
        if not id or output is None:
            raise CommandError(
                "Укажите документ и файл: export_document ID --format docx --output FILE"
            )
        try:
            content = export_document(id, file_format=format)
        except DocumentError as error:
            raise CommandError(str(error)) from None
        output.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{output}: {len(content)} байт"))
