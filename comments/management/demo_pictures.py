"""The demo article's pictures, drawn with Pillow when `manage.py load_demo` runs: a lead
illustration and three figures (a diagram of ketamine's uses, a synapse, a bar chart of
the figures the text cites). Drawn from fixed shapes and colours, so every run makes the
same bytes and the library keeps one copy of each (store_image finds it by its hash).

Each picture is a dict of what store_image takes: ``data`` (PNG bytes), ``name``, and the
details readers are told (alt text, caption, credit, licence).
"""

import io

from PIL import Image, ImageDraw, ImageFont

CREDIT = "Demo illustration drawn with Pillow"
LICENCE = "CC0 1.0"
INK = (31, 41, 55)
WHITE = (255, 255, 255)
TEAL = (15, 118, 110)
VIOLET = (109, 40, 217)
SOFT_TEAL = (204, 251, 241)
SOFT_VIOLET = (237, 233, 254)
AMBER = (217, 119, 6)


def _gradient(width, height, start, end, horizontal=True):
    """A soft linear gradient from ``start`` to ``end`` (RGB), left to right or top down."""
    ramp = Image.linear_gradient("L")  # 256 x 256, black at the top, white at the bottom
    if horizontal:
        ramp = ramp.transpose(Image.Transpose.ROTATE_90).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    ramp = ramp.resize((width, height))
    size = (width, height)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), ramp)


def _font(size):
    # Pillow's own FreeType font (Aileron): the same glyphs on every machine.
    return ImageFont.load_default(size=size)


def _png(picture):
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _centred_text(draw, centre, text, size, fill=INK):
    draw.text(centre, text, font=_font(size), fill=fill, anchor="mm")


def lead_illustration():
    """A ball-and-stick molecule over a violet-to-teal gradient, with soft circles behind."""
    width, height = 1600, 900
    picture = _gradient(width, height, (19, 78, 94), (76, 29, 149))
    glow = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    glow_draw = ImageDraw.Draw(glow)
    for x, y, radius, alpha in [
        (260, 180, 260, 40),
        (1380, 760, 340, 36),
        (1250, 140, 160, 30),
        (420, 780, 190, 28),
    ]:
        glow_draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255, alpha)
        )
    picture = Image.alpha_composite(picture.convert("RGBA"), glow)
    draw = ImageDraw.Draw(picture)
    atoms = {
        "ring1": (700, 360),
        "ring2": (820, 300),
        "ring3": (940, 360),
        "ring4": (940, 500),
        "ring5": (820, 570),
        "ring6": (700, 500),
        "oxygen": (820, 160),
        "nitrogen": (1070, 290),
        "methyl": (1190, 360),
        "chlorine": (560, 570),
    }
    bonds = [
        ("ring1", "ring2"),
        ("ring2", "ring3"),
        ("ring3", "ring4"),
        ("ring4", "ring5"),
        ("ring5", "ring6"),
        ("ring6", "ring1"),
        ("ring2", "oxygen"),
        ("ring3", "nitrogen"),
        ("nitrogen", "methyl"),
        ("ring6", "chlorine"),
    ]
    for first, second in bonds:
        draw.line((*atoms[first], *atoms[second]), fill=(255, 255, 255, 230), width=14)
    colours = {"oxygen": (252, 165, 165), "nitrogen": (147, 197, 253), "chlorine": (134, 239, 172)}
    for name, (x, y) in atoms.items():
        radius = 46 if name in colours else 36
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=colours.get(name, WHITE),
            outline=(255, 255, 255),
            width=6,
        )
    return {
        "data": _png(picture.convert("RGB")),
        "name": "ketamine-molecule-illustration.png",
        "title": "Ketamine molecule (illustration)",
        "alt_text": "An illustration of a small molecule: white spheres joined by lines in a "
        "ring, with red, blue and green atoms, on a violet-to-teal background.",
        "caption": "Ketamine is a small molecule, first made in 1962.",
    }


def _card(draw, box, label, fill, size=44):
    draw.rounded_rectangle(box, radius=28, fill=fill, outline=INK, width=4)
    _centred_text(draw, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), label, size)


def uses_diagram():
    """Ketamine in the middle, linked to its four uses."""
    width, height = 1280, 720
    picture = _gradient(width, height, (240, 253, 250), (245, 243, 255))
    draw = ImageDraw.Draw(picture)
    centre = (640, 360)
    uses = [
        ("Anaesthesia", (250, 150), (219, 234, 254)),
        ("Chronic pain", (1030, 150), (254, 243, 199)),
        ("Depression", (250, 570), (237, 233, 254)),
        ("PTSD", (1030, 570), (220, 252, 231)),
    ]
    for _label, (x, y), _fill in uses:
        draw.line((*centre, x, y), fill=TEAL, width=8)
    for label, (x, y), fill in uses:
        _card(draw, (x - 200, y - 70, x + 200, y + 70), label, fill)
    draw.ellipse((centre[0] - 150, centre[1] - 150, centre[0] + 150, centre[1] + 150), fill=TEAL)
    _centred_text(draw, centre, "Ketamine", 52, WHITE)
    return {
        "data": _png(picture),
        "name": "ketamine-uses-diagram.png",
        "title": "The medical uses of ketamine (diagram)",
        "alt_text": "Diagram: ketamine in the centre, linked to its four medical uses: "
        "anaesthesia, chronic pain, depression and PTSD.",
        "caption": "The four medical uses of ketamine this article describes.",
    }


