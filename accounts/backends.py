"""Signing in by contract number or by e-mail, with the person's password.

Only a registered contract signs in by its number. The first sign-in of an
unregistered one, with its organization's INN, signs nobody in: it is a
service call (accounts.registration.registration_open_by_inn).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Count, Expression, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.query import get_related_populators

from accounts.models import Contract, Membership, User
from accounts.validators import normalize_contract_number

# What apps above accounts read with the person on every request, by the
# attribute it is kept in, each an expression on User (OuterRef("pk") is the
# person): notices adds the unread count of the cabinet's head. Registered in
# their AppConfig.ready, so accounts knows nothing of them, and read in the
# user's own query, so a page costs no query more for each.
USER_ANNOTATIONS: dict[str, Callable[[], Expression]] = {}


def user_annotation_add(name: str, expression: Callable[[], Expression]) -> None:
    """Reads `expression()` with the person on every request, as `user.<name>`."""
    USER_ANNOTATIONS[name] = expression
    _users_with_what_pages_need.cache_clear()


class AmbiguousEmail(Exception):
    """The password is right for one of several accounts that share the
    e-mail: the person must sign in by contract number (until staff merge
    the accounts)."""


def _contract(contract_number: str | None) -> Contract | None:
    number = normalize_contract_number(contract_number or "")
    if number is None:
        return None
    return Contract.objects.select_related("organization").filter(number=number).first()


def email_accounts(email: str):
    """The customers' accounts an e-mail may sign in to: active, not staff."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True, is_staff=False)


