"""Synthetic photos of one to three coloured shapes on a textured background.

They are the training data of the project's tiny CLIP and the fixtures of every test
that needs photos whose content is known ("a red circle and a blue square on grass").
Everything is deterministic: a `Scene` is a plain value (objects with their geometry,
background, texture seed), `random_scene` draws one from a `random.Random`, and `render`
turns the same scene into the same pixels every time.

Rendering rules that keep captions true:
- the scene lives in the central square of the canvas; a non-square render only adds
  background to the sides, so a centre crop (what the model sees) shows every object;
- objects overlap at most slightly, and an object's colour always stands out from the
  background (no green on grass, no black at night, no white on snow);
- backgrounds have gradients, blotches and fine noise so they look like photos, not
  flat fills, and objects have shading and a soft shadow.

Only Pillow, numpy and the standard library are used here (no torch).
"""

from __future__ import annotations

import io
import logging
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

log = logging.getLogger(__name__)

COLOURS: tuple[str, ...] = ("red", "green", "blue", "yellow", "purple", "orange", "white", "black")
SHAPES: tuple[str, ...] = ("circle", "square", "triangle", "star", "heart", "cross", "crescent")
BACKGROUNDS: tuple[str, ...] = ("sky", "grass", "sand", "night", "snow", "road")

_RGB: dict[str, tuple[int, int, int]] = {
    "red": (214, 34, 34),
    "green": (40, 172, 58),
    "blue": (36, 74, 218),
    "yellow": (246, 216, 36),
    "purple": (136, 52, 184),
    "orange": (246, 134, 24),
    "white": (246, 246, 246),
    "black": (22, 22, 22),
}

_BACKGROUND_RGB: dict[str, tuple[int, int, int]] = {
    "sky": (128, 184, 236),
    "grass": (76, 132, 52),
    "sand": (222, 198, 146),
    "night": (18, 22, 52),
    "snow": (234, 240, 248),
    "road": (98, 98, 104),
}

# Colour-on-background pairs too close to read reliably (green on grass, white on snow,
# black at night, ...): scenes never put an object on a background it would vanish into.
_MIN_CONTRAST = 120.0


def _contrast(colour: str, background: str) -> float:
    a, b = _RGB[colour], _BACKGROUND_RGB[background]
    return math.dist(a, b)


def compatible_backgrounds(colours: Sequence[str]) -> tuple[str, ...]:
    """Backgrounds on which every colour in `colours` stands out."""
    return tuple(b for b in BACKGROUNDS if all(_contrast(c, b) >= _MIN_CONTRAST for c in colours))


@dataclass(frozen=True)
class SceneObject:
    """One shape in a scene. Geometry is in fractions of the scene square's side.

    `x`, `y` are the centre, `radius` the radius of the circle the shape fits in,
    `rotation` degrees counter-clockwise, `shade` a brightness factor near 1.
    """

    colour: str
    shape: str
    x: float = 0.5
    y: float = 0.5
    radius: float = 0.2
    rotation: float = 0.0
    shade: float = 1.0

    def phrase(self) -> str:
        """'a red circle' / 'an orange star'."""
        return f"{article(self.colour)} {self.colour} {self.shape}"


@dataclass(frozen=True)
class Scene:
    """Objects on a background; `texture_seed` fixes the background's noise."""

    objects: tuple[SceneObject, ...]
    background: str
    texture_seed: int = 0

    def caption(self) -> str:
        """Plain English naming every object and the background.

        'a red circle on grass', 'a red circle and a blue square on sand',
        'a red circle, a blue square and a green star at night'.
        """
        return f"{join_phrases([o.phrase() for o in self.objects])} {background_phrase(self.background)}"

    def has(self, colour: str | None = None, shape: str | None = None) -> bool:
        """True when some object matches both the colour and the shape given (None: any)."""
        return any(
            (colour is None or o.colour == colour) and (shape is None or o.shape == shape)
            for o in self.objects
        )


def article(word: str) -> str:
    """'a' or 'an' before `word`."""
    return "an" if word[0] in "aeiou" else "a"


