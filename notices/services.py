"""Telling people: `notify` makes each notification once and queues its
letter and SMS with it; reading, preferences and one-click unsubscribe.

Recipients are read from the contract's memberships when a notification is
made, so a person whose access was taken away hears nothing more of that
contract from that moment. Each row's key (event, contract, person, period)
is unique and rows are inserted with ON CONFLICT DO NOTHING: a periodic job
run twice, two workers at once or an import loaded again insert nothing the
second time, and only rows actually inserted get a letter or an SMS.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contract, Membership, User
from accounts.sms import SmsDeliveryError
from notices.events import RULES_BY_EVENT, Channel, Event, default_channels, event_allowed, events_for_role
from notices.models import Notification, PersonSettings, Preference
from outbox.models import OutgoingMessage
from outbox.services import email_message, email_queue, emails_queue, sms_queue

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notices.unsubscribe"
ALL_EVENTS = "*"
INSERT_BATCH = 500


@dataclass(frozen=True)
class Notice:
    """What one event says about one contract; `period` tells this
    occurrence from the others (a month, an invoice number, a reading)."""

    contract_id: int
    contract_number: str
    period: str
    title: str
    body: str
    url: str  # a path of the cabinet
    sms: str = ""  # the SMS text, for the events that may go by SMS


def notice_key(*, event: str, contract_id: int, person_id: int, period: str) -> str:
    return f"{event}:{contract_id}:{person_id}:{period}"[:200]


def absolute(path: str) -> str:
    return f"{settings.CABINET_URL}{path}"


# -- who wants what ------------------------------------------------------------


def channels_wanted(*, event: str, role: str, preference: Preference | None) -> dict[str, bool]:
    """The person's channels for an event: their own choice, else the role's
    defaults; nothing for an event the role may not receive, SMS only for
    the events that allow it."""
    if not event_allowed(event, role):
        return {Channel.IN_APP: False, Channel.EMAIL: False, Channel.SMS: False}
    if preference is None:
        wanted = default_channels(event, role)
    else:
        wanted = {
            Channel.IN_APP: preference.in_app,
            Channel.EMAIL: preference.email,
            Channel.SMS: preference.sms,
        }
    if not RULES_BY_EVENT[Event(event)].sms:
        wanted[Channel.SMS] = False
    return wanted


@dataclass(frozen=True)
class _Recipient:
    person_id: int
    email: str
    phone: str
    digest: bool
    in_app: bool
    wants_email: bool
    wants_sms: bool


# Each contract's people who want an event, by contract id.
Recipients = dict[int, list[_Recipient]]


def recipients_of(event: str, contract_ids: list[int]) -> Recipients:
    """Each contract's people who want `event` on some channel: three queries
    whatever the number of contracts."""
    memberships = list(
        Membership.objects.filter(
            contract_id__in=contract_ids, contract__registered_at__isnull=False, user__is_active=True
        ).values_list("user_id", "contract_id", "role", "user__email", "user__phone")
    )
    preferences = {
        (p.person_id, p.contract_id): p
        for p in Preference.objects.filter(contract_id__in=contract_ids, event=event)
    }
    people = {m[0] for m in memberships}
    digest = set(
        PersonSettings.objects.filter(person_id__in=people, digest=PersonSettings.Digest.DAILY).values_list(
            "person_id", flat=True
        )
    )
    found: Recipients = {}
    for person_id, contract_id, role, email, phone in memberships:
        wanted = channels_wanted(event=event, role=role, preference=preferences.get((person_id, contract_id)))
        recipient = _Recipient(
            person_id=person_id,
            email=email or "",
            phone=getattr(phone, "as_e164", "") if phone else "",
            digest=person_id in digest,
            in_app=wanted[Channel.IN_APP],
            wants_email=wanted[Channel.EMAIL] and bool(email),
            wants_sms=wanted[Channel.SMS] and bool(phone),
        )
        if recipient.in_app or recipient.wants_email or recipient.wants_sms:
            found.setdefault(contract_id, []).append(recipient)
    return found


# -- making notifications ------------------------------------------------------


def notify(
    event: str,
    contract: Contract,
    period: str,
    *,
    title: str,
    body: str,
    url: str,
    sms: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Tells every person of `contract` who wants `event` once per `period`;
    returns how many notifications were made now."""
    notice = Notice(contract.pk, contract.number, period, title, body, url, sms)
    return notify_many(event, [notice], now=now)


