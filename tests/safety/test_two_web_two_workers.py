"""The deployment of docs/operations.md, on one machine: two web processes (gunicorn) and two task
workers (`manage.py db_worker`) against one PostgreSQL database and one shared media folder. Files
are uploaded, previewed and confirmed, and pages loaded, through both web processes; one worker is
killed (SIGKILL) in the middle of a job (a preview or a load), `manage.py recover_imports` runs as the worker's service runs it before a
restart, and every job ends exactly once, no request failing."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from opora.accounts.models import Role, User
from opora.assessments.models import Assessment, ResultImportJob, SchoolResult, Subject
from opora.assessments.services import JOB_INTERRUPTED
from opora.registry.models import Municipality, Region, School, SchoolType
from tests.safety.test_worker import subjects  # noqa: F401  (a fixture)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several processes share one database only on PostgreSQL, as deployed; "
        "SQLite serves one machine",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("subjects"),
]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "two-machines-password-1"
JOBS = 8
# Files uploaded one by one when a kill comes too late for its job (it had ended, or its COMMIT
# was already sent): the next try then still has a job to catch running.
SPARE_JOBS = 4
SCHOOLS_PER_JOB = 150
ASSESSMENTS = ["ВПР,math,5", "ВПР,rus,5", "ВПР,math,6", "ВПР,rus,6", "ОГЭ,math,9", "ОГЭ,rus,9"]
HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"
PAGES = ["/", "/results/", "/results/import/", "/schools/"]


@pytest.fixture
def coordinator():
    region = Region.objects.create(name="Область двух машин")
    municipality = Municipality.objects.create(region=region, code="two", name="Район двух")
    School.objects.bulk_create(
        School(
            municipality=municipality,
            code=f"t{n:04d}",
            name=f"МОУ «Школа {n}»",
            short_name=f"Школа {n}",
            school_type=SchoolType.SOSH,
        )
        for n in range((JOBS + SPARE_JOBS) * SCHOOLS_PER_JOB)
    )
    # The procedures exist, as after a region's first import. Two imports creating the same new
    # procedure at once fail one of them (assessment_unique, a race of the import writer found
    # by this test and left to its owner); this test is about workers dying.
    for kind, subject, grade in (line.split(",") for line in ASSESSMENTS):
        Assessment.objects.get_or_create(
            kind={"ВПР": "VPR", "ОГЭ": "OGE"}[kind],
            subject=Subject.objects.get(code=subject),
            grade=int(grade),
        )
    # Hashed as the web processes' settings hash (the tests' own hasher is not among them).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        user = User(username="coordinator_two", role=Role.COORDINATOR, municipality=municipality)
        user.set_password(PASSWORD)
        user.save()
    return user


def result_file(job: int) -> bytes:
    lines = [HEADER]
    for n in range(job * SCHOOLS_PER_JOB, (job + 1) * SCHOOLS_PER_JOB):
        for year in (2021, 2022, 2023):
            for assessment in ASSESSMENTS:
                lines.append(f"t{n:04d},{year},{assessment},20,4,8,6,2")
    return ("\n".join(lines) + "\n").encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Processes this test starts; each is ended by its own id."""

    def __init__(self, environment: dict[str, str]):
        self.environment = environment
        self.started: list[subprocess.Popen] = []

    def start(self, *arguments: str) -> subprocess.Popen:
        process = subprocess.Popen(
            arguments, cwd=ROOT, env=self.environment, stdout=subprocess.DEVNULL
        )
        self.started.append(process)
        return process

    def web(self) -> int:
        port = free_port()
        self.start(
            sys.executable, "-m", "gunicorn", "opora.wsgi", f"--bind=127.0.0.1:{port}",
            "--workers=1", "--threads=4", "--log-level=warning",
        )  # fmt: skip
        return port

    def worker(self) -> subprocess.Popen:
        return self.start(
            sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval=0.1"
        )

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """One person's session, used on any web process: sessions live in the database."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, url: str, body=b"", content_type=None):
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers |= {"Content-Type": content_type, "Referer": f"http://127.0.0.1:{port}{url}"}
        client.request(method, url, body=body, headers=headers)
        response = client.getresponse()
        content = response.read()
        client.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def token(self, port: int, url: str) -> str:
        status, page = self.request(port, "GET", url)
        assert status == 200, (url, status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()

    def login(self, port: int, username: str) -> None:
        token = self.token(port, "/accounts/login/")
        body = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token}"
        status, _ = self.request(
            port, "POST", "/accounts/login/", body.encode(), "application/x-www-form-urlencoded"
        )
        assert status == 302

    def confirm(self, port: int, job: int) -> int:
        """«Загрузить» under the job's preview."""
        token = self.token(port, f"/results/import/{job}/")
        status, _ = self.request(
            port, "POST", f"/results/import/{job}/confirm/",
            f"csrfmiddlewaretoken={token}".encode(), "application/x-www-form-urlencoded",
        )  # fmt: skip
        return status

    def upload(self, port: int, name: str, content: bytes) -> int:
        token = self.token(port, "/results/import/")
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, _ = self.request(
            port, "POST", "/results/import/", body, f"multipart/form-data; boundary={boundary}"
        )
        return status


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    pytest.fail(f"not within {seconds} s: {what}")


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def running_job(workers: dict):
    for job in ResultImportJob.objects.filter(status="running"):
        pid = int(job.worker.rpartition(":")[2])
        if pid in workers:
            return job, pid
    return None


