"""The article `make bench` reads (bench/run.py): the demo text with four library images and
approved comments in threads, as an editor and readers would have made it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def library_images():
    """Four photo-like images in the library (a lead image and three for the body), as an
    editor's uploads would be: the page then carries their <picture> markup."""
    import io

    from PIL import Image as Pillow

    from articles.images import store_image

    images = []
    for number in range(4):
        picture = Pillow.effect_noise((1600, 1000), 40 + number * 10).convert("RGB")
        data = io.BytesIO()
        picture.save(data, "JPEG", quality=85)
        images.append(
            store_image(
                data.getvalue(),
                name=f"bench-{number}.jpg",
                alt_text=f"Benchmark picture {number}",
                caption=f"A caption for picture {number}.",
                credit="Benchmark",
            )
        )
    return images


def with_figures(body, figures):
    """``body`` with a library figure after each of its first sections' first paragraph."""
    parts = body.split("\n## ")
    for index, image in enumerate(figures, start=1):
        if index < len(parts):
            head, _, rest = parts[index].partition("\n\n")
            parts[index] = f"{head}\n\n![](image:{image.pk})\n\n{rest}"
    return "\n## ".join(parts)


def fill_article(slug, comment_count, author=None):
    """A published article with ``comment_count`` approved comments: a quarter top-level,
    each with a reply, a reply to that reply, and a second reply."""
    from django.utils import timezone

    from articles.models import Article
    from comments.models import Comment

    lead, *figures = library_images()
    body = with_figures((ROOT / "articles" / "demo" / "ketamine.md").read_text(), figures)
    article = Article.objects.create(slug=slug)
    article.publish(
        article.add_version(
            title="What is Ketamine Used For?",
            summary="Ketamine, first an anaesthetic, now treats depression, PTSD and pain.",
            body=body,
            lead_image=lead,
        )
    )
    started = timezone.now() - timezone.timedelta(days=10)
    made = 0

    def add(parent, number):
        comment = Comment(
            article=article,
            article_version=article.published_version,
            parent=parent,
            name=f"Reader {number}",
            email=f"reader{number}@example.org",
            website="https://example.org/" if number % 5 == 0 else "",
            body=f"Comment number {number}. I found this useful; thank you for the "
            "clear explanation of how the treatment works and what it costs.",
            status=Comment.Status.APPROVED,
            created_at=started + timezone.timedelta(minutes=number),
        )
        comment.save()
        return comment

    while made < comment_count:
        root = add(None, made)
        made += 1
        replies = []
        for parent in (root, None, root):
            if made >= comment_count:
                break
            replies.append(add(parent or replies[-1], made))
            made += 1
    article.refresh_from_db()
    return article
