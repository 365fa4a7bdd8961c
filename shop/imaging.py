"""Image intake: the one place an uploaded picture is decoded (product, review, proof, logo, ...).

Decoding is what costs CPU, so everything that can be refused from the file's
header is refused before it: Pillow's ``Image.open`` only reads the header, and
the size is known before ``load()``. Besides the caller's pixel cap, each side is
limited to :data:`MAX_SIDE` and the long side to :data:`MAX_ASPECT` times the
short one: a 76 KB PNG of 1 x 39,000,000 px has few pixels on paper but takes
seconds to decode. What passes is decoded (JPEGs at a reduced scale when the
caller only keeps a smaller picture), turned upright as its EXIF says, converted
to RGB or RGBA, and stripped of EXIF, XMP and colour profiles.
"""
from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:  # Pillow is imported where a picture is decoded: at module level it costs every app start
    from PIL import Image

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_SIDE = 10_000  # px, either side
MAX_ASPECT = 20  # the long side at most this many times the short one

BAD_SHAPE_MESSAGE = _l(
    "The picture is too long or too narrow: each side may be at most %(side)d px, and the long side "
    "at most %(ratio)d times the short one. Crop it and try again.",
    side=MAX_SIDE, ratio=MAX_ASPECT,
)


class ImageRefusedError(ValueError):
    """The upload is not decoded. ``reason`` is one of:

    ``not_an_image`` (not an allowed format, or damaged), ``too_many_pixels`` (over the
    caller's cap), ``bad_shape`` (a side over 10,000 px or a ratio over 20:1, see
    :data:`BAD_SHAPE_MESSAGE`), ``bomb`` (Pillow's decompression-bomb guard).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_shape(width: int, height: int, max_pixels: int) -> None:
    """:raise ImageRefusedError: ``bad_shape`` or ``too_many_pixels`` for a picture of this size."""
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE) or max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageRefusedError("bad_shape")
    if width * height > max_pixels:
        raise ImageRefusedError("too_many_pixels")


def decode_upload(data: bytes, *, max_pixels: int, keep: int | None = None) -> Image.Image:
    """Decode an uploaded picture, checked from its header first (see the module's docstring).

    ``keep`` is the longest side the caller keeps: a JPEG is then decoded at a reduced
    scale, which is much faster. Returns an upright RGB or RGBA image without metadata.

    :raise ImageRefusedError: see its reasons.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow warns (then errors) on huge images; both are refusals here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                check_shape(image.width, image.height, max_pixels)
                if keep and image.format == "JPEG":
                    image.draft("RGB", (keep, keep))
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep the orientation EXIF carried
                converted = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    except ImageRefusedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefusedError("bomb") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise ImageRefusedError("not_an_image") from None
    converted.info.clear()  # no EXIF, XMP or ICC profile travels into the new files
    return converted


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
