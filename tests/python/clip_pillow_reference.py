"""Pillow reference for the CLIP image tests (run with Debian's /usr/bin/python3, python3-pil).

Reads a JSON list of jobs on stdin; each job names a raw RGBA file and its size, and writes:
  preprocess: the 256x256 RGB bytes Ente's pipeline feeds the model (before / 255): convert to
              RGB (alpha dropped), cover-scale with Image.resize(BILINEAR), centre crop.
  downscale:  RGBA bytes bounded to max_side, each band resized on its own (no premultiplied
              alpha) with Image.resize(BILINEAR).
"""
import json
import math
import sys

from PIL import Image

BILINEAR = getattr(Image, "Resampling", Image).BILINEAR


def round_half_away(x):
    return int(math.floor(x + 0.5))


def preprocess(img, side=256):
    w, h = img.size
    scale = max(side / w, side / h)
    sw = max(side, round_half_away(w * scale))
    sh = max(side, round_half_away(h * scale))
    resized = img.convert("RGB").resize((sw, sh), BILINEAR)
    x, y = (sw - side) // 2, (sh - side) // 2
    return resized.crop((x, y, x + side, y + side)).tobytes()


def downscale(img, max_side):
    w, h = img.size
    longest = max(w, h)
    if longest <= max_side:
        return img.tobytes(), w, h
    scale = max_side / longest
    ow = min(max_side, max(1, round_half_away(w * scale)))
    oh = min(max_side, max(1, round_half_away(h * scale)))
    bands = [band.resize((ow, oh), BILINEAR) for band in img.split()]
    return Image.merge("RGBA", bands).tobytes(), ow, oh


def main():
    results = []
    for job in json.load(sys.stdin):
        with open(job["input"], "rb") as f:
            img = Image.frombytes("RGBA", (job["width"], job["height"]), f.read())
        if job["kind"] == "preprocess":
            data, size = preprocess(img), [256, 256]
        else:
            data, ow, oh = downscale(img, job["maxSide"])
            size = [ow, oh]
        with open(job["output"], "wb") as f:
            f.write(data)
        results.append(size)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
