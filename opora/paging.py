"""Long lists are shown a page at a time. A region's 1,000 schools on one page took a third of
a second of server time to render and a coordinator reads fifty rows at a time; filters and
sorting run on the server, so every page of a sorted, filtered list is right."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 50


class LazyRows:
    """Rows in their order (a queryset, or a list of keys) that become items — a school with
    what it lacks, a line of the results table — only for the slice shown: a page builds fifty
    items, not a region's 1,000, and a queryset is counted in SQL."""

    def __init__(self, keys: QuerySet | list, build: Callable[[list], list]):
        self.keys = keys
        self.build = build

    def count(self) -> int:
        return self.keys.count() if isinstance(self.keys, QuerySet) else len(self.keys)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        return self.build(list(self.keys[index]))

    def __iter__(self) -> Iterator:
        return iter(self.build(list(self.keys)))


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for the gap «…» between distant pages
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pager:
    page: Page
    links: list[PageLink]

    @property
    def rows(self):
        return self.page.object_list

    @property
    def total(self) -> int:
        return self.page.paginator.count


def paginate(
    request: HttpRequest, items, *, per_page: int = PER_PAGE, param: str = "page"
) -> Pager:
    """The requested page of `items` (a queryset or a list) with links to its neighbours that
    keep the other parameters of the request; a wrong or too large page number shows the
    nearest page instead of an error, as a bookmarked link to a shrunk list should."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    return Pager(page=page, links=_links(request, page, param=param))


def _links(request: HttpRequest, page: Page, *, param: str) -> list[PageLink]:
    if page.paginator.num_pages == 1:
        return []
    links = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            links.append(PageLink(number=None))
            continue
        query = request.GET.copy()
        query[param] = str(number)
        links.append(PageLink(number, f"?{query.urlencode()}", number == page.number))
    return links
