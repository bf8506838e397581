"""The machinery of the route matrix (tests/accounts/routes.py holds the table itself): the
demo's roles, the objects a route is tried on, and the status each role must get."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# The demo users the matrix speaks for; «anonymous» is tried on every route as well.
REGION = "region"  # Саратовская область: Ивантеевка is its only demo municipality
COORD_P = "coord_pirovskoe"
COORD_I = "coord_ivanteevka"  # outside the Pirovskoe users' scope
CURATOR_P = "curator_pirovskoe"  # curates pirovskoe-01 and pirovskoe-02
SCHOOL_B = "school_barteneva"  # ivanteevka-01
METHODIST_P = "methodist_pirovskoe"
OBSERVER_S = "observer_svobodny"
ROLES = [REGION, COORD_P, COORD_I, CURATOR_P, SCHOOL_B, METHODIST_P, OBSERVER_S]

# Role groups: who may do what, inside what the role sees.
EVERYONE = frozenset(ROLES)
MANAGERS = frozenset({REGION, COORD_P, COORD_I})  # manage a municipality (region: each of its own)
COORDINATORS = frozenset({COORD_P, COORD_I})
MUNICIPAL_READERS = frozenset({REGION, COORD_P, COORD_I, METHODIST_P, OBSERVER_S})
METHODICAL = MANAGERS | {METHODIST_P}  # courses, events, associations, diagnostics
SCHOOL_WRITERS = MANAGERS | {SCHOOL_B}  # a school's own data: its team or its municipality
REVIEWERS = MANAGERS | {CURATOR_P}  # review a school's profile and programs

# Who sees the object of Pirovskoe and who the object of Ивантеевка (Бартеневка for a school's).
SEE_PIROVSKOE = frozenset({COORD_P, CURATOR_P, METHODIST_P})
SEE_IVANTEEVKA = frozenset({REGION, COORD_I, SCHOOL_B})


@dataclass(frozen=True)
class Objects:
    """How to build a route's URL arguments from the demo: for an object in Pirovskoe (the scope
    of the Pirovskoe users) and for one in Ивантеевка (outside it), and who sees each."""

    inside: Callable[[], dict]
    outside: Callable[[], dict]
    seen_inside: frozenset = SEE_PIROVSKOE
    seen_outside: frozenset = SEE_IVANTEEVKA


@dataclass(frozen=True)
class Route:
    """One URL pattern and who may use it.

    `get`: roles that get a page (200) for an object they see; the other roles that see it get
    403, and those that do not see it 404. None: the route takes no GET (405).
    `post`: roles that may POST; every other role is refused (403, or 404 out of scope) and the
    refused request writes nothing. None: the route takes no POST.
    """

    name: str
    objects: Objects | None = None
    get: frozenset | None = EVERYONE
    post: frozenset | None = None
    kwargs: dict = field(default_factory=dict)  # fixed URL arguments (a file format, an action)
    get_status: int = 200
    method: str = "GET"  # API: the operation's method (a write: POST or PATCH)
    public: bool = False  # served without login, the same to everyone
    overrides: dict = field(default_factory=dict)  # role -> GET status where a role differs
    data: Callable[[], dict] | None = None  # what a write sends (API: a valid body)

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")


def expected_get(route: Route, role: str | None, seen: frozenset | None) -> int:
    if route.get is None:
        return 405
    if role in route.overrides:
        return route.overrides[role]
    if route.public:
        return route.get_status
    if seen is not None and role not in seen:
        return 404
    return route.get_status if role in route.get else 403


def refusals(route: Route, role: str, seen: frozenset | None) -> set[int]:
    """What a role without the right gets on a write: 403, or 404 for an object it does not see
    (either for that one: the role has no right to the object at all)."""
    if seen is not None and role not in seen:
        return {403, 404}
    return {403}
