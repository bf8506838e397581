"""Official documents of the demo, each as DOCX and PDF (issue 19: DOCX < 1 s, PDF < 3 s for
the largest): the largest program (most roadmap rows), the protocol, the orders with appendices
and the annual report. Loads the demo into a throwaway SQLite file, whatever DATABASE_URL says:
make bench runs it after import_db.py has emptied the PostgreSQL database, and the figures are of
the documents, not of the database.

Run from the repository root: `python bench/documents.py`. Prints the median of three builds."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
database = Path(tempfile.mkdtemp(prefix="opora-bench-")) / "documents.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{database}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opora.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

GOALS = {"docx": 1.0, "pdf": 3.0}


def main() -> None:
    from opora.programs.models import Program
    from opora.reports.documents import document_list, export_document

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    largest = max(Program.objects.all(), key=lambda p: p.activities.count() + p.indicators.count())
    chosen = [f"program-{largest.pk}"] + [
        d.id for d in document_list() if d.kind in {"protocol", "order", "annual_report"}
    ]
    export_document(chosen[0], file_format="docx")  # warm-up: imports, dictionaries, fonts
    failed = False
    for document_id in chosen:
        for file_format, goal in GOALS.items():
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                content = export_document(document_id, file_format=file_format)
                runs.append(time.perf_counter() - started)
            seconds = statistics.median(runs)
            failed |= seconds >= goal
            mark = "" if seconds < goal else "  ← дольше цели"
            print(
                f"{document_id:20} {file_format:5} {seconds:6.2f} с  {len(content) // 1024:5} КиБ"
                f"  (цель < {goal:g} с){mark}"
            )
    print("Документы:", "цели достигнуты" if not failed else "цели НЕ достигнуты")


if __name__ == "__main__":
    main()
