"""Django settings, all read from the environment (see carrefour/env.py and README)."""

from __future__ import annotations

from datetime import timedelta

from carrefour.env import (
    BASE_DIR,
    ImproperlyConfiguredError,
    allowed_hosts,
    data_dir,
    database_config,
    email_config,
    env_bool,
    env_list,
    env_path,
    env_positive_int,
    env_rate,
    env_str,
    secret_key,
    site_url,
)
from carrefour.web.static_headers import static_headers

PRODUCTION = env_bool("CARREFOUR_PRODUCTION")
DEBUG = env_bool("DEBUG")
if PRODUCTION and DEBUG:
    raise ImproperlyConfiguredError("DEBUG cannot be on when CARREFOUR_PRODUCTION=1")
SECRET_KEY = secret_key(PRODUCTION)
ALLOWED_HOSTS = allowed_hosts(PRODUCTION)

DATA_DIR = data_dir()
DATA_DIR.mkdir(parents=True, exist_ok=True)
SOURCES_DIR = BASE_DIR / env_str("CARREFOUR_SOURCES_DIR")
INDEX_DIR = DATA_DIR / "index"
NODE_MODULES_DIR = BASE_DIR / "node_modules"
SCHEMA_DIR = BASE_DIR / "schema"
TILE_URL = env_str("CARREFOUR_TILE_URL")
TILE_ATTRIBUTION = env_str("CARREFOUR_TILE_ATTRIBUTION")
HARVEST_USER_AGENT = env_str("CARREFOUR_USER_AGENT")
HARVEST_ALLOWED_HOSTS = env_list("CARREFOUR_HARVEST_ALLOWED_HOSTS")
PARTNER_ALLOWED_HOSTS = env_list("CARREFOUR_PARTNER_ALLOWED_HOSTS")
PARTNER_MAX_PAGES = env_positive_int("CARREFOUR_PARTNER_MAX_PAGES")
PARTNER_MAX_SECONDS = env_positive_int("CARREFOUR_PARTNER_MAX_SECONDS")
PARTNER_MAX_MB = env_positive_int("CARREFOUR_PARTNER_MAX_MB")
SERVE_PORT = int(env_str("CARREFOUR_PORT"))
SEARCH_CACHE_SIZE = int(env_str("CARREFOUR_SEARCH_CACHE"))
GEOCODER_BAN_URL = env_str("CARREFOUR_BAN_URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "dsfr",
    "widget_tweaks",
    "django_tasks",
    "django_tasks_db",
    # The pipeline, one app per stage, in the order data flows.
    "carrefour.sources",
    "carrefour.harvest",
    "carrefour.normalize",
    "carrefour.territories",
    "carrefour.dedup",
    "carrefour.projects",
    "carrefour.search",
    "carrefour.orchestration",
    # Commons above the pipeline: accounts, roles, organisations.
    "carrefour.accounts",
    "carrefour.web",
    "carrefour.api",
    "carrefour.history",
    "carrefour.contributions",
    "carrefour.partners",
    # After our apps: carrefour.accounts' templates override allauth's.
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the way out (static files come compressed from WhiteNoise, above); Django pads
    # the gzip stream with random bytes against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Permissions read once per request (carrefour/accounts/memo.py).
    "carrefour.accounts.memo.RequestMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carrefour.web.middleware.ContentSecurityPolicyMiddleware",
]

# Background tasks: queued in the database, run by `carrefour worker` (started by `carrefour serve`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

ROOT_URLCONF = "carrefour.urls"
WSGI_APPLICATION = "carrefour.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
                "carrefour.web.context_processors.carrefour",
                "carrefour.contributions.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": database_config(env_str("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Only the map libraries' dist folders: node_modules also holds large geographic data files.
STATICFILES_DIRS: list[object] = [
    ("leaflet", NODE_MODULES_DIR / "leaflet" / "dist"),
    ("leaflet.markercluster", NODE_MODULES_DIR / "leaflet.markercluster" / "dist"),
]
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_ADD_HEADERS_FUNCTION = static_headers
# Hashed, compressed copies after `collectstatic` (run by `carrefour serve`); plain names before it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "carrefour.web.storage.StaticStorage"},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Production is HTTPS only; development serves plain HTTP on loopback.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("CARREFOUR_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(env_str("CARREFOUR_HSTS_SECONDS")) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION and env_bool("CARREFOUR_HSTS_SUBDOMAINS")
SECURE_HSTS_PRELOAD = PRODUCTION and env_bool("CARREFOUR_HSTS_PRELOAD")
# Behind a TLS proxy the request reaches us in HTTP: the proxy's header tells Django it was HTTPS.
_PROXY_SSL_HEADER = env_str("CARREFOUR_PROXY_SSL_HEADER").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"scrapy": {"level": "WARNING"}, "carrefour": {"level": "INFO"}},
}

