"""Detectors the moderation policy (comments/moderation.py) asks about a comment's text:
crisis language, personal data, the moderators' word lists. Each reads only the text,
so the "Test a text" page and the benchmark run them alone."""
