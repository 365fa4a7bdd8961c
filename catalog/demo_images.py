"""Product pictures for the demo, drawn with Pillow (nothing is downloaded).

Each picture is a coloured background, a simple shape that suggests the item
(a bag, a shirt, a chip packet, a jar, a frame...) and the item's name. Drawing
and encoding cost tens of milliseconds, so each distinct picture is made once
per process and its encoded files reused (:func:`demo_photo`).
"""
from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

from catalog.images import ProcessedPhoto, encode_photo

WIDTH, HEIGHT = 720, 540
SCALE = 2  # drawn at twice the size and reduced: smooth edges without anti-aliasing support

# (background, shape, detail) colour triples: soft backgrounds, saturated shapes.
PALETTES = [
    ((250, 236, 214), (196, 98, 45), (92, 45, 22)),
    ((222, 239, 231), (11, 110, 79), (6, 58, 42)),
    ((226, 234, 248), (46, 89, 168), (20, 40, 90)),
    ((250, 226, 230), (190, 54, 84), (98, 24, 44)),
    ((240, 232, 250), (112, 72, 176), (56, 30, 96)),
    ((252, 244, 208), (214, 150, 20), (110, 72, 6)),
    ((230, 244, 246), (18, 130, 146), (8, 66, 76)),
    ((238, 236, 230), (96, 86, 72), (40, 34, 28)),
]

Box = tuple[float, float, float, float]
Colours = tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]

_cache: dict[tuple[str, str, int], ProcessedPhoto] = {}


def demo_photo(kind: str, label: str, palette: int) -> ProcessedPhoto:
    """The processed picture of ``kind`` captioned ``label`` in ``palette``, drawn once per process."""
    key = (kind, label, palette % len(PALETTES))
    photo = _cache.get(key)
    if photo is None:
        photo = encode_photo(draw_picture(kind, label, palette))
        _cache[key] = photo
    return photo


def draw_picture(kind: str, label: str, palette: int) -> Image.Image:
    """The picture: the shape for ``kind`` (a plain box when unknown) above ``label`` (if any)."""
    background, shape, detail = PALETTES[palette % len(PALETTES)]
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    image = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(image)
    # Soft circle behind the shape.
    r = (0.34 if label else 0.42) * h
    cx, cy = w / 2, (0.40 if label else 0.5) * h
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_mix(background, shape, 0.18))
    size = (0.50 if label else 0.62) * h
    box = (cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2)
    SHAPES.get(kind, _box)(draw, box, (background, shape, detail))
    if label:
        _caption(draw, label, detail, w, h)
    return image.reduce(SCALE)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _caption(draw: ImageDraw.ImageDraw, label: str, colour: tuple[int, int, int], w: int, h: int) -> None:
    size = 64 * SCALE // 2 * 2
    font = ImageFont.load_default(size=size)
    while draw.textlength(label, font=font) > 0.9 * w and size > 24:
        size -= 6
        font = ImageFont.load_default(size=size)
    draw.text((w / 2, 0.87 * h), label, font=font, fill=colour, anchor="mm")


def _at(box: Box, x: float, y: float) -> tuple[float, float]:
    """A point given as fractions of ``box``."""
    x0, y0, x1, y1 = box
    return (x0 + (x1 - x0) * x, y0 + (y1 - y0) * y)


