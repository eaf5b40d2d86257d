"""Connections named without their secrets. Every message, heading, log line, metadata value and file that names a
connection (the lake's catalog, Dagster's PostgreSQL, any later one) shows it through redact(), and nowhere else
is a password taken out.

    >>> redact("dbname=lake host=db user=analyst password=s3cret")
    'dbname=lake host=db user=analyst password=***'
    >>> redact("postgresql+psycopg2://dagster:s3cret@db:5432/dagster")
    'postgresql+psycopg2://dagster:***@db:5432/dagster'

DuckDB's own errors quote the catalog as given, several times over, with no space after it
(`... password=s3cret"Unable to connect ...`): the passwords of the connections the environment configures, and of
any connection passed in, are removed wherever they appear, not only after `password=`."""

import os
import re
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

MASK = "***"
# settings that hold a connection string or a password (README: Scaling out)
CONNECTION_VARIABLES = ("REGIND_LAKE_CATALOG",)
PASSWORD_VARIABLES = ("PGPASSWORD", "DAGSTER_PG_PASSWORD")
# a known password shorter than this is removed after `password=` only: masking every "ab" would garble the text
MIN_MASKED_ANYWHERE = 4

# libpq's keyword/value form: a value is single-quoted (\' and \\ escaped inside) or runs to the next space
_PAIR = re.compile(r"""(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)""")
# user:password@ of a URI (postgresql://, postgres://, postgresql+psycopg2://, ducklake:postgres://...)
_URI_USERINFO = re.compile(r"(\b[a-z][\w+.-]*://[^\s:/@'\"]*):[^\s@/'\"]*@", re.I)


def passwords(connection: str) -> list[str]:
    """The passwords a connection string carries, as written and unquoted: libpq's `password=...` or a URI's
    `user:password@` and `?password=`."""
    found: list[str] = []
    if "://" in connection:
        try:
            parts = urlsplit(connection.strip())
            found += [p for p in (parts.password,) if p] + parse_qs(parts.query).get("password", [])
        except ValueError:
            pass
    for key, value in _PAIR.findall(connection):
        if key.lower() == "password":
            found.append(value)
            if value.startswith("'") and value.endswith("'") and len(value) > 1:
                found.append(re.sub(r"\\(.)", r"\1", value[1:-1]))
    return [p for p in dict.fromkeys(found) if p]


def configured_passwords() -> list[str]:
    """The passwords of the connections this process is configured with (its environment)."""
    found = [os.environ[v] for v in PASSWORD_VARIABLES if os.environ.get(v)]
    for variable in CONNECTION_VARIABLES:
        found += passwords(os.environ.get(variable, ""))
    return found


def redact(text: str, *connections: str) -> str:
    """text with every password removed: `password=...` of a libpq string, `user:...@` of a URI, and the
    passwords of the connections given and of those the environment configures, wherever they appear."""
    if not text:
        return text
    known = sorted({p for c in connections for p in passwords(c)} | set(configured_passwords()), key=len, reverse=True)
    for secret in known:
        if len(secret) >= MIN_MASKED_ANYWHERE:
            text = text.replace(secret, MASK)
    # after password=: a quoted value, a known password exactly (it may hold a quote), or up to a space or a quote
    value = "|".join([r"'(?:[^'\\]|\\.)*'", *(re.escape(s) for s in known), r"""[^\s"']+"""])
    text = re.sub(rf"(\bpassword\s*=\s*)(?:{value})", rf"\g<1>{MASK}", text, flags=re.I)
    return _URI_USERINFO.sub(rf"\g<1>:{MASK}@", text)


def redacted_error(error: BaseException, *connections: str) -> BaseException | None:
    """An error like `error` whose message and causes name no password, or None when none of them did. Raise it
    `from None`: Dagster stores an error's causes in the event log, and a traceback prints them."""
    chain, seen = [], error
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    if all(redact(str(e), *connections) == str(e) for e in chain):
        return None
    message = "; caused by ".join(
        [redact(str(error), *connections)]
        + [
            f"{type(e).__name__}: {redact(str(e).strip().splitlines()[0] if str(e).strip() else '', *connections)}"
            for e in chain[1:]
        ]
    )
    try:
        return type(error)(message)
    except Exception:  # an error type whose constructor takes other arguments
        return RuntimeError(f"{type(error).__name__}: {message}")


@contextmanager
def secrets_kept(*connections: str) -> Iterator[None]:
    """Errors leave this block without a password in their message or causes (see redacted_error)."""
    try:
        yield
    except Exception as error:
        clean = redacted_error(error, *connections)
        if clean is None:
            raise
        raise clean from None
