"""Extractors: the layout stage, then one pure function per kind of thing found in a report."""
