"""French (and a few English) regular expressions used by the extractors, one module per topic.

Each pattern is written with `re.VERBOSE` and a comment per line, and has parametrised
positive and negative examples in `tests/test_patterns_*.py`.
"""