@cache
def _users_with_what_pages_need() -> QuerySet:
    """Every cabinet page needs the person's contract and its organization,
    and their role on it: read with the user, in the same query. So is the
    number of their registered contracts: a person with one needs no query
    for the contract switcher (accounts/customers.py). The apps above add
    theirs (USER_ANNOTATIONS). Built once per process and filtered per
    request: building it costs more than the database spends running it."""
    # One membership per person and contract: no ordering (the model's
    # would join the contract and the user only to sort one row).
    own_role = (
        Membership.objects.filter(user=OuterRef("pk"), contract=OuterRef("contract"))
        .order_by()
        .values("role")
    )
    contracts_count = (
        Membership.objects.filter(user=OuterRef("pk"), contract__registered_at__isnull=False)
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    annotations = {name: expression() for name, expression in USER_ANNOTATIONS.items()}
    if connection.vendor == "postgresql":
        annotations[MEMBERSHIPS_DIGEST] = _memberships_digest()
    return User.objects.select_related("contract__organization").annotate(
        own_role=Subquery(own_role[:1]),
        contracts_count=Coalesce(Subquery(contracts_count), Value(0)),
        **annotations,
    )


# A digest of everything the person's contract list is read from: every
# column of each of their memberships, its contract and its organization
# (whole rows, so a column added later counts too). Equal digests mean the
# list read now would be the one read then, so the list and the header's
# switcher are kept under it (accounts/customers.py, accounts/switcher.py)
# and a membership added, removed or changed, a contract registered or
# renamed, its data_version raised, gives a new one in the very request.
MEMBERSHIPS_DIGEST = "memberships_digest"


def _memberships_digest() -> RawSQL:
    # Whole-row text is PostgreSQL's; elsewhere the list is read per request.
    # The outer query is the user's own, unaliased (get_user below).
    return RawSQL(
        "SELECT md5(string_agg(m::text || c::text || o::text, '|' ORDER BY m.id))"
        " FROM accounts_membership m"
        " JOIN accounts_contract c ON c.id = m.contract_id"
        " JOIN accounts_organization o ON o.id = c.organization_id"
        ' WHERE m.user_id = "accounts_user"."id"',
        (),
        output_field=CharField(),
    )


# The user's query of every request, compiled once per connection with this
# id in place of the person's, then run as a prepared statement: compiling
# it (about 1.5 ms of Python) and planning it (PostgreSQL spent 1.5 ms
# planning against 0.5 ms running it) were most of a kept page's cost.
_ANY_ID = -7_654_321


@dataclass
class _CompiledUserQuery:
    source: QuerySet  # the query it was compiled from (a new one after user_annotation_add)
    sql: str
    params: tuple
    id_at: int
    compiler: object
    init_list: list[str]
    fields: slice
    related_populators: list
    annotation_col_map: dict[str, int]
    converters: dict

    @classmethod
    def compile(cls, source: QuerySet, using: str) -> "_CompiledUserQuery":
        compiler = source.filter(pk=_ANY_ID).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        (id_at,) = [index for index, param in enumerate(params) if param == _ANY_ID]
        select, klass_info = compiler.select, compiler.klass_info
        fields = slice(klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1)
        return cls(
            source=source,
            sql=sql,
            params=tuple(params),
            id_at=id_at,
            compiler=compiler,
            init_list=[column[0].target.attname for column in select[fields]],
            fields=fields,
            related_populators=get_related_populators(klass_info, select, using),
            annotation_col_map=dict(compiler.annotation_col_map),
            converters=compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
        )

    def users(self, rows: list, using: str) -> Iterator[User]:
        """The rows as Django's ModelIterable makes them (select_related and
        annotations included)."""
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        for row in rows:
            user = User.from_db(using, self.init_list, row[self.fields])
            for populator in self.related_populators:
                populator.populate(row, user)
            for name, position in self.annotation_col_map.items():
                setattr(user, name, row[position])
            yield user


def _prepared_cursor(database: BaseDatabaseWrapper):
    """A cursor of Django's connection (its wrappers and query log included)
    that binds parameters on the server and asks for the statement to be
    prepared: psycopg keeps it prepared on the connection, where the
    settings' `prepare_threshold` is set (none, no statement is prepared)."""
    database.close_if_health_check_failed()
    database.ensure_connection()
    with database.wrap_database_errors:
        return database._prepare_cursor(_prepared_cursor_class()(database.connection))


@cache
def _prepared_cursor_class() -> type:
    # Imported when first asked: psycopg is PostgreSQL's alone.
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            super().execute(query, params, prepare=True, binary=binary)
            if self._query is None:
                # psycopg keeps no query of a prepared execution; Django's
                # query log (DEBUG, tests) reads it from there.
                self._query = self._convert_query(query, params)
            return self

    return PreparedCursor


def user_with_what_pages_need(user_id: object) -> User | None:
    """The person of `user_id` read with everything pages need, in one query
    (see _users_with_what_pages_need); None when there is none."""
    source = _users_with_what_pages_need()
    if connection.vendor != "postgresql":
        # The primary key: one row, no ordering needed.
        return next(iter(source.filter(pk=user_id)), None)
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    compiled = getattr(connection, "_enser_user_query", None)
    if compiled is None or compiled.source is not source:
        compiled = _CompiledUserQuery.compile(source, connection.alias)
        connection._enser_user_query = compiled
    params = list(compiled.params)
    params[compiled.id_at] = user_id
    with _prepared_cursor(connection) as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    return next(compiled.users(rows, connection.alias), None)


class ContractPasswordBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_what_pages_need(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, contract_number=None, secret=None, **kwargs):
        if contract_number is None or secret is None:
            return None
        contract = _contract(contract_number)
        if contract is None or not contract.is_registered:
            # Hash anyway so that a missing contract takes as long as a
            # wrong password.
            make_password(secret)
            return None
        user = User.objects.filter(contract=contract).first()
        if user is None:
            make_password(secret)
            return None
        if user.check_password(secret) and self.user_can_authenticate(user):
            return user
        return None


class EmailPasswordBackend(ContractPasswordBackend):
    """A person's own account, by e-mail. Where several accounts share the
    address, a password right for one of them raises AmbiguousEmail: which
    one is meant cannot be told, and the answer says to use the contract
    number; a wrong password gets the plain refusal, so nobody learns that
    the address is shared without knowing a password."""

    def authenticate(self, request, email=None, secret=None, **kwargs):
        if email is None or secret is None:
            return None
        accounts = list(email_accounts(email)[:10])
        if not accounts:
            make_password(secret)
            return None
        matching = [user for user in accounts if user.check_password(secret)]
        if len(accounts) > 1 and matching:
            raise AmbiguousEmail(email)
        if matching and self.user_can_authenticate(matching[0]):
            return matching[0]
        return None
