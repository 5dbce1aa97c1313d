"""The kinds of `recommendation_links` rows and their French labels, for the pages.

A link row reads from the later recommendation (`from_id`) to the earlier one (`to_id`):
`FROM_LABELS` say what the later one does, `TO_LABELS` what happened to the earlier one.
"""
from __future__ import annotations

LINK_KINDS = ("repeats", "similar", "follows_up")

# "R7 (2019) reprend R3 (2012)"
FROM_LABELS = {
    "repeats": "reprend",
    "similar": "proche de",
    "follows_up": "fait le suivi de",
}
# "R3 (2012) reprise par R7 (2019)"
TO_LABELS = {
    "repeats": "reprise par",
    "similar": "proche de",
    "follows_up": "suivie par",
}
# Column heading / facet value
KIND_LABELS = {
    "repeats": "Recommandation reprise",
    "similar": "Recommandation proche",
    "follows_up": "Suivi de la recommandation",
}
