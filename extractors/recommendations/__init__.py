"""Recommendations of a report, however the audit body prints them.

Why one package: each way of printing a recommendation (a body label, a summary table, a
summary list, an English numbered list…) has its own finder module and its conventions in a
declarative registry (`conventions.py`); `reconcile.py` combines what they find into one
record per recommendation. Callers import only `extract_recommendations`, and
`extract_earlier_recommendations` for the earlier reports' recommendations it reprints.
"""
from __future__ import annotations

from extractors.recommendations.followup import extract_earlier_recommendations
from extractors.recommendations.reconcile import extract_recommendations

__all__ = ["extract_earlier_recommendations", "extract_recommendations"]
