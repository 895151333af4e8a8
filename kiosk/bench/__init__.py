"""The figures `python main.py bench` measures (kiosk/commands/bench.py), one module per thing timed.

They run the whole stack (boot, the engine, the store, reports, the broadcast), so this package sits
at the top of the layers beside kiosk.commands and no domain package imports it.
"""
