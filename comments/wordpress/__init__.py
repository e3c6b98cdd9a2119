"""Moving from WordPress: reading an export (WXR) and mapping it onto articles, comments,
the media library, topics, tags and people.

- ``wxr``: reading the export, as a stream of records (authors, categories and tags,
  posts and attachments with their comments, terms and postmeta);
- ``content``: WordPress's HTML as this site's text (a post's Markdown, with its images
  rewritten to the library when given what was imported, its summary, and a comment's
  text as a reader would have typed it);
- ``media``: attachments, downloaded or read from a copy of wp-content/uploads, kept as
  library images and documents under their old addresses;
- ``taxonomy``: categories as topics, tags as tags, authors as people;
- ``importer``: saving articles, their versions and old addresses, and their comments.

``importer`` uses the others; ``media`` uses ``content``; none uses ``importer``. Import
from the module you need (``manage.py import_wordpress`` is comments/management/commands).
"""
