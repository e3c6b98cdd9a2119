"""Moving from WordPress: reading an export (WXR) and mapping it onto articles and comments.

- ``wxr``: reading the export, as a stream of records (authors, posts and their comments);
- ``content``: WordPress's HTML as this site's text (a post's Markdown and summary, a
  comment's text as a reader would have typed it);
- ``importer``: saving articles, their versions and old addresses, and their comments.

``importer`` uses the other two, which use neither each other nor it. Import from the
module you need (``manage.py import_wordpress`` is comments/management/commands).
"""
