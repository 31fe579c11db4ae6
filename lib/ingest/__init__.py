"""Ingesting a new report: read PDF or text, propose figures with provenance, evaluate against curated data."""
