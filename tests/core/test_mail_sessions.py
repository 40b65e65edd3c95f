"""Letters sent one after another share an SMTP session (enser_cabinet/mail.py),
within its limits: a real SMTP server (aiosmtpd) tells the sessions apart
by the client's port."""

import socket

import pytest

from enser_cabinet import mail
from enser_cabinet.mail import RenderedEmail, email_deliver

LETTER = RenderedEmail(subject="Тема", body="Текст", html="")


@pytest.fixture(autouse=True)
def no_session_kept():
    mail._smtp_session_end()
    yield
    mail._smtp_session_end()


def _send(count: int) -> None:
    for number in range(count):
        email_deliver(to=[f"abonent{number}@example.ru"], email=LETTER)


def test_letters_in_a_row_go_over_one_session(smtp_server):
    _send(3)
    assert len(smtp_server.messages) == 3
    assert len(set(smtp_server.peers)) == 1


def test_a_session_carries_at_most_its_number_of_letters(smtp_server, monkeypatch):
    monkeypatch.setattr(mail, "SESSION_LETTERS", 2)
    _send(5)
    peers = smtp_server.peers
    assert len(smtp_server.messages) == 5
    assert peers[0] == peers[1] != peers[2] == peers[3] != peers[4]


def test_a_session_dropped_while_idle_is_replaced_before_the_next_letter(smtp_server, monkeypatch):
    _send(1)
    # The server (or a firewall) has dropped the idle session.
    mail._kept.session.backend.connection.sock.shutdown(socket.SHUT_RDWR)
    monkeypatch.setattr(mail, "IDLE_CHECK_SECONDS", 0)
    _send(1)
    assert len(smtp_server.messages) == 2
    assert smtp_server.peers[0] != smtp_server.peers[1]


def test_a_refused_letter_ends_the_session_and_the_next_one_goes_on_a_new_one(smtp_server):
    _send(1)
    smtp_server.refuse = True
    with pytest.raises(Exception, match="No such mailbox"):
        _send(1)
    assert getattr(mail._kept, "session", None) is None
    smtp_server.refuse = False
    _send(1)
    assert len(smtp_server.messages) == 2
    assert smtp_server.peers[0] != smtp_server.peers[1]


def test_another_server_in_the_settings_gets_a_session_of_its_own(smtp_server, settings):
    _send(1)
    first = mail._kept.session
    settings.EMAIL_TIMEOUT = 7  # the settings changed: a session by the new ones
    _send(1)
    assert mail._kept.session is not first
    assert mail._kept.session.backend.timeout == 7
    assert smtp_server.peers[0] != smtp_server.peers[1]


def test_letters_to_files_open_no_session(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    _send(2)
    assert len(list(tmp_path.iterdir())) == 2
    assert getattr(mail._kept, "session", None) is None
