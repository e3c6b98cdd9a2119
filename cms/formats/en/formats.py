"""How the site and its admin show dates to people: one format everywhere (issue 22).

Django reads these through FORMAT_MODULE_PATH (cms/settings.py) before its own English
formats, so the admin's dates ("Dec. 4, 2026, 8:15 p.m." by default) read as the article
page's do: ``{{ value|date:"DATETIME_FORMAT" }}`` in a template, ``date_format(value,
"DATETIME_FORMAT")`` in Python. Only what to show is set here; what people may type
(the *_INPUT_FORMATS) stays Django's.
"""

DATE_FORMAT = "j F Y"  # 4 December 2026
DATETIME_FORMAT = "j F Y \\a\\t H:i T"  # 4 December 2026 at 20:15 UTC
