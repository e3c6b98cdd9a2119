"""Journey: an editor uploads an image to the library with its alt text, makes it the
article's lead image, puts it in the text with the picker and publishes; a reader sees it
(a <picture> with srcset, really loaded), and finds the article on its topic's page and on
its author's page. Full-page screenshots at 390 and 1280 px at each step."""

import re

import pytest
from PIL import Image as Pillow
from PIL import ImageDraw
from playwright.sync_api import expect

from articles.models import Image, Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ALT_TEXT = "A nurse's hand holding a blood pressure cuff beside a treatment chair."
CAPTION = "Blood pressure is checked before and after each session."
CREDIT = "Clinic photo library"
IMAGE_IS_LOADED = "img => img.complete && img.naturalWidth > 0"


def clinic_picture(path):
    """A 1,400 x 900 PNG: a soft gradient, a chair and a cuff in simple shapes."""
    ramp = Pillow.linear_gradient("L").resize((1400, 900))
    picture = Pillow.composite(
        Pillow.new("RGB", (1400, 900), (224, 242, 254)),
        Pillow.new("RGB", (1400, 900), (254, 249, 195)),
        ramp,
    )
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((250, 420, 850, 640), radius=60, fill=(20, 184, 166))  # the chair
    draw.rounded_rectangle((300, 250, 480, 440), radius=40, fill=(13, 148, 136))
    draw.ellipse((950, 300, 1200, 550), outline=(30, 64, 175), width=40)  # the cuff
    draw.line((1075, 550, 1075, 760), fill=(30, 64, 175), width=18)
    picture.save(path, format="PNG")
    return path


