"""The fixed cast of every test story.

Region «Тестовая область» has municipality A (schools A1 with branch A1-ф, and A2) and
municipality B (school B1). People: the region's operator, coordinators of A and B, the school
team of A1, the curator of A1, a methodist of A and an observer of B.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from opora.accounts.models import Role, User
from opora.registry.models import Municipality, Region, School, SchoolType

PASSWORD = "test-password-1"


TEST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    # Real hashing costs ~0.3 s a login; the stories log in hundreds of times.
    settings.PASSWORD_HASHERS = TEST_HASHERS
    # Background tasks run at once, inside the test; uploads go to a throwaway folder.
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (`load_demo`), loaded once per test process; each test runs in its own rolled
    back transaction on top of it, so a test's changes never reach the next test.

    The demo sits in an outer transaction opened here, and pytest-django's per-test atomic
    becomes a savepoint inside it. No other test may see it: `pytest_collection_modifyitems`
    runs the tests that use `demo` together, after the other database tests and before the
    transactional ones (pytest-django runs those last), and xdist hands each worker its tests
    in that order; `pytest_runtest_setup` rolls the demo back before the first test after them
    that uses the database. A second database alias would keep them apart too, but the views
    read the default database only; loading per package would load the demo five times.
    Not for a transactional test (`transaction=True`): its flush would empty the demo.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        _demo["outer"] = outer
        with override_settings(
            PASSWORD_HASHERS=TEST_HASHERS,
            TASKS=IMMEDIATE_TASKS,
            MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
        ):
            call_command("load_demo", stdout=io.StringIO())
        yield
        _demo_unload()


_demo = {"outer": None, "unloaded": False}  # the demo's open transaction, while it is loaded


def _demo_unload():
    if _demo["outer"] is not None:
        transaction.set_rollback(True)
        _demo["outer"].__exit__(None, None, None)
        _demo.update(outer=None, unloaded=True)


def _uses_demo(item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests on the demo go last; pytest-django's own ordering, applied after this one, keeps
    them last among the plain database tests (see `demo`)."""
    items.sort(key=_uses_demo)


def pytest_runtest_setup(item):
    if _uses_demo(item):
        if _demo["unloaded"]:
            pytest.fail(f"{item.nodeid}: the demo was rolled back before it (see `demo`)")
        return
    uses_database = item.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(getattr(item, "fixturenames", ()))
    if _demo["outer"] is not None and uses_database:
        _demo_unload()


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
