from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

# The addresses every cabinet page links to (the header, the cabinet's
# buttons and tabs), by the names templates use: `{{ links.settlements }}`.
LINKED = {
    "login": "accounts:login",
    "logout": "accounts:logout",
    "appeal_new": "appeals:new",
    "edo": "appeals:edo",
    "appeals": "appeals:list",
    "home": "cabinet:home",
    "settlements": "settlements:settlements",
    "charges": "settlements:charges",
    "payments": "settlements:payments",
    "readings": "meters:readings",
    "requisites": "accounts:requisites",
    "notifications": "notices:list",
}
# Static files of the layout: `{{ links.css }}`.
STATIC = {"css": "css/site.css", "logo": "img/logo.svg"}


def company(request):
    return {"company": settings.COMPANY}


@cache
def _links(prefix: str, urlconf: str, static_url: str) -> dict[str, str]:
    # The same for every request under one script prefix and URL
    # configuration: reversed once instead of ~13 times on every page.
    links = {name: reverse(view, urlconf=urlconf) for name, view in LINKED.items()}
    return links | {name: static(path) for name, path in STATIC.items()}


def links(request):
    urlconf = getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF
    return {"links": _links(get_script_prefix(), urlconf, settings.STATIC_URL)}
