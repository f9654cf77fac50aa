"""Reporting rounds (uitvraag): VNG asks every gemeente for its status at a peildatum, tracks who
answered (from the upload log) and sends reminders. The CLI uses these modules now; the page and
the API call the same functions."""
