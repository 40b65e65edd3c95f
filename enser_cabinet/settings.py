"""Settings of the EnSer business cabinet, read from the environment.

Every value has a development default, so `make run` works on a fresh
machine; production sets DEBUG=false and must then give SECRET_KEY.
"""

import ipaddress
from decimal import Decimal, InvalidOperation
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_path(name: str, default: Path) -> Path:
    """A directory setting as a pathlib.Path: env.path() returns
    django-environ's own Path type, which has no mkdir() or `/`."""
    return Path(env.str(name, default=str(default))).resolve()


# Files the running site writes (the embedded database, letters, SMS,
# uploaded documents) live under VAR_DIR unless each is set on its own.
VAR_DIR = env_path("VAR_DIR", BASE_DIR / "var")

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-secret-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin whose `admin.site` asks staff for a second factor (staff/sites.py).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "phonenumber_field",
    "enser_cabinet",
    "accounts",
    "settlements",
    "meters",
    "appeals",
    "cabinet",
    "outbox",
    "billing",
    "paydocs",
    "security",
    "notices",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # After django-otp's plugins: its admin takes their device admins off.
    "staff",
]

MIDDLEWARE = [
    "enser_cabinet.middleware.HeadWithoutBodyMiddleware",
    "enser_cabinet.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compress several times over (a ten-year ledger is ~180 KB of
    # HTML); Django's gzip pads each response against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Fills the unread count into cabinet pages, cached ones included.
    "notices.middleware.UnreadCountMiddleware",
    "staff.sessions.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "enser_cabinet.middleware.CacheUnavailableMiddleware",
]

ROOT_URLCONF = "enser_cabinet.urls"
WSGI_APPLICATION = "enser_cabinet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "enser_cabinet.context_processors.company",
                "enser_cabinet.context_processors.links",
                "accounts.switcher.contract_switcher",
            ],
            "builtins": ["enser_cabinet.templatetags.ru_format"],
        },
    },
]

# The embedded SQLite file is the zero-setup default; PostgreSQL is the
# database of record (DATABASE_URL=postgres://...).
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'enser.sqlite3'}"
    ),
}
_EMBEDDED_DATABASE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if _EMBEDDED_DATABASE:
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Production keeps each worker's connection open (checked before reuse)
# instead of connecting on every request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if not _EMBEDDED_DATABASE and env.bool("DATABASE_PREPARED", default=True):
    # The user's query of every request runs as a statement prepared on the
    # connection (accounts/backends.py asks for it; Django's own cursors bind
    # on the client and never prepare). Off behind a pooler that cannot keep
    # prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (letters, SMS, periodic tasks) queue in PostgreSQL through
# Procrastinate and run in `manage.py procrastinate worker`. The embedded
# SQLite demo has no queue: the same task functions run in the web process
# right after the commit (JOBS_INLINE).
JOBS_INLINE = _EMBEDDED_DATABASE or env.bool("JOBS_INLINE", default=False)
if not _EMBEDDED_DATABASE:
    INSTALLED_APPS.insert(0, "procrastinate.contrib.django")
# Sent letters and SMS are kept this long in admin's outbox.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=90)
# The security log (sign-ins, failures, password and people changes) is kept this long.
SECURITY_LOG_DAYS = env.int("SECURITY_LOG_DAYS", default=365)

# Notifications (notices/): the cabinet's address for links in letters made
# by periodic jobs, which have no request; the debt reminder's day of the
# month and the debt (roubles) above which it is sent.
CABINET_URL = env.str("CABINET_URL", default="http://127.0.0.1:8000").rstrip("/")
NOTICES_DEBT_DAY = env.int("NOTICES_DEBT_DAY", default=20)
NOTICES_DEBT_THRESHOLD = env.str("NOTICES_DEBT_THRESHOLD", default="0.00")
try:
    Decimal(NOTICES_DEBT_THRESHOLD)