def join_phrases(phrases: Sequence[str]) -> str:
    """'x', 'x and y', 'x, y and z'."""
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def background_phrase(background: str) -> str:
    """How a caption says where the objects are: 'on grass', 'at night', 'in the sky'."""
    return {"night": "at night", "sky": "in the sky", "road": "on the road"}.get(background, f"on {background}")


# --------------------------------------------------------------------------- sampling

_RADIUS_RANGE = {1: (0.17, 0.30), 2: (0.14, 0.22), 3: (0.125, 0.18)}
_MARGIN = 0.03
# Squares stay roughly upright: one turned 45 degrees is what people call a diamond.
_FREE_ROTATION = {"triangle", "star", "cross", "crescent"}


def _place(rng: random.Random, count: int) -> list[tuple[float, float, float]]:
    """Centres and radii for `count` objects that overlap at most slightly."""
    lo, hi = _RADIUS_RANGE[min(count, 3)]
    for attempt in range(200):
        shrink = 1.0 - 0.002 * attempt
        placed: list[tuple[float, float, float]] = []
        for _ in range(count):
            r = rng.uniform(lo, hi) * shrink
            x = rng.uniform(r + _MARGIN, 1 - r - _MARGIN)
            y = rng.uniform(r + _MARGIN, 1 - r - _MARGIN)
            if any(math.dist((x, y), (px, py)) < 1.02 * (r + pr) for px, py, pr in placed):
                break
            placed.append((x, y, r))
        if len(placed) == count:
            return placed
    raise RuntimeError(f"could not place {count} objects")  # pragma: no cover - radii always fit


def _rotation(rng: random.Random, shape: str) -> float:
    if shape in _FREE_ROTATION:
        return rng.uniform(0.0, 360.0)
    return rng.uniform(-25.0, 25.0)


def scene_with(
    rng: random.Random,
    objects: Sequence[tuple[str, str]],
    background: str | None = None,
) -> Scene:
    """A scene holding exactly `objects` ((colour, shape) pairs), randomly placed.

    For fixtures that need guaranteed content, e.g. `scene_with(rng, [("red", "circle")])`.
    Without `background`, one on which every colour stands out is drawn.
    """
    if not 1 <= len(objects) <= 3:
        raise ValueError(f"a scene holds 1 to 3 objects, not {len(objects)}")
    for colour, shape in objects:
        if colour not in _RGB or shape not in SHAPES:
            raise ValueError(f"unknown object {colour!r} {shape!r}")
    if background is None:
        choices = compatible_backgrounds([c for c, _ in objects]) or BACKGROUNDS
        background = rng.choice(choices)
    elif background not in BACKGROUNDS:
        raise ValueError(f"unknown background {background!r}")
    geometry = _place(rng, len(objects))
    placed = tuple(
        SceneObject(colour, shape, x, y, r, _rotation(rng, shape), rng.uniform(0.88, 1.08))
        for (colour, shape), (x, y, r) in zip(objects, geometry)
    )
    return Scene(placed, background, rng.randrange(2**31))


def random_scene(rng: random.Random, max_objects: int = 3) -> Scene:
    """A random scene of 1..`max_objects` objects, no two with the same colour and shape.

    Single objects are the most common: in a batch of them only the shape tells a red
    circle from a red star, which is what makes a model learn shapes early; two- and
    three-object scenes teach it to bind each colour to its own shape.
    """
    max_objects = max(1, min(3, max_objects))
    weights = (1.6, 1.2, 1.0)[:max_objects]
    count = rng.choices(range(1, max_objects + 1), weights=weights)[0]
    background = rng.choice(BACKGROUNDS)
    colours = [c for c in COLOURS if _contrast(c, background) >= _MIN_CONTRAST]
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        pair = (rng.choice(colours), rng.choice(SHAPES))
        if pair not in pairs:
            pairs.append(pair)
    return scene_with(rng, pairs, background)


def recolour(scene: Scene, colours: Sequence[str]) -> Scene:
    """The same scene (geometry, texture) with the objects' colours replaced in order."""
    objects = tuple(replace(o, colour=c) for o, c in zip(scene.objects, colours, strict=True))
    return replace(scene, objects=objects)


