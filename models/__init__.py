"""The suivi data model: dataclasses for the layout and the extracted records, and the
SQLite schema that stores them.

"models" means the data model only; no machine-learning model lives here (spaCy's is
loaded by the pipeline and passed to the extractors that need it).
"""
