"""Spreadsheets and reference files into the database: read, validate, load, export."""