except InvalidOperation:
    raise ImproperlyConfigured(
        f"NOTICES_DEBT_THRESHOLD must be an amount in roubles (1000.00), not {NOTICES_DEBT_THRESHOLD!r}."
    ) from None
if not 1 <= NOTICES_DEBT_DAY <= 31:
    raise ImproperlyConfigured(
        f"NOTICES_DEBT_DAY must be a day of the month (1 to 31), not {NOTICES_DEBT_DAY}."
    )

# Rate-limit counters must be shared by every worker: Redis in production.
# The development default is a per-process cache, which is enough for one
# `runserver`.
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default=env.str("REDIS_URL", default="locmemcache://enser-cabinet")
    ),
}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # A Redis that is down or hung must not hold a worker: each call gives
    # up after these seconds, and rate-limited forms answer 503 instead of waiting.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "SOCKET_CONNECT_TIMEOUT": env.float("CACHE_CONNECT_TIMEOUT", default=1.0),
            "SOCKET_TIMEOUT": env.float("CACHE_TIMEOUT", default=1.0),
        }
    )
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "enser_cabinet.http.client_ip"
RATELIMIT_VIEW = "enser_cabinet.views.ratelimited"
SILENCED_SYSTEM_CHECKS = []
if _EMBEDDED_DATABASE:
    # The covering indexes of the balance queries are PostgreSQL's; the
    # embedded demo database simply indexes the key columns.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
# Every rate limit of the cabinet, "count/period" for django-ratelimit, each
# from its own variable. Views name a limit (enser_cabinet.ratelimit.limit)
# and read it here on every request, so this table is the only place a rate
# lives.
RATE_LIMITS = {
    # Sign-in: per address, per contract number, and INN guesses per contract.
    "sign_in_ip": env.str("RATE_SIGN_IN_IP", default="30/10m"),
    "sign_in_contract": env.str("RATE_SIGN_IN_CONTRACT", default="10/10m"),
    # Failed sign-ins of a browser that signed in to that account before (its device cookie).
    "sign_in_device": env.str("RATE_SIGN_IN_DEVICE", default="10/10m"),
    "inn_contract": env.str("RATE_INN_CONTRACT", default="10/h"),
    # Registration, SMS codes, password recovery and change.
    "registration_ip": env.str("RATE_REGISTRATION_IP", default="30/h"),
    # Notices to a pending registration's owner that someone else tried, per request.
    "registration_notice": env.str("RATE_REGISTRATION_NOTICE", default="3/d"),
    # Activation codes typed at registration, per contract (REGISTRATION_REQUIRES_CODE).
    "activation_code": env.str("RATE_ACTIVATION_CODE", default="5/h"),
    "sms_phone": env.str("RATE_SMS_PHONE", default="5/h"),
    "sms_phone_day": env.str("RATE_SMS_PHONE_DAY", default="10/d"),
    "sms_ip": env.str("RATE_SMS_IP", default="20/h"),
    "password_reset_ip": env.str("RATE_PASSWORD_RESET_IP", default="20/h"),
    "password_reset_contract": env.str("RATE_PASSWORD_RESET_CONTRACT", default="5/h"),
    "password_change_user": env.str("RATE_PASSWORD_CHANGE_USER", default="10/h"),
    # Invitation letters («Сотрудники»: new and sent again) per inviting person.
    "invite_user": env.str("RATE_INVITE_USER", default="20/h"),
    # Public appeals per address, meter readings per user, statement downloads per customer.
    "appeal_ip": env.str("RATE_APPEAL_IP", default="10/h"),
    # Acknowledgments of appeals per recipient address: the public form is no mail relay.
    "appeal_email": env.str("RATE_APPEAL_EMAIL", default="10/d"),
    "readings_submit": env.str("RATE_READINGS_SUBMIT", default="30/h"),
    "statements": env.str("RATE_STATEMENTS", default="30/10m"),
    # Admin sign-in: passwords per address and per user name, codes per staff member.
    "admin_sign_in_ip": env.str("RATE_ADMIN_SIGN_IN_IP", default="20/10m"),
    "admin_sign_in_user": env.str("RATE_ADMIN_SIGN_IN_USER", default="10/10m"),
    "admin_code_user": env.str("RATE_ADMIN_CODE_USER", default="10/10m"),
}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set CACHE_URL (Redis) when DEBUG is off: rate limits need a shared cache."
        )
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ContractPasswordBackend",
    "accounts.backends.EmailPasswordBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cabinet:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=8)
