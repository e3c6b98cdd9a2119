"""A 24-megapixel photo uploaded to the library: `make bench-images`
(or `.venv/bin/python bench/images.py`).

What it does, all on this machine, in a throwaway folder (SQLite database and MEDIA_ROOT):

1. makes a photo-like 6,000 × 4,000 JPEG (gradients, a fractal and Gaussian noise, so the
   encoders work as hard as on a photograph; about 10 MB) and migrates the database;
2. RUNS times, in a fresh Python process each (so that peak memory is this upload's and
   nothing else's): sets Django up, reads the file, then calls ``store_image`` (decode,
   strip, store the original, make every rendition) and reports the time it took, the
   process's peak resident memory (VmHWM) and how much the upload added to it.

The issue's bar: renditions ready in under 5 s, peak memory under 300 MB.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
WIDTH, HEIGHT = 6000, 4000


def make_photo(path):
    """A photo-like JPEG: smooth gradients and detail under noise, like a real photograph."""
    from PIL import Image

    size = (WIDTH, HEIGHT)
    base = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 60),
        ],
    )
    photo = Image.blend(base, Image.effect_noise(size, 40).convert("RGB"), 0.35)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())


def peak_megabytes():
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss over from the parent across fork and exec, this program's photo-making
    parent included, while VmHWM belongs to this process's own memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def upload_once(photo):
    """In this (fresh) process: store ``photo`` and print what it cost, as JSON."""
    import django

    django.setup()
    from articles.images import store_image
    from articles.models import Image

    # The previous run's row goes, so that the picture is stored again, not found.
    Image.objects.all().delete()
    data = Path(photo).read_bytes()
    before = peak_megabytes()
    started = time.perf_counter()
    image = store_image(data, name="clinic-waiting-room.jpg", alt_text="A waiting room")
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_megabytes(),
                "added_mb": peak_megabytes() - before,
                "renditions": image.renditions.count(),
                "stored": Image.objects.count(),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--upload-once", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.upload_once:
        upload_once(arguments.upload_once)
        return
    with tempfile.TemporaryDirectory(prefix="bench-images-") as folder:
        folder = Path(folder)
        photo = folder / "photo.jpg"
        make_photo(photo)
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
        }
        environment.pop("REDIS_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
            cwd=ROOT,
            env=environment,
            check=True,
        )
        print(
            f"A {WIDTH:,} × {HEIGHT:,} photo-like JPEG ({photo.stat().st_size / 1e6:.1f} MB) "
            "through store_image, one fresh process per run:"
        )
        print(f"{'run':>3}  {'seconds':>7}  {'peak RSS':>9}  {'added':>8}  renditions")
        for run in range(1, arguments.runs + 1):
            answer = subprocess.run(
                [sys.executable, __file__, "--upload-once", str(photo)],
                cwd=ROOT,
                env={**environment, "MEDIA_ROOT": str(folder / f"media-{run}")},
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(answer.stdout.strip().splitlines()[-1])
            print(
                f"{run:>3}  {figures['seconds']:>7.2f}  {figures['peak_mb']:>6.0f} MB"
                f"  {figures['added_mb']:>5.0f} MB  {figures['renditions']}"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
