"""The central server: enrolment, journal ingest, catalog feed, stock ledger, reports."""
