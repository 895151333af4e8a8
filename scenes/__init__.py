"""Step types: one module per YAML step `type`, each registering itself with @step_type (see kiosk/registry.py)."""
