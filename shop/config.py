"""Configuration from the environment (names as DESIGN.md lists them)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the app cannot start safely with the configuration it was given."""


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key(instance_path: Path) -> str:
    """A key generated once and kept in instance/ so local sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def build_config(instance_path: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    env = os.environ
    overrides = dict(overrides or {})
    app_env = overrides.get("APP_ENV") or env.get("APP_ENV", "development")
    production = app_env == "production"
    sqlite_path = instance_path / "pasar-sentra.db"

    config: dict[str, Any] = {
        "APP_ENV": app_env,
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{sqlite_path}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},  # a server may drop idle connections
        "SEARCH_BACKEND": env.get("SEARCH_BACKEND", "sql"),
        "MEILI_URL": env.get("MEILI_URL"),
        "MEILI_API_KEY": env.get("MEILI_API_KEY"),
        "STORAGE_BACKEND": env.get("STORAGE_BACKEND", "local"),
        "S3_BUCKET": env.get("S3_BUCKET"),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL"),
        "S3_REGION": env.get("S3_REGION"),
        "S3_PUBLIC_URL": env.get("S3_PUBLIC_URL"),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY"),
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY"),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET"),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE"),
        "STRIPE_JS_URL": env.get("STRIPE_JS_URL"),
        "STRIPE_MIN_IDR": int(env.get("STRIPE_MIN_IDR", "10000")),
        "BANK_TRANSFER_BANK": env.get("BANK_TRANSFER_BANK", "Bank Contoh (DEMO)"),
        "BANK_TRANSFER_ACCOUNT": env.get("BANK_TRANSFER_ACCOUNT", "000-DEMO-0000"),
        # How many reverse proxies stand in front (nginx: 1): their X-Forwarded-* headers are then
        # trusted for the client's address (rate limits), the host (same-site checks) and the scheme.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        "BANK_TRANSFER_HOLDER": env.get("BANK_TRANSFER_HOLDER", "Pasar Sentra (akun demo)"),
        # How long an unpaid checkout keeps its stock before `expire-payments` returns it.
        "CARD_PAYMENT_EXPIRY_MINUTES": int(env.get("CARD_PAYMENT_EXPIRY_MINUTES", "30")),
        "BANK_TRANSFER_EXPIRY_HOURS": int(env.get("BANK_TRANSFER_EXPIRY_HOURS", "24")),
        # Midtrans (Core API): QRIS, GoPay, ShopeePay and virtual accounts; hidden without a server key.
        # MIDTRANS_API_BASE points the client at a stand-in (tests), as STRIPE_API_BASE does.
        "MIDTRANS_SERVER_KEY": env.get("MIDTRANS_SERVER_KEY"),
        "MIDTRANS_CLIENT_KEY": env.get("MIDTRANS_CLIENT_KEY"),
        "MIDTRANS_IS_PRODUCTION": _env_bool("MIDTRANS_IS_PRODUCTION", False),
        "MIDTRANS_API_BASE": env.get("MIDTRANS_API_BASE"),
        "MIDTRANS_FEE_BP": int(env.get("MIDTRANS_FEE_BP", "0")),  # the gateway's fee, a ledger line when set
        "MIDTRANS_WALLET_EXPIRY_MINUTES": int(env.get("MIDTRANS_WALLET_EXPIRY_MINUTES", "15")),
        "MIDTRANS_VA_EXPIRY_HOURS": int(env.get("MIDTRANS_VA_EXPIRY_HOURS", "24")),
        # PPN (VAT) a sentra marked PKP by the office adds to its quotes and invoices, in percent.
        "PPN_RATE_PERCENT": int(env.get("PPN_RATE_PERCENT", "11")),
        # A delivered order completes by itself after this many days unless the buyer raised a problem;
        # a pickup nobody collects is cancelled this many days after it was ready (reminders before).
        "ORDER_AUTOCOMPLETE_DAYS": int(env.get("ORDER_AUTOCOMPLETE_DAYS", "3")),
        # The platform's commission on a sentra's goods, in basis points (500 = 5 %); the office may
        # override it per sentra.
        "PLATFORM_COMMISSION_BP": int(env.get("PLATFORM_COMMISSION_BP", "500")),
        "PICKUP_COLLECT_DAYS": int(env.get("PICKUP_COLLECT_DAYS", "3")),
        # Public tracking (page and API together), per address.
        "TRACK_RATE_LIMIT": env.get("TRACK_RATE_LIMIT", "30 per minute"),
        # Transfer-proof uploads, per buyer: each one is decoded and stored, so a loop costs CPU and disk.
        "TRANSFER_PROOF_RATE_LIMIT": env.get("TRANSFER_PROOF_RATE_LIMIT", "10 per hour"),
        # Absolute links in emails sent outside a request (the worker): scheme, host and prefix.
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
        # The embedded default runs outbox jobs (emails) after each request, so `make run`
        # needs no worker; production runs `flask --app shop worker` instead (tests: off).
        "OUTBOX_DRAIN_AFTER_REQUEST": _env_bool("OUTBOX_DRAIN_AFTER_REQUEST", not production),
        "MAIL_SERVER": env.get("MAIL_SERVER"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", True),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL", False),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Pasar Sentra <no-reply@pasarsentra.test>"),
        # WhatsApp Business Cloud API (README, "WhatsApp"): without the token and the phone number id,
        # WhatsApp messages go to the log; the base can point at a stand-in.
        "WHATSAPP_TOKEN": env.get("WHATSAPP_TOKEN"),
        "WHATSAPP_PHONE_NUMBER_ID": env.get("WHATSAPP_PHONE_NUMBER_ID"),
        "WHATSAPP_API_BASE": env.get("WHATSAPP_API_BASE", "https://graph.facebook.com/v21.0"),
        # The public page cache (README, "Page cache"): on unless PAGE_CACHE=0/off/false; Redis when
        # CACHE_REDIS_URL is set (shared by every app server), else files under instance/.
        "PAGE_CACHE": _env_bool("PAGE_CACHE", True),
        "CACHE_REDIS_URL": env.get("CACHE_REDIS_URL"),
        "PAGE_CACHE_DIR": env.get("PAGE_CACHE_DIR") or str(instance_path / "page-cache"),
        "PAGE_CACHE_KEY_PREFIX": env.get("PAGE_CACHE_KEY_PREFIX", "pasar:page:"),
        "PAGE_CACHE_TIMEOUT": int(env.get("PAGE_CACHE_TIMEOUT", "600")),  # seconds a stored page is kept at most
        # What browsers and a CDN are told about public pages (seconds).
        "PAGE_CACHE_MAX_AGE": int(env.get("PAGE_CACHE_MAX_AGE", "60")),
        "PAGE_CACHE_STALE_WHILE_REVALIDATE": int(env.get("PAGE_CACHE_STALE_WHILE_REVALIDATE", "300")),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "LANGUAGES": ("id", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAX_CONTENT_LENGTH": 96 * 1024 * 1024,  # 8 phone photos of 10 MB plus the form
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TOKEN_DAYS": int(env.get("API_TOKEN_DAYS", "30")),
        "LOGIN_FAILURES_PER_ACCOUNT": env.get("LOGIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_FAILURES_PER_ADDRESS": env.get("LOGIN_FAILURES_PER_ADDRESS", "20 per 15 minutes"),
        "LOGIN_ATTEMPTS_PER_ADDRESS": env.get("LOGIN_ATTEMPTS_PER_ADDRESS", "120 per minute"),
        # Wrong attendance codes typed by one member at one class's door (then a 429 until the window passes).
        "ATTENDANCE_CODE_FAILURES": env.get("ATTENDANCE_CODE_FAILURES", "10 per 10 minutes"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        # The search log behind the potential map (README, "Peta potensi dan kebutuhan"): off for
        # benchmarks; rows kept SEARCH_LOG_DAYS; a term that found nothing shows once this many
        # distinct people searched it in a place and period.
        "SEARCH_LOG": _env_bool("SEARCH_LOG", True),
        "SEARCH_LOG_DAYS": int(env.get("SEARCH_LOG_DAYS", "400")),
        "POTENTIAL_MIN_SEARCHERS": int(env.get("POTENTIAL_MIN_SEARCHERS", "5")),
    }
    config.update(overrides)
    if config.get("TESTING") and "OUTBOX_DRAIN_AFTER_REQUEST" not in overrides:
        config["OUTBOX_DRAIN_AFTER_REQUEST"] = False  # tests drain the outbox themselves

    if not config["SECRET_KEY"]:
        if config["APP_ENV"] == "production":
            raise ConfigError("SECRET_KEY must be set in the environment in production")
        config["SECRET_KEY"] = _local_secret_key(instance_path)

    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}
    return config
