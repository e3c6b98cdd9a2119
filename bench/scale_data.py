"""The data set of issues 16 and 20 for `make bench-scale` (bench/scale.py), loaded with COPY.

The demo article, ARTICLES more published articles and COMMENTS comments, ON_THE_BUSY_ARTICLE
of them on the demo article; TOPICS topics as a tree (ROOT_TOPICS top-level ones with their
subtopics) and TAGS tags: every article has a primary topic, zero to two other topics, zero
to three tags and, most of them, a lead image (a snapshot naming renditions; no file is
written: the benchmark measures pages, not the serving of images). Texts come from a small
vocabulary of health words, drawn with a fixed seed, so every load is the same data. Each
distinct text is rendered once and the rows are copied in, one COPY statement per table,
rather than saved one by one.

Django is imported inside the functions: bench/scale.py imports this module before it
configures Django.
"""

import random
import time
from datetime import timedelta

ARTICLES = 10_000  # besides the demo article
COMMENTS = 200_000
ON_THE_BUSY_ARTICLE = 20_000
STATUSES = ["approved"] * 7 + ["pending"] + ["spam"] * 2  # 70%, 10%, 20%
# Why the rules held each pending comment (issue 22's markers), taken in turn; one in ten
# of the pending ones was held for a possible crisis.
HOLD_REASONS = [
    [{"code": code, "detail": ""} for code in codes]
    for codes in (
        ["new_commenter"], ["links"], ["suspect_word", "new_commenter"], ["no_js"], ["crisis"],
        ["fast_post"], ["personal_data"], ["reported"], ["new_commenter", "links"], [],
    )
]  # fmt: skip
ROOT_TOPICS = (
    "Mental health", "Heart health", "Diabetes", "Cancer", "Sleep", "Nutrition", "Fitness",
    "Skin", "Allergies", "Lungs and breathing", "Digestive health", "Bones and joints",
    "Brain and nerves", "Eyes", "Ears, nose and throat", "Oral health", "Pregnancy",
    "Children's health", "Ageing", "Infections",
)  # fmt: skip
SUBTOPICS_EACH = 9  # so 20 + 20 * 9 = 200 topics
TOPICS = len(ROOT_TOPICS) * (1 + SUBTOPICS_EACH)
TAGS = 300
# Most articles are filed under a subtopic ("Mental health › Depression"), a few under a
# top-level topic itself.
PRIMARY_ON_A_ROOT = 0.1
WITH_LEAD_IMAGE = 0.8

WORDS = (  # noqa: SIM905 - words to a line read better than a list of strings
    "sleep heart blood pressure sugar insulin diet exercise walking running muscle bone joint "
    "vitamin mineral iron calcium magnesium protein fibre fat cholesterol liver kidney lung "
    "breathing asthma allergy pollen skin rash eczema infection virus bacteria antibiotic "
    "vaccine fever cough headache migraine pain inflammation arthritis back neck shoulder "
    "knee hip stress anxiety mood memory brain nerve hormone thyroid weight appetite "
    "digestion stomach gut bowel pregnancy child baby ageing elderly hearing vision eye tooth "
    "gum mouth smoking alcohol caffeine coffee tea water hydration salt potassium sodium "
    "treatment therapy medicine dose tablet injection side effects risk benefit study trial "
    "research evidence doctor nurse pharmacist clinic hospital symptom diagnosis test scan "
    "screening prevention recovery rest routine habit morning evening night daily weekly "
    "patients people adults women men families common rare mild severe chronic acute early "
    "late better worse improve reduce increase support manage avoid choose ask discuss"
).split()
RARE_WORDS = {"ketamine": 0.02, "depression": 0.08}  # share of paragraphs that mention them


def database_is_loaded(comments=COMMENTS):
    """Whether the database already holds the data set (for --reuse)."""
    from articles.models import Topic
    from comments.models import Comment

    try:
        return Comment.objects.count() >= comments and Topic.objects.count() >= TOPICS
    except Exception:  # noqa: BLE001 - no database or no tables yet: load it
        return False


