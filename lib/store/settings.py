"""Where the store is: a URL from the environment or secrets.toml, else an SQLite file beside the data."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from lib.sources import DATA_DIR

PROJECT_DIR = DATA_DIR.parent
SECRETS_FILE = PROJECT_DIR / ".streamlit" / "secrets.toml"
DEFAULT_FILE = "store/publicerat.sqlite"  # inside the data folder


def default_sqlite_path(environ: dict[str, str] | None = None) -> Path:
    """FINSAM_STORE_FILE, or store/publicerat.sqlite in the data folder in use (FINSAM_DATA_DIR or data/)."""
    env = os.environ if environ is None else environ
    if env.get("FINSAM_STORE_FILE"):
        return Path(env["FINSAM_STORE_FILE"])
    return Path(env.get("FINSAM_DATA_DIR") or DATA_DIR) / DEFAULT_FILE


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def secrets_url(secrets: dict) -> str | None:
    """``[connections.sql]`` as Streamlit's st.connection("sql") reads it: ``url``, or its parts (dialect,
    driver, username, password, host, port, database); None when the section is not there."""
    section = (secrets.get("connections") or {}).get("sql") if isinstance(secrets, dict) else None
    if not isinstance(section, dict):
        return None
    url = section.get("url")
    if isinstance(url, str) and url.strip():
        return url
    if not section.get("dialect"):
        return None
    from sqlalchemy.engine import URL

    driver = f"{section['dialect']}+{section['driver']}" if section.get("driver") else section["dialect"]
    return URL.create(
        drivername=driver,
        username=section.get("username"),
        password=section.get("password"),
        host=section.get("host"),
        port=int(section["port"]) if section.get("port") else None,
        database=section.get("database"),
        query=section.get("query") or {},
    ).render_as_string(hide_password=False)


def store_url(environ: dict[str, str] | None = None, secrets_file: Path = SECRETS_FILE) -> str:
    """The store for command-line use, in the same order as the app: FINSAM_STORE_URL, secrets.toml, SQLite."""
    env = os.environ if environ is None else environ
    if env.get("FINSAM_STORE_URL"):
        return env["FINSAM_STORE_URL"]
    try:
        url = secrets_url(tomllib.loads(secrets_file.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        url = None
    return url or sqlite_url(default_sqlite_path(env))


def describe(url: str) -> str:
    """The store as people may see it: the database kind and name, never a password or a server path."""
    from sqlalchemy.engine import make_url

    try:
        u = make_url(url)
    except Exception:
        return "okänd databas"
    if u.get_backend_name() == "sqlite":
        return f"SQLite-fil {Path(u.database or '').name or '(i minnet)'}"
    return f"{u.get_backend_name()}-databasen {u.database or ''}".strip()
