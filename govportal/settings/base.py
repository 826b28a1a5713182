"""Settings shared by every environment; all deployment-specific values come from the environment."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from govportal.env import (
    env_bool, env_database, env_duration, env_int, env_list, env_periods, env_redis_url, env_str, env_url, url_source,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "knox",  # API tokens, stored hashed, expiring (accounts.tokens)
    "axes",  # log-in failure limits in the database (accounts.logins)
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",  # Content-Security-Policy header and its nonces
    "accounts",
    "grids",
    "incidents",
    "dispatch",  # the dispatch catalogue, co-handling and objections of work orders
    "dashboards",
    "mediation",
    "participation",
    "django.contrib.postgres",  # trigram lookups of the hotline's knowledge search
    "hotline",
    "audit",
    "supervision",
    "fieldwork",
    "carelist",  # special groups (9+X): helpers, visit schedules, overdue warnings
    "registers",  # the grid's base-data registers: houses, residents, rental houses
    "govportal",  # the home page and manage.py seed_demo, which span the apps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # pages, not static files (whitenoise answers those above)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AccountPolicyMiddleware",  # session lifetime, administrators' second factor, password age
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "govportal.urls"
WSGI_APPLICATION = "govportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "incidents.context_processors.unread_notices",
                "carelist.context_processors.overdue_visits",
                "govportal.context_processors.web_app",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))}
# A streaming replica for the dashboards' reads, and only those (govportal.replicas); its lag,
# when above the threshold, is shown on the dashboards.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
FIGURES_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["govportal.replicas.ReplicaRouter"]
REPLICA_LAG_WARNING_SECONDS = env_int("REPLICA_LAG_WARNING_SECONDS", 30, minimum=1)
# Behind PgBouncer in transaction mode a session lasts one transaction: no server-side cursors (they
# live across transactions) and no persistent connections (the pooler keeps them).
if env_bool("DATABASE_BEHIND_PGBOUNCER", False):
    for database in DATABASES.values():
        database.update(DISABLE_SERVER_SIDE_CURSORS=True, CONN_MAX_AGE=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security (等保 2.0 level 3 expectations, domain.md §7) ---
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.GuessablePatternValidator"},
]
# A password older than this must be changed before anything else (等保: periodic change).
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
AUTHENTICATION_BACKENDS = ["accounts.logins.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=60)
# Failures from one address over all usernames (password spraying) within the lockout time.
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20, minimum=1)
# django-axes (accounts.logins): failures in PostgreSQL per username + client address; the lock
# lasts the cool-off from the failure that set it (attempts during it are not counted).
AXES_HANDLER = "accounts.logins.LoginAttemptHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "govportal.clientip.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins go to the audit trail; axes' log would open a session per token
# Reverse proxies in front of the web server that append to X-Forwarded-For (docs/deploy.md):
# 0 takes REMOTE_ADDR, N the Nth address from the right (govportal.clientip).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0, minimum=0)
# API tokens expire this long after the log-in that issued them (TOKEN_TTL=10h, 600m, 36000, …).
TOKEN_TTL = env_duration("TOKEN_TTL", timedelta(hours=10), minimum=timedelta(minutes=1))
REST_KNOX = {"TOKEN_TTL": TOKEN_TTL, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age becomes an idle timeout
# However active, a session ends this long after its log-in.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 8 * 3600, minimum=60)
# A new log-in ends the account's oldest sessions beyond this many.
MAX_SESSIONS_PER_USER = env_int("MAX_SESSIONS_PER_USER", 1, minimum=1)
# Administrators (三员 and superusers) confirm each log-in with a TOTP code (等保: two factors,
# one cryptographic); the admin lists never show a device's secret.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "govportal")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SESSION_COOKIE_HTTPONLY = True
# The security audit trail (audit): records are kept at least this many days. The Cybersecurity
# Law asks for six months; 184 days is the floor, also enforced by the database (audit 0002).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 184, minimum=184)
# Privileges the audit migration revokes on the audit table from the application's database role
# when that role is not a superuser (a superuser's cannot be revoked; the trigger guards then).
AUDIT_REVOKED_PRIVILEGES = ("UPDATE", "DELETE", "TRUNCATE")
CSRF_COOKIE_HTTPONLY = False

# --- Internationalisation: Chinese by default, English available ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Inputs show dates as ISO in every language (see govportal/formats).
FORMAT_MODULE_PATH = ["govportal.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Working time for deadlines (domain.md §3): Guangdong government office hours ---
WORKING_PERIODS = env_periods("WORKING_PERIODS", ["08:30-12:00", "14:00-17:30"])

# Concurrent escalation sweepers (threads, each with its own database connection).
SWEEP_WORKERS = env_int("SWEEP_WORKERS", 2, minimum=1)
# A 12345 work order may be extended by at most this many working days (domain.md §4).
HOTLINE_EXTENSION_MAX_WORKING_DAYS = env_int("HOTLINE_EXTENSION_MAX_WORKING_DAYS", 10, minimum=1)
# A unit may object to a dispatch (派单异议) within this many working days of receiving it (domain.md §4).
DISPATCH_OBJECTION_WORKING_DAYS = env_int("DISPATCH_OBJECTION_WORKING_DAYS", 2, minimum=1)

# --- Citizen reports (随手拍): points per valid report, reports per phone/address per hour ---
CITIZEN_REPORT_POINTS = env_int("CITIZEN_REPORT_POINTS", 10, minimum=0)
CITIZEN_REPORTS_PER_HOUR = env_int("CITIZEN_REPORTS_PER_HOUR", 5, minimum=1)
# 进度查询 (/report/progress/): lookups per client address, and per report number, in an hour.
PROGRESS_LOOKUPS_PER_HOUR = env_int("PROGRESS_LOOKUPS_PER_HOUR", 30, minimum=1)
# SMS verification codes of the citizen report (incidents.verification): per phone and per
# address an hour. Mobile networks put many phones behind one address (CGNAT): keep that one high.
SMS_CODES_PER_PHONE_PER_HOUR = env_int("SMS_CODES_PER_PHONE_PER_HOUR", 5, minimum=1)
SMS_CODES_PER_ADDRESS_PER_HOUR = env_int("SMS_CODES_PER_ADDRESS_PER_HOUR", 30, minimum=1)

# --- People's mediation (domain.md §5) ---
# Fernet key encrypting parties' ID and phone numbers; scripts/lib.sh generates one into .local/.
# Unset, the rest of the platform runs and recording a party's numbers fails.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "")
if FIELD_ENCRYPTION_KEY:
    try:
        Fernet(FIELD_ENCRYPTION_KEY)
    except ValueError:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64 bytes).") from None
# Working days an organisation has before an unresolved case moves up a level (one month ≈ 22).
MEDIATION_TIME_LIMIT_WORKING_DAYS = env_int("MEDIATION_TIME_LIMIT_WORKING_DAYS", 22, minimum=1)

# --- Open311 GeoReport v2 (hotline.open311): what the discovery document announces ---
OPEN311_JURISDICTION = env_str("OPEN311_JURISDICTION", "govportal.local")
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "12345 hotline centre")
OPEN311_KEY_SERVICE = env_str("OPEN311_KEY_SERVICE", "API keys are issued by the 12345 hotline centre.")
OPEN311_POSTS_PER_KEY_PER_HOUR = env_int("OPEN311_POSTS_PER_KEY_PER_HOUR", 600, minimum=1)

# --- Notifications: e-mail through Django's backend, SMS through a gateway class ---
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "govportal@localhost")
SMS_GATEWAY = env_str("SMS_GATEWAY", "incidents.sms.LoggingSmsGateway")
# Delivered notifications older than this are deleted nightly (incidents.tasks.prune_notifications).
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 180, minimum=1)
# Field work: patrol tracks are personal data, kept this long; a check-in counts this close to the grid.
FIELDWORK_TRACK_RETENTION_DAYS = env_int("FIELDWORK_TRACK_RETENTION_DAYS", 180, minimum=1)
FIELDWORK_CHECK_IN_TOLERANCE_M = env_int("FIELDWORK_CHECK_IN_TOLERANCE_M", 50, minimum=0)
FIELDWORK_PATROL_MAX_HOURS = env_int("FIELDWORK_PATROL_MAX_HOURS", 12, minimum=1)

# --- Static and media files ---
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static_vendor/: browser libraries from the npm registry, copied there by scripts/lib.sh (npm ci).
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "static_vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "media/"
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 10 * 2**20, minimum=1)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000, minimum=1)
# All photos of one request together (nine 12-megapixel phone photos, and some to spare).
PHOTO_MAX_PIXELS_PER_REQUEST = env_int("PHOTO_MAX_PIXELS_PER_REQUEST", 120_000_000, minimum=1)
# A photo is stored at most this many pixels on its longer side (a JPEG is decoded reduced towards it).
PHOTO_STORED_MAX_SIDE = env_int("PHOTO_STORED_MAX_SIDE", 2560, minimum=320)  # not below a thumbnail
PHOTO_MAX_COUNT = env_int("PHOTO_MAX_COUNT", 9, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# --- Cache and Celery on Redis ---
REDIS_URL = env_redis_url("REDIS_URL")
# Cache keys carry a prefix so they never collide with Celery's broker keys in the same database.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "cache"}
}
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Celery's Django fix-up closes the DB connection after every task unless this is set:
# measured 27 ms vs 6 ms per DB-writing task (stack-notes.md).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000, minimum=0)
# A broker outage must not hold a request for long: publishing gives up after ~1 s and the
# durable RoutingRequest row gets the message re-sent later (incidents.sweeps).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# visibility_timeout: a message a dead worker took comes back after this long (Redis transport).
# Recovery does not wait for it (incidents.tasks.route_pending_at_worker_start, the resend sweep);
# shorter, it would hand a countdown wake-up or a long sweep still held by a live worker to a second one.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "grids.tasks.*": {"queue": "celery"},
    "incidents.tasks.route_pending_tickets": {"queue": "routing"},
    "incidents.tasks.resend_pending_routing": {"queue": "routing"},
    "incidents.tasks.escalate_overdue": {"queue": "sweeps"},
    "incidents.tasks.deliver_pending_notifications": {"queue": "notifications"},
    "incidents.tasks.delete_orphan_photos": {"queue": "sweeps"},
    "incidents.tasks.prune_notifications": {"queue": "sweeps"},
    "incidents.tasks.prune_phone_codes": {"queue": "sweeps"},
    "accounts.tasks.delete_expired_tokens": {"queue": "sweeps"},
    "dashboards.tasks.fold_rollups": {"queue": "sweeps"},
    "mediation.tasks.escalate_overdue_cases": {"queue": "sweeps"},
    "participation.tasks.warn_unclaimed_tasks": {"queue": "sweeps"},
    "supervision.tasks.sweep_milestone_deadlines": {"queue": "sweeps"},
    "hotline.tasks.send_overdue_notices": {"queue": "sweeps"},
    "incidents.tasks.remind_register_reviews": {"queue": "sweeps"},
    "fieldwork.tasks.*": {"queue": "sweeps"},
}
CELERY_BEAT_SCHEDULE = {
    "escalate-overdue-work-orders": {"task": "incidents.tasks.escalate_overdue", "schedule": 60.0},
    "resend-pending-routing": {"task": "incidents.tasks.resend_pending_routing", "schedule": 60.0},
    "deliver-pending-notifications": {"task": "incidents.tasks.deliver_pending_notifications", "schedule": 60.0},
    "fold-dashboard-rollups": {"task": "dashboards.tasks.fold_rollups", "schedule": 60.0},
    "escalate-overdue-mediation-cases": {"task": "mediation.tasks.escalate_overdue_cases", "schedule": 300.0},
    "warn-unclaimed-participation-tasks": {"task": "participation.tasks.warn_unclaimed_tasks", "schedule": 300.0},
    "sweep-milestone-deadlines": {"task": "supervision.tasks.sweep_milestone_deadlines", "schedule": crontab(minute=5)},
    "refresh-area-statistics": {
        "task": "grids.tasks.refresh_area_statistics",
        "schedule": crontab(minute=15, hour=2),
    },
    "delete-orphan-photos": {"task": "incidents.tasks.delete_orphan_photos", "schedule": crontab(minute=25)},
    "prune-hotline-ticket-places": {
        "task": "hotline.tasks.prune_ticket_places",
        "schedule": crontab(minute=40, hour=2),
    },
    "send-hotline-overdue-notices": {"task": "hotline.tasks.send_overdue_notices", "schedule": crontab(minute=10)},
    "remind-register-reviews": {"task": "incidents.tasks.remind_register_reviews",
                                "schedule": crontab(minute=0, hour=8)},
    "prune-notifications": {"task": "incidents.tasks.prune_notifications", "schedule": crontab(minute=50, hour=2)},
    "prune-phone-codes": {"task": "incidents.tasks.prune_phone_codes", "schedule": crontab(minute=55, hour=2)},
    "delete-expired-tokens": {"task": "accounts.tasks.delete_expired_tokens", "schedule": crontab(minute=5, hour=3)},
    "end-patrols-left-open": {"task": "fieldwork.tasks.end_patrols_left_open", "schedule": crontab(minute=35)},
    "purge-old-tracks": {"task": "fieldwork.tasks.purge_old_tracks", "schedule": crontab(minute=10, hour=3)},
    "warn-overdue-care-visits": {"task": "carelist.tasks.warn_overdue_visits", "schedule": crontab(minute=20)},
    "warn-overdue-inspections": {"task": "registers.tasks.warn_overdue_inspections",
                                 "schedule": crontab(minute=20, hour=8)},
}

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call answers 401 with WWW-Authenticate, not 403.
        "accounts.tokens.TokenAuthentication",  # knox's, refusing administrators' tokens and auditing refusals
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "govportal.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "govportal.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "LIST_SERIALIZER_ERRORS_AS_DICT": True,  # {index: errors} of the bad items only (DRF 3.20's format)
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govportal API",
    "DESCRIPTION": "Municipal grid-governance platform (市域社会治理 · 网格化服务管理).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its Swagger UI describe the staff API: for logged-in accounts only (README, "API").
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "UrgencyEnum": "incidents.models.Urgency",
        "TicketSourceEnum": "incidents.models.Ticket.Source",
        "AreaLevelEnum": "grids.models.Area.Level",
        "CareVisitWayEnum": "carelist.models.CareVisit.Way",
        "CareVisitConditionEnum": "carelist.models.CareVisit.Condition",
    },
}

# --- Maps: no external tiles by default (no internet): the area tree is drawn as the base map
# (grids.selectors.outline_get). 天地图 with its key, or one XYZ/WMTS URL template, may be configured
# (docs/deploy.md, "Base maps"); MAP_TILE_CRS=gcj02 for AMap/Tencent tiles, whose offset the overlays follow. ---
MAP_TILE_URL = env_url("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "abc")
MAP_TILE_CRS = env_str("MAP_TILE_CRS", "wgs84")
TIANDITU_KEY = env_str("TIANDITU_KEY", "")
if MAP_TILE_CRS not in ("wgs84", "gcj02"):
    raise ImproperlyConfigured(f"MAP_TILE_CRS={MAP_TILE_CRS!r} is not wgs84 or gcj02.")
if TIANDITU_KEY and MAP_TILE_URL:
    raise ImproperlyConfigured("Set TIANDITU_KEY or MAP_TILE_URL, not both: the map has one base layer.")
if TIANDITU_KEY and MAP_TILE_CRS != "wgs84":
    raise ImproperlyConfigured("天地图 tiles are CGCS2000 (WGS-84 within centimetres): leave MAP_TILE_CRS at wgs84.")
# 天地图's Web Mercator WMTS: the vector map (vec) under its annotation (cva, the Chinese labels).
TIANDITU_WMTS = (
    "https://t{s}.tianditu.gov.cn/%(layer)s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%(layer)s"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%(key)s"
)
if TIANDITU_KEY:
    MAP_TILE_LAYERS = [
        {"url": TIANDITU_WMTS % {"layer": layer, "key": TIANDITU_KEY}, "subdomains": "01234567",
         "attribution": "© 天地图 · 国家地理信息公共服务平台" if layer == "vec" else ""}
        for layer in ("vec", "cva")
    ]
elif MAP_TILE_URL:
    MAP_TILE_LAYERS = [{"url": MAP_TILE_URL, "subdomains": MAP_TILE_SUBDOMAINS, "attribution": MAP_TILE_ATTRIBUTION}]
else:
    MAP_TILE_LAYERS = []
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (23.02, 113.75),
    "DEFAULT_ZOOM": 12,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    # The admin's map widget on the same base map (its annotation layer over it); the pages use MAP_TILE_LAYERS.
    "TILES": [(_("Base map"), layer["url"], {"subdomains": layer["subdomains"], "attribution": layer["attribution"]})
              for layer in MAP_TILE_LAYERS[:1]],
    "OVERLAYS": [(_("Map annotation"), layer["url"], {"subdomains": layer["subdomains"]})
                 for layer in MAP_TILE_LAYERS[1:]],
    "RESET_VIEW": False,
}

# --- Content-Security-Policy (django-csp): scripts from this site or carrying the response's nonce,
# nothing inline otherwise (no event-handler attributes, no eval) ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Style sheets and <style> elements from this site or with the nonce (the Swagger UI page);
        # style attributes anywhere: ECharts writes its tooltips as HTML with them.
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        # data: for the favicon and Swagger UI's icons, blob: for photos shown from the device; the
        # configured base map's tile hosts.
        "img-src": [SELF, "data:", "blob:", *dict.fromkeys(url_source(layer["url"]) for layer in MAP_TILE_LAYERS)],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes narrates every log-in at INFO; its warnings (failures, lockouts) carry no name or address.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Debian 12 ships GDAL 3.6, older than the 3.9 that can block file/network access from spatial
# references. Only administrators import area files (a management command), so this is accepted.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
# axes' middleware turns every lockout into its own 429 page; the log-in form and the token API
# answer a lockout themselves (accounts.logins.login_refusal), in the page and the API's format.
SILENCED_SYSTEM_CHECKS += ["axes.W002"]
