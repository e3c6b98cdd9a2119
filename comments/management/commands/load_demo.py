import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.images import store_image
from articles.models import Article, MedicalReview, Person, Tag, Topic
from comments.models import Comment

from ..demo_pictures import demo_pictures

DEMO_SLUG = "what-is-ketamine-used-for"
DEMO_BODY = Path(__file__).resolve().parents[3] / "articles" / "demo" / "ketamine.md"
# The "Key takeaways" box of both versions, one point a line.
DEMO_TAKEAWAYS = DEMO_BODY.with_name("ketamine-takeaways.txt")
ADDED_IN_VERSION_2 = "## Questions to Ask Before Treatment"

# A small topic tree: (slug, name, parent's slug, description).
DEMO_TOPICS = [
    (
        "mental-health",
        "Mental health",
        None,
        "Conditions of mood, thought and behaviour, and their treatment.",
    ),
    (
        "depression",
        "Depression",
        "mental-health",
        "Low mood that lasts, and the treatments that help.",
    ),
    ("ptsd", "PTSD", "mental-health", "Post-traumatic stress disorder: symptoms and treatment."),
    ("medicines", "Medicines", None, "What medicines are for, how they work and their risks."),
    (
        "anaesthetics",
        "Anaesthetics",
        "medicines",
        "Medicines that take away sensation or consciousness for surgery and procedures.",
    ),
    ("pain", "Pain", None, "Short-lived and long-standing pain, and how it is treated."),
    ("chronic-pain", "Chronic pain", "pain", "Pain that lasts beyond three months."),
]
DEMO_PRIMARY_TOPIC = "depression"
DEMO_OTHER_TOPICS = ["anaesthetics", "chronic-pain", "ptsd"]
DEMO_TAGS = [
    ("ketamine", "Ketamine"),
    ("esketamine", "Esketamine"),
    ("treatment-resistant-depression", "Treatment-resistant depression"),
]

DEMO_COMMENTS = [
    # (name, email, text, index of the parent in this list or None)
    (
        "Maria Lopez",
        "maria.demo@example.org",
        "Thank you for explaining how it works. My doctor mentioned esketamine "
        "and I had no idea it was related.",
        None,
    ),
    (
        "Dr. Sam Okafor",
        "sam.demo@example.org",
        "Good question to raise with your doctor. Esketamine is one of the two mirror-image "
        "forms of the ketamine molecule, given as a nasal spray under supervision.",
        0,
    ),
    ("Maria Lopez", "maria.demo@example.org", "That makes sense, thank you!", 1),
    (
        "Chris",
        "chris.demo@example.org",
        "The section on risks is helpful. Blood pressure was checked before and after "
        "each of my sessions.",
        None,
    ),
]


