#!/usr/bin/env python3
"""Near-duplicates for the similar-photos bench (similar.bench.mjs): COUNT seeded photo-like scenes
(800x600: a gradient, shapes, grain) and, of each, what a library gathers: the same photo resized
to half, re-encoded as a low-quality JPEG, slightly cropped (6% off each side) and a burst shot
(the shapes moved a few pixels, new grain). Every image goes through the JPEG codec, then is
scaled (shortest side 256, bicubic) and centre-cropped to 256x256, MobileCLIP's input; written as
uint8 CHW planes, 5 images per scene (original first), to OUT.
Usage: gen-near-duplicates.py OUT COUNT"""
import io
import random
import sys

from PIL import Image, ImageDraw, ImageFilter

SIZE = (800, 600)
SIDE = 256
VARIANTS = ('original', 'resized', 'reencoded', 'cropped', 'burst')


def scene(seed, shift=0):
    rand = random.Random(seed)
    w, h = SIZE
    top = tuple(rand.randrange(256) for _ in range(3))
    bottom = tuple(rand.randrange(256) for _ in range(3))
    gradient = Image.linear_gradient('L').resize((w, h))
    im = Image.composite(Image.new('RGB', (w, h), bottom), Image.new('RGB', (w, h), top), gradient)
    draw = ImageDraw.Draw(im)
    for _ in range(rand.randrange(4, 10)):
        x, y = rand.randrange(w), rand.randrange(h)
        r = rand.randrange(30, 160)
        colour = tuple(rand.randrange(256) for _ in range(3))
        box = (x - r + shift, y - r, x + r + shift, y + r)
        (draw.ellipse if rand.random() < 0.5 else draw.rectangle)(box, fill=colour)
    im = im.filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((w, h), 30).convert('RGB')  # new grain on each call, as a new shot has
    return Image.blend(im, noise, 0.12)


def jpeg(im, quality=90):
    out = io.BytesIO()
    im.save(out, 'JPEG', quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert('RGB')


def model_input(im):
    w, h = im.size
    scale = SIDE / min(w, h)
    im = im.resize((max(SIDE, round(w * scale)), max(SIDE, round(h * scale))), Image.BICUBIC)
    w, h = im.size
    left, top = (w - SIDE) // 2, (h - SIDE) // 2
    im = im.crop((left, top, left + SIDE, top + SIDE))
    return b''.join(band.tobytes() for band in im.split())


def variants(seed):
    original = jpeg(scene(seed))
    w, h = original.size
    dx, dy = round(w * 0.06), round(h * 0.06)
    return {
        'original': original,
        'resized': jpeg(original.resize((w // 2, h // 2), Image.LANCZOS)),
        'reencoded': jpeg(original, quality=35),
        'cropped': jpeg(original.crop((dx, dy, w - dx, h - dy))),
        'burst': jpeg(scene(seed, shift=6)),
    }


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    with open(out, 'wb') as f:
        for seed in range(count):
            v = variants(seed)
            for name in VARIANTS:
                f.write(model_input(v[name]))


if __name__ == '__main__':
    main()
