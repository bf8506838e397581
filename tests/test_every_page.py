"""Every page a demo user can reach by clicking renders: a crawl from the home page, for each
role, following the links the pages themselves offer. Each also sends the Content-Security-Policy
and carries no inline script."""

import re
from collections import Counter, deque

import pytest

from tests.security.test_content_security_policy import assert_no_inline_script, assert_strict

pytestmark = pytest.mark.django_db

ROLES = [
    "region",
    "coord_pirovskoe",
    "curator_pirovskoe",
    "school_barteneva",
    "methodist_pirovskoe",
    "observer_svobodny",
]
# Files are checked by their own tests; the crawl stays on pages.
SKIP = re.compile(r"^/(admin|static|accounts/logout)|\.(pdf|docx|xlsx|csv)$|/(file|evidence)/$")
# Words for developers, not for the people who use the pages: Django's empty choice, rule codes,
# references to the source documents' numbering, the console, abbreviated counts.
DEVELOPER_WORDS = re.compile(
    r"---------|shnor-|shnsu-|vpr-objectivity|seed \d|командная строка|docs/methods|\d балл\."
)
PER_PATTERN = 3  # pages of one shape (e.g. /schools/<code>/) visited per role


def links(html: str) -> list[str]:
    return [h for h in re.findall(r'href="(/[^"#?]*)', html) if not SKIP.search(h)]


def test_every_linked_page_renders_for_every_role(demo, client):
    for username in ROLES:
        client.login(username=username, password="opora-demo")
        seen, shapes, queue = {"/"}, Counter(), deque([("/", None)])
        while queue:
            url, linked_from = queue.popleft()
            response = client.get(url)
            assert response.status_code in (200, 302), (
                username,
                url,
                linked_from,
                response.status_code,
            )
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            html = response.content.decode()
            assert_strict(response, url)
            assert_no_inline_script(html, url)
            # Template syntax in a page is a tag or a comment the template engine did not read.
            assert not re.search(r"\{[{%#]", html), (username, url, "template syntax shown")
            words = DEVELOPER_WORDS.search(html)
            assert not words, (username, url, words and words.group())
            for link in links(html):
                shape = re.sub(r"\d+", "N", link)
                if link not in seen and shapes[shape] < PER_PATTERN:
                    seen.add(link)
                    shapes[shape] += 1
                    queue.append((link, url))
        assert len(seen) > 10, (username, seen)
        client.logout()
