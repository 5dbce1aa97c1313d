"""The kinds of `recommendation_links` rows and their French labels, for the pages.

A link row reads from the later recommendation (`from_id`) to the earlier one (`to_id`):
`FROM_LABELS` say what the later one does, `TO_LABELS` what happened to the earlier one.
The Datasette pages (pipeline/datasette/labels.py) read them from here; the views
(models/views.py) spell the same words in SQL.
"""
from __future__ import annotations

LINK_KINDS = ("repeats", "similar", "follows_up")

# recommendation_links.kind as a noun (facets, tables)
KIND_LABELS = {"repeats": "réitérée", "similar": "similaire", "follows_up": "suivi"}
# "R7 (2019) réitère R3 (2012)"
FROM_LABELS = {"repeats": "réitère", "similar": "similaire à", "follows_up": "fait le suivi de"}
# "R3 (2012) réitérée par R7 (2019)"
TO_LABELS = {"repeats": "réitérée par", "similar": "similaire à", "follows_up": "suivie par"}
