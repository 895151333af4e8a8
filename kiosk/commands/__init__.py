"""One module per group of CLI commands; each has add_parsers(sub, common)."""
