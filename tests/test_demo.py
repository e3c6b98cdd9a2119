"""`manage.py load_demo`: the demo article of `make run` looks like a real one."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article
from tests.text import visible_text

pytestmark = pytest.mark.django_db

DEMO_URL = "/what-is-ketamine-used-for/"


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_article_has_a_byline_with_the_writers_bio_and_its_review(client):
    load_demo()

    page = visible_text(client.get(DEMO_URL))

    assert "By Jordan Ellis: Health writer" in page
    assert "Medically reviewed by Alex Morgan, MD, MRCPsych" in page


def test_the_demo_writer_cannot_sign_in_and_a_second_load_adds_nothing(client):
    load_demo()
    load_demo()

    assert Article.objects.count() == 1
    writer = get_user_model().objects.get(first_name="Jordan", last_name="Ellis")
    assert not writer.has_usable_password() and not writer.is_staff
