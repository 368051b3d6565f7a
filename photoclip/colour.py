"""Show photos in the colours they were taken in: pictures whose file carries a colour
profile other than sRGB (Adobe RGB from cameras, Display P3 from phones) are converted to
sRGB for display, since screens and Qt assume sRGB and would show them dull.

What people look at (thumbnails, the preview) is converted, and the colours duplicates are
compared by (looks.colours_of); the model is fed the pixels as they are, as it was trained.
"""

from __future__ import annotations

import functools
import io
import logging

from PIL import Image

log = logging.getLogger(__name__)

_PROFILE_BYTES_MAX = 4 << 20


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """`image` (RGB) in sRGB, by its embedded profile `icc`; unchanged when there is none, it
    is sRGB already, or it cannot be used (a broken profile shows the photo as it is)."""
    if not icc or image.mode != "RGB":
        return image
    transform = _transform_to_srgb(bytes(icc))
    if transform is None:
        return image
    from PIL import ImageCms

    try:
        return ImageCms.applyTransform(image, transform)
    except (ImageCms.PyCMSError, ValueError, OSError) as exc:
        log.debug("colour profile not applied: %s", exc)
        return image


@functools.lru_cache(maxsize=16)
def _transform_to_srgb(icc: bytes) -> object | None:
    """A transform from the profile to sRGB, built once per profile (a photo library holds
    only a few); None for sRGB itself and for profiles that are not usable RGB profiles."""
    if len(icc) > _PROFILE_BYTES_MAX:
        return None
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if source.profile.xcolor_space.strip() != "RGB":
            return None
        description = (ImageCms.getProfileDescription(source) or "").lower()
        if "srgb" in description.replace(" ", "") or "61966" in description:
            return None
        return ImageCms.buildTransform(
            source, ImageCms.createProfile("sRGB"), "RGB", "RGB",
            renderingIntent=ImageCms.Intent.PERCEPTUAL, flags=ImageCms.Flags.NOCACHE,
        )
    except Exception as exc:  # ImportError, PyCMSError, any corrupt profile: shown as it is
        log.debug("colour profile not usable: %s", exc)
        return None
