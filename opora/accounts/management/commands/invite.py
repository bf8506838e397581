from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from opora.accounts.models import Role
from opora.accounts.services import account_invite, account_scope
from opora.registry.models import Municipality, Region, School


class Command(BaseCommand):
    help = (
        "Пригласить пользователя: создаётся учётная запись без пароля, на почту уходит ссылка"
        " (она же печатается здесь), по которой человек сам задаёт пароль. Например, первый"
        ' региональный оператор: invite ivanova@minobr.example --role region --region "Саратовская'
        ' область" --name "Иванова Мария Петровна"'
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="адрес электронной почты (он же логин)")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", help="название региона (региональный оператор)")
        parser.add_argument("--municipality", help="код муниципалитета")
        parser.add_argument(
            "--school", action="append", default=[], help="код школы; для куратора повторяется"
        )
        parser.add_argument("--name", default="", help="«Фамилия Имя Отчество»")
        parser.add_argument("--position", default="", help="должность")
        parser.add_argument(
            "--site-url",
            default=settings.OPORA_SITE_URL,
            help="адрес Опоры для ссылки в письме (по умолчанию OPORA_SITE_URL)",
        )

    def handle(
        self, *args, email, role, region, municipality, school, name, position, site_url, **options
    ):
        last_name, _, first_name = name.strip().partition(" ")
        schools = [_get(School, f"Нет школы с кодом {code}.", code=code) for code in school]
        try:
            scope = account_scope(
                role=role,
                region=region and _get(Region, f"Нет региона «{region}».", name=region),
                municipality=municipality
                and _get(
                    Municipality, f"Нет муниципалитета с кодом {municipality}.", code=municipality
                ),
                school=schools[0] if schools else None,
                schools=schools,
            )
            account, link = account_invite(
                user=None,
                site_url=site_url,
                email=email,
                last_name=last_name,
                first_name=first_name,
                position=position,
                role=role,
                scope=scope,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Приглашение отправлено на {account.email}."))
        self.stdout.write(f"Ссылка (действует один раз): {link}")


def _get(model, missing: str, **lookup):
    found = model.objects.filter(**lookup).first()
    if found is None:
        raise CommandError(missing)
    return found
