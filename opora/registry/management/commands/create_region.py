from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from opora.registry.services import region_save


class Command(BaseCommand):
    help = (
        "Завести регион и его муниципалитеты (без демо-данных): "
        'create_region "Саратовская область" --municipality ivanteevka "Ивантеевский район" …'
        " Повторный запуск добавляет новые муниципалитеты и обновляет названия."
    )

    def add_arguments(self, parser):
        parser.add_argument("region", help="название региона")
        parser.add_argument(
            "--municipality",
            nargs=2,
            action="append",
            default=[],
            metavar=("КОД", "НАЗВАНИЕ"),
            help="короткий латинский код и название муниципалитета; повторяется",
        )

    def handle(self, *args, region: str, municipality: list, **options):
        try:
            saved, created = region_save(
                user=None, name=region, municipalities=[tuple(m) for m in municipality]
            )
        except ValidationError as error:
            raise CommandError(" ".join(_messages(error))) from None
        for m in created:
            self.stdout.write(f"Муниципалитет добавлен: {m.code} — {m.name}")
        total = saved.municipalities.count()
        self.stdout.write(self.style.SUCCESS(f"Регион «{saved.name}»: муниципалитетов — {total}."))


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        labels = {"code": "код", "name": "название"}
        return [
            f"{labels.get(field, field)}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return error.messages
