"""The media library in the admin (articles/image_admin.py), as an editor uses it: upload
with alt text, refusals on the file field with the rest of the form kept, thumbnails,
the "needs alt text" filter, search, and documents."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Pillow

from articles.images import store_image
from articles.models import Document, Image

ADD = "/admin/articles/image/add/"
LIST = "/admin/articles/image/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMAGES_WIDTHS = [16, 32]
    settings.IMAGES_FORMATS = ["webp"]


def jpeg(colour="navy", size=(48, 24)):
    buffer = io.BytesIO()
    Pillow.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


DETAILS = {
    "title": "Clinic door",
    "alt_text": "The clinic's blue front door",
    "caption": "Open from nine.",
    "credit": "Sam Lee",
    "licence": "CC BY 4.0",
}


def test_an_editor_uploads_an_image_with_its_details(editor_client, editor):
    response = editor_client.post(ADD, {**DETAILS, "upload": upload(jpeg(), "Clinic door.jpg")})
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (48, 24)
    assert image.alt_text == DETAILS["alt_text"] and image.licence == "CC BY 4.0"
    assert image.uploaded_by == editor
    assert image.renditions.count() == 2 * 2  # 16 and 32 wide, WebP and JPEG
    page = editor_client.get(LIST).content.decode()
    assert "The clinic&#x27;s blue front door" in page
    thumbnail = image.renditions.get(format="jpeg", width=32).file.url
    assert f'src="{thumbnail}"' in page
    change = editor_client.get(f"{LIST}{image.pk}/change/").content.decode()
    assert f'src="{thumbnail}"' in change and "no metadata" in change


def test_alt_text_is_required_unless_decorative(editor_client):
    response = editor_client.post(ADD, {**DETAILS, "alt_text": "", "upload": upload(jpeg())})
    assert response.status_code == 200
    assert "Describe the image for readers who cannot see it" in response.content.decode()
    assert not Image.objects.exists()
    decorative = {**DETAILS, "alt_text": "", "decorative": "on", "upload": upload(jpeg())}
    assert editor_client.post(ADD, decorative).status_code == 302
    assert Image.objects.get().decorative


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "SVG"),
        (b"%PDF-1.4 a leaflet", "not an image we accept"),
    ],
)
def test_a_refused_file_is_the_forms_error_and_the_details_stay(editor_client, data, message):
    response = editor_client.post(ADD, {**DETAILS, "upload": upload(data, "photo.jpg")})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "errorlist" in page
    assert 'value="The clinic&#x27;s blue front door"' in page
    assert "Open from nine." in page
    assert not Image.objects.exists()


def test_a_file_over_the_limit_is_refused_naming_it(editor_client, settings):
    settings.IMAGES_MAX_BYTES = 1000
    noisy = io.BytesIO()
    Pillow.effect_noise((100, 100), 90).save(noisy, "PNG")
    response = editor_client.post(ADD, {**DETAILS, "upload": upload(noisy.getvalue(), "x.png")})
    assert "images may be at most 1000\xa0bytes" in response.content.decode()
    assert not Image.objects.exists()


def test_the_same_picture_again_says_it_is_in_the_library(editor_client):
    editor_client.post(ADD, {**DETAILS, "upload": upload(jpeg())})
    response = editor_client.post(
        ADD, {**DETAILS, "alt_text": "Other words", "upload": upload(jpeg())}, follow=True
    )
    assert "already in the library" in response.content.decode()
    assert Image.objects.get().alt_text == DETAILS["alt_text"]


@pytest.mark.django_db
def test_the_list_filters_images_that_need_alt_text_and_searches(
    editor_client, django_assert_max_num_queries
):
    store_image(jpeg("red"), name="imported-harbour.jpg", source_url="https://old.example/h.jpg")
    store_image(jpeg("green"), name="green-meadow.jpg", alt_text="A green field")
    store_image(jpeg("blue"), name="wallpaper-pattern.jpg", decorative=True)
    for number in range(5):
        store_image(jpeg((number * 40, 10, 10)), name=f"more-{number}.jpg", alt_text="More")
    with django_assert_max_num_queries(12):
        page = editor_client.get(LIST).content.decode()
    assert page.count('src="/media/renditions/') == 8
    missing = editor_client.get(LIST, {"alt": "missing"}).content.decode()
    assert "imported harbour" in missing
    assert "green meadow" not in missing and "wallpaper pattern" not in missing
    assert "Needs alt text" in missing
    found = editor_client.get(LIST, {"q": "green field"}).content.decode()
    assert "green meadow" in found and "imported harbour" not in found


def test_an_editor_changes_the_details(editor_client):
    image = store_image(jpeg(), name="door.jpg", alt_text="A door")
    response = editor_client.post(
        f"{LIST}{image.pk}/change/", {**DETAILS, "alt_text": "A blue door, open"}
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "A blue door, open" and image.caption == "Open from nine."


def test_editors_may_not_delete_library_items(editor_client):
    image = store_image(jpeg(), name="door.jpg", alt_text="A door")
    assert editor_client.get(f"{LIST}{image.pk}/delete/").status_code == 403


def test_an_editor_uploads_a_pdf_and_is_refused_a_page(editor_client):
    add = "/admin/articles/document/add/"
    pdf = SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert editor_client.post(add, {"title": "Sleep leaflet", "upload": pdf}).status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.title == "Sleep leaflet"
    page = SimpleUploadedFile("leaflet.pdf", b"<html><script>x()</script></html>")
    response = editor_client.post(add, {"title": "A page", "upload": page})
    assert response.status_code == 200
    assert "HTML, SVG and scripts are refused" in response.content.decode()
    assert 'value="A page"' in response.content.decode()
    assert Document.objects.count() == 1
