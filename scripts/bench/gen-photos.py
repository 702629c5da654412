#!/usr/bin/env python3
"""Photo-like JPEGs for the indexing bench (mobileclip-index.bench.mjs): a seeded mix of 12 MP
(4000x3000) and 1 MP (1152x864) images, each a colour gradient with shapes and sensor-like noise so
it encodes to a realistic size (a few MB at 12 MP). Written once into the folder given; files that
exist are kept, so a larger --count only adds the missing ones.
Usage: gen-photos.py DIR COUNT   (every 10th photo, ids 10, 20, ..., is the 12 MP one)"""
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter

BIG, SMALL = (4000, 3000), (1152, 864)
BIG_EVERY = 10
QUALITY = 88
# Grain: enough that JPEG sizes come out like phone photos' (about 4 MB at 12 MP, 400 KB at 1 MP).
NOISE_SIGMA, NOISE_WEIGHT = 40, 0.3


def photo(file_id):
    rand = random.Random(file_id)
    w, h = BIG if file_id % BIG_EVERY == 0 else SMALL
    # Drawn at a quarter of the size, then scaled up and given full-resolution noise: smooth
    # scenes like a photo's, with grain the encoder has to spend bytes on.
    sw, sh = w // 4, h // 4
    top = tuple(rand.randrange(256) for _ in range(3))
    bottom = tuple(rand.randrange(256) for _ in range(3))
    gradient = Image.linear_gradient('L').resize((sw, sh))
    scene = Image.composite(Image.new('RGB', (sw, sh), bottom), Image.new('RGB', (sw, sh), top), gradient)
    draw = ImageDraw.Draw(scene)
    for _ in range(rand.randrange(3, 9)):
        x, y = rand.randrange(sw), rand.randrange(sh)
        r = rand.randrange(sw // 20, sw // 4)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rand.randrange(256) for _ in range(3)))
    scene = scene.filter(ImageFilter.GaussianBlur(2)).resize((w, h), Image.BILINEAR)
    noise = Image.merge('RGB', [Image.effect_noise((w, h), NOISE_SIGMA) for _ in range(3)])
    return Image.blend(scene, noise, NOISE_WEIGHT)


def main():
    folder, count = sys.argv[1], int(sys.argv[2])
    os.makedirs(folder, exist_ok=True)
    for file_id in range(1, count + 1):
        path = os.path.join(folder, f'{file_id}.jpg')
        if os.path.exists(path):
            continue
        tmp = path + '.tmp'
        photo(file_id).save(tmp, 'JPEG', quality=QUALITY)
        os.replace(tmp, path)  # a run cut short leaves no half-written photo


if __name__ == '__main__':
    main()