@transaction.atomic
def notify_many(
    event: str,
    notices: Iterable[Notice],
    *,
    now: dt.datetime | None = None,
    recipients: Recipients | None = None,
) -> int:
    """`notify` for many contracts at once (a periodic job, an import): the
    rows are inserted in batches and letters queued for the new ones only,
    in this transaction. `recipients` (recipients_of) saves reading them again
    when the notices of one event come in several calls."""
    now = now or timezone.now()
    notices = list(notices)
    if recipients is None:
        recipients = recipients_of(event, sorted({n.contract_id for n in notices}))
    rows = []
    for notice in notices:
        for r in recipients.get(notice.contract_id, []):
            rows.append((notice, r))
    made = 0
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        inserted = _insert(event, batch, now)
        letters = []
        for notice, r in batch:
            key = notice_key(
                event=event, contract_id=notice.contract_id, person_id=r.person_id, period=notice.period
            )
            notification_id = inserted.get(key)
            if notification_id is None:
                continue  # made before: told already
            made += 1
            if r.wants_email and not r.digest:
                letters.append(_letter(event, notice, r, notification_id))
            if r.wants_sms and notice.sms:
                _sms_queue(notice, r)
        emails_queue(letters)
    return made


def _insert(event: str, batch: list[tuple[Notice, _Recipient]], now: dt.datetime) -> dict[str, int]:
    """INSERT … ON CONFLICT (key) DO NOTHING RETURNING: the keys inserted
    now, with their ids. Rows another transaction holds make this one wait,
    then count as made before."""
    table = Notification._meta.db_table
    columns = (
        "person_id, contract_id, event, key, title, body, url, created_at, read_at, in_app, emailed, texted, "
        "digest_pending"
    )
    values, params = [], []
    for notice, r in batch:
        key = notice_key(
            event=event, contract_id=notice.contract_id, person_id=r.person_id, period=notice.period
        )
        values.append("(%s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s, %s, %s)")
        params += [
            r.person_id,
            notice.contract_id,
            event,
            key,
            notice.title[:255],
            notice.body,
            notice.url[:500],
            now,
            r.in_app,
            r.wants_email and not r.digest,
            r.wants_sms and bool(notice.sms),
            r.wants_email and r.digest,
        ]
    # Our own table and column names; every value is a parameter.
    statement = f"INSERT INTO {table} ({columns}) VALUES {', '.join(values)} "  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement + "ON CONFLICT (key) DO NOTHING RETURNING key, id", params)
        return dict(cursor.fetchall())


def unsubscribe_token(*, person_id: int, contract_id: int | None, event: str) -> str:
    return signing.dumps({"p": person_id, "c": contract_id, "e": event}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058: a mail client may offer the button and POST to the link."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _letter(event: str, notice: Notice, r: _Recipient, notification_id: int) -> OutgoingMessage:
    token = unsubscribe_token(person_id=r.person_id, contract_id=notice.contract_id, event=event)
    unsubscribe_url = absolute(reverse("notices:unsubscribe", args=[token]))
    return email_message(
        name="notice",
        to=[r.email],
        context={
            "notice": notice,
            "event_label": Event(event).label,
            "open_url": absolute(f"{reverse('notices:list')}?open={notification_id}"),
            "settings_url": absolute(reverse("notices:settings")),
            "unsubscribe_url": unsubscribe_url,
        },
        headers=unsubscribe_headers(unsubscribe_url),
    )


def _sms_queue(notice: Notice, r: _Recipient) -> None:
    try:
        sms_queue(name="notice", to=r.phone, context={"text": notice.sms}, secret=False)
    except SmsDeliveryError as error:  # SMS not configured: the other channels still work
        logger.warning("notice SMS to %s not queued: %s", r.phone, error)


# -- the daily digest ----------------------------------------------------------


def digest_send(*, now: dt.datetime | None = None) -> int:
    """One letter per person in digest mode with every notification waiting
    for it that was made before today began (the cabinet's time zone);
    returns how many letters were queued. The rows are taken under lock and
    cleared in the letter's transaction, so a second run finds nothing."""
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    people = (
        Notification.objects.filter(digest_pending=True, created_at__lt=day_start)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )
    letters = 0
    for person_id in list(people):
        letters += _digest_letter(person_id=person_id, before=day_start)
    return letters


@transaction.atomic
def _digest_letter(*, person_id: int, before: dt.datetime) -> int:
    pending = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(person_id=person_id, digest_pending=True, created_at__lt=before)
        .select_related("contract")
        .order_by("created_at", "id")
    )
    if not pending:
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(digest_pending=False)
    person = User.objects.get(pk=person_id)
    # Access lost since: nothing more about that contract.
    member_of = set(Membership.objects.filter(user_id=person_id).values_list("contract_id", flat=True))
    told = [n for n in pending if n.contract_id in member_of]
    if not told or not person.email or not person.is_active:
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in told]).update(emailed=True)
    token = unsubscribe_token(person_id=person_id, contract_id=None, event=ALL_EVENTS)
    unsubscribe_url = absolute(reverse("notices:unsubscribe", args=[token]))
    list_url = absolute(reverse("notices:list"))
    email_queue(
        name="notice-digest",
        to=[person.email],
        context={
            "day": timezone.localtime(before - dt.timedelta(seconds=1)).date(),
            "notifications": [(n, absolute(f"{reverse('notices:list')}?open={n.pk}")) for n in told],
            "list_url": list_url,
            "settings_url": absolute(reverse("notices:settings")),
            "unsubscribe_url": unsubscribe_url,
        },
        headers=unsubscribe_headers(unsubscribe_url),
    )
    return 1


