"""Settings read from the environment, declared once with their documentation."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent


class ImproperlyConfiguredError(RuntimeError):
    """Raised at start-up when the environment is not usable."""


@dataclass(frozen=True)
class Setting:
    """One environment variable, its default and what it is for."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "CARREFOUR_PRODUCTION",
        "0",
        "1 en production : exige SECRET_KEY et ALLOWED_HOSTS, interdit DEBUG, impose HTTPS (HSTS).",
    ),
    Setting("DEBUG", "0", "1 pour le mode débogage de Django (jamais en production)."),
    Setting(
        "SECRET_KEY",
        "",
        "Clé secrète Django. En production : obligatoire, 50 caractères variés au moins ; sinon générée.",
    ),
    Setting(
        "ALLOWED_HOSTS",
        "127.0.0.1,localhost",
        "Noms d'hôte servis, séparés par des virgules. Obligatoire en production (sans défaut).",
    ),
    Setting(
        "CARREFOUR_PROXY_SSL_HEADER",
        "",
        "Derrière un proxy TLS : en-tête qu'il pose à `https` (ex. X-Forwarded-Proto) ; vide = pas de proxy.",
    ),
    Setting(
        "CARREFOUR_SSL_REDIRECT",
        "1",
        "En production, redirige HTTP vers HTTPS (0 si le proxy TLS s'en charge).",
    ),
    Setting(
        "CARREFOUR_HSTS_SECONDS",
        "31536000",
        "En production, durée de l'en-tête HSTS en secondes ; 0 = pas d'en-tête.",
    ),
    Setting("CARREFOUR_HSTS_SUBDOMAINS", "1", "En production, HSTS s'applique aussi aux sous-domaines."),
    Setting(
        "CARREFOUR_HSTS_PRELOAD",
        "0",
        "1 pour demander l'inscription du domaine à la liste HSTS préchargée des navigateurs.",
    ),
    Setting(
        "DATABASE_URL",
        "",
        "PostgreSQL (postgresql://user:pass@host:port/base) ; vide = SQLite var/carrefour.sqlite3.",
    ),
    Setting("CARREFOUR_DATA_DIR", "var", "Dossier des données locales (base SQLite, index, cache HTTP)."),
    Setting("CARREFOUR_SOURCES_DIR", "sources", "Dossier des définitions de sources YAML."),
    Setting(
        "CARREFOUR_TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Modèle d'URL des tuiles de la carte (Leaflet).",
    ),
    Setting(
        "CARREFOUR_TILE_ATTRIBUTION",
        "&copy; les contributeurs d'OpenStreetMap",
        "Attribution affichée sur la carte.",
    ),
    Setting(
        "CARREFOUR_USER_AGENT",
        "CarrefourBot/0.1 (+https://github.com/carrefour-innovations-sociales/carrefour)",
        "User-Agent du moissonneur, avec une URL de contact.",
    ),
    Setting(
        "CARREFOUR_HARVEST_ALLOWED_HOSTS",
        "",
        "Hôtes privés ou locaux que le moissonneur peut atteindre (ex. 127.0.0.1 pour le simulateur).",
    ),
    Setting(
        "CARREFOUR_PARTNER_ALLOWED_HOSTS",
        "",
        "Hôtes privés ou locaux que les sources déclarées par les partenaires peuvent atteindre (tests).",
    ),
    Setting(
        "CARREFOUR_PARTNER_MAX_PAGES",
        "2000",
        "Réponses au plus par moisson d'une source déclarée par un partenaire.",
    ),
    Setting(
        "CARREFOUR_PARTNER_MAX_SECONDS",
        "1800",
        "Durée maximale (s) d'une moisson d'une source déclarée par un partenaire.",
    ),
    Setting(
        "CARREFOUR_PARTNER_MAX_MB",
        "100",
        "Taille maximale (Mo) d'une réponse, et de toutes les réponses d'une moisson, pour une source "
        "déclarée par un partenaire.",
    ),
    Setting("CARREFOUR_PORT", "8000", "Port de `carrefour serve`."),
    Setting(
        "CARREFOUR_SEARCH_CACHE",
        "256",
        "Réponses de recherche de l'API gardées par processus (index inchangé, 60 s au plus) ; 0 = aucune.",
    ),
    Setting(
        "CARREFOUR_ADMIN_PATH",
        "admin",
        "Chemin de l'interface d'administration (ex. gestion-7f3k), sans barre oblique.",
    ),
    Setting(
        "CARREFOUR_RATE_SEARCH",
        "180/m",
        "Requêtes par IP (N/s, N/m, N/h) : recherche, carte, Observatoire, exports ; vide = aucune limite.",
    ),
    Setting(
        "CARREFOUR_RATE_API",
        "300/m",
        "Requêtes par IP vers l'API (/api/) ; vide = aucune limite.",
    ),
    Setting(
        "CARREFOUR_RATE_FORM",
        "20/h",
        "Formulaires par IP : suggestions, inscription, mot de passe oublié, code ; vide = aucune limite.",
    ),
    Setting(
        "CARREFOUR_RATE_LOGIN",
        "10/m",
        "Connexions tentées par IP (site, administration, codes, suppression de compte) ; vide = aucune.",
    ),
    Setting(
        "CARREFOUR_LOGIN_FAILURES",
        "5",
        "Échecs de connexion à l'administration après lesquels l'IP est bloquée.",
    ),
    Setting(
        "CARREFOUR_LOGIN_LOCKOUT_MINUTES",
        "15",
        "Durée du blocage de la connexion à l'administration, en minutes.",
    ),
    Setting(
        "CARREFOUR_CLIENT_IP_HEADER",
        "",
        "Derrière un proxy inverse : en-tête portant l'IP du client (X-Real-IP) ; vide = IP de la connexion.",
    ),
    Setting(
        "CARREFOUR_EMAIL_URL",
        "",
        "Envoi des courriels : smtp://user:mdp@hôte:587 (STARTTLS), smtps://…:465 (TLS), console: ; "
        "vide = fichiers dans DATA_DIR/mails (développement), obligatoire en production.",
    ),
    Setting(
        "CARREFOUR_EMAIL_FROM",
        "Carrefour des innovations sociales <ne-pas-repondre@localhost>",
        "Expéditeur des courriels (DEFAULT_FROM_EMAIL) ; à régler en production.",
    ),
    Setting(
        "CARREFOUR_TRUST_THRESHOLD",
        "10",
        "Contributions acceptées après lesquelles un compte devient contributeur de confiance.",
    ),
    Setting(
        "CARREFOUR_SITE_URL",
        "",
        "Adresse publique du site (https://carrefour.example.org), pour les liens des courriels ; "
        "obligatoire en production ; vide en développement = déduite de la requête.",
    ),
    Setting(
        "CARREFOUR_QUOTA_DAY",
        "10",
        "Contributions par jour d'un nouveau compte ; au-delà elles sont retenues pour relecture.",
    ),
    Setting(
        "CARREFOUR_QUOTA_PER_WEEK",
        "2",
        "Contributions par jour ajoutées au quota par semaine d'ancienneté du compte (52 semaines au plus).",
    ),
    Setting(
        "CARREFOUR_QUOTA_PER_ACCEPTED",
        "2",
        "Contributions par jour ajoutées au quota par contribution acceptée.",
    ),
    Setting(
        "CARREFOUR_RATE_CONTRIBUTION",
        "60/h",
        "Plafond par compte des envois du formulaire de proposition (aperçus compris) ; vide = aucun.",
    ),
    Setting(
        "CARREFOUR_RATE_HARVEST_NOW",
        "6/h",
        "Plafond par compte des « Moissonner maintenant » de l'espace partenaire ; vide = aucun.",
    ),
    Setting(
        "CARREFOUR_RATE_MAPPING",
        "30/h",
        "Plafond par compte des enregistrements de correspondances de vocabulaire ; vide = aucun.",
    ),
    Setting(
        "CARREFOUR_RATE_PARTNER_SOURCE_NEW",
        "10/h",
        "Plafond par compte des créations de source de l'espace partenaire ; vide = aucun.",
    ),
    Setting(
        "CARREFOUR_RATE_PARTNER_DEFINITION",
        "60/h",
        "Plafond par compte des enregistrements de définition (et retours à une version) ; vide = aucun.",
    ),
    Setting(
        "CARREFOUR_RATE_PARTNER_PREVIEW",
        "20/h",
        "Plafond par compte des aperçus de source (chacun moissonne à blanc un site) ; vide = aucun.",
    ),
    Setting(
        "CARREFOUR_BANNED_WORDS",
        "carrefour/contributions/banned_words.txt",
        "Fichier des mots interdits (un par ligne, # pour commenter) qui retiennent une contribution.",
    ),
    Setting(
        "CARREFOUR_BAN_URL",
        "",
        "Mode en ligne du géocodeur : URL de l'API Adresse nationale (BAN) ; vide = hors ligne (défaut).",
    ),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}