def test_editor_publishes_an_image_and_readers_see_it_on_the_article_topic_and_author_pages(
    new_context, live_server, demo_article, article_url, editor, sign_in, screenshots, tmp_path
):
    # The editor has a page of their own; the byline stays the article's writer's.
    Person.objects.create(
        user=editor, name="Eddie Lane", slug="eddie-lane", role="Health editor", bio="Edits."
    )
    admin = new_context().new_page()
    sign_in(admin, editor)

    # 1. Upload to the library: a real file input, with the alt text, caption and credit.
    admin.goto("/admin/articles/image/add/")
    admin.locator("#id_upload").set_input_files(clinic_picture(tmp_path / "clinic-visit.png"))
    admin.locator("#id_title").fill("Clinic visit")
    admin.locator("#id_alt_text").fill(ALT_TEXT)
    admin.locator("#id_caption").fill(CAPTION)
    admin.locator("#id_credit").fill(CREDIT)
    screenshots(admin, "upload-form")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator("ul.messagelist")).to_contain_text("Clinic visit")
    image = Image.objects.get(alt_text=ALT_TEXT)
    assert (image.width, image.height) == (1400, 900)
    assert image.renditions.filter(format="avif").exists()
    expect(admin.locator("#result_list")).to_contain_text("Clinic visit")
    screenshots(admin, "library")

    # 2. Open the article: choose the image as its lead image (the field searches the
    # library as one types) and insert it in the text with the picker.
    admin.goto(f"/admin/articles/article/{demo_article.pk}/change/")
    lead_field = admin.locator(".field-lead_image")
    lead_field.locator(".select2-selection").click()
    admin.locator(".select2-container--open .select2-search__field").fill("clinic")
    admin.locator(".select2-results__option", has_text="Clinic visit").click()
    expect(lead_field.locator(".select2-selection__rendered")).to_contain_text("Clinic visit")

    body = admin.locator("#id_body")
    # The cursor where the editor would click: just before "## Potential Risks".
    body.evaluate(
        """textarea => {
            const at = textarea.value.indexOf("## Potential Risks");
            textarea.focus();
            textarea.setSelectionRange(at, at);
        }"""
    )
    insert = admin.get_by_role("button", name=f"Insert image {image.pk}", exact=True)
    expect(insert).to_be_visible()
    insert.click()
    expect(body).to_have_value(re.compile(rf"\n\n!\[\]\(image:{image.pk}\)\n\n## Potential Risks"))
    admin.locator("#id_change_note").fill("A photo of a treatment session.")
    screenshots(admin, "article-editor")
    admin.get_by_role("button", name="Save and publish").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("Version 3 is published.")
    screenshots(admin, "published")

    # 3. A reader sees the lead image: a <picture> with AVIF and WebP sources, a srcset of
    # several widths, its size given (no layout shift), loaded first and actually shown.
    reader = new_context().new_page()
    reader.goto(article_url)
    lead = reader.locator("figure.lead-image")
    sources = lead.locator("picture source")
    expect(sources).to_have_count(2)
    expect(sources.nth(0)).to_have_attribute("type", "image/avif")
    expect(sources.nth(1)).to_have_attribute("type", "image/webp")
    for index in range(2):
        srcset = sources.nth(index).get_attribute("srcset")
        widths = [int(width) for width in re.findall(r" (\d+)w", srcset)]
        assert widths == [320, 640, 960, 1280, 1400], srcset
        assert "/media/renditions/" in srcset
    lead_img = lead.locator("img")
    expect(lead_img).to_have_attribute("alt", ALT_TEXT)
    expect(lead_img).to_have_attribute("width", "1400")
    expect(lead_img).to_have_attribute("height", "900")
    expect(lead_img).to_have_attribute("fetchpriority", "high")
    expect(lead_img).to_have_attribute("srcset", re.compile(r"\.jpg 320w, .*\.jpg 1400w$"))
    lead_img.evaluate("img => img.decode()")
    assert lead_img.evaluate(IMAGE_IS_LOADED)
    # What the browser chose is one of our renditions, in a format it reads before JPEG.
    chosen = lead_img.evaluate("img => img.currentSrc")
    assert re.search(r"/media/renditions/.+\.(avif|webp)$", chosen), chosen
    expect(lead.locator("figcaption")).to_contain_text(CAPTION)
    expect(lead.locator("figcaption")).to_contain_text(f"Credit: {CREDIT}")

    # The same image in the text, as a figure with its caption, loaded when near.
    in_body = reader.locator(".article-body figure").filter(has=reader.get_by_alt_text(ALT_TEXT))
    expect(in_body).to_have_count(1)
    expect(in_body.locator("img")).to_have_attribute("loading", "lazy")
    in_body.scroll_into_view_if_needed()
    expect(in_body.locator("img")).to_have_js_property("complete", True)
    assert in_body.locator("img").evaluate(IMAGE_IS_LOADED)
    expect(in_body.locator("figcaption")).to_contain_text(CAPTION)
    reader.evaluate("window.scrollTo(0, 0)")
    screenshots(reader, "article")

    # 4. The topic's page (from the breadcrumbs) lists the article with the new thumbnail.
    reader.locator("nav.breadcrumbs").get_by_role("link", name="Depression").click()
    expect(reader).to_have_url(f"{live_server.url}/topics/depression/")
    teaser = reader.locator("article.teaser").filter(has_text="What is Ketamine Used For?")
    expect(teaser).to_have_count(1)
    thumbnail = teaser.locator(".thumbnail img")
    expect(thumbnail).to_have_attribute("srcset", re.compile(r"clinic-visit"))
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate(IMAGE_IS_LOADED)
    screenshots(reader, "topic")

    # 5. The writer's page (from the byline, which the editor's version left as it was)
    # lists the article.
    reader.goto(article_url)
    expect(reader.locator(".byline").get_by_role("link", name="Eddie Lane")).to_have_count(0)
    reader.locator(".byline").get_by_role("link", name="Jordan Ellis").click()
    expect(reader).to_have_url(f"{live_server.url}/authors/jordan-ellis/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Jordan Ellis")
    expect(reader.locator("main")).to_contain_text("What is Ketamine Used For?")
    expect(
        reader.locator("main").get_by_role("link", name="What is Ketamine Used For?")
    ).to_have_attribute("href", demo_article.get_absolute_url())
    screenshots(reader, "author")