PASSWORD_MAX_LENGTH = env.int("PASSWORD_MAX_LENGTH", default=20)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "accounts.validators.MaximumLengthValidator",
        "OPTIONS": {"max_length": PASSWORD_MAX_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# "Запомнить данные": unchecked, the session ends with the browser; checked,
# it lasts REMEMBER_ME_DAYS.
# Sessions live in the database and are read through the cache
# (enser_cabinet/sessions.py): a signed-in page does not query them.
SESSION_ENGINE = "enser_cabinet.sessions"
SESSION_COOKIE_AGE = env.int("REMEMBER_ME_DAYS", default=30) * 24 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
# Staff sign in to admin with a password and a code from an authenticator
# app (django-otp, staff/); their sessions end this many seconds after the
# sign-in and after this many seconds without a request (staff/sessions.py).
STAFF_SESSION_MAX_AGE = env.int("STAFF_SESSION_MAX_AGE", default=8 * 60 * 60)
STAFF_SESSION_IDLE = env.int("STAFF_SESSION_IDLE", default=30 * 60)
# How an authenticator app names the account: "АО «ЭнСер»:admin".
OTP_TOTP_ISSUER = "АО «ЭнСер»"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
# A browser that signed in keeps a device cookie this long (accounts/devices.py):
# its failed sign-ins are limited apart from unknown browsers'.
DEVICE_COOKIE_DAYS = env.int("DEVICE_COOKIE_DAYS", default=365)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a reverse proxy that sets X-Forwarded-Proto and appends the
# client's address to X-Forwarded-For. Only requests from TRUSTED_PROXIES
# (addresses or networks of our own proxies, all of them if there are
# several in a chain) have their X-Forwarded-For believed
# (enser_cabinet/http.py).
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
for _entry in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_entry!r} is not an address or a network.") from None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# A form refused for its missing or stale CSRF token: a page in Russian that says what to do.
CSRF_FAILURE_VIEW = "enser_cabinet.views.csrf_failure"
# HTTPS only in production: HTTP is redirected (but /healthz, which load
# balancers probe over plain HTTP) and browsers are told to remember it.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the pages load only their own
# stylesheet, fonts and images, and run no script at all; no inline style
# or script is allowed, no site may frame them, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Asia/Yekaterinburg"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded documents live outside the static root and are served by views
# that check who asks.
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media/"

# E-mail: files under var/mail/ by default, SMTP when EMAIL_URL is given
# (e.g. smtp://user:password@mail.example.ru:587/?tls=True).
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="АО «ЭнСер» <lk@rm-enser.ru>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = env_path("EMAIL_FILE_PATH", VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# SMS: files under var/sms/ by default; "locmem" in tests; "twilio" with
# TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM.
SMS_BACKEND = env.str("SMS_BACKEND", default="file")
SMS_FILE_PATH = env_path("SMS_FILE_PATH", VAR_DIR / "sms")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env.str("TWILIO_FROM", default="")
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="")

PHONENUMBER_DEFAULT_REGION = "RU"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# The supplier, as it appears on pages and statements.
COMPANY = {
    "name": "АО «ЭнСер»",
    "full_name": "Акционерное общество «ЭнСер»",
    "inn": env.str("COMPANY_INN", default="7415061109"),
    "kpp": env.str("COMPANY_KPP", default="741501001"),
    "address": env.str("COMPANY_ADDRESS", default="456300, Челябинская обл., г. Миасс, ул. Ферсмана, д. 5"),
    "emergency_phone": "8(3513)29-15-35",
    "site": "https://rm-enser.ru",
}

