"""The lasting address of one comment: /comments/<id>/ sends the reader to the page of
the thread that shows it, at the comment (comments/threads.py, ``location_of``). Lists
that name comments from outside the thread (editors' picks) link here, so that the
article page needs no query per comment to find their pages."""

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from cms.caching import keep_private

from .models import Comment
from .threads import location_of


@require_GET
def comment_link(request, pk):
    """Redirect (302) to ``pk`` in its thread; 404 when readers cannot see it."""
    comment = get_object_or_404(
        Comment.objects.public().select_related("article"),
        pk=pk,
    )
    # The page that shows it moves as the thread grows: never kept by a cache.
    return keep_private(HttpResponseRedirect(location_of(comment)))