# --- Abuse limits: rate limits per client IP, admin login lockout, admin path, error pages ---
ADMIN_PATH = env_str("CARREFOUR_ADMIN_PATH").strip("/")
if not ADMIN_PATH:
    raise ImproperlyConfiguredError("CARREFOUR_ADMIN_PATH cannot be empty (the admin would hide the site)")
# Empty: the IP of the connection. Only a reverse proxy we run may set the client's IP in a header.
CLIENT_IP_HEADER = env_str("CARREFOUR_CLIENT_IP_HEADER").strip()
# Group of views → "count/period" per client IP ("" = no limit); see carrefour/web/limits.py.
RATE_LIMITS = {
    group: env_rate(f"CARREFOUR_RATE_{group.upper()}")
    for group in (
        "search",
        "api",
        "form",
        "login",
        "contribution",
        "harvest_now",
        "mapping",
        "partner_source_new",
        "partner_definition",
        "partner_preview",
    )
}
INSTALLED_APPS += ["axes", "django_ratelimit"]
# Counted before the CSRF check, so that refused posts count too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"), "carrefour.web.limits.RateLimitMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.gzip.GZipMiddleware"), "carrefour.web.limits.UrlLengthMiddleware"
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Without SITE_URL (development), e-mails link to the address the request came to.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1,
    "carrefour.contributions.links.RequestSiteMiddleware",
)
# The counters are shared by every worker process through the database (no extra server to run).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {
        "BACKEND": "carrefour.web.db_cache.AtomicDatabaseCache",
        "LOCATION": "carrefour_rate_limits",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}
RATELIMIT_USE_CACHE = "limits"
RATELIMIT_IP_META_KEY = "carrefour.web.limits.client_ip"
# The atomic increment of AtomicDatabaseCache is what the library's check says DatabaseCache lacks.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
# Axes first: it refuses a locked-out IP before any backend checks a password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env_positive_int("CARREFOUR_LOGIN_FAILURES")
AXES_COOLOFF_TIME = timedelta(minutes=env_positive_int("CARREFOUR_LOGIN_LOCKOUT_MINUTES"))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_USERNAME_CALLABLE = "carrefour.accounts.logins.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "carrefour.web.limits.client_ip"
AXES_LOCKOUT_CALLABLE = "carrefour.web.errors.login_locked"
CSRF_FAILURE_VIEW = "carrefour.web.errors.csrf_failure"
RATELIMIT_FAIL_OPEN = True  # a counter that cannot be read (database busy) never refuses a visitor

# --- Accounts (django-allauth): e-mail and password, mandatory verification, login by e-mailed code ---
# EMAIL_BACKEND and, for SMTP, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_*.
globals().update(email_config(env_str("CARREFOUR_EMAIL_URL"), PRODUCTION))
DEFAULT_FROM_EMAIL = env_str("CARREFOUR_EMAIL_FROM")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ACCOUNTS_TRUST_THRESHOLD = env_positive_int("CARREFOUR_TRUST_THRESHOLD")
# Links in e-mails ("" in development: the address of the request being served).
SITE_URL = site_url(PRODUCTION)
# Contributions a day before they are held for review: grows with account age and accepted ones.
CONTRIBUTION_QUOTA = {
    "day": env_positive_int("CARREFOUR_QUOTA_DAY"),
    "per_week": env_positive_int("CARREFOUR_QUOTA_PER_WEEK"),
    "per_accepted": env_positive_int("CARREFOUR_QUOTA_PER_ACCEPTED"),
}
CONTRIBUTION_BANNED_WORDS = env_path("CARREFOUR_BANNED_WORDS")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account-home"
# The login page tells whoever has just left that they are signed out (cached pages show no message).
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# The link asks for a click: a mail scanner opening links must not confirm an address.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's own rate limits stay on with their defaults (per IP, per address, per account).
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Carrefour des innovations sociales] "
ACCOUNT_USER_DISPLAY = "carrefour.accounts.logins.account_display"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
