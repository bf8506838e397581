"""A document kept by its content is built once, however many ask for it at the same time."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from opora.reports.cache import cached_document


def test_concurrent_first_requests_build_the_document_once():
    builds = []
    started = threading.Barrier(4)

    def build():
        builds.append(1)
        time.sleep(0.3)  # long enough for the others to arrive while it prints
        return b"%PDF one"

    def request(_):
        started.wait()
        return cached_document(name="doc-1", file_format="pdf", content=["a"], build=build)

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(request, range(4))) == [b"%PDF one"] * 4
    assert len(builds) == 1


def test_new_content_gives_a_new_document_and_drops_the_old(settings):
    first = cached_document(name="doc-1", file_format="pdf", content=["a"], build=lambda: b"A")
    second = cached_document(name="doc-1", file_format="pdf", content=["b"], build=lambda: b"B")
    again = cached_document(name="doc-1", file_format="pdf", content=["b"], build=lambda: b"C")
    assert (first, second, again) == (b"A", b"B", b"B")
    assert [p.read_bytes() for p in (settings.MEDIA_ROOT / "documents").glob("*.pdf")] == [b"B"]
