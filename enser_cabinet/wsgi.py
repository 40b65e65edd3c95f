import gc
import os
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.template.loader import get_template
from django.urls import URLResolver, get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enser_cabinet.settings")

application = get_wsgi_application()

# A web worker loads WeasyPrint (a second of imports) when it starts, not on
# its first statement download; commands and job workers never load it.
import_module("weasyprint")


def _templates_compile() -> None:
    """Every template of the project compiled into the cached loader, as the
    worker's first requests would (~0.1 s), so that they are frozen below."""
    for folder in map(Path, settings.TEMPLATES[0]["DIRS"]):
        for path in folder.rglob("*"):
            if path.is_file():
                get_template(path.relative_to(folder).as_posix())


def _urls_map(resolver: URLResolver) -> None:
    """The URL map's lookups for making addresses, which the first {% url %}
    of each namespace would build (~0.15 s and ~19 000 objects in all):
    reading a resolver's namespaces builds its own."""
    for _prefix, namespace in resolver.namespace_dict.values():
        _urls_map(namespace)


_templates_compile()
_urls_map(get_resolver())

# What a worker has loaded by now (Django, the project, its templates and URL
# map, WeasyPrint: some 165 000 objects) lives as long as the worker. Frozen,
# it is left out of the cycle collector's full passes, which otherwise walk it
# all: ~50 ms that stall the request they fall in, a few times every thousand
# requests.
gc.collect()
gc.freeze()
