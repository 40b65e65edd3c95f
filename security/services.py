"""Writing the security log, and a person's sessions: the ones open now,
and ending them."""

import datetime as dt
import re

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Contract, User
from accounts.sessions import sessions_delete
from enser_cabinet.http import client_ip
from security.models import SecurityEvent, SessionRecord

# The session's own record (SessionRecord.pk), kept in the session.
RECORD_SESSION_KEY = "security_record"
SHOWN = 20  # sign-ins and password changes on «Безопасность»
USER_AGENT_LENGTH = SecurityEvent._meta.get_field("user_agent").max_length


def _meta(request: HttpRequest | None) -> dict:
    if request is None:
        return {}
    return {
        "ip": client_ip(request) or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    }


def security_record(
    kind: str,
    *,
    user: User | None = None,
    contract: Contract | None = None,
    request: HttpRequest | None = None,
    identifier: str = "",
    details: str = "",
    **where: object,
) -> SecurityEvent:
    """One entry; the address and browser from `request`, or given as `ip`
    and `user_agent`."""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        contract=contract,
        identifier=identifier[:254],
        details=details[:500],
        **{**_meta(request), **where},
    )


def session_begin(request: HttpRequest, user: User) -> SessionRecord:
    """The record of a session just signed in."""
    session = request.session
    if session.session_key is None:
        session.save()
    record = SessionRecord.objects.create(session_key=session.session_key, user=user, **_meta(request))
    session[RECORD_SESSION_KEY] = record.pk
    return record


def session_close(request: HttpRequest) -> None:
    """The session signs out: its record is ended."""
    record_id = request.session.get(RECORD_SESSION_KEY)
    if record_id is not None:
        SessionRecord.objects.filter(pk=record_id, ended_at__isnull=True).update(ended_at=timezone.now())


def sessions_open(request: HttpRequest) -> list[SessionRecord]:
    """The person's sessions that can still be used, this one first; each
    has `current` set. A record whose session is gone (signed out, expired,
    ended by a password change) is not listed."""
    user, session = request.user, request.session
    current_id = session.get(RECORD_SESSION_KEY)
    if current_id is not None and session.session_key:
        # A password change gave this session a new key: the record follows it.
        SessionRecord.objects.filter(pk=current_id, user=user).exclude(
            session_key=session.session_key
        ).update(session_key=session.session_key)
    records = list(
        SessionRecord.objects.filter(user=user, ended_at__isnull=True).order_by("-started_at", "-pk")
    )
    live = set(
        Session.objects.filter(
            session_key__in=[record.session_key for record in records], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    shown = []
    for record in records:
        record.current = record.pk == current_id
        if record.current or record.session_key in live:
            shown.append(record)
    shown.sort(key=lambda record: not record.current)
    return shown


@transaction.atomic
def sessions_end(request: HttpRequest, *, record_ids: list[int] | None = None) -> int:
    """Ends the person's sessions `record_ids` (None: all but this one); the
    session the request itself runs in is never ended here. Returns how many."""
    current_id = request.session.get(RECORD_SESSION_KEY)
    records = SessionRecord.objects.select_for_update().filter(user=request.user, ended_at__isnull=True)
    records = records.exclude(pk=current_id) if current_id is not None else records
    records = records.exclude(session_key=request.session.session_key or "")
    if record_ids is not None:
        records = records.filter(pk__in=record_ids)
    doomed = list(records)
    if not doomed:
        return 0
    sessions_delete([record.session_key for record in doomed])
    SessionRecord.objects.filter(pk__in=[record.pk for record in doomed]).update(ended_at=timezone.now())
    for record in doomed:
        security_record(
            SecurityEvent.Kind.SESSION_ENDED,
            user=request.user,
            request=request,
            details=f"сеанс от {timezone.localtime(record.started_at):%d.%m.%Y %H:%M}, "
            f"{browser_label(record.user_agent)}",
        )
    return len(doomed)


def sign_ins_recent(*, user: User) -> list[SecurityEvent]:
    kinds = [SecurityEvent.Kind.SIGN_IN, SecurityEvent.Kind.SIGN_IN_FAILED]
    return list(SecurityEvent.objects.filter(user=user, kind__in=kinds).order_by("-at", "-pk")[:SHOWN])


def password_changes_recent(*, user: User) -> list[SecurityEvent]:
    kinds = [SecurityEvent.Kind.PASSWORD_CHANGED, SecurityEvent.Kind.PASSWORD_RESET]
    return list(SecurityEvent.objects.filter(user=user, kind__in=kinds).order_by("-at", "-pk")[:SHOWN])


# (pattern, name), the first that matches: Edge and Opera and Yandex say "Chrome" too.
_BROWSERS = [
    (re.compile(r"YaBrowser/(\d+)"), "Яндекс Браузер"),
    (re.compile(r"Edg(?:e|A|iOS)?/(\d+)"), "Edge"),
    (re.compile(r"OPR/(\d+)"), "Opera"),
    (re.compile(r"Firefox/(\d+)"), "Firefox"),
    (re.compile(r"(?:Chrome|CriOS)/(\d+)"), "Chrome"),
    (re.compile(r"Version/(\d+).*Safari/"), "Safari"),
]
_SYSTEMS = [
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def browser_label(user_agent: str) -> str:
    """«Chrome 120, Windows» from a User-Agent; «неизвестный браузер» when it says nothing we know."""
    browser = next(
        (f"{name} {match[1]}" for pattern, name in _BROWSERS if (match := pattern.search(user_agent))), ""
    )
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    return ", ".join(part for part in (browser, system) if part) or "неизвестный браузер"


def security_log_prune(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Deletes log entries older than SECURITY_LOG_DAYS, and records of
    sessions ended or past the longest session's life; returns both counts."""
    now = now or timezone.now()
    events = SecurityEvent.objects.filter(
        at__lt=now - dt.timedelta(days=settings.SECURITY_LOG_DAYS)
    ).delete()[0]
    old = now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions = SessionRecord.objects.filter(started_at__lt=old).delete()[0]
    return events, sessions
