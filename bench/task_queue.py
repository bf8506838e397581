"""The database-backed task queue (django-tasks, `manage.py db_worker`) on PostgreSQL with two
workers: how soon a worker picks up a job that waits alone, and how many short jobs two workers
finish per second when many wait at once. Decides whether a PostgreSQL-native queue is needed
(docs/operations.md).

Run from the repository root against a PostgreSQL database:
`DATABASE_URL=postgres://… python bench/task_queue.py [--jobs 200] [--json FILE]`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opora.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django_tasks import task  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

INTERVAL = 1.0  # db_worker's default pause when it finds the queue empty, as deployed


@task()
def touch(number: int) -> int:
    """A job that does nearly nothing: what is measured is the queue."""
    return number


def wait_done(count: int, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while DBTaskResult.objects.filter(status="SUCCESSFUL").count() < count:
        if time.monotonic() > deadline:
            sys.exit("the workers did not finish in time")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--single", type=int, default=10, help="jobs enqueued one at a time")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    from bench.task_queue import touch  # by its module's name, which the workers import

    if django.db.connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    call_command("migrate", verbosity=0)
    DBTaskResult.objects.all().delete()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-startup-delay",
                f"--interval={INTERVAL}",
                "--queue-name=default",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(2)
    ]
    try:
        time.sleep(15)  # both workers up and polling an empty queue
        for number in range(options.single):  # a job alone: how long it waits for a worker
            touch.enqueue(number)
            wait_done(number + 1)
            time.sleep(0.3)
        single = [
            (r.started_at - r.enqueued_at).total_seconds() for r in DBTaskResult.objects.all()
        ]
        DBTaskResult.objects.all().delete()
        for number in range(options.jobs):  # many at once: what two workers get through
            touch.enqueue(number)
        wait_done(options.jobs)
        results = list(DBTaskResult.objects.all())
        began = min(r.enqueued_at for r in results)
        ended = max(r.finished_at for r in results)
        per_worker = {}
        for r in results:
            per_worker[r.worker_ids[-1]] = per_worker.get(r.worker_ids[-1], 0) + 1
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
    figures = {
        "pickup_alone_p50_s": statistics.median(single),
        "pickup_alone_max_s": max(single),
        "jobs": options.jobs,
        "jobs_per_second": options.jobs / (ended - began).total_seconds(),
        "jobs_per_worker": sorted(per_worker.values()),
        "load_average": os.getloadavg(),
    }
    print(
        f"task queue on PostgreSQL, 2 workers polling every {INTERVAL:g} s: a job alone waits "
        f"{figures['pickup_alone_p50_s']:.2f} s (median of {options.single}, max "
        f"{figures['pickup_alone_max_s']:.2f} s); {options.jobs} short jobs at once: "
        f"{figures['jobs_per_second']:.0f} jobs/s, split {figures['jobs_per_worker']} "
        f"between the workers"
    )
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