def reshape(scene: Scene, shapes: Sequence[str]) -> Scene:
    """The same scene with the objects' shapes replaced in order."""
    objects = tuple(replace(o, shape=s) for o, s in zip(scene.objects, shapes, strict=True))
    return replace(scene, objects=objects)


# -------------------------------------------------------------------------- rendering

_SUPERSAMPLE = 2

_GRAIN_SIDE = 640
_grain_tile: np.ndarray | None = None


def _grain(gen: np.random.Generator, height: int, width: int, channels: int = 1) -> np.ndarray:
    """Unit Gaussian noise, cut at a random offset from one fixed tile.

    Drawing fresh Gaussian noise for every pixel costs more than the rest of a render;
    a crop of a cached tile looks the same and keeps rendering a few milliseconds.
    """
    global _grain_tile
    if _grain_tile is None:
        _grain_tile = np.random.default_rng(20240611).standard_normal((_GRAIN_SIDE, _GRAIN_SIDE, 3), dtype=np.float32)
    tile = _grain_tile
    if height > _GRAIN_SIDE or width > _GRAIN_SIDE:
        reps = (-(-height // _GRAIN_SIDE), -(-width // _GRAIN_SIDE), 1)
        tile = np.tile(tile, reps)
    y = int(gen.integers(0, tile.shape[0] - height + 1))
    x = int(gen.integers(0, tile.shape[1] - width + 1))
    c = int(gen.integers(0, 4 - channels)) if channels < 3 else 0
    return tile[y : y + height, x : x + width, c : c + channels]


def _smooth_noise(gen: np.random.Generator, height: int, width: int, cells: int) -> np.ndarray:
    """Low-frequency noise in about [-1, 1]: a small random grid upsampled smoothly."""
    grid = gen.uniform(-1.0, 1.0, size=(cells, cells)).astype(np.float32)
    img = Image.fromarray(grid, mode="F").resize((width, height), Image.BICUBIC)
    return np.clip(np.asarray(img), -1.5, 1.5)


def _background(background: str, width: int, height: int, seed: int) -> np.ndarray:
    """A float32 HxWx3 photo-like background: base colour, gradient, blotches, grain."""
    gen = np.random.default_rng(seed)
    base = np.asarray(_BACKGROUND_RGB[background], dtype=np.float32)
    rows = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None, None]
    img = np.broadcast_to(base, (height, width, 3)).copy()
    blotch = _smooth_noise(gen, height, width, 5)[:, :, None]
    if background == "sky":
        img += rows * np.array([-22.0, -18.0, -6.0], dtype=np.float32)  # deeper blue at the top
        clouds = np.clip(_smooth_noise(gen, height, width, 6) - 0.25, 0.0, None)[:, :, None]
        img += clouds * (255.0 - img) * 0.9
    elif background == "grass":
        img += blotch * np.array([14.0, 22.0, 10.0], dtype=np.float32)
        blades = _grain(gen, height, max(1, width // 2))[:, :, 0]
        blades = np.asarray(Image.fromarray(np.ascontiguousarray(blades), mode="F").resize((width, height), Image.BILINEAR))
        img += blades[:, :, None] * np.array([8.0, 14.0, 6.0], dtype=np.float32)
        img += rows * np.array([6.0, 10.0, 4.0], dtype=np.float32)
    elif background == "sand":
        img += blotch * np.array([14.0, 12.0, 10.0], dtype=np.float32)
        ripples = np.sin(np.arange(height, dtype=np.float32)[:, None] * (0.25 + 0.1 * gen.random())
                         + _smooth_noise(gen, height, width, 4) * 3.0)
        img += ripples[:, :, None] * 7.0
    elif background == "night":
        img += blotch * np.array([6.0, 6.0, 14.0], dtype=np.float32) + rows * 8.0
        stars = _grain(gen, height, width)[:, :, 0] > 2.65
        img[stars] = gen.uniform(150.0, 240.0, size=(int(stars.sum()), 1))
    elif background == "snow":
        img += blotch * np.array([10.0, 8.0, 4.0], dtype=np.float32) - np.abs(blotch) * 6.0
        img += rows * np.array([-4.0, -2.0, 2.0], dtype=np.float32)
    else:  # road
        img += blotch * 12.0
        img += _grain(gen, height, width) * 10.0  # asphalt grit
        if gen.random() < 0.6:  # a painted lane line
            centre = gen.uniform(0.1, 0.9) * width
            band = np.abs(np.arange(width, dtype=np.float32) - centre) < max(1.0, width * 0.015)
            img[:, band] = img[:, band] * 0.3 + np.array([235.0, 220.0, 120.0], dtype=np.float32) * 0.7
    img += _grain(gen, height, width, 3) * 4.0  # sensor noise
    return img


def _outline(shape: str, cx: float, cy: float, r: float, rotation: float) -> list[tuple[float, float]]:
    """Polygon points of a shape centred at (cx, cy) fitting in radius r (pixels)."""
    theta = math.radians(rotation)
    if shape == "square":
        pts = [(math.cos(a), math.sin(a)) for a in (math.pi / 4 + k * math.pi / 2 for k in range(4))]
        pts = [(x * 0.92, y * 0.92) for x, y in pts]
    elif shape == "triangle":
        pts = [(math.cos(a), math.sin(a)) for a in (-math.pi / 2 + k * 2 * math.pi / 3 for k in range(3))]
        pts = [(x * 1.05, y * 1.05 + 0.12) for x, y in pts]
    elif shape == "star":
        pts = []
        for k in range(10):
            a = -math.pi / 2 + k * math.pi / 5
            rad = 1.0 if k % 2 == 0 else 0.42
            pts.append((rad * math.cos(a), rad * math.sin(a) + 0.06))
    elif shape == "cross":
        w, l = 0.34, 0.95
        pts = [(-w, -l), (w, -l), (w, -w), (l, -w), (l, w), (w, w), (w, l), (-w, l), (-w, w), (-l, w), (-l, -w), (-w, -w)]
    elif shape == "heart":
        pts = []
        for k in range(48):
            t = k * 2 * math.pi / 48
            x = 16 * math.sin(t) ** 3
            y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
            pts.append((x / 16.5, -(y + 2.5) / 16.5))
    else:
        raise ValueError(f"no outline for {shape!r}")
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    return [(cx + r * (x * cos_t + y * sin_t), cy + r * (-x * sin_t + y * cos_t)) for x, y in pts]


def _draw_mask(obj: SceneObject, cx: float, cy: float, r: float, width: int, height: int) -> np.ndarray:
    """Anti-aliased float mask in [0, 1] of one object centred at (cx, cy), radius r pixels."""
    s = _SUPERSAMPLE
    box = Image.new("L", (width * s, height * s), 0)
    draw = ImageDraw.Draw(box)
    lx, ly, lr = cx * s, cy * s, r * s
    if obj.shape == "circle":
        draw.ellipse((lx - lr, ly - lr, lx + lr, ly + lr), fill=255)
    elif obj.shape == "crescent":
        draw.ellipse((lx - lr, ly - lr, lx + lr, ly + lr), fill=255)
        theta = math.radians(obj.rotation)
        bx, by = lx + 0.5 * lr * math.cos(theta), ly - 0.5 * lr * math.sin(theta)
        br = 0.82 * lr
        draw.ellipse((bx - br, by - br, bx + br, by + br), fill=0)
    else:
        draw.polygon(_outline(obj.shape, lx, ly, lr, obj.rotation), fill=255)
    return np.asarray(box.reduce(s), dtype=np.float32) / 255.0


def _paint(img: np.ndarray, obj: SceneObject, side: int, offset: tuple[int, int]) -> None:
    """Composite one object (soft shadow, then shaded fill) into `img` in place.

    All work happens inside the object's bounding box (plus the shadow's reach).
    """
    height, width = img.shape[:2]
    r = obj.radius * side
    cx, cy = offset[0] + obj.x * side, offset[1] + obj.y * side
    shift = max(1, round(side * 0.012))
    pad = 2 + 2 * shift
    x0, y0 = max(0, int(cx - r) - pad), max(0, int(cy - r) - pad)
    x1, y1 = min(width, int(cx + r) + pad + 1), min(height, int(cy + r) + pad + 1)
    region = img[y0:y1, x0:x1]
    mask = _draw_mask(obj, cx - x0, cy - y0, r, x1 - x0, y1 - y0)
    shadow = Image.fromarray((np.roll(mask, (shift, shift), axis=(0, 1)) * 255).astype(np.uint8))
    shadow_a = np.asarray(shadow.filter(ImageFilter.BoxBlur(shift)), dtype=np.float32) / 255.0
    region *= 1.0 - 0.35 * shadow_a[:, :, None]
    rows = np.arange(y0, y1, dtype=np.float32)[:, None]
    shading = 1.06 - 0.14 * np.clip((rows - (cy - r)) / max(1.0, 2 * r), 0.0, 1.0)
    colour = np.asarray(_RGB[obj.colour], dtype=np.float32) * obj.shade
    if obj.colour == "black":  # shade black by lifting it, not scaling it
        colour = colour + 10.0 * (obj.shade - 0.88) / 0.2
    fill = colour[None, None, :] * shading[:, :, None]
    alpha = mask[:, :, None]
    region *= 1.0 - alpha
    region += fill * alpha


def render(scene: Scene, size: int = 256, aspect: float = 1.0) -> Image.Image:
    """Render `scene` as an RGB photo whose shorter side is `size` pixels.

    `aspect` (width / height) other than 1 widens or heightens the canvas with more
    background; the objects stay in the central square, so a centre crop keeps them.
    """
    if aspect >= 1.0:
        width, height = round(size * aspect), size
    else:
        width, height = size, round(size / aspect)
    offset = ((width - size) // 2, (height - size) // 2)
    img = _background(scene.background, width, height, scene.texture_seed)
    for obj in scene.objects:
        _paint(img, obj, size, offset)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), mode="RGB")


def render_photo(scene: Scene, rng: random.Random, min_size: int = 96, max_size: int = 320) -> Image.Image:
    """`scene` as a photo might arrive: any size, sometimes not square, sometimes JPEG.

    The shorter side is drawn log-uniformly in [min_size, max_size]; a third of the
    photos are landscape or portrait (aspect up to 1.6); half are JPEG-compressed at
    quality 60-95 and decoded again. Training and evaluation both see photos this way.
    """
    size = round(math.exp(rng.uniform(math.log(min_size), math.log(max_size))))
    aspect = 1.0
    if rng.random() < 0.33:
        aspect = rng.uniform(1.1, 1.6)
        aspect = aspect if rng.random() < 0.5 else 1.0 / aspect
    image = render(scene, size, aspect)
    if rng.random() < 0.5:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=rng.randint(60, 95))
        buffer.seek(0)
        image = Image.open(buffer)
        image.load()
    return image


def write_scene_folder(
    folder: Path, seed: int, count: int, size: int = 256, fmt: str = "JPEG"
) -> list[tuple[Path, Scene]]:
    """Write `count` random scenes from `seed` into `folder` (test fixtures).

    Files are named scene_0000.jpg (or .png, ...) in drawing order; returns each path
    with the scene it shows, so a test knows what every photo contains.
    """
    rng = random.Random(seed)
    return write_scenes(folder, [random_scene(rng) for _ in range(count)], size=size, fmt=fmt)


def write_scenes(folder: Path, scenes: Sequence[Scene], size: int = 256, fmt: str = "JPEG") -> list[tuple[Path, Scene]]:
    """Write the given scenes into `folder` as scene_0000.<ext>, ... (test fixtures)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "BMP": "bmp", "TIFF": "tif"}.get(fmt.upper(), fmt.lower())
    written: list[tuple[Path, Scene]] = []
    for index, scene in enumerate(scenes):
        path = folder / f"scene_{index:04d}.{ext}"
        options = {"quality": 90} if fmt.upper() in ("JPEG", "WEBP") else {}
        render(scene, size).save(path, format=fmt.upper(), **options)
        written.append((path, scene))
    log.debug("wrote %d scenes to %s", len(written), folder)
    return written