def test_jobs_end_exactly_once_when_a_worker_dies_and_no_request_fails(coordinator, tmp_path):
    settings = connection.settings_dict
    database = (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(tmp_path / "shared-media"),  # the shared storage of every process
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    processes = Processes(environment)
    try:
        ports = [processes.web(), processes.web()]
        workers = [processes.worker(), processes.worker()]
        wait_for(lambda: all(listening(port) for port in ports), 45, "both web processes")
        person = Browser()
        person.login(ports[0], "coordinator_two")  # one login serves both processes

        failures, loads = [], []
        stop_loading = threading.Event()

        def load_pages() -> None:
            reader = Browser()
            reader.cookies = dict(person.cookies)
            turn = 0
            while not stop_loading.is_set():
                port, url = ports[turn % 2], PAGES[turn % len(PAGES)]
                status, _ = reader.request(port, "GET", url)
                loads.append(status)
                if status != 200:
                    failures.append((port, url, status))
                turn += 1

        loader = threading.Thread(target=load_pages)
        loader.start()
        uploaded = []

        def upload_next() -> None:
            """The next file; the uploads alternate between the two web processes."""
            job = len(uploaded)
            assert job < JOBS + SPARE_JOBS, "every kill came too late for its job"
            assert person.upload(ports[job % 2], f"part-{job}.csv", result_file(job)) == 302
            uploaded.append(job)

        for _ in range(JOBS):
            upload_next()

        def confirm_previews() -> None:
            """Each preview confirmed by its uploader, through either web process."""
            for turn, job in enumerate(ResultImportJob.objects.filter(status="preview")):
                assert person.confirm(ports[turn % 2], job.pk) == 302

        # Kill the worker of a job seen running, while it runs. A job that ended in the instant
        # before the signal does not count, nor one whose COMMIT the worker had already sent:
        # the server finishes that transaction without its client, and the job is rightly done.
        # Either way another file goes up and the next job is tried.
        live = {process.pid: process for process in workers}
        killed_job = None
        while killed_job is None:
            found, pid = wait_for(
                lambda: confirm_previews() or running_job(live), 60, "a job running in a worker"
            )
            os.kill(pid, signal.SIGKILL)  # only a worker this test started
            live.pop(pid).wait()
            # What the worker's service runs before starting it again (docs/operations.md).
            recovered = subprocess.run(
                [sys.executable, "manage.py", "recover_imports"],
                cwd=ROOT, env=environment, capture_output=True, text=True, check=True,
            )  # fmt: skip
            assert "Прерванных загрузок" in recovered.stdout
            found.refresh_from_db()
            if found.status == "refused":
                killed_job = found
            else:
                upload_next()
            restarted = processes.worker()
            live[restarted.pid] = restarted

        def all_finished() -> bool:
            confirm_previews()
            return not ResultImportJob.objects.exclude(status__in=["done", "refused"]).exists()

        wait_for(all_finished, 90, "every job finished")
        stop_loading.set()
        loader.join()
    finally:
        processes.stop()

    jobs = list(ResultImportJob.objects.order_by("pk"))
    assert len(jobs) == len(uploaded)
    killed = [job for job in jobs if job.pk == killed_job.pk]
    assert [(job.status, job.problems) for job in killed] == [("refused", [JOB_INTERRUPTED])]
    done = [job for job in jobs if job.pk != killed_job.pk]
    assert [(job.status, job.problems) for job in done if job.status != "done"] == []
    # Exactly once: each loaded file wrote its rows once, the killed one none at all.
    rows = SCHOOLS_PER_JOB * 3 * len(ASSESSMENTS)
    assert SchoolResult.objects.count() == rows * len(done)
    assert not SchoolResult.history.filter(history_type="~").exists()
    assert not list((tmp_path / "shared-media" / "imports").glob("*"))  # every file deleted
    assert loads and failures == []
