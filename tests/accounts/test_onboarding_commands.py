"""Starting a real region with no demo: the console opens the region and its municipalities,
loads the registry and invites the region's first operator, who then invites the rest."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from opora.accounts.models import Role, User
from opora.registry.models import Municipality, Region, School

pytestmark = pytest.mark.django_db

REGISTRY = """school_code;school_name;school_type;municipality_code;municipality_name;region_name
nv-01;МОУ «СОШ с. Ключи»;СОШ;novy;Новый район;Северная область
st-01;МОУ «ООШ п. Старый»;ООШ;stary;Старый район;Северная область
"""


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_region_starts_from_an_empty_database(client, tmp_path):
    out = run(
        "create_region",
        "Северная область",
        "--municipality",
        "novy",
        "Новый район",
        "--municipality",
        "stary",
        "Старый район",
    )
    assert "муниципалитетов — 2" in out
    region = Region.objects.get(name="Северная область")
    assert not region.is_demo
    assert {m.code for m in region.municipalities.all()} == {"novy", "stary"}

    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    run("import_schools", str(registry))
    assert School.objects.filter(municipality__region=region).count() == 2

    out = run(
        "invite",
        "Operator@Sever.example",
        "--role",
        "region",
        "--region",
        "Северная область",
        "--name",
        "Иванова Мария Петровна",
        "--site-url",
        "https://opora.sever.example",
    )
    operator = User.objects.get(email="operator@sever.example")
    assert (operator.role, operator.region, operator.last_name, operator.first_name) == (
        Role.REGION,
        region,
        "Иванова",
        "Мария Петровна",
    )
    link = re.search(r"https://opora\.sever\.example(/\S+)", out).group(1)
    assert link in mail.outbox[0].body

    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Severnaya-2026", "new_password2": "Severnaya-2026"},
    )
    response = client.post(
        reverse("accounts:user_invite"),
        {
            "last_name": "Смирнов",
            "first_name": "Олег",
            "email": "smirnov@novy.example",
            "role": Role.COORDINATOR,
            "municipality": Municipality.objects.get(code="novy").pk,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="smirnov@novy.example").municipality.code == "novy"


def test_running_create_region_again_adds_and_renames(db):
    run("create_region", "Северная область", "--municipality", "novy", "Новый р-н")
    run(
        "create_region",
        "Северная область",
        "--municipality",
        "novy",
        "Новый район",
        "--municipality",
        "stary",
        "Старый район",
    )
    assert dict(Municipality.objects.values_list("code", "name")) == {
        "novy": "Новый район",
        "stary": "Старый район",
    }


def test_a_municipality_code_of_another_region_is_refused(db):
    run("create_region", "Северная область", "--municipality", "novy", "Новый район")
    with pytest.raises(CommandError, match="уже есть в регионе «Северная область»"):
        run("create_region", "Южная область", "--municipality", "novy", "Новый район")
    assert not Region.objects.filter(name="Южная область").exists()


def test_a_bad_municipality_code_is_named(db):
    with pytest.raises(CommandError, match="код"):
        run("create_region", "Северная область", "--municipality", "Новый район", "Новый район")
    assert not Region.objects.exists()


def test_invite_names_what_is_missing(db):
    run("create_region", "Северная область", "--municipality", "novy", "Новый район")
    with pytest.raises(CommandError, match="Выберите муниципалитет"):
        run("invite", "x@sever.example", "--role", "coordinator")
    with pytest.raises(CommandError, match="Нет региона «Южная область»"):
        run("invite", "x@sever.example", "--role", "region", "--region", "Южная область")
    with pytest.raises(CommandError, match="адрес электронной почты"):
        run("invite", "not-an-address", "--role", "region", "--region", "Северная область")
    assert not User.objects.exists()
    assert mail.outbox == []
