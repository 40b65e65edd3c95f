import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enser_cabinet.settings")

application = get_wsgi_application()

# A web worker loads WeasyPrint (a second of imports) when it starts, not on
# its first statement download; commands and job workers never load it.
import_module("weasyprint")
