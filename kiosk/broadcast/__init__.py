"""The program feed of a livestreamed class: the kiosk screen, face-blurred camera picture-in-picture
and graphics, recorded (MP4) and streamed (RTMP) through the system's ffmpeg. See docs/broadcast.md."""
from .broadcaster import Broadcaster, parse_outputs
from .overlay import OverlayState

__all__ = ["Broadcaster", "OverlayState", "parse_outputs"]