class Command(BaseCommand):
    # Lives in comments, the app that depends on articles: the demo fills both.
    help = (
        "Load the demo article (two versions, a lead image and three figures, topics and "
        "tags, its writer and reviewer) and a few approved comments. "
        "Idempotent: an existing demo article is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-admin",
            action="store_true",
            help="also create the 'admin' superuser with a generated password (development only)",
        )

    def handle(self, *args, with_admin, **options):
        if Article.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write(f"The demo article /{DEMO_SLUG}/ is already there.")
        else:
            self.create_demo_article()
            self.stdout.write(
                f"Created the demo article /{DEMO_SLUG}/ with two versions, a lead image "
                "and three figures."
            )
        if with_admin:
            self.create_admin()

    @transaction.atomic
    def create_demo_article(self):
        writer = self.demo_writer()
        lead, figures = self.store_pictures(writer)
        body = with_figures(DEMO_BODY.read_text(encoding="utf-8"), figures)
        # Version 1 lacked the section that version 2 added before the conclusion.
        before, added_and_after = body.split(ADDED_IN_VERSION_2)
        first_body = before + "## Conclusion" + added_and_after.split("## Conclusion")[1]
        topics = self.demo_topics()
        article = Article.objects.create(slug=DEMO_SLUG, primary_topic=topics[DEMO_PRIMARY_TOPIC])
        article.topics.set([topics[slug] for slug in DEMO_OTHER_TOPICS])
        article.tags.set(
            [
                Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
                for slug, name in DEMO_TAGS
            ]
        )
        article.set_writers([writer.person])  # the byline, whoever saves a version
        a_week_ago = timezone.now() - timedelta(days=7)
        first = article.add_version(
            title="What is Ketamine Used For?",
            summary=(
                "Ketamine began as an anaesthetic and is now also used for treatment-resistant "
                "depression, PTSD and chronic pain. What it does, how well it works, and its risks."
            ),
            body=first_body,
            key_takeaways=DEMO_TAKEAWAYS.read_text(encoding="utf-8"),
            author=writer,
            change_note="First published.",
            lead_image=lead,
        )
        article.publish(first, when=a_week_ago)
        second = article.add_version(
            title=first.title,
            summary=first.summary,
            body=body,
            key_takeaways=DEMO_TAKEAWAYS.read_text(encoding="utf-8"),
            author=writer,
            change_note="Added questions to ask a doctor before treatment.",
            lead_image=lead,
        )
        # A demo reviewer who cannot sign in: the review stands for one a real reviewer
        # would sign in the admin (Medical reviewers group).
        MedicalReview.objects.create(
            version=second,
            reviewer=self.demo_person(
                "demo-reviewer",
                "Alex",
                "Morgan",
                role="Consultant psychiatrist",
                credentials="MD, MRCPsych",
                bio="Consultant psychiatrist who reviews articles on mental health and "
                "its treatment.",
            ),
            reviewer_name="Alex Morgan",
            credentials="MD, MRCPsych",
            decision=MedicalReview.Decision.APPROVE,
            note="Demo review.",
        )
        article.publish(second)
        saved = []
        for index, (name, email, text, parent) in enumerate(DEMO_COMMENTS):
            comment = Comment(
                article=article,
                article_version=first if index < 2 else second,
                parent=saved[parent] if parent is not None else None,
                name=name,
                email=email,
                body=text,
                status=Comment.Status.APPROVED,
                created_at=a_week_ago + timedelta(days=index + 1),
                is_staff_reply=name.startswith("Dr."),
            )
            comment.save()
            saved.append(comment)
        Comment.objects.refresh_threads([article.pk])  # the counts its pages show

    def store_pictures(self, uploaded_by):
        """The demo's pictures in the library (store_image: stripped, renditions made, the
        same picture stored once): the lead Image and [(heading, Image), ...]."""
        lead, figures = demo_pictures()

        def store(picture):
            return store_image(picture.pop("data"), uploaded_by=uploaded_by, **picture)

        return store(lead), [(heading, store(picture)) for heading, picture in figures]

    def demo_topics(self):
        """The demo's topic tree, by slug (topics already there are kept as they are)."""
        topics = {}
        for slug, name, parent, description in DEMO_TOPICS:
            topics[slug], _ = Topic.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "parent": topics.get(parent),
                    "description": description,
                },
            )
        return topics

    def demo_writer(self):
        """The demo article's writer, for its byline."""
        return self.demo_person(
            "demo-writer",
            "Jordan",
            "Ellis",
            role="Health writer",
            bio="Health writer covering mental health and pain medicine.",
        )

    def demo_person(self, username, first_name, last_name, **details):
        """A demo user who cannot sign in (no password, not staff), as the importers make
        for writers who have no account here, and their page (Person) that the byline or
        review line links to."""
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if not Person.objects.filter(user=user).exists():
            name = f"{first_name} {last_name}"
            Person.objects.create(user=user, name=name, slug=Person.unique_slug(name), **details)
        return user

    def create_admin(self):
        if not settings.DEBUG:
            raise CommandError("--with-admin is for development only (DEBUG=1).")
        users = get_user_model().objects
        if users.filter(username="admin").exists():
            self.stdout.write(
                "Admin sign-in: http://127.0.0.1:8000/admin/ as 'admin' "
                "(password printed when it was created; reset it with "
                "'python manage.py changepassword admin')."
            )
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser("admin", "admin@example.org", password)
        self.stdout.write(
            "\nAdmin sign-in (shown once, development only): http://127.0.0.1:8000/admin/\n"
            f"  username: admin\n  password: {password}\n"
        )


def with_figures(body, figures):
    """``body`` (Markdown) with each figure (heading, Image) at the end of the section under
    that heading, as ``![](image:ID)`` on a line of its own."""
    for heading, image in figures:
        start = body.index(heading)
        end = body.find("\n## ", start + len(heading))
        end = len(body) if end == -1 else end
        section = body[start:end].rstrip("\n")
        body = f"{body[:start]}{section}\n\n![](image:{image.pk})\n{body[end:]}"
    return body
