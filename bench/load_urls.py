"""The cabinet's addresses and, under /bench/, the two pages the load
benchmark measures the cabinet against: the stack's ceiling (one `SELECT 1`)
and a plain authenticated Django page with a 60-row table."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from enser_cabinet.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

PLAIN = engines["django"].from_string(
    "<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>{{ user.username }}</title></head>"
    "<body><h1>Таблица</h1><table>{% for id, name in rows %}<tr><td>{{ id }}</td><td>{{ name }}</td></tr>"
    "{% endfor %}</table></body></html>"
)


def ceiling(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


@login_required
def plain(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM accounts_organization ORDER BY id LIMIT 60")
        rows = cursor.fetchall()
    return HttpResponse(PLAIN.render({"rows": rows, "user": request.user}, request))


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("bench/plain/", plain),
    *urlpatterns,
]
