"""Load test on loopback: 20 concurrent users against a generated region of 1,000 schools.

Steps (all in a throwaway folder, /tmp/opora-load by default):

1. a database (SQLite there, or the PostgreSQL of DATABASE_URL) with two generated regions —
   «Область-1000» (20 municipalities × 50 schools) and «Область-100» (2 × 50) — each with
   three years of results in 8 assessments, one program per municipality (12 indicators with
   values, 24 activities) and a region operator;
2. SQL queries per page, counted in this process (django.test.Client and
   CaptureQueriesContext) for the operators of both regions: a count that does not grow from
   100 to 1,000 schools shown means no query per row;
3. gunicorn on 127.0.0.1 (WORKERS processes × THREADS threads), 20 users (threads with their own
   session and http.client connection) logged in as the 1,000-school region's operator — the
   worst case: every page shows the whole region — requesting the pages in turn, each pausing
   between pages as a person reading them does (THINK seconds on average, 0.5–1.5 × THINK;
   --think 0 for no pause at all, a stress test), until REQUESTS requests or SECONDS seconds;
   before the clock starts each user opens every page once, untimed, to warm the workers;
4. p50/p95/max per page, printed and written as JSON (--json).

Pages: school list, results table, a program page, the home page, the region's monitoring
dashboard and the API's list of schools (/api/v1/schools, with the operator's API key).

Run from the repository root: `python bench/load.py` (make bench does).
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "load-test-password-1"
YEARS = (2022, 2023, 2024)
ASSESSMENTS = [  # (kind, subject, grade)
    ("ВПР", "rus", 4),
    ("ВПР", "math", 4),
    ("ВПР", "rus", 5),
    ("ВПР", "math", 5),
    ("ВПР", "math", 6),
    ("ОГЭ", "rus", 9),
    ("ОГЭ", "math", 9),
    ("ЕГЭ", "rus", 11),
]
REGIONS = {"Область-1000": ("big", 20), "Область-100": ("small", 2)}  # name: (prefix, munis)
SCHOOLS_PER_MUNICIPALITY = 50


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", default="/tmp/opora-load")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="at most this many requests")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="gunicorn processes; as docs/operations.md deploys, one per core",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--think", type=float, default=1.0, help="a user's average pause between pages, s"
    )
    parser.add_argument("--fresh", action="store_true", help="generate the database again")
    parser.add_argument("--json", help="write the figures here")
    return parser.parse_args()


def setup_django(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'load.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "opora.settings"
    os.environ["DEBUG"] = "0"  # as in production: cached templates, no debug bookkeeping
    # As docs/operations.md deploys: a worker keeps its connection, and SQLite its page cache.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    import django

    django.setup()


# --- the generated region -----------------------------------------------------------------------


def generate() -> None:
    """Two regions with schools, results, programs and operators; skipped when present."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from opora.registry.models import Region

    call_command("migrate", verbosity=0)
    if Region.objects.filter(name__in=REGIONS).count() == len(REGIONS):
        return
    started = time.perf_counter()
    with transaction.atomic():
        for name, (prefix, municipalities) in REGIONS.items():
            _region(name, prefix, municipalities)
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute on a server: plans from statistics, not guesses.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"region generated in {time.perf_counter() - started:.0f} s", flush=True)