# To stdout, one line per record with the request's id (X-Request-ID).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "enser_cabinet.request_id.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Appeals with documents: how many files, how large, how often.
APPEAL_MAX_FILES = env.int("APPEAL_MAX_FILES", default=10)
APPEAL_MAX_FILE_SIZE = env.int("APPEAL_MAX_FILE_SIZE", default=10 * 1024 * 1024)
APPEAL_MAX_TOTAL_SIZE = env.int("APPEAL_MAX_TOTAL_SIZE", default=25 * 1024 * 1024)
# A request carrying more than the documents allowed plus the form's text is
# answered 413 before its body is read.
APPEAL_MAX_REQUEST_SIZE = APPEAL_MAX_TOTAL_SIZE + 1024 * 1024
# Larger uploads are spooled to a temporary file, not kept in memory; stored
# documents are readable by the application's user and group only.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * APPEAL_MAX_FILES

# Registration, confirmation codes and password recovery (accounts).
# Links in registration and password-recovery e-mails work this long, once.
CONFIRMATION_LINK_HOURS = env.int("CONFIRMATION_LINK_HOURS", default=24)
PASSWORD_RESET_TIMEOUT = CONFIRMATION_LINK_HOURS * 60 * 60
# A completed registration is announced to the contacts billing holds, with an
# «это не я» link that works this many days; its answer goes to staff at this address.
REGISTRATION_DISPUTE_DAYS = env.int("REGISTRATION_DISPUTE_DAYS", default=30)
STAFF_ALERT_EMAIL = env.str("STAFF_ALERT_EMAIL", default="lk@rm-enser.ru")
# Registration also asks for a one-time activation code (printed on invoices by
# billing or issued by staff in admin), valid this many days. Off by default: the
# manual's registration takes the INN alone.
REGISTRATION_REQUIRES_CODE = env.bool("REGISTRATION_REQUIRES_CODE", default=False)
ACTIVATION_CODE_DAYS = env.int("ACTIVATION_CODE_DAYS", default=90)
# SMS codes: six digits, alive SMS_CODE_LIFETIME seconds, dead after
# SMS_CODE_MAX_ATTEMPTS wrong tries, a new one no sooner than SMS_CODE_RESEND_AFTER.
SMS_CODE_LIFETIME = env.int("SMS_CODE_LIFETIME", default=5 * 60)
SMS_CODE_MAX_ATTEMPTS = env.int("SMS_CODE_MAX_ATTEMPTS", default=5)
SMS_CODE_RESEND_AFTER = env.int("SMS_CODE_RESEND_AFTER", default=60)
SMS_TIMEOUT = env.int("SMS_TIMEOUT", default=20)
CONFIRMATION_CODES_KEEP_DAYS = env.int("CONFIRMATION_CODES_KEEP_DAYS", default=30)

# Meter readings: the days of the month on which the cabinet takes
# readings (the whole month by default), and how many times a meter's
# average month a consumption may be before the reading goes to staff.
READINGS_WINDOW_FIRST_DAY = env.int("READINGS_WINDOW_FIRST_DAY", default=1)
READINGS_WINDOW_LAST_DAY = env.int("READINGS_WINDOW_LAST_DAY", default=31)
READINGS_REVIEW_FACTOR = Decimal(env.str("READINGS_REVIEW_FACTOR", default="3"))

# Settlements, charges and payments: the "Сбербанк Онлайн" button
# on the "Оплаты" tab leads here.
SBERBANK_ONLINE_URL = env.str("SBERBANK_ONLINE_URL", default="https://online.sberbank.ru/")
# WeasyPrint reports each rendering step at INFO; only its warnings matter.
LOGGING["loggers"]["weasyprint.progress"] = {"level": "WARNING"}
# One line per deferred job is noise; failures and retries still show.
LOGGING["loggers"]["procrastinate"] = {"level": env.str("JOBS_LOG_LEVEL", default="WARNING")}
