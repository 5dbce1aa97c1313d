"""Orchestration: discover -> layout -> extract -> store -> link -> publish, and the CLI."""