def _region(name: str, prefix: str, municipalities: int) -> None:
    import random

    from opora.accounts.models import Role, User
    from opora.assessments.models import Assessment, SchoolResult, Subject
    from opora.registry.models import Municipality, Region, School, SchoolType

    rng = random.Random(prefix)
    region = Region.objects.create(name=name)
    subjects = {s.code: s for s in Subject.objects.all()}
    assessments = [
        Assessment.objects.get_or_create(kind=k, subject=subjects[s], grade=g)[0]
        for k, s, g in ASSESSMENTS
    ]
    results = []
    for m in range(1, municipalities + 1):
        municipality = Municipality.objects.create(
            region=region, code=f"{prefix}-m{m:02d}", name=f"Муниципальный район {prefix} {m:02d}"
        )
        schools = School.objects.bulk_create(
            School(
                municipality=municipality,
                code=f"{prefix}-{m:02d}-{s:03d}",
                name=f"МОУ «СОШ № {s} района {m:02d}»",
                short_name=f"СОШ № {s} р-н {m:02d}",
                school_type=SchoolType.SOSH if s % 5 else SchoolType.OOSH,
                settlement=f"с. Посёлок-{s}",
                is_rural=bool(s % 3),
                distance_km=rng.randint(0, 120),
                is_small=s % 7 == 0,
            )
            for s in range(1, SCHOOLS_PER_MUNICIPALITY + 1)
        )
        for school in schools:
            for year in YEARS:
                for assessment in assessments:
                    participants = rng.randint(8, 90)
                    twos = rng.randint(0, participants // 3)
                    fives = rng.randint(0, (participants - twos) // 3)
                    fours = rng.randint(0, participants - twos - fives)
                    results.append(
                        SchoolResult(
                            school=school,
                            assessment=assessment,
                            year=year,
                            participants=participants,
                            mark_2=twos,
                            mark_3=participants - twos - fours - fives,
                            mark_4=fours,
                            mark_5=fives,
                        )
                    )
        _program(municipality, schools)
    SchoolResult.objects.bulk_create(results, batch_size=5000)
    User.objects.create_user(
        username=f"region_{prefix}", password=PASSWORD, role=Role.REGION, region=region
    )


def _program(municipality, schools) -> None:
    from opora.programs.services import orders_save, program_create_from_document

    orders = orders_save(
        user=None,
        municipality=municipality,
        orders=[
            {
                "key": "o1",
                "issuer": "Управление образования",
                "number": "101",
                "date": "2024-02-01",
                "title": "Об утверждении дорожной карты",
                "basis": "",
                "signatory": "",
                "controller": "",
                "points": [],
            }
        ],
    )
    indicators = [
        {
            "number": str(i),
            "name": f"Доля обучающихся, показавших результат выше порога, показатель {i}",
            "section": f"Трек {i % 3 + 1}",
            "unit": "percent",
            "invariant": None,
            "level": None,
            "task": "1.1",
            "scope": "municipality",
            "school": None,
            "baseline": {"year": 2023, "value": str(40 + i)},
            "targets": {"2024": str(50 + i), "2025": str(60 + i)},
            "actuals": {"2024-01": str(45 + i), "2024-06": str(48 + i)},
            "direction": "up",
            "note": "",
        }
        for i in range(1, 13)
    ]
    activities = [
        {
            "number": str(a),
            "section": "Адресная поддержка",
            "task": "1.1",
            "text": f"Мероприятие {a}: методический семинар для учителей школ района",
            "period": ["сентябрь 2024", "Октябрь 2024", "в течение года", "май 2025"][a % 4],
            "responsible": "Управление образования",
            "addressees": [s.code for s in schools[a % 10 :: 10][:3]],
            "expected_result": "Справка по итогам",
            "implementation_indicator": "",
        }
        for a in range(1, 25)
    ]
    program_create_from_document(
        user=None,
        municipality=municipality,
        orders=orders,
        data={
            "key": f"roadmap-{municipality.code}",
            "level": "municipal",
            "school": None,
            "kind": "roadmap",
            "name": f"Дорожная карта поддержки ШНОР, {municipality.name}, 2024-2025 гг.",
            "order": "o1",
            "status": "in_progress",
            "period": "2024-2025 гг.",
            "start_year": 2024,
            "end_year": 2025,
            "passport": {"coordinator": "Иванова И.И."},
            "flags": [],
            "goals": [
                {
                    "number": "1",
                    "text": "Повысить качество",
                    "risk_factor": None,
                    "tasks": [{"number": "1.1", "text": "Адресная поддержка школ"}],
                }
            ],
            "indicators": indicators,
            "activities": activities,
        },
    )


# --- pages and their SQL queries ----------------------------------------------------------------


def pages_for(prefix: str) -> dict[str, str]:
    from django.urls import reverse

    from opora.programs.models import Program

    program = Program.objects.filter(municipality__code=f"{prefix}-m01").first()
    pages = {
        "school list": reverse("registry:school_list"),
        "results table": reverse("assessments:results_table"),
        "program page": reverse("programs:program_detail", args=[program.pk]),
        "home page": reverse("home"),
        "region dashboard": reverse("monitoring:region_dashboard"),
        "API list": "/api/v1/schools",
    }
    return pages


def api_key(username: str) -> str:
    """A fresh API key of the user: the API takes keys, not the sessions of the pages."""
    from opora.accounts.models import User
    from opora.api.services import token_issue

    return token_issue(user=User.objects.get(username=username), name="нагрузочный тест")[1]


def count_queries() -> dict[str, dict[str, int]]:
    """Queries of one request per page, for the 100- and the 1,000-school region's operator."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from opora.accounts.models import User

    counts = {}
    for label, prefix in (("100", "small"), ("1000", "big")):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key(f'region_{prefix}')}")
        client.force_login(User.objects.get(username=f"region_{prefix}"))
        for page, url in pages_for(prefix).items():
            client.get(url)  # warm: first-request costs are not the page's
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            status = response.status_code
            counts.setdefault(page, {})[label] = len(queries) if status == 200 else f"HTTP {status}"
    return counts


# --- the server and the users -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "opora.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


class User:
    """One person: a session cookie and a kept-alive connection."""

    def __init__(self, port: int, key: str):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.key = key

    def request(self, method: str, url: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if url.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.key}"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{url}"
        self.connection.request(method, url, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def login(self, username: str) -> None:
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        status, _ = self.request("POST", "/accounts/login/", form)
        if status != 302:
            raise RuntimeError(f"login of {username} failed: HTTP {status}")


def run_load(
    port: int,
    pages: dict[str, str],
    key: str,
    users: int,
    requests: int,
    seconds: float,
    think: float,
):
    timings: dict[str, list[float]] = {page: [] for page in pages}
    errors: list[str] = []
    lock = threading.Lock()
    issued = [0]
    people = [User(port, key) for _ in range(users)]
    for person in people:
        person.login("region_big")
    start = threading.Barrier(users + 1)
    order = list(pages.items())

    def work(index: int, person: User) -> None:
        pauses = random.Random(index)  # the same pauses in every run
        # Untimed, as on a server that has been up: every worker has compiled its templates and
        # imported what the pages draw with, which costs a cold worker up to a third of a second.
        for _page, url in order:
            person.request("GET", url)
        start.wait()
        step = index  # users start on different pages
        while True:
            if step > index and think:
                time.sleep(think * pauses.uniform(0.5, 1.5))
            with lock:
                if issued[0] >= requests or time.perf_counter() > deadline:
                    return
                issued[0] += 1
            page, url = order[step % len(order)]
            step += 1
            began = time.perf_counter()
            try:
                status, _ = person.request("GET", url)
            except (OSError, http.client.HTTPException) as error:
                status = repr(error)
                person.connection.close()
            took = time.perf_counter() - began
            with lock:
                if status == 200:
                    timings[page].append(took)
                else:
                    errors.append(f"{page}: {status}")

    threads = [threading.Thread(target=work, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    return timings, errors, time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the machine --------------------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    connection.ensure_connection()
    database = (
        f"{connection.vendor} {connection.Database.sqlite_version}"
        if (connection.vendor == "sqlite")
        else f"{connection.vendor} {connection.cursor().connection.info.server_version}"
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "database": database,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    args = parse_args()
    folder = Path(args.dir)
    if args.fresh and (folder / "load.sqlite3").exists():
        (folder / "load.sqlite3").unlink()
    setup_django(folder)
    generate()
    from django.db import connection

    pages = pages_for("big")
    key = api_key("region_big")
    queries = count_queries()
    about = machine()
    connection.close()

    port = free_port()
    server = start_server(port, args.workers, args.threads)
    try:
        timings, errors, elapsed = run_load(
            port, pages, key, args.users, args.requests, args.seconds, args.think
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    about["load_average_after"] = os.getloadavg()

    report = {
        "machine": about,
        "setup": {
            "users": args.users,
            "gunicorn": f"{args.workers} workers × {args.threads} threads",
            "think_seconds": args.think,
            "requests": sum(len(t) for t in timings.values()) + len(errors),
            "seconds": round(elapsed, 1),
        },
        "pages": {},
        "errors": errors[:20],
    }
    print(
        f"{report['setup']['requests']} requests in {elapsed:.1f} s "
        f"({report['setup']['requests'] / elapsed:.1f}/s), {args.users} users "
        f"pausing {args.think:g} s on average, "
        f"gunicorn {report['setup']['gunicorn']}; errors: {len(errors)}"
    )
    header = ["n", "p50 ms", "p95 ms", "max ms", "SQL@100", "SQL@1000"]
    print(f"{'page':<15}{header[0]:>6}" + "".join(f"{h:>9}" for h in header[1:]))
    for page, values in timings.items():
        figures = {
            "requests": len(values),
            "p50_ms": round(statistics.median(values) * 1000) if values else None,
            "p95_ms": round(percentile(values, 0.95) * 1000) if values else None,
            "max_ms": round(max(values) * 1000) if values else None,
            "queries_100_schools": queries[page]["100"],
            "queries_1000_schools": queries[page]["1000"],
        }
        report["pages"][page] = figures
        print(
            f"{page:<15}{figures['requests']:>6}{figures['p50_ms']!s:>9}{figures['p95_ms']!s:>9}"
            f"{figures['max_ms']!s:>9}{figures['queries_100_schools']!s:>9}"
            f"{figures['queries_1000_schools']!s:>9}"
        )
    print(f"machine: {json.dumps(about, ensure_ascii=False)}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
