"""The media library's uploads (articles/images.py, articles/documents.py), with real files
made by Pillow: what is accepted, what is refused and why, and that no stored file carries
a photo's location or a polyglot's payload."""

import io
import mimetypes
import resource
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from PIL import ExifTags, ImageCms, PngImagePlugin
from PIL import Image as Pillow

from articles.documents import RefusedDocument, store_document
from articles.images import RefusedImage, read_upload, rendition_widths, store_image
from articles.models import Image

# Somewhere a clinic is: in the EXIF description, the XMP and the PNG text, as well as in
# the GPS block, so that a search of the stored bytes finds any copy of it.
WHERE = b"Clinic-51.5072N-0.1276W"
PAYLOAD = b"<script>alert('polyglot')</script>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMAGES_WIDTHS = [16, 32]
    settings.IMAGES_FORMATS = ["avif", "webp"]
    return tmp_path


def encoded(picture, format, **options):
    buffer = io.BytesIO()
    picture.save(buffer, format, **options)
    return buffer.getvalue()


def two_colours(width=40, height=20, mode="RGB", left="red", right="blue"):
    """A picture whose left half is ``left`` and right half ``right``: where they end up
    shows how it was turned."""
    picture = Pillow.new(mode, (width, height), right)
    picture.paste(Pillow.new(mode, (width // 2, height), left), (0, 0))
    return picture


def jpeg_from_the_clinic(orientation=6):
    exif = Pillow.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.ImageDescription] = WHERE.decode()
    exif[ExifTags.Base.Make] = "ClinicCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    gps[ExifTags.GPS.GPSAreaInformation] = WHERE
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSAreaInformation>' + WHERE
    xmp += b"</exif:GPSAreaInformation></x:xmpmeta>"
    return encoded(two_colours(), "JPEG", exif=exif, xmp=xmp, quality=95)


def stored_files(image):
    """Every file of ``image`` as stored (and so as served): the original and renditions."""
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    files = {}
    for name in names:
        with default_storage.open(name) as stored:
            files[name] = stored.read()
    return files


def assert_no_metadata(files):
    for name, data in files.items():
        assert WHERE not in data, name
        assert b"ClinicCam" not in data, name
        assert b"Exif\x00\x00" not in data, name
        assert b"GPSAreaInformation" not in data, name
        exif = Pillow.open(io.BytesIO(data)).getexif()
        assert len(exif) == 0, name
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo), name


@pytest.mark.django_db
def test_a_photo_is_stored_upright_and_without_its_location():
    image = store_image(
        jpeg_from_the_clinic(orientation=6), name="waiting-room.jpg", alt_text="A room"
    )
    # Orientation 6: the camera was turned; shown upright, the 40 × 20 picture is 20 × 40,
    # the left half (red) on top.
    assert (image.width, image.height) == (20, 40)
    assert image.title == "waiting room"
    files = stored_files(image)
    assert len(files) == 1 + 2 * 3  # the original; 16 and 20 wide in AVIF, WebP and JPEG
    assert_no_metadata(files)
    original = Pillow.open(io.BytesIO(files[image.file.name])).convert("RGB")
    red, green, blue = original.getpixel((10, 5))
    assert red > 200 and blue < 60
    red, green, blue = original.getpixel((10, 35))
    assert blue > 200 and red < 60
    assert {rendition.width for rendition in image.renditions.all()} == {16, 20}


@pytest.mark.django_db
def test_a_png_keeps_its_transparency_and_loses_its_text():
    picture = Pillow.new("RGBA", (24, 24), (0, 128, 0, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 12, 24))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", WHERE.decode())
    exif = Pillow.Exif()
    exif[ExifTags.Base.ImageDescription] = WHERE.decode()
    image = store_image(encoded(picture, "PNG", pnginfo=text, exif=exif), alt_text="A shape")
    files = stored_files(image)
    assert_no_metadata(files)
    assert image.file.name.endswith(".png")
    assert set(image.renditions.values_list("format", flat=True)) == {"avif", "webp", "png"}
    original = Pillow.open(io.BytesIO(files[image.file.name]))
    assert original.mode == "RGBA"
    assert original.getpixel((2, 2))[3] == 0 and original.getpixel((20, 2))[3] == 255


@pytest.mark.django_db
def test_webp_and_avif_uploads_are_accepted():
    for format in ("WEBP", "AVIF"):
        data = encoded(two_colours(left="yellow"), format, exif=Pillow.Exif())
        image = store_image(data, alt_text=f"A {format} picture")
        assert (image.width, image.height) == (40, 20)
        assert image.file.name.endswith(".jpg")


@pytest.mark.django_db
def test_an_animated_gif_is_kept_as_its_first_frame():
    frames = [Pillow.new("RGB", (20, 20), colour) for colour in ("red", "blue", "lime")]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert Pillow.open(io.BytesIO(data)).n_frames == 3
    image = store_image(data, alt_text="A red square")
    original = Pillow.open(io.BytesIO(stored_files(image)[image.file.name]))
    assert getattr(original, "n_frames", 1) == 1
    red, green, blue = original.convert("RGB").getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60


@pytest.mark.django_db
def test_a_polyglot_keeps_its_picture_and_loses_its_payload(client):
    # A valid PNG with a page appended: Pillow reads the picture and stops at IEND.
    data = encoded(two_colours(), "PNG") + b"<html><body>" + PAYLOAD + b"</body></html>"
    image = store_image(data, alt_text="Two colours")
    files = stored_files(image)
    for name, stored in files.items():
        assert PAYLOAD not in stored and b"<html" not in stored, name
        served = client.get(f"/media/{name}")
        assert served.status_code == 200
        assert PAYLOAD not in b"".join(served.streaming_content)
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Content-Type"].startswith("image/")


@pytest.mark.django_db
def test_a_page_behind_an_image_header_is_refused():
    for header in (b"GIF89a", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0"):
        with pytest.raises(RefusedImage, match="not an image we accept"):
            store_image(header + b"<html>" + PAYLOAD + b"</html>")
    assert not Image.objects.exists()


def png_bomb(side=50_000):
    """A valid 1-bit PNG of ``side`` × ``side`` pixels, all black: about a megabyte that
    decodes to 2.5 billion pixels. Compressed as it is written, never held whole."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"\x00" * (1 + side // 8) * 1000  # filter byte and 6,250 bytes per row
    compressor = zlib.compressobj(1)
    pixels = b"".join(compressor.compress(rows) for _ in range(side // 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = png_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB
    with pytest.raises(RefusedImage) as refusal:
        store_image(bomb, name="bomb.png")
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert str(refusal.value) == (
        "This image has 2,500,000,000 pixels; images may have at most 50 million pixels."
    )
    # Decoded, it would take 2.5 GB at one byte a pixel; refused, nothing like it.
    assert growth_mb < 20
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_an_svg_with_a_script_is_refused():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
    )
    with pytest.raises(RefusedImage, match="SVG files are refused"):
        store_image(svg, name="chart.png")


@pytest.mark.django_db
def test_an_oversized_file_is_refused_naming_the_limit(settings):
    settings.IMAGES_MAX_BYTES = 1024 * 1024
    noise = Pillow.effect_noise((1200, 1200), 80)
    data = encoded(noise, "PNG")
    assert len(data) > 1024 * 1024
    with pytest.raises(RefusedImage, match="; images may be at most 1.0\xa0MB"):
        store_image(data)


def test_a_picture_with_too_many_pixels_is_refused_naming_the_limit(settings):
    settings.IMAGES_MAX_PIXELS = 1_000_000
    with pytest.raises(RefusedImage, match=r"1,200 × 1,000 pixels; .* at most 1 million pixels"):
        read_upload(encoded(Pillow.new("L", (1200, 1000)), "PNG"))


def test_a_colour_profile_is_applied_then_dropped():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture = read_upload(encoded(two_colours(), "JPEG", icc_profile=profile))
    assert picture.mode == "RGB" and "icc_profile" not in picture.info


def test_every_stored_suffix_has_its_content_type_for_an_object_store():
    # django-storages' S3 backend sets each object's Content-Type from mimetypes.
    for suffix, kind in [(".avif", "image/avif"), (".webp", "image/webp"), (".jpg", "image/jpeg")]:
        assert mimetypes.guess_type(f"renditions/ab/x-320w{suffix}")[0] == kind


def test_renditions_are_never_wider_than_the_largest_width(settings):
    settings.IMAGES_WIDTHS = [320, 640, 1600]
    assert rendition_widths(6000) == [320, 640, 1600]
    assert rendition_widths(1000) == [320, 640, 1000]
    assert rendition_widths(200) == [200]


@pytest.mark.django_db
def test_the_same_picture_twice_is_one_library_item():
    data = jpeg_from_the_clinic()
    first = store_image(data, alt_text="First words")
    again = store_image(data, alt_text="Other words")
    assert again.pk == first.pk and again.alt_text == "First words"
    assert again.already_in_library and not first.already_in_library
    assert Image.objects.count() == 1


@pytest.mark.django_db
def test_a_pdf_is_kept_as_a_document():
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    document = store_document(pdf, name="Leaflet on sleep.PDF", title="Sleep leaflet")
    assert document.content_type == "application/pdf" and document.size == len(pdf)
    assert document.file.name.endswith(".pdf")
    with default_storage.open(document.file.name) as stored:
        assert stored.read() == pdf
    assert store_document(pdf, name="again.pdf").pk == document.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<!DOCTYPE html><html><body>" + PAYLOAD + b"</body></html>", "leaflet.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "chart.svg"),
        (b"\n  <html>hello</html>", "notes.txt"),
        (b"#!/bin/sh\nrm -rf /\n", "install.txt"),
        (b"PK\x03\x04 not really a zip", "letter.docx"),
        (b"\x00\x01\x02 binary", "program.exe"),
        (b"Name,Link\nx,javascript:alert(1)\n", "links.csv"),
    ],
)
def test_pages_scripts_and_unknown_files_are_refused_as_documents(data, name):
    with pytest.raises(RefusedDocument):
        store_document(data, name=name, title="Refused")


@pytest.mark.django_db
def test_plain_text_and_csv_are_documents():
    assert store_document(b"a,b\n1,2\n", name="figures.csv").content_type == "text/csv"
    assert store_document(b"Opening hours: 9 to 5.\n", name="hours").content_type == "text/plain"