def env_str(name: str) -> str:
    """Value of a declared setting, from the environment or its default."""
    return os.environ.get(name, _DEFAULTS[name])


def env_bool(name: str) -> bool:
    """Boolean value of a declared setting."""
    return env_str(name).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    """Comma-separated list value of a declared setting."""
    return [item.strip() for item in env_str(name).split(",") if item.strip()]


RATE_PATTERN = re.compile(r"[1-9][0-9]*/[0-9]*[smhd]")


def env_rate(name: str) -> str:
    """A rate limit of a declared setting ("120/m", "20/h", "" for none), checked at start-up."""
    value = env_str(name).strip()
    if value and not RATE_PATTERN.fullmatch(value):
        raise ImproperlyConfiguredError(f"{name}={value!r}: expected a rate like 120/m or 20/h, or nothing")
    return value


def env_positive_int(name: str) -> int:
    """A whole number of at least 1 of a declared setting, checked at start-up."""
    value = env_str(name).strip()
    if not value.isdecimal() or int(value) < 1:
        raise ImproperlyConfiguredError(f"{name}={value!r}: expected a whole number of at least 1")
    return int(value)


def data_dir() -> Path:
    """Directory of local data (SQLite database, index, caches)."""
    path = Path(env_str("CARREFOUR_DATA_DIR"))
    return path if path.is_absolute() else BASE_DIR / path


