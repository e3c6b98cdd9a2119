from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from articles.schedule import carry_out_due_changes, enqueue_at


class Command(BaseCommand):
    help = (
        "Carry out the scheduled updates and withdrawals whose time has come, and queue the "
        "worker's task for each one to come. Saving a schedule queues its task already: run "
        "this once after deploying the release that brought the schedule queue, or after "
        "the task table was emptied."
    )

    def handle(self, *args, **options):
        published, withdrawn = carry_out_due_changes()
        now = timezone.now()
        coming = Article.objects.filter(
            Q(scheduled_at__gt=now) | Q(withdraw_at__gt=now, withdrawn_at__isnull=True)
        )
        moments = set()
        for scheduled_at, withdraw_at in coming.values_list("scheduled_at", "withdraw_at"):
            moments.update(
                moment for moment in (scheduled_at, withdraw_at) if moment and moment > now
            )
        for moment in sorted(moments):
            enqueue_at(moment)
        self.stdout.write(
            f"Published {published} update(s), withdrew {withdrawn} article(s); "
            f"queued the worker for {len(moments)} moment(s) to come."
        )
