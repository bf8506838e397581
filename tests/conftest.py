"""The fixed cast of every test story.

Region «Тестовая область» has municipality A (schools A1 with branch A1-ф, and A2) and
municipality B (school B1). People: the region's operator, coordinators of A and B, the school
team of A1, the curator of A1, a methodist of A and an observer of B.
"""

import pytest

from opora.accounts.models import Role, User
from opora.registry.models import Municipality, Region, School, SchoolType

PASSWORD = "test-password-1"


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    # Real hashing costs ~0.3 s a login; the stories log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run at once, inside the test; uploads go to a throwaway folder.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def region(db):
    return Region.objects.create(name="Тестовая область")


@pytest.fixture
def municipality_a(region):
    return Municipality.objects.create(region=region, code="mun-a", name="Район А")


@pytest.fixture
def municipality_b(region):
    return Municipality.objects.create(region=region, code="mun-b", name="Район Б")


@pytest.fixture
def school_a1(municipality_a):
    return School.objects.create(
        municipality=municipality_a,
        code="a1",
        name="МОУ «СОШ с. Альфа»",
        short_name="СОШ с. Альфа",
        school_type=SchoolType.SOSH,
        settlement="с. Альфа",
        is_rural=True,
        distance_km=18,
    )


@pytest.fixture
def branch_a1(school_a1):
    return School.objects.create(
        municipality=school_a1.municipality,
        code="a1-f",
        name="филиал МОУ «СОШ с. Альфа» в с. Бета",
        short_name="филиал в с. Бета",
        school_type=SchoolType.BRANCH,
        parent=school_a1,
        is_rural=True,
        is_small=True,
    )


@pytest.fixture
def school_a2(municipality_a):
    return School.objects.create(
        municipality=municipality_a,
        code="a2",
        name="МОУ «Гимназия г. Альфа»",
        short_name="Гимназия г. Альфа",
        school_type=SchoolType.GYMNASIUM,
        is_rural=False,
        distance_km=0,
    )


@pytest.fixture
def school_b1(municipality_b):
    return School.objects.create(
        municipality=municipality_b,
        code="b1",
        name="МОУ «ООШ с. Вторая»",
        short_name="ООШ с. Вторая",
        school_type=SchoolType.OOSH,
        is_rural=True,
    )


def plain_schools(municipality, count: int, *, code_prefix: str) -> None:
    """`count` schools «Школа 000», «Школа 001» … with codes `code_prefix`000 …: lists long
    enough to come in pages."""
    School.objects.bulk_create(
        School(
            municipality=municipality,
            code=f"{code_prefix}{n:03}",
            name=f"Школа {n:03}",
            short_name=f"Школа {n:03}",
            school_type=SchoolType.SOSH,
        )
        for n in range(count)
    )


def _user(username, role, **scope):
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **scope)
    return user


@pytest.fixture
def region_operator(region):
    return _user("region_operator", Role.REGION, region=region)


@pytest.fixture
def coordinator_a(municipality_a):
    return _user("coordinator_a", Role.COORDINATOR, municipality=municipality_a)


@pytest.fixture
def coordinator_b(municipality_b):
    return _user("coordinator_b", Role.COORDINATOR, municipality=municipality_b)


@pytest.fixture
def school_team_a1(school_a1):
    return _user("school_team_a1", Role.SCHOOL, school=school_a1)


@pytest.fixture
def curator_a1(school_a1):
    user = _user("curator_a1", Role.CURATOR)
    user.curated_schools.add(school_a1)
    return user


@pytest.fixture
def methodist_a(municipality_a):
    return _user("methodist_a", Role.METHODIST, municipality=municipality_a)


@pytest.fixture
def observer_b(municipality_b):
    return _user("observer_b", Role.OBSERVER, municipality=municipality_b)


@pytest.fixture
def cast(
    region_operator,
    coordinator_a,
    coordinator_b,
    school_team_a1,
    curator_a1,
    methodist_a,
    observer_b,
    school_a1,
    branch_a1,
    school_a2,
    school_b1,
):
    """Everyone and every school, for tests that walk all roles."""
    return {
        "region_operator": region_operator,
        "coordinator_a": coordinator_a,
        "coordinator_b": coordinator_b,
        "school_team_a1": school_team_a1,
        "curator_a1": curator_a1,
        "methodist_a": methodist_a,
        "observer_b": observer_b,
    }
