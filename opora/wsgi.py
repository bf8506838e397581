import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opora.settings")
application = get_wsgi_application()

from opora.reports.charts import load_matplotlib  # noqa: E402

# Commands and workers load matplotlib on their first chart; a web process draws charts on its
# pages, so it loads it now, before the freeze below.
load_matplotlib()

# What is loaded by now (Django, the apps, polars, matplotlib) lives as long as the process:
# frozen, it is left out of the collector's full passes, which otherwise walk all of it every
# few requests and made one request in three of a 1,000-school page twice as slow.
gc.freeze()