# -- the person's side ---------------------------------------------------------


def notifications_visible(*, person: User):
    """The person's notifications shown in the cabinet: only of contracts they
    still have access to."""
    return (
        Notification.objects.filter(person=person, in_app=True, contract__memberships__user=person)
        .select_related("contract")
        .order_by("-created_at", "-id")
    )


def unread_count(*, person: User) -> int:
    return notifications_visible(person=person).filter(read_at__isnull=True).count()


def unread_count_expression() -> Coalesce:
    """unread_count as an expression on User, read with the person on every
    request (accounts/backends.py USER_ANNOTATIONS) for the cabinet's head:
    the same rows, counted in the user's own query."""
    person = OuterRef("pk")
    unread = (
        Notification.objects.filter(
            person=person, in_app=True, read_at__isnull=True, contract__memberships__user=person
        )
        .order_by()
        .values("person")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread), Value(0))


def notification_read(*, person: User, notification_id: int) -> Notification | None:
    """Marks one of the person's notifications read; None when it is not theirs."""
    notification = notifications_visible(person=person).filter(pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, person: User) -> int:
    return Notification.objects.filter(person=person, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@dataclass(frozen=True)
class MatrixRow:
    event: Event
    channels: dict[str, bool | None]  # None: the channel is not offered for this event


@dataclass(frozen=True)
class ContractMatrix:
    contract: Contract
    role_label: str
    rows: list[MatrixRow]


def preferences_matrix(*, person: User) -> list[ContractMatrix]:
    """Events × channels of each of the person's contracts, as they stand
    (own choices over the role's defaults); two queries."""
    memberships = list(
        Membership.objects.filter(user=person, contract__registered_at__isnull=False)
        .select_related("contract")
        .order_by("contract__number")
    )
    own = {(p.contract_id, p.event): p for p in Preference.objects.filter(person=person)}
    matrices = []
    for membership in memberships:
        rows = []
        for event in events_for_role(membership.role):
            wanted = channels_wanted(
                event=event, role=membership.role, preference=own.get((membership.contract_id, event))
            )
            offered = RULES_BY_EVENT[event].sms
            rows.append(
                MatrixRow(
                    event=event,
                    channels={
                        Channel.IN_APP: wanted[Channel.IN_APP],
                        Channel.EMAIL: wanted[Channel.EMAIL],
                        Channel.SMS: wanted[Channel.SMS] if offered else None,
                    },
                )
            )
        matrices.append(ContractMatrix(membership.contract, membership.get_role_display(), rows))
    return matrices


def field_name(contract_id: int, event: str, channel: str) -> str:
    return f"c{contract_id}-{event}-{channel}"


@transaction.atomic
def preferences_save(*, person: User, checked: set[str], digest: str) -> None:
    """Saves the whole matrix from the names of the boxes ticked: one row per
    event of each contract the person may receive."""
    for matrix in preferences_matrix(person=person):
        for row in matrix.rows:
            values = {
                channel: field_name(matrix.contract.pk, row.event, channel) in checked
                for channel in (Channel.IN_APP, Channel.EMAIL, Channel.SMS)
            }
            if row.channels[Channel.SMS] is None:
                values[Channel.SMS] = False
            Preference.objects.update_or_create(
                person=person,
                contract=matrix.contract,
                event=row.event,
                defaults={
                    "in_app": values[Channel.IN_APP],
                    "email": values[Channel.EMAIL],
                    "sms": values[Channel.SMS],
                },
            )
    PersonSettings.objects.update_or_create(person=person, defaults={"digest": digest})


def digest_choice(*, person: User) -> str:
    return (
        PersonSettings.objects.filter(person=person).values_list("digest", flat=True).first()
        or PersonSettings.Digest.SINGLE
    )


# -- one-click unsubscribe -----------------------------------------------------


@dataclass(frozen=True)
class Unsubscribe:
    person: User
    contract: Contract | None  # None: every contract (the digest's link)
    event: Event | None  # None: every event


class BadToken(Exception):
    pass


def unsubscribe_read(token: str) -> Unsubscribe:
    """What a link turns off; BadToken for a forged or altered one."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        person = User.objects.get(pk=int(data["p"]), is_active=True)
        contract = Contract.objects.get(pk=int(data["c"])) if data["c"] is not None else None
        event = None if data["e"] == ALL_EVENTS else Event(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist, Contract.DoesNotExist):
        raise BadToken from None
    if (contract is None) != (event is None):
        raise BadToken
    return Unsubscribe(person=person, contract=contract, event=event)


def email_is_off(unsubscribe: Unsubscribe) -> bool:
    """Whether the letters the link names are off already."""
    if unsubscribe.event is None:
        return False
    own = Preference.objects.filter(
        person=unsubscribe.person, contract=unsubscribe.contract, event=unsubscribe.event
    ).first()
    role = (
        Membership.objects.filter(user=unsubscribe.person, contract=unsubscribe.contract)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        return True
    return not channels_wanted(event=unsubscribe.event, role=role, preference=own)[Channel.EMAIL]


@transaction.atomic
def unsubscribe_apply(unsubscribe: Unsubscribe) -> int:
    """Turns letters off: of one event and contract, or (the digest's link)
    of every event of every contract of the person. Other channels stay as
    they are. Returns how many settings changed."""
    memberships = Membership.objects.filter(user=unsubscribe.person)
    if unsubscribe.contract is not None:
        memberships = memberships.filter(contract=unsubscribe.contract)
    changed = 0
    for membership in memberships:
        events = [unsubscribe.event] if unsubscribe.event is not None else events_for_role(membership.role)
        for event in events:
            own = Preference.objects.filter(
                person=unsubscribe.person, contract_id=membership.contract_id, event=event
            ).first()
            wanted = channels_wanted(event=event, role=membership.role, preference=own)
            if not wanted[Channel.EMAIL]:
                continue
            Preference.objects.update_or_create(
                person=unsubscribe.person,
                contract_id=membership.contract_id,
                event=event,
                defaults={"in_app": wanted[Channel.IN_APP], "email": False, "sms": wanted[Channel.SMS]},
            )
            changed += 1
    return changed


# -- staff's announcements -----------------------------------------------------


def announcement_contracts(*, street: str) -> list[tuple[int, str]]:
    """Contracts with a cabinet and a meter installed at an address that
    contains `street` (any letter case), by number."""
    from meters.models import Meter

    street = " ".join(street.split())
    if not street:
        return []
    return list(
        Meter.objects.filter(address__icontains=street, contract__registered_at__isnull=False)
        .order_by("contract__number")
        .values_list("contract_id", "contract__number")
        .distinct()
    )


@transaction.atomic
def announcement_send(*, announcement) -> int:
    """Tells every matching contract, through each person's preferences;
    records how many contracts and notifications it reached."""
    contracts = announcement_contracts(street=announcement.street)
    made = notify_many(
        Event.ANNOUNCEMENT,
        [
            Notice(
                pk,
                number,
                f"announcement-{announcement.pk}",
                title=f"Договор {number}: {announcement.title}",
                body=announcement.text,
                url=reverse("cabinet:home"),
            )
            for pk, number in contracts
        ],
    )
    announcement.contracts, announcement.notifications = len(contracts), made
    announcement.save(update_fields=["contracts", "notifications"])
    return made