def synapse_diagram():
    """Glutamate crossing a synapse to NMDA receptors, one of them blocked by ketamine."""
    width, height = 1280, 720
    picture = _gradient(width, height, (248, 250, 252), (236, 254, 255), horizontal=False)
    draw = ImageDraw.Draw(picture)
    # The sending nerve ending (above) and the receiving cell (below).
    draw.rounded_rectangle(
        (180, -120, 1100, 250), radius=160, fill=(199, 210, 254), outline=INK, width=5
    )
    draw.rectangle((0, 520, width, height), fill=(204, 251, 241))
    draw.line((0, 520, width, 520), fill=INK, width=5)
    _centred_text(draw, (640, 120), "Sending nerve cell", 40)
    _centred_text(draw, (640, 650), "Receiving nerve cell", 40)
    # Glutamate crossing the gap.
    for x, y in [
        (360, 300),
        (460, 360),
        (560, 310),
        (700, 380),
        (820, 320),
        (900, 400),
        (980, 300),
    ]:
        draw.ellipse((x - 16, y - 16, x + 16, y + 16), fill=AMBER, outline=INK, width=3)
    _centred_text(draw, (190, 340), "Glutamate", 36, (146, 64, 14))
    # Receptors in the receiving cell's wall; the middle one holds ketamine.
    for x in (400, 640, 880):
        draw.rectangle((x - 50, 470, x - 18, 580), fill=TEAL, outline=INK, width=3)
        draw.rectangle((x + 18, 470, x + 50, 580), fill=TEAL, outline=INK, width=3)
    draw.polygon([(640, 480), (612, 530), (668, 530)], fill=VIOLET, outline=INK)
    _centred_text(draw, (1100, 470), "NMDA receptor", 34, TEAL)
    draw.line((1000, 490, 940, 520), fill=TEAL, width=5)
    _centred_text(draw, (640, 440), "Ketamine blocks it", 34, VIOLET)
    return {
        "data": _png(picture),
        "name": "ketamine-synapse-diagram.png",
        "title": "How ketamine works (diagram of a synapse)",
        "alt_text": "Diagram of a synapse: glutamate crosses from one nerve cell to NMDA "
        "receptors on the next, and ketamine sits in the middle receptor, blocking it.",
        "caption": "Ketamine blocks the NMDA receptor, where the messenger glutamate docks.",
    }


def results_chart():
    """A horizontal bar chart of the three figures the text cites."""
    width, height = 1280, 720
    picture = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(picture)
    _centred_text(draw, (640, 70), "What the studies report", 48)
    left, right = 420, 1160
    for percent in (0, 25, 50, 75, 100):
        x = left + (right - left) * percent / 100
        draw.line((x, 140, x, 600), fill=(203, 213, 225), width=2)
        _centred_text(draw, (x, 640), f"{percent}%", 30, (71, 85, 105))
    bars = [
        ("Depression: improve quickly", 70, TEAL),
        ("PTSD: fewer symptoms", 60, VIOLET),
        ("Chronic pain: less pain", 75, AMBER),
    ]
    for index, (label, percent, colour) in enumerate(bars):
        top = 180 + index * 140
        draw.text((left - 24, top + 40), label, font=_font(30), fill=INK, anchor="rm")
        draw.rectangle((left, top, left + (right - left) * percent / 100, top + 80), fill=colour)
        end = left + (right - left) * percent / 100
        draw.text((end - 16, top + 40), f"{percent}%", font=_font(34), fill=WHITE, anchor="rm")
    return {
        "data": _png(picture),
        "name": "ketamine-results-chart.png",
        "title": "What the studies report (bar chart)",
        "alt_text": "Bar chart: about 70% of people with treatment-resistant depression "
        "improve quickly; about 60% of trial participants with PTSD have fewer symptoms; "
        "chronic pain falls by up to 75% in some patients.",
        "caption": "The figures cited above. They measure different things, so the bars "
        "are not a ranking.",
    }


def demo_pictures():
    """The lead illustration, then the body's figures in the order they appear, each with
    the heading of the section it follows: (lead, [(heading, picture), ...])."""
    figures = [
        ("## Medical Uses of Ketamine", uses_diagram()),
        ("## How Ketamine Works", synapse_diagram()),
        ("## Statistics on Ketamine Efficacy", results_chart()),
    ]
    for _heading, picture in figures:
        picture.update(credit=CREDIT, licence=LICENCE)
    lead = lead_illustration()
    lead.update(credit=CREDIT, licence=LICENCE)
    return lead, figures
