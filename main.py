"""Entry point: python main.py [command] ... (see kiosk/cli.py)."""
import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
