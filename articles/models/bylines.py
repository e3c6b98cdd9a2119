"""Bylines: an article's writers, in order (Article.writers goes through Byline), and the
pages that show a person, rendered afresh when the person changes."""

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .article import Article
from .people import Person
from .review import MedicalReview


class Byline(models.Model):
    """One writer of an article, at their place in the byline (1 first)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="one_byline_per_writer")
        ]

    def __str__(self):
        return self.person.name


# A person's name, bio and page are printed in the bylines and review lines of article
# pages: Article, which knows its pages, expires them when a person changes (Person sits
# below Article, in people.py, and purges only its own page).


@receiver(post_save, sender=Person)
@receiver(post_delete, sender=Person)
def person_saved(sender, instance, raw=False, **kwargs):
    """The pages whose byline or review line shows the person render afresh: those of the
    articles they write, and those their account reviewed (and, when the person moved to
    another account, those the account they left reviewed)."""
    if raw:
        return  # a fixture being loaded (loaddata), which never ran the person's save()
    accounts = {instance.user_id, getattr(instance, "loaded_user_id", None)} - {None}
    written = Byline.objects.filter(person=instance.pk).values("article")
    reviewed = MedicalReview.objects.filter(reviewer__in=accounts).values("version__article")
    Article.objects.filter(models.Q(pk__in=written) | models.Q(pk__in=reviewed)).expire_pages()
    instance.loaded_user_id = instance.user_id