def private_file(path: Path) -> Path:
    """Create the file if needed and make it readable by its owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)
    return path


def secret_key(production: bool) -> str:
    """SECRET_KEY from the environment, strong in production; a random per-machine key outside it."""
    key = env_str("SECRET_KEY")
    if production and not key:
        raise ImproperlyConfiguredError("SECRET_KEY must be set when CARREFOUR_PRODUCTION=1")
    # Django's own rule (check security.W009): long, varied, not a key generated by startproject.
    if production and (len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")):
        raise ImproperlyConfiguredError(
            "SECRET_KEY is too weak: at least 50 characters, 5 distinct, not django-insecure-… "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if key:
        return key
    # Never a default baked in the code: each machine generates its own development key once.
    path = data_dir() / "secret_key"
    if not path.exists() or not path.read_text().strip():
        private_file(path).write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def allowed_hosts(production: bool) -> list[str]:
    """ALLOWED_HOSTS; in production only an explicit value counts, never the development default."""
    if production and not os.environ.get("ALLOWED_HOSTS", "").strip():
        raise ImproperlyConfiguredError("ALLOWED_HOSTS must be set when CARREFOUR_PRODUCTION=1")
    return env_list("ALLOWED_HOSTS")


def site_url(production: bool) -> str:
    """CARREFOUR_SITE_URL without its final slash; required in production (e-mails link to the site)."""
    url = env_str("CARREFOUR_SITE_URL").strip().rstrip("/")
    if production and not url:
        raise ImproperlyConfiguredError("CARREFOUR_SITE_URL must be set when CARREFOUR_PRODUCTION=1")
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise ImproperlyConfiguredError(f"CARREFOUR_SITE_URL={url!r}: expected https://host")
    return url


def env_path(name: str) -> Path:
    """A file path of a declared setting, relative to the project when not absolute."""
    path = Path(env_str(name).strip())
    return path if path.is_absolute() else BASE_DIR / path


def database_config(url: str) -> dict[str, object]:
    """Django DATABASES entry for DATABASE_URL (PostgreSQL) or the embedded SQLite file."""
    if not url:
        # Holds password hashes and e-mail addresses; SQLite gives its -wal and -shm files the same mode.
        name = private_file(data_dir() / "carrefour.sqlite3")
        for suffix in ("-wal", "-shm"):
            if (companion := name.with_name(name.name + suffix)).exists():
                companion.chmod(0o600)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfiguredError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (postgresql://…)")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "carrefour",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.pop("host", None) or parts.hostname or "",
        "PORT": query.pop("port", None) or (str(parts.port) if parts.port else ""),
        "CONN_MAX_AGE": 60,
        "OPTIONS": query,
    }


def email_config(url: str, production: bool) -> dict[str, object]:
    """Django EMAIL_* settings for CARREFOUR_EMAIL_URL; files in DATA_DIR/mails when unset in development."""
    if not url:
        if production:
            raise ImproperlyConfiguredError(
                "CARREFOUR_EMAIL_URL must be set when CARREFOUR_PRODUCTION=1 (smtp://user:password@host:587)"
            )
        # Files rather than the console: `carrefour serve` runs several workers whose output mixes,
        # while a file per message survives restarts and its links can be copied whole.
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": data_dir() / "mails",
        }
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfiguredError(
            f"CARREFOUR_EMAIL_URL: expected smtp://host:port, smtps://… or console:, not {parts.scheme!r}"
        )
    implicit_tls = parts.scheme == "smtps"
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if implicit_tls else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": implicit_tls,
        # STARTTLS unless asked otherwise (?tls=0, e.g. a relay on the same machine).
        "EMAIL_USE_TLS": not implicit_tls and query.get("tls", "1") != "0",
        "EMAIL_TIMEOUT": 30,
    }