def _rect(box: Box, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    return (*_at(box, x0, y0), *_at(box, x1, y1))


def _poly(box: Box, *points: tuple[float, float]) -> list[tuple[float, float]]:
    return [_at(box, x, y) for x, y in points]


def _width(box: Box, fraction: float) -> int:
    return max(1, round((box[2] - box[0]) * fraction))


# --- the shapes ------------------------------------------------------------------------------


def _bag(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    _, shape, detail = c
    draw.arc(_rect(box, 0.3, 0.0, 0.7, 0.45), 180, 360, fill=detail, width=_width(box, 0.05))
    draw.rounded_rectangle(_rect(box, 0.12, 0.25, 0.88, 1.0), radius=_width(box, 0.08), fill=shape)
    for i in range(1, 4):  # woven bands
        y = 0.25 + 0.75 * i / 4
        draw.line([_at(box, 0.12, y), _at(box, 0.88, y)], fill=detail, width=_width(box, 0.015))


def _shirt(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.polygon(
        _poly(box, (0.32, 0.05), (0.0, 0.22), (0.12, 0.45), (0.24, 0.38), (0.24, 1.0),
              (0.76, 1.0), (0.76, 0.38), (0.88, 0.45), (1.0, 0.22), (0.68, 0.05)),
        fill=shape,
    )
    draw.chord(_rect(box, 0.38, -0.05, 0.62, 0.15), 0, 180, fill=background)
    draw.ellipse(_rect(box, 0.40, 0.45, 0.60, 0.65), fill=detail)  # the print


def _packet(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.polygon(_poly(box, (0.18, 0.05), (0.82, 0.05), (0.88, 0.95), (0.12, 0.95)), fill=shape)
    for i in range(5):  # crimped seals
        top, bottom = 0.18 + i * 0.128, 0.12 + i * 0.152
        draw.polygon(_poly(box, (top, 0.05), (top + 0.064, 0.0), (top + 0.128, 0.05)), fill=shape)
        draw.polygon(_poly(box, (bottom, 0.95), (bottom + 0.076, 1.0), (bottom + 0.152, 0.95)), fill=shape)
    draw.ellipse(_rect(box, 0.30, 0.30, 0.70, 0.70), fill=background)
    draw.ellipse(_rect(box, 0.38, 0.38, 0.62, 0.62), fill=detail)


def _jar(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rounded_rectangle(_rect(box, 0.28, 0.0, 0.72, 0.16), radius=_width(box, 0.03), fill=detail)
    draw.rounded_rectangle(_rect(box, 0.18, 0.14, 0.82, 1.0), radius=_width(box, 0.12), fill=shape)
    draw.rectangle(_rect(box, 0.18, 0.45, 0.82, 0.75), fill=background)
    draw.line([_at(box, 0.3, 0.6), _at(box, 0.7, 0.6)], fill=detail, width=_width(box, 0.03))


def _bottle(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rectangle(_rect(box, 0.42, 0.0, 0.58, 0.08), fill=detail)
    draw.polygon(_poly(box, (0.42, 0.08), (0.58, 0.08), (0.72, 0.32), (0.28, 0.32)), fill=shape)
    draw.rounded_rectangle(_rect(box, 0.28, 0.30, 0.72, 1.0), radius=_width(box, 0.06), fill=shape)
    draw.rectangle(_rect(box, 0.28, 0.52, 0.72, 0.78), fill=background)


def _frame(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rectangle(_rect(box, 0.05, 0.12, 0.95, 0.88), fill=detail)
    draw.rectangle(_rect(box, 0.13, 0.20, 0.87, 0.80), fill=background)
    draw.polygon(_poly(box, (0.13, 0.80), (0.40, 0.42), (0.58, 0.66), (0.70, 0.52), (0.87, 0.80)), fill=shape)
    draw.ellipse(_rect(box, 0.66, 0.26, 0.78, 0.38), fill=shape)


def _poster(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rectangle(_rect(box, 0.18, 0.0, 0.82, 1.0), fill=shape)
    draw.ellipse(_rect(box, 0.30, 0.12, 0.70, 0.52), fill=background)
    for y in (0.64, 0.74, 0.84):
        draw.rectangle(_rect(box, 0.28, y, 0.72, y + 0.05), fill=background)
    draw.ellipse(_rect(box, 0.46, -0.03, 0.54, 0.05), fill=detail)  # the pin


def _book(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rectangle(_rect(box, 0.14, 0.04, 0.86, 0.96), fill=shape)
    draw.rectangle(_rect(box, 0.14, 0.04, 0.24, 0.96), fill=detail)
    draw.rectangle(_rect(box, 0.34, 0.20, 0.76, 0.40), fill=background)


def _cloth(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rectangle(_rect(box, 0.05, 0.10, 0.95, 0.90), fill=shape)
    for row in range(4):  # a batik-like repeat of dots and diamonds
        for col in range(5):
            x, y = 0.14 + col * 0.18, 0.20 + row * 0.20
            draw.polygon(_poly(box, (x, y - 0.07), (x + 0.07, y), (x, y + 0.07), (x - 0.07, y)), fill=background)
            draw.ellipse(_rect(box, x - 0.025, y - 0.025, x + 0.025, y + 0.025), fill=detail)


def _keychain(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.ellipse(_rect(box, 0.35, 0.0, 0.65, 0.30), outline=detail, width=_width(box, 0.035))
    draw.line([_at(box, 0.5, 0.28), _at(box, 0.5, 0.42)], fill=detail, width=_width(box, 0.03))
    draw.rounded_rectangle(_rect(box, 0.25, 0.40, 0.75, 1.0), radius=_width(box, 0.1), fill=shape)
    draw.ellipse(_rect(box, 0.46, 0.46, 0.54, 0.54), fill=background)


def _box(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.polygon(_poly(box, (0.1, 0.3), (0.5, 0.1), (0.9, 0.3), (0.5, 0.5)), fill=_mix(shape, background, 0.35))
    draw.polygon(_poly(box, (0.1, 0.3), (0.5, 0.5), (0.5, 0.98), (0.1, 0.78)), fill=shape)
    draw.polygon(_poly(box, (0.5, 0.5), (0.9, 0.3), (0.9, 0.78), (0.5, 0.98)), fill=detail)


def _cup(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    _, shape, detail = c
    draw.ellipse(_rect(box, 0.62, 0.35, 0.92, 0.70), outline=shape, width=_width(box, 0.06))
    draw.polygon(_poly(box, (0.12, 0.25), (0.76, 0.25), (0.68, 0.90), (0.20, 0.90)), fill=shape)
    draw.rounded_rectangle(_rect(box, 0.05, 0.88, 0.85, 0.98), radius=_width(box, 0.04), fill=detail)
    for x in (0.32, 0.44, 0.56):  # steam
        draw.arc(_rect(box, x - 0.05, 0.0, x + 0.05, 0.2), 90, 270, fill=detail, width=_width(box, 0.02))


def _pot(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.ellipse(_rect(box, 0.15, 0.25, 0.85, 0.95), fill=shape)
    draw.rectangle(_rect(box, 0.36, 0.02, 0.64, 0.35), fill=shape)
    draw.rectangle(_rect(box, 0.30, 0.0, 0.70, 0.06), fill=detail)
    draw.line([_at(box, 0.2, 0.6), _at(box, 0.8, 0.6)], fill=background, width=_width(box, 0.03))


def _cookie(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rounded_rectangle(_rect(box, 0.10, 0.35, 0.90, 1.0), radius=_width(box, 0.1), fill=shape)
    draw.rounded_rectangle(_rect(box, 0.06, 0.22, 0.94, 0.38), radius=_width(box, 0.05), fill=detail)
    for x, y in ((0.3, 0.6), (0.5, 0.75), (0.7, 0.6), (0.4, 0.85), (0.62, 0.86)):
        draw.ellipse(_rect(box, x - 0.08, y - 0.08, x + 0.08, y + 0.08), fill=background)


def _camera(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rectangle(_rect(box, 0.30, 0.16, 0.55, 0.30), fill=detail)
    draw.rounded_rectangle(_rect(box, 0.05, 0.26, 0.95, 0.86), radius=_width(box, 0.08), fill=shape)
    draw.ellipse(_rect(box, 0.30, 0.34, 0.70, 0.78), fill=detail)
    draw.ellipse(_rect(box, 0.40, 0.44, 0.60, 0.68), fill=background)


def _play(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rounded_rectangle(_rect(box, 0.0, 0.15, 1.0, 0.85), radius=_width(box, 0.08), fill=shape)
    draw.polygon(_poly(box, (0.40, 0.32), (0.68, 0.50), (0.40, 0.68)), fill=background)
    draw.rectangle(_rect(box, 0.0, 0.88, 1.0, 0.93), fill=detail)


def _phone(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rounded_rectangle(_rect(box, 0.25, 0.0, 0.75, 1.0), radius=_width(box, 0.07), fill=detail)
    draw.rectangle(_rect(box, 0.29, 0.08, 0.71, 0.88), fill=background)
    for i, y in enumerate((0.14, 0.36, 0.58)):
        draw.rounded_rectangle(_rect(box, 0.33, y, 0.67, y + 0.17), radius=_width(box, 0.02),
                               fill=shape if i != 1 else _mix(shape, background, 0.5))


def _note(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    _, shape, detail = c
    draw.polygon(_poly(box, (0.36, 0.10), (0.86, 0.0), (0.86, 0.16), (0.36, 0.26)), fill=detail)
    draw.rectangle(_rect(box, 0.36, 0.10, 0.42, 0.80), fill=shape)
    draw.rectangle(_rect(box, 0.80, 0.0, 0.86, 0.70), fill=shape)
    draw.ellipse(_rect(box, 0.14, 0.66, 0.42, 0.92), fill=shape)
    draw.ellipse(_rect(box, 0.58, 0.56, 0.86, 0.82), fill=shape)


def _mic(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rounded_rectangle(_rect(box, 0.34, 0.0, 0.66, 0.58), radius=_width(box, 0.16), fill=shape)
    for y in (0.15, 0.27, 0.39):
        draw.line([_at(box, 0.38, y), _at(box, 0.62, y)], fill=background, width=_width(box, 0.02))
    draw.arc(_rect(box, 0.24, 0.25, 0.76, 0.72), 0, 180, fill=detail, width=_width(box, 0.04))
    draw.rectangle(_rect(box, 0.48, 0.72, 0.52, 0.92), fill=detail)
    draw.rectangle(_rect(box, 0.32, 0.92, 0.68, 0.98), fill=detail)


def _gamepad(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rounded_rectangle(_rect(box, 0.0, 0.25, 1.0, 0.80), radius=_width(box, 0.2), fill=shape)
    draw.rectangle(_rect(box, 0.16, 0.47, 0.38, 0.55), fill=background)
    draw.rectangle(_rect(box, 0.23, 0.40, 0.31, 0.62), fill=background)
    for x, y in ((0.70, 0.42), (0.80, 0.52), (0.64, 0.56)):
        draw.ellipse(_rect(box, x - 0.045, y - 0.045, x + 0.045, y + 0.045), fill=detail)


def _chair(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    _, shape, detail = c
    draw.rectangle(_rect(box, 0.22, 0.0, 0.78, 0.46), fill=shape)
    draw.rectangle(_rect(box, 0.14, 0.50, 0.86, 0.62), fill=detail)
    for x in (0.18, 0.76):
        draw.rectangle(_rect(box, x, 0.62, x + 0.06, 1.0), fill=detail)


def _lamp(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.polygon(_poly(box, (0.30, 0.0), (0.70, 0.0), (0.88, 0.42), (0.12, 0.42)), fill=shape)
    draw.ellipse(_rect(box, 0.42, 0.36, 0.58, 0.50), fill=_mix(background, (255, 240, 160), 0.8))
    draw.rectangle(_rect(box, 0.47, 0.42, 0.53, 0.90), fill=detail)
    draw.rounded_rectangle(_rect(box, 0.26, 0.88, 0.74, 0.98), radius=_width(box, 0.04), fill=detail)


def _building(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.polygon(_poly(box, (0.05, 0.40), (0.50, 0.02), (0.95, 0.40)), fill=detail)
    draw.rectangle(_rect(box, 0.14, 0.40, 0.86, 1.0), fill=shape)
    draw.rectangle(_rect(box, 0.42, 0.66, 0.58, 1.0), fill=detail)
    for x in (0.22, 0.66):
        draw.rectangle(_rect(box, x, 0.52, x + 0.12, 0.66), fill=background)


def _palette(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.ellipse(_rect(box, 0.0, 0.12, 1.0, 0.92), fill=shape)
    draw.ellipse(_rect(box, 0.60, 0.56, 0.76, 0.72), fill=background)
    for i, (x, y) in enumerate(((0.22, 0.40), (0.40, 0.26), (0.60, 0.26), (0.26, 0.64))):
        colour = PALETTES[(i * 3 + 1) % len(PALETTES)][1] if i else detail
        draw.ellipse(_rect(box, x - 0.07, y - 0.07, x + 0.07, y + 0.07), fill=colour)


def _ticket(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rounded_rectangle(_rect(box, 0.0, 0.25, 1.0, 0.75), radius=_width(box, 0.04), fill=shape)
    for y in (0.25, 0.75):
        draw.ellipse(_rect(box, 0.66, y - 0.06, 0.78, y + 0.06), fill=background)
    for y in (0.34, 0.42, 0.50, 0.58, 0.66):
        draw.rectangle(_rect(box, 0.71, y - 0.015, 0.73, y + 0.015), fill=background)
    draw.rectangle(_rect(box, 0.1, 0.38, 0.58, 0.46), fill=detail)
    draw.rectangle(_rect(box, 0.1, 0.54, 0.44, 0.60), fill=detail)


def _mask(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.ellipse(_rect(box, 0.15, 0.0, 0.85, 1.0), fill=shape)
    for x in (0.30, 0.56):
        draw.ellipse(_rect(box, x, 0.34, x + 0.14, 0.46), fill=background)
    draw.chord(_rect(box, 0.34, 0.55, 0.66, 0.82), 0, 180, fill=detail)
    draw.ellipse(_rect(box, 0.45, 0.02, 0.55, 0.12), fill=detail)


def _megaphone(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    _, shape, detail = c
    draw.polygon(_poly(box, (0.12, 0.38), (0.80, 0.08), (0.80, 0.92), (0.12, 0.62)), fill=shape)
    draw.rectangle(_rect(box, 0.04, 0.38, 0.14, 0.62), fill=detail)
    draw.rectangle(_rect(box, 0.24, 0.62, 0.32, 0.86), fill=detail)
    for r in (0.08, 0.16):
        draw.arc(_rect(box, 0.80 - r, 0.5 - r * 2, 0.80 + r * 1.5, 0.5 + r * 2), 300, 60, fill=detail,
                 width=_width(box, 0.025))


def _clock(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.ellipse(_rect(box, 0.04, 0.04, 0.96, 0.96), fill=shape)
    draw.ellipse(_rect(box, 0.12, 0.12, 0.88, 0.88), fill=background)
    draw.line([_at(box, 0.5, 0.5), _at(box, 0.5, 0.22)], fill=detail, width=_width(box, 0.04))
    draw.line([_at(box, 0.5, 0.5), _at(box, 0.70, 0.60)], fill=detail, width=_width(box, 0.04))


def _shelf(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    for y in (0.30, 0.62, 0.94):
        draw.rectangle(_rect(box, 0.05, y, 0.95, y + 0.06), fill=detail)
    draw.rectangle(_rect(box, 0.15, 0.06, 0.30, 0.30), fill=shape)
    draw.ellipse(_rect(box, 0.60, 0.10, 0.80, 0.30), fill=shape)
    draw.rectangle(_rect(box, 0.40, 0.40, 0.52, 0.62), fill=_mix(shape, background, 0.4))
    draw.rectangle(_rect(box, 0.54, 0.44, 0.64, 0.62), fill=shape)


def _hat(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.chord(_rect(box, 0.15, 0.15, 0.85, 0.95), 180, 360, fill=shape)
    draw.polygon(_poly(box, (0.55, 0.52), (1.0, 0.56), (0.98, 0.64), (0.55, 0.60)), fill=detail)
    draw.ellipse(_rect(box, 0.46, 0.12, 0.54, 0.20), fill=detail)
    draw.ellipse(_rect(box, 0.36, 0.30, 0.52, 0.46), fill=background)


def _laptop(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.rounded_rectangle(_rect(box, 0.12, 0.10, 0.88, 0.70), radius=_width(box, 0.03), fill=detail)
    draw.rectangle(_rect(box, 0.17, 0.15, 0.83, 0.65), fill=background)
    draw.rectangle(_rect(box, 0.22, 0.22, 0.55, 0.30), fill=shape)
    draw.rectangle(_rect(box, 0.22, 0.36, 0.78, 0.58), fill=_mix(shape, background, 0.5))
    draw.polygon(_poly(box, (0.12, 0.72), (0.88, 0.72), (1.0, 0.86), (0.0, 0.86)), fill=shape)


def _sticker(draw: ImageDraw.ImageDraw, box: Box, c: Colours) -> None:
    background, shape, detail = c
    draw.ellipse(_rect(box, 0.05, 0.05, 0.95, 0.95), fill=(255, 255, 255))
    draw.ellipse(_rect(box, 0.12, 0.12, 0.88, 0.88), fill=shape)
    draw.polygon(_poly(box, (0.50, 0.22), (0.58, 0.42), (0.78, 0.42), (0.62, 0.55), (0.68, 0.76),
                       (0.50, 0.63), (0.32, 0.76), (0.38, 0.55), (0.22, 0.42), (0.42, 0.42)), fill=background)


SHAPES: dict[str, Callable[[ImageDraw.ImageDraw, Box, Colours], None]] = {
    "bag": _bag, "shirt": _shirt, "packet": _packet, "jar": _jar, "bottle": _bottle,
    "frame": _frame, "poster": _poster, "book": _book, "cloth": _cloth, "keychain": _keychain,
    "box": _box, "cup": _cup, "pot": _pot, "cookie": _cookie, "camera": _camera, "play": _play,
    "phone": _phone, "note": _note, "mic": _mic, "gamepad": _gamepad, "chair": _chair,
    "lamp": _lamp, "building": _building, "palette": _palette, "ticket": _ticket, "mask": _mask,
    "megaphone": _megaphone, "clock": _clock, "shelf": _shelf, "hat": _hat, "laptop": _laptop,
    "sticker": _sticker,
}
