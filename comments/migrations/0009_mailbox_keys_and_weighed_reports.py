"""One mailbox, one identity; reports weighed per network; comments hidden after reports.

- Comment.mailbox: the key of the comment's mailbox (comments/identity.py), indexed
  CONCURRENTLY on PostgreSQL (hence ``atomic = False``), filled for every comment.
- Subscriptions and email entries of the block list are stored as mailbox keys, network
  entries in canonical form (IPv4-mapped IPv6 as IPv4); where two rows become one, the
  older (for subscriptions: the confirmed) one is kept.
- Report.reporter_network (the /24 or /64) and weight; one report per comment and
  network (a later report of a network already counted keeps no network).
- Comment.hidden_after_reports_at: a comment readers' reports keep off the page.
"""

import ipaddress

from django.db import migrations, models

from cms.postgres_operations import AddIndexConcurrentlyOnPostgreSQL
from comments.identity import mailbox_key

BATCH = 2000


def _network(ip):
    if not ip:
        return None
    address = ipaddress.ip_address(ip)
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _canonical_network(value):
    network = ipaddress.ip_network(value, strict=False)
    if network.version == 6 and network.subnet_of(ipaddress.ip_network("::ffff:0:0/96")):
        mapped = network.network_address.ipv4_mapped
        network = ipaddress.ip_network(f"{mapped}/{max(network.prefixlen - 96, 0)}", strict=False)
    return str(network)


def fill(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Report = apps.get_model("comments", "Report")
    Subscription = apps.get_model("comments", "Subscription")
    BlockedSender = apps.get_model("comments", "BlockedSender")
    last = 0
    while True:
        rows = list(
            Comment.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "email")[:BATCH]
        )
        if not rows:
            break
        for pk, email in rows:
            Comment.objects.filter(pk=pk).update(mailbox=mailbox_key(email) or None)
        last = rows[-1][0]
    counted = set()
    for report in Report.objects.order_by("created_at", "pk").only(
        "pk", "comment_id", "reporter_ip"
    ):
        network = _network(report.reporter_ip)
        if (report.comment_id, network) in counted:
            network = None
        elif network is not None:
            counted.add((report.comment_id, network))
        Report.objects.filter(pk=report.pk).update(reporter_network=network)
    _rekey(
        # A confirmed subscription is the one kept of several that become one.
        Subscription.objects.order_by(
            models.F("confirmed_at").asc(nulls_last=True), "created_at", "pk"
        ),
        lambda row: (
            mailbox_key(row.email) or row.email.strip().lower(),
            row.kind,
            row.article_id,
            row.comment_id,
        ),
        "email",
    )
    _rekey(BlockedSender.objects.order_by("created_at", "pk"), _block_value, "value")


def _block_value(entry):
    try:
        value = (
            mailbox_key(entry.value) if entry.kind == "email" else _canonical_network(entry.value)
        )
    except ValueError:
        value = ""
    return (value or entry.value, entry.kind)


def _rekey(rows, name_of, field):
    """Give each row its normalised value (the first of ``name_of(row)``); of the rows that
    become one, keep the first in ``rows``' order. Duplicates go first, so that no update
    meets a row still holding its value (keys are idempotent)."""
    kept = {}
    for row in rows:
        name = name_of(row)
        if name in kept:
            row.delete()
        else:
            kept[name] = row
    for (value, *_), row in kept.items():
        if getattr(row, field) != value:
            type(row).objects.filter(pk=row.pk).update(**{field: value})


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("comments", "0008_comment_edited_at"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="report",
            name="one_report_per_comment_and_address",
        ),
        migrations.AddField(
            model_name="comment",
            name="hidden_after_reports_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="comment",
            name="mailbox",
            field=models.CharField(blank=True, editable=False, max_length=254, null=True),
        ),
        migrations.AddField(
            model_name="report",
            name="reporter_network",
            field=models.CharField(blank=True, editable=False, max_length=50, null=True),
        ),
        migrations.AddField(
            model_name="report",
            name="weight",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name="blockedsender",
            name="value",
            field=models.CharField(
                help_text="An email address, or an IP address or network such as 203.0.113.0/24. "
                "Stored normalised: every spelling of one mailbox is blocked.",
                max_length=254,
            ),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="email",
            field=models.EmailField(
                help_text="Stored as the key of its mailbox (comments/identity.py).", max_length=254
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="comment",
            index=models.Index(fields=["mailbox"], name="comment_by_mailbox"),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                fields=("comment", "reporter_network"), name="one_report_per_comment_and_network"
            ),
        ),
    ]
