"""Framing of the pipes between the kiosk and the broadcast worker: length-prefixed pickles.

Only ever used between the kiosk and the worker it starts itself (never on data from elsewhere)."""
from __future__ import annotations

import os
import pickle
import struct
from typing import Any

HEADER = struct.Struct("<I")


def read_exact(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        data = os.read(fd, min(n - got, 1 << 20))
        if not data:
            return None
        chunks.append(data)
        got += len(data)
    return b"".join(chunks)


def read_message(fd: int) -> Any:
    head = read_exact(fd, HEADER.size)
    if head is None:
        return None
    body = read_exact(fd, HEADER.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def frame_message(obj: Any) -> bytes:
    body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(body)) + body
