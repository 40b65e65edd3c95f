import gc
import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enser_cabinet.settings")

application = get_wsgi_application()

# A web worker loads WeasyPrint (a second of imports) when it starts, not on
# its first statement download; commands and job workers never load it.
import_module("weasyprint")

# What a worker has loaded by now (Django, the project, WeasyPrint: some
# 130 000 objects) lives as long as the worker. Frozen, it is left out of the
# cycle collector's full passes, which otherwise walk it all: ~50 ms that
# stall the request they fall in, a few times every thousand requests.
gc.collect()
gc.freeze()
