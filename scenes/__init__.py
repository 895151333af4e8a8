"""Station types: one module per YAML step `type`, each registering itself with @station."""
