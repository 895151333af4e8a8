"""Ports for the servers the tests start."""
from __future__ import annotations

import socket


def free_port() -> int:
    """A port nobody listens on now, for a server started as a separate process (which cannot report
    the port it was given by the kernel)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
