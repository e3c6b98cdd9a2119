"""Changes that happen by themselves at a set time: a scheduled update going live, an
article being withdrawn. The task worker carries them out, never a reader's request.

Readers see the change on time without any write: the pages read the schedule
(ArticleQuerySet.published leaves out a withdrawn article, with_due_updates shows a due
update) and the shared HTTP cache keeps no page past the next change (``valid_until``).
What is left to do at that time is writing it down and purging the pages: that is
``carry_out_due_changes``, a task of the "schedule" queue, enqueued to run at each
moment an editor sets (``run_after``) and run by the worker beside the mail
(``manage.py mail_worker --queue-name mail,schedule``, docs/operations.md).
"""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from .models import Article

logger = logging.getLogger(__name__)

SCHEDULE_QUEUE = "schedule"
# A save that sets one of these may set a moment for the worker.
SCHEDULING_FIELDS = frozenset({"scheduled_at", "scheduled_version", "withdraw_at"})


def carry_out_due_changes(now=None):
    """Publish every scheduled update whose time has come and record every withdrawal whose
    time has come (each purging the pages it changes). Returns (published, withdrawn), the
    numbers of articles changed. Safe to run any number of times, by several workers."""
    now = now or timezone.now()
    published = 0
    for article in Article.objects.filter(scheduled_at__lte=now, scheduled_version__isnull=False):
        published += article.promote_if_due()
    withdrawn = 0
    for article in Article.objects.filter(withdraw_at__lte=now, withdrawn_at__isnull=True):
        withdrawn += record_withdrawal(article, now)
    return published, withdrawn


def record_withdrawal(article, now=None):
    """Write down that ``article`` came down at its withdraw_at; its save purges its pages
    and the lists that showed it. Readers stopped seeing it at that time already
    (ArticleQuerySet.published). Returns True when this call recorded it."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not locked.is_withdrawn(now) or locked.withdrawn_at:
            return False
        locked.withdrawn_at = locked.withdraw_at
        locked.save(update_fields=["withdrawn_at"])
    article.withdrawn_at = locked.withdrawn_at
    return True


@task(queue_name=SCHEDULE_QUEUE)
def run_schedule():
    """The worker's task: carry_out_due_changes, as it stands when the task runs."""
    published, withdrawn = carry_out_due_changes()
    return f"published {published} scheduled update(s), withdrew {withdrawn} article(s)"


def enqueue_at(moment):
    """Have the worker run the schedule at ``moment`` (at once when it is past)."""
    run_schedule.using(run_after=moment).enqueue()


@receiver(post_save, sender=Article)
def schedule_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """An article saved with a moment to come (an update scheduled, a withdrawal set): the
    worker is asked to carry it out at that moment. The task is queued in the save's own
    transaction, so it exists exactly when the schedule does. A moment changed later only
    makes the earlier task find nothing to do."""
    if raw or (update_fields is not None and not SCHEDULING_FIELDS.intersection(update_fields)):
        return
    now = timezone.now()
    if instance.scheduled_at and instance.scheduled_at > now:
        enqueue_at(instance.scheduled_at)
    if instance.withdraw_at and not instance.withdrawn_at:
        enqueue_at(max(instance.withdraw_at, now))  # "now" too: withdrawn at once
