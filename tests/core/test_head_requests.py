"""A HEAD request gets the GET's status and headers and no body, from the
WSGI application itself (Django's test client strips bodies on its own, so
these tests call the application as a server does)."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _serve(method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    environ = RequestFactory().get(path).environ
    environ["REQUEST_METHOD"] = method
    started = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        started.update(status=status, headers=dict(headers))

    response = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(response)
    finally:
        response.close()
    return started["status"], started["headers"], body


@pytest.mark.parametrize("path", ["/login/", "/no-such-page/"])
def test_head_answers_as_get_without_the_body(path):
    get_status, get_headers, get_body = _serve("GET", path)
    status, headers, body = _serve("HEAD", path)
    assert get_body
    assert body == b""
    assert status == get_status
    assert headers["Content-Type"] == get_headers["Content-Type"]
    assert headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))
