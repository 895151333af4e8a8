"""Back-off for staff logins, kept in the records store (table login_throttle) so that it holds across
worker threads, several `serve` processes on one store, and restarts.

Two counters, each one row:
  pair:<address> <name>   one address trying one name: 3 free tries, then waits of 2 s, 4, 8, ... 5 min
  addr:<address>          one address trying any names: 10 free tries, then the same waits
No counter belongs to a name alone, so failures from one address never lock the real user out
from another. IPv6 addresses count by their /64 (one home or host gets a whole /64 to rotate through).

A try is charged *before* its password is checked (`claim`), in one write transaction that reads
and updates both rows (SQLite: BEGIN IMMEDIATE; PostgreSQL: the rows locked FOR UPDATE), so
parallel tries cannot all slip in under the same count; a right password gives its charge back
(`succeeded`). A counter with no try for an hour starts again from zero.
"""
from __future__ import annotations

import ipaddress
import time
from typing import Any, Callable

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from kiosk.records import schema as s
from kiosk.records.store import Store

PAIR_FREE = 3
ADDRESS_FREE = 10
FIRST_WAIT = 2.0
MAX_WAIT = 300.0
FORGET_S = 3600.0
T = s.login_throttle


def wait_after(tries: int, free: int) -> float:
    """Seconds to wait after `tries` charged tries on a counter with `free` tries before waiting."""
    return 0.0 if tries < free else min(MAX_WAIT, FIRST_WAIT * 2 ** min(tries - free, 20))


def address_key(ip: str) -> str:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class LoginThrottle:
    """Charges, refuses and refunds login tries; `clock` is wall-clock seconds (the rows outlive the process)."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time):
        self.store = store
        self.clock = clock

    @staticmethod
    def counters(ip: str, name: str) -> tuple[str, str]:
        """The address's counter and the address-and-name pair's."""
        addr = address_key(ip)
        return f"addr:{addr}", f"pair:{addr} {name.strip().casefold()[:64]}"

    def claim(self, ip: str, name: str) -> float:
        """0 when this try may go ahead (and is now counted), else the seconds to wait before the next."""
        now = self.clock()
        addr, pair = self.counters(ip, name)
        free = {addr: ADDRESS_FREE, pair: PAIR_FREE}
        with self.store.write() as conn:
            _forget_stale(conn, now)
            rows = _locked_rows(conn, sorted(free), now)
            wait = max(row["next_at"] - now for row in rows.values())
            if wait > 0:
                return wait
            for counter, row in rows.items():
                tries = row["tries"] + 1
                conn.execute(update(T).where(T.c.counter == counter)
                             .values(tries=tries, next_at=now + wait_after(tries, free[counter]), last_at=now))
        return 0.0

    def succeeded(self, ip: str, name: str) -> None:
        """The claimed try had the right password: the pair starts again, the address gets its try back."""
        addr, pair = self.counters(ip, name)
        with self.store.write() as conn:
            conn.execute(delete(T).where(T.c.counter == pair))
            conn.execute(update(T).where(T.c.counter == addr, T.c.tries > 0).values(tries=T.c.tries - 1))



def _forget_stale(conn: Connection, now: float) -> None:
    """Counters with no try for FORGET_S go (PostgreSQL: skipping rows another try holds, so that
    two tries never wait on each other here)."""
    stale = select(T.c.counter).where(T.c.last_at < now - FORGET_S).with_for_update(skip_locked=True)
    conn.execute(delete(T).where(T.c.counter.in_(stale)))


def _locked_rows(conn: Connection, counters: list[str], now: float) -> dict[str, dict[str, Any]]:
    """The counters' rows (made when missing), locked until the transaction ends; always in one order,
    so two tries never hold one lock each and wait for the other's."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(T).values([{"counter": c, "tries": 0, "next_at": 0.0, "last_at": now} for c in counters])
                 .on_conflict_do_nothing(index_elements=["counter"]))
    query = select(T).where(T.c.counter.in_(counters)).order_by(T.c.counter).with_for_update()
    return {row.counter: dict(row._mapping) for row in conn.execute(query)}
