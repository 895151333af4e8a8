"""The staff PIN that opens the kiosk's staff menu: stored only as a slow salted hash (scrypt) in
this station's settings, with a pause after repeated wrong tries."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from pathlib import Path

from kiosk import local_settings

PIN_DIGITS = 6
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
LOCK_AFTER = 3       # wrong tries in a row
LOCK_S = 30.0


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def valid_pin(pin: str) -> bool:
    return len(pin) == PIN_DIGITS and pin.isdigit()


def set_pin(data_dir: Path, pin: str) -> None:
    if not valid_pin(pin):
        raise ValueError(f"a staff PIN is {PIN_DIGITS} digits")
    local_settings.save_section(data_dir, "staff", {"pin": hash_pin(pin)})


class PinGate:
    """Checks PINs against the stored hash; after LOCK_AFTER wrong tries it refuses for LOCK_S."""

    def __init__(self, data_dir: Path, clock: "object" = time.monotonic):
        self.data_dir = data_dir
        self.clock = clock
        self.failures = 0
        self.locked_until = 0.0

    @property
    def configured(self) -> bool:
        return bool(local_settings.load(self.data_dir).get("staff", {}).get("pin"))

    def locked(self) -> bool:
        return self.clock() < self.locked_until  # type: ignore[operator]

    def check(self, pin: str) -> bool:
        if self.locked():
            return False
        stored = local_settings.load(self.data_dir).get("staff", {}).get("pin", "")
        try:
            _, salt, digest = stored.split("$")
            ok = hmac.compare_digest(hash_pin(pin, base64.b64decode(salt)).split("$")[2], digest)
        except ValueError:
            ok = False
        self.failures = 0 if ok else self.failures + 1
        if self.failures >= LOCK_AFTER:
            self.failures = 0
            self.locked_until = self.clock() + LOCK_S  # type: ignore[operator]
        return ok
