"""Staff accounts for the booking pages: scrypt password hashes, login sessions with their CSRF token,
a back-off for repeated failed logins, and the calendar feed key.

Passwords: hashlib.scrypt (N=2^14, r=8, p=1, 16-byte salt, 32-byte key), stored as
`scrypt$16384$8$1$<salt b64>$<key b64>`; checked in constant time; an unknown name costs the same.
Sessions: the cookie holds 32 random bytes; the store keeps only their SHA-256, the user, a CSRF
token for the forms, and the expiry (12 hours).
Failed logins: the back-off is throttle.py's (in the store, per address and per address and name).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import delete, func, insert, select, update

from kiosk.records import schema as s
from kiosk.records.store import Store

SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LEN = 2 ** 14, 8, 1, 32
SESSION_S = 12 * 3600
NAME_RE = re.compile(r"^[A-Za-z0-9_.@\-\u4e00-\u9fff]{1,64}$")
MIN_PASSWORD = 8


def hash_password(password: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_LEN, maxmem=64 * 1024 * 1024)
    return "$".join(["scrypt", str(n), str(r), str(p), base64.b64encode(salt).decode(), base64.b64encode(key).decode()])


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt":
            return False
        want = base64.b64decode(key)
        got = hashlib.scrypt(password.encode("utf-8", "replace"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(want), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


_DUMMY = hash_password(secrets.token_urlsafe(16))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


@dataclass
class StaffUser:
    id: int
    name: str
    csrf: str = ""
    session_hash: str = ""


class StaffError(ValueError):
    pass


class Staff:
    """Staff users and their sessions in the records store."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time):
        self.store = store
        self.clock = clock

    # ----- users (the CLI) -----------------------------------------------------------------------
    def add(self, name: str, password: str) -> int:
        name = name.strip()
        if not NAME_RE.match(name):
            raise StaffError("a staff name is 1-64 letters, digits, Chinese characters or _ . @ -")
        if len(password) < MIN_PASSWORD:
            raise StaffError(f"the password needs at least {MIN_PASSWORD} characters")
        with self.store.write() as conn:
            if conn.execute(select(s.staff_users.c.id).where(s.staff_users.c.name == name)).first():
                raise StaffError(f"there is already a staff user '{name}'")
            return int(conn.execute(insert(s.staff_users).values(
                name=name, password_hash=hash_password(password), active=True, created_at=self.clock()))
                .inserted_primary_key[0])

    def set_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise StaffError(f"the password needs at least {MIN_PASSWORD} characters")
        with self.store.write() as conn:
            user_id = conn.execute(select(s.staff_users.c.id).where(s.staff_users.c.name == name)).scalar()
            if user_id is None:
                raise StaffError(f"no staff user '{name}'")
            conn.execute(update(s.staff_users).where(s.staff_users.c.id == user_id)
                         .values(password_hash=hash_password(password), active=True))
            conn.execute(delete(s.staff_sessions).where(s.staff_sessions.c.user_id == user_id))

    def remove(self, name: str) -> None:
        with self.store.write() as conn:
            if not conn.execute(delete(s.staff_users).where(s.staff_users.c.name == name)).rowcount:
                raise StaffError(f"no staff user '{name}'")

    def users(self) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(s.staff_users.c.id, s.staff_users.c.name, s.staff_users.c.active,
                       s.staff_users.c.created_at, s.staff_users.c.last_login_at).order_by(s.staff_users.c.name))]

    def count(self) -> int:
        with self.store.read() as conn:
            return conn.execute(select(func.count()).select_from(s.staff_users)).scalar() or 0

    # ----- logging in ------------------------------------------------------------------------------
    def authenticate(self, name: str, password: str) -> int | None:
        with self.store.read() as conn:
            row = conn.execute(select(s.staff_users.c.id, s.staff_users.c.password_hash, s.staff_users.c.active)
                               .where(s.staff_users.c.name == name)).first() if NAME_RE.match(name or "") else None
        if row is None:
            check_password(password, _DUMMY)  # the same work: no telling names that exist
            return None
        return int(row.id) if check_password(password, row.password_hash) and row.active else None

    def open_session(self, user_id: int) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.store.write() as conn:
            conn.execute(delete(s.staff_sessions).where(s.staff_sessions.c.expires_at < now))
            conn.execute(insert(s.staff_sessions).values(id=sha256(token), user_id=user_id,
                                                         csrf=secrets.token_urlsafe(32), created_at=now,
                                                         expires_at=now + SESSION_S))
            conn.execute(update(s.staff_users).where(s.staff_users.c.id == user_id).values(last_login_at=now))
        return token

    def session(self, token: str | None) -> StaffUser | None:
        if not token or len(token) > 100:
            return None
        key = sha256(token)
        with self.store.read() as conn:
            row = conn.execute(select(s.staff_sessions.c.user_id, s.staff_sessions.c.csrf, s.staff_users.c.name,
                                      s.staff_users.c.active)
                               .join(s.staff_users, s.staff_users.c.id == s.staff_sessions.c.user_id)
                               .where(s.staff_sessions.c.id == key, s.staff_sessions.c.expires_at > self.clock())
                               ).first()
        if row is None or not row.active:
            return None
        return StaffUser(int(row.user_id), row.name, row.csrf, key)

    def close_session(self, token: str | None) -> None:
        if token and len(token) <= 100:
            with self.store.write() as conn:
                conn.execute(delete(s.staff_sessions).where(s.staff_sessions.c.id == sha256(token)))

    # ----- the calendar feed -------------------------------------------------------------------------
    def new_feed_key(self, user_id: int) -> str:
        key = secrets.token_urlsafe(24)
        with self.store.write() as conn:
            conn.execute(update(s.staff_users).where(s.staff_users.c.id == user_id).values(feed_key_hash=sha256(key)))
        return key

    def feed_user(self, key: str | None) -> int | None:
        if not key or len(key) > 100:
            return None
        with self.store.read() as conn:
            return conn.execute(select(s.staff_users.c.id).where(s.staff_users.c.feed_key_hash == sha256(key),
                                                                 s.staff_users.c.active.is_(True))).scalar()