def copy_objects(model, objects):
    """COPY unsaved model instances, primary keys included, into the model's table.

    Every concrete field is written from the instance, so the defaults of the model apply;
    model.save() does not run, so fields it computes must be set by the caller.
    """
    from django.db import connection, models

    fields = model._meta.concrete_fields
    # psycopg adapts a dict only as Django's JSONField prepares it.
    json_fields = {field.attname for field in fields if isinstance(field, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for instance in objects:
                copy.write_row(
                    [
                        connection.ops.adapt_json_value(getattr(instance, field.attname), None)
                        if field.attname in json_fields
                        else getattr(instance, field.attname)
                        for field in fields
                    ]
                )
        # The next id after the copied ones (the table name is the model's, quoted).
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))",  # noqa: S608
            [model._meta.db_table],
        )


def paragraph_pool(randomness, size=300):
    """Paragraphs of health words, some mentioning the rare words of the searches."""
    pool = []
    for _ in range(size):
        words = randomness.choices(WORDS, k=randomness.randint(40, 90))
        for word, share in RARE_WORDS.items():
            if randomness.random() < share:
                words[randomness.randrange(len(words))] = word
        pool.append(" ".join(words).capitalize() + ".")
    return pool


def topic_tree(randomness):
    """TOPICS unsaved topics, the top-level ones first (their ids set), and TAGS tags."""
    from django.utils.text import slugify as plain_slugify

    from articles.models import Tag, Topic

    # The demo article's topics and tags are there already (load_demo): a name they share
    # ("Mental health") gets a slug of its own.
    taken = set(Topic.objects.values_list("slug", flat=True))
    taken |= {f"tag:{slug}" for slug in Tag.objects.values_list("slug", flat=True)}

    def slugify(name, prefix=""):
        slug = plain_slugify(name)
        while prefix + slug in taken:
            slug += "-2"
        taken.add(prefix + slug)
        return slug

    first_topic = 1 + (Topic.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    # The demo article's tree (load_demo) may hold a top-level topic of the same name
    # ("Mental health"): that one is used, not copied a second time.
    existing = dict(Topic.objects.filter(parent__isnull=True).values_list("slug", "pk"))
    roots = [
        Topic(
            pk=existing.get(slugify(name), first_topic + number),
            name=name,
            slug=slugify(name),
            description=f"About {name}.",
        )
        for number, name in enumerate(ROOT_TOPICS)
    ]
    subtopics = []
    for root in roots:
        for word in randomness.sample(WORDS, SUBTOPICS_EACH):
            name = f"{word.capitalize()} ({root.name.lower()})"
            subtopics.append(
                Topic(pk=first_topic + len(roots) + len(subtopics), name=name,
                      slug=slugify(name), parent_id=root.pk)
            )  # fmt: skip
    names = sorted(set(WORDS))
    names += [f"{first} {second}" for first in names for second in names if first < second]
    first_tag = 1 + (Tag.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    tags = [
        Tag(pk=first_tag + number, name=name, slug=slugify(name, prefix="tag:"))
        for number, name in enumerate(randomness.sample(names, TAGS))
    ]
    return roots, subtopics, tags


def lead_image(number):
    """A lead image's snapshot as articles/images.py makes it (renditions it names)."""
    widths = [320, 640, 960, 1280, 1600]
    stem = f"/media/renditions/{number:05d}-3f9c2a1b7e"

    def srcset(kind):
        return [[f"{stem}-{width}.{kind}", width] for width in widths]

    return {
        "id": number, "alt": f"Illustration for article {number}", "decorative": False,
        "caption": "", "credit": "Bench", "licence": "", "width": 1600, "height": 900,
        "sources": [{"type": "image/avif", "srcset": srcset("avif")},
                    {"type": "image/webp", "srcset": srcset("webp")}],
        "fallback": {"type": "image/jpeg", "srcset": srcset("jpg")},
    }  # fmt: skip


def file_articles(randomness, articles, versions):
    """Set each article's primary topic and lead image; return the rows to copy: the
    topics, the tags, and the articles' other topics and their tags (through rows)."""
    from articles.models import Article

    roots, subtopics, tags = topic_tree(randomness)
    topics = roots + subtopics
    topic_links, tag_links = [], []
    TopicLink, TagLink = Article.topics.through, Article.tags.through  # noqa: N806
    for article, version in zip(articles, versions, strict=True):
        pool = roots if randomness.random() < PRIMARY_ON_A_ROOT else subtopics
        article.primary_topic_id = randomness.choice(pool).pk
        others = randomness.sample(topics, randomness.randint(0, 2))
        for topic in others:
            if topic.pk != article.primary_topic_id:
                topic_links.append(TopicLink(article_id=article.pk, topic_id=topic.pk))
        for tag in randomness.sample(tags, randomness.randint(0, 3)):
            tag_links.append(TagLink(article_id=article.pk, tag_id=tag.pk))
        if randomness.random() < WITH_LEAD_IMAGE:
            version.images = {"lead": lead_image(article.pk)}
    for links, model in ((topic_links, TopicLink), (tag_links, TagLink)):
        first = 1 + (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for number, link in enumerate(links):
            link.pk = first + number
    return [topics, tags, topic_links, tag_links]


def load_data_set(articles_count=ARTICLES, comments_count=COMMENTS):
    """The articles and comments of issue 16 with the topics and tags of issue 20, with
    COPY (a smaller count for a slow machine). Returns the demo article."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.markup import render_markdown
    from articles.models import Article, ArticleVersion, Topic
    from comments.avatars import avatar_colour
    from comments.management.commands.load_demo import DEMO_SLUG
    from comments.markup import render_comment
    from comments.models import Comment

    randomness = random.Random(16)
    started = time.perf_counter()

    def clock():
        return f"{time.perf_counter() - started:5.1f} s"

    call_command("load_demo", verbosity=0)
    demo = Article.objects.get(slug=DEMO_SLUG)
    now = timezone.now()

    # Articles: each body is a heading and six paragraphs of a pool rendered once each (the
    # HTML of Markdown paragraphs is the HTML of each paragraph, joined).
    pool = paragraph_pool(randomness)
    pool_html = [render_markdown(text) for text in pool]
    first_article = Article.objects.order_by("-pk").first().pk + 1
    first_version = ArticleVersion.objects.order_by("-pk").first().pk + 1
    articles, versions = [], []
    for number in range(articles_count):
        published = now - timedelta(days=3 * 365) + timedelta(minutes=150 * number)
        chosen = randomness.sample(range(len(pool)), 6)
        title = " ".join(randomness.choices(WORDS, k=4)).capitalize() + f" {number}"
        body = "## " + " ".join(randomness.choices(WORDS, k=3)).capitalize() + "\n\n"
        body += "\n\n".join(pool[index] for index in chosen)
        body_html = "<h2>" + body.split("\n")[0][3:] + "</h2>\n"
        body_html += "".join(pool_html[index] for index in chosen)
        article_id, version_id = first_article + number, first_version + number
        articles.append(
            Article(
                pk=article_id,
                slug=f"article-{number}-" + "-".join(title.lower().split()[:3]),
                created_at=published,
                published_version_id=version_id,
                publish_at=published,
                first_published_at=published,
            )
        )
        versions.append(
            ArticleVersion(
                pk=version_id,
                article_id=article_id,
                number=1,
                title=title,
                summary=" ".join(randomness.choices(WORDS, k=25)).capitalize() + ".",
                body=body,
                body_html=body_html,
                created_at=published,
                published_at=published,
            )
        )

    filed = file_articles(randomness, articles, versions)
    # The demo article, the newest, is the front page's lead story: filed like the others.
    demo.primary_topic_id = filed[0][0].pk

    # Comments: a pool of texts rendered once; a quarter of the busy article's are replies.
    texts = [" ".join(randomness.choices(WORDS, k=randomness.randint(8, 60))) for _ in range(200)]
    texts_html = [render_comment(text) for text in texts]
    emails = [f"reader{number}@example.org" for number in range(40_000)]
    colours = [avatar_colour(email) for email in emails]
    first_comment = (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    already, already_on_demo = Comment.objects.count(), Comment.objects.filter(article=demo).count()
    comments = []
    approved_on_demo = [
        comment.pk for comment in Comment.objects.filter(article=demo, parent__isnull=True)
    ]
    on_the_busy_article = min(ON_THE_BUSY_ARTICLE, comments_count // 10)
    for number in range(comments_count - already):
        on_demo = number < on_the_busy_article - already_on_demo
        article = demo if on_demo else articles[(number * 7919) % articles_count]
        status = STATUSES[number % len(STATUSES)]
        parent_id, depth = None, 1
        if on_demo and status == "approved" and approved_on_demo and number % 4 == 0:
            # A reply to one of the 200 newest top-level comments: an earlier number, so
            # written before the reply.
            parent_id, depth = randomness.choice(approved_on_demo[-200:]), 2
        text = number % len(texts)
        reader = randomness.randrange(len(emails))
        comment_id = first_comment + number
        if on_demo:  # over the week since the demo article was published
            created = article.publish_at + timedelta(seconds=25 * (number + 1))
        else:
            created = max(
                article.publish_at + timedelta(minutes=5),
                now - timedelta(minutes=(comments_count - number) * 3),
            )
        comments.append(
            Comment(
                pk=comment_id,
                article_id=article.pk,
                article_version_id=article.published_version_id,
                parent_id=parent_id,
                depth=depth,
                name=f"Reader {reader}",
                email=emails[reader],
                body=texts[text],
                body_html=texts_html[text],
                avatar_colour=colours[reader],
                status=status,
                hold_reasons=HOLD_REASONS[(number // len(STATUSES)) % len(HOLD_REASONS)]
                if status == "pending"
                else [],
                ip_address=f"198.51.100.{reader % 250 + 1}",
                user_agent="Mozilla/5.0 (bench)",
                created_at=created,
            )
        )
        if on_demo and status == "approved" and parent_id is None:
            approved_on_demo.append(comment_id)

    print(f"  {clock()} data made in Python", flush=True)

    # As for any bulk load: the indexes of the models are built once, after the rows are in,
    # rather than updated row by row.
    indexed = [
        (model, index) for model in (ArticleVersion, Comment) for index in model._meta.indexes
    ]
    with connection.schema_editor() as editor:
        for model, index in indexed:
            editor.remove_index(model, index)
    with transaction.atomic():  # the article <-> version foreign keys are checked at commit
        topics, tags = filed[:2]
        made_by_the_demo = set(Topic.objects.values_list("pk", flat=True))
        copy_objects(Topic, [topic for topic in topics if topic.pk not in made_by_the_demo])
        copy_objects(type(tags[0]), tags)
        copy_objects(Article, articles)
        copy_objects(ArticleVersion, versions)
        copy_objects(Comment, comments)
        for links in filed[2:]:  # the articles' other topics and their tags
            copy_objects(type(links[0]), links)
        Article.objects.filter(pk=demo.pk).update(primary_topic_id=demo.primary_topic_id)
    print(f"  {clock()} rows copied", flush=True)
    # What Article.publish() stores for each version it publishes, in one statement.
    ArticleVersion.objects.filter(search_vector__isnull=True, published_at__isnull=False).update(
        **ArticleVersion.search_vector_update()
    )
    print(f"  {clock()} search vectors stored", flush=True)
    with connection.schema_editor() as editor:
        for model, index in indexed:
            editor.add_index(model, index)
    print(f"  {clock()} indexes built", flush=True)
    # The counts each article's pages show, stored as the comment verbs store them.
    Comment.objects.refresh_threads(Article.objects.values_list("pk", flat=True))
    print(f"  {clock()} comment counts stored", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return demo
