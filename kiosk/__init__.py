"""The kiosk engine: content, engine loop, input, UI. Nothing lesson-specific lives here."""
import os

# pygame prints a banner on import; a kiosk's log and a CLI's output are not the place for it.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
