#!/usr/bin/python3
"""Draws an independent check set of the eight demo shapes with Pillow (not the project's Java2D generator).

    /usr/bin/python3 scripts/make-shape-check-set.py

Writes src/test/resources/fixtures/shapes-pil/NNN-<label>.(png|jpg). The shapes are drawn with Pillow's own
primitives and proportions (regular_polygon, ellipse, a 5-point star, a plus-shaped cross, a ring), on solid,
gradient or noisy backgrounds, rotated, 96..1024 px with aspect ratio 1:4..4:1, sometimes blurred: a test of
whether the demo model learnt the shapes rather than the generator it was trained on.
"""
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures", "shapes-pil")
CLASSES = ["circle", "square", "triangle", "pentagon", "hexagon", "star", "cross", "ring"]
PER_CLASS = 12


def background(rng, w, h):
    base = np.array([rng.randrange(256) for _ in range(3)], dtype=np.float32)
    kind = rng.randrange(3)
    if kind == 0:
        arr = np.broadcast_to(base, (h, w, 3)).copy()
    elif kind == 1:
        other = np.clip(base + np.array([rng.uniform(-60, 60) for _ in range(3)]), 0, 255)
        t = np.linspace(0, 1, h if rng.random() < 0.5 else w, dtype=np.float32)
        ramp = t[:, None, None] if len(t) == h else t[None, :, None]
        arr = base * (1 - ramp) + other * ramp
        arr = np.broadcast_to(arr, (h, w, 3)).copy()
    else:
        noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 14, (h, w, 1))
        arr = base + noise
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), base


def contrasting(rng, base):
    luma = lambda c: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
    for _ in range(200):
        c = tuple(rng.randrange(256) for _ in range(3))
        if abs(luma(c) - luma(base)) > 90:
            return c
    return (0, 0, 0) if luma(base) > 127 else (255, 255, 255)


def rotated(points, angle, cx, cy):
    ca, sa = math.cos(angle), math.sin(angle)
    return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in points]


def draw_mask(label, w, h, cx, cy, r, angle):
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    if label == "circle":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
    elif label == "ring":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
        inner = r * 0.5
        d.ellipse([cx - inner, cy - inner, cx + inner, cy + inner], fill=0)
    elif label in ("square", "triangle", "pentagon", "hexagon"):
        sides = {"square": 4, "triangle": 3, "pentagon": 5, "hexagon": 6}[label]
        d.regular_polygon((cx, cy, r), sides, rotation=math.degrees(angle), fill=255)
    elif label == "star":
        pts = [((r if i % 2 == 0 else r * 0.45) * math.cos(math.pi * i / 5 - math.pi / 2),
                (r if i % 2 == 0 else r * 0.45) * math.sin(math.pi * i / 5 - math.pi / 2)) for i in range(10)]
        d.polygon(rotated(pts, angle, cx, cy), fill=255)
    elif label == "cross":
        a = r * 0.3
        for pts in ([(-r, -a), (r, -a), (r, a), (-r, a)], [(-a, -r), (a, -r), (a, r), (-a, r)]):
            d.polygon(rotated(pts, angle, cx, cy), fill=255)
    return mask


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(20261127)
    n = 0
    for k in range(PER_CLASS):
        for label in CLASSES:
            aspect = math.exp(rng.uniform(0, math.log(4)))
            short = int(rng.uniform(96, min(640, 1024 / aspect)))
            long = min(1024, int(round(short * aspect)))
            w, h = (long, short) if rng.random() < 0.5 else (short, long)
            img, base = background(rng, w, h)
            size = min(w, h) * rng.uniform(0.25, 0.85)
            r = size / 2
            cx, cy = rng.uniform(r, w - r), rng.uniform(r, h - r)
            mask = draw_mask(label, w, h, cx, cy, r, rng.uniform(0, 2 * math.pi))
            img.paste(Image.new("RGB", (w, h), contrasting(rng, base)), (0, 0), mask)
            if rng.random() < 0.3:
                img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
            ext = "jpg" if rng.random() < 0.5 else "png"
            path = os.path.join(OUT, f"{n:03d}-{label}.{ext}")
            img.save(path, quality=rng.randrange(70, 95)) if ext == "jpg" else img.save(path, optimize=True)
            n += 1
    print(f"wrote {n} images to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
