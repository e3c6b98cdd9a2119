"""What the comments app announces, for the modules that act on it.

The models send these signals; they never import the modules that listen (those import
the models), so the app's modules depend on each other in one direction.
"""

from django.dispatch import Signal

# A comment became visible to readers (posted by a trusted reader, approved by a
# moderator, a staff reply), sent once the change is committed, with ``comment_id`` and
# ``was_held`` (it waited in the queue first). comments/notifications.py emails the
# subscribers.
comment_published = Signal()
