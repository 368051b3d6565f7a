"""Small builders shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest


def _cuda_is_usable() -> bool:
    import torch

    return torch.cuda.is_available()


needs_cuda = pytest.mark.skipif(not _cuda_is_usable(), reason="no CUDA GPU here")


def write_photo(path: Path, seed: int, size: tuple[int, int] = (160, 120), fmt: str = "JPEG") -> Path:
    """A distinct generated photo: coloured blocks from `seed`, so vectors differ between seeds."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
    image = Image.fromarray(blocks).resize(size, Image.NEAREST)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt)
    return path


def located_photo(path: Path, seed: int, position: tuple[float, float] | None, taken: str) -> Path:
    """write_photo with an EXIF date taken ("2021:05:01 10:00:00") and GPS position (lat, lon)."""
    from PIL import Image

    write_photo(path, seed=seed)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken
    if position is not None:
        lat, lon = position
        exif[0x8825] = {1: "N" if lat >= 0 else "S", 2: (abs(lat), 0.0, 0.0), 3: "E" if lon >= 0 else "W",
                        4: (abs(lon), 0.0, 0.0)}
    with Image.open(path) as im:
        im.load()
        im.save(path, "JPEG", exif=exif)
    return path


def scene_folder(folder: Path, seed: int = 0, red_circles: int = 8, others: int = 24) -> dict[Path, object]:
    """Generated scenes whose content is known: `red_circles` hold a red circle (some beside
    other shapes), the `others` are random scenes without one (red squares and blue circles
    included). Returns path -> Scene."""
    import random

    from photoclip.tinyclip.scenes import random_scene, scene_with, write_scenes

    rng = random.Random(seed)
    extras = [("blue", "square"), ("yellow", "star"), ("green", "triangle")]
    scenes = [scene_with(rng, [("red", "circle")] + ([extras[i % 3]] if i % 2 else [])) for i in range(red_circles)]
    while len(scenes) < red_circles + others:
        scene = random_scene(rng)
        if not scene.has("red", "circle"):
            scenes.append(scene)
    rng.shuffle(scenes)
    return dict(write_scenes(folder, scenes, size=224))


def circle_on_snow(y: float, texture: int):
    """A red circle on snow, 640 x 480. The tiny model finds one high (y=0.3) and one low
    (y=0.67) 0.997 alike: the same subject, but not the same photo."""
    from photoclip.tinyclip.scenes import Scene, SceneObject, render

    circle = SceneObject(colour="red", shape="circle", x=0.38, y=y, radius=0.24, rotation=0.0, shade=1.0)
    return render(Scene(objects=(circle,), background="snow", texture_seed=texture), size=480, aspect=4 / 3)


def lost_band(image, share: float, at_top: bool = False):
    """`image` with a band of rows gone black, as a file cut short shows it (a BMP: its top)."""
    damaged = image.copy()
    rows = int(image.height * share)
    top = 0 if at_top else image.height - rows
    damaged.paste((0, 0, 0), (0, top, image.width, top + rows))
    return damaged


def on_black(shape: str):
    """A yellow ball, or a box of its size, on black: to a model that knows little, 0.998 alike."""
    from PIL import Image, ImageDraw

    scene = Image.new("RGB", (640, 480), (10, 10, 10))
    draw = ImageDraw.Draw(scene)
    (draw.ellipse if shape == "ball" else draw.rectangle)((220, 140, 420, 340), fill=(240, 220, 20))
    return scene


def resized_copy(source: Path, target: Path, scale: float = 0.6, quality: int = 70) -> Path:
    """`source` scaled down and saved again as a lower-quality JPEG (what a messaging app does)."""
    from PIL import Image

    with Image.open(source) as image:
        small = image.convert("RGB").resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    target.parent.mkdir(parents=True, exist_ok=True)
    small.save(target, "JPEG", quality=quality)
    return target


def schema_1_catalog(path: Path, photos: dict[Path, str | None]) -> Path:
    """A catalog as photoclip 0.1 (schema 1, blake2b hashes) left it: one root holding
    `photos` (path -> stored content hash, None while pending)."""
    import sqlite3
    import time

    from photoclip.catalog import _MIGRATIONS

    with sqlite3.connect(path) as conn:
        conn.executescript(_MIGRATIONS[1])
        conn.execute("PRAGMA user_version = 1")
        root = Path(next(iter(photos))).parent if photos else path.parent
        conn.execute("INSERT INTO roots (id, path, online, added_at) VALUES (1, ?, 1, ?)", (str(root), time.time()))
        for photo, digest in photos.items():
            stat = Path(photo).stat()
            conn.execute(
                "INSERT INTO photos (root_id, path, size, mtime_ns, hash, status, added_at)"
                " VALUES (1, ?, ?, ?, ?, ?, ?)",
                (str(photo), stat.st_size, stat.st_mtime_ns, digest, "indexed" if digest else "pending", time.time()),
            )
    conn.close()
    return path


MPF_PRIMARY, MPF_VGA_PREVIEW, MPF_FULL_HD_PREVIEW, MPF_DISPARITY = 0x030000, 0x010001, 0x010002, 0x020002


def camera_jpeg(main: object, extras: list[tuple[int, bytes]], **save_params: object) -> bytes:
    """A JPEG laid out as cameras write one: the main image, an APP2 MPF index (CIPA DC-007)
    and the extra images after it (each (MP type, JPEG bytes), e.g. a preview)."""
    import io
    import struct

    out = io.BytesIO()
    main.save(out, "JPEG", **save_params)
    first = out.getvalue()
    count = 1 + len(extras)
    entries_at = 8 + 2 + 3 * 12 + 4  # TIFF header, IFD count, three tags, next-IFD offset
    ifd = b"".join(
        struct.pack("<HHL", tag, kind, number) + value
        for tag, kind, number, value in (
            (0xB000, 7, 4, b"0100"),
            (0xB001, 4, 1, struct.pack("<L", count)),
            (0xB002, 7, 16 * count, struct.pack("<L", entries_at)),
        )
    )
    tiff_before_entries = b"II*\x00" + struct.pack("<L", 8) + struct.pack("<H", 3) + ifd + struct.pack("<L", 0)
    body_size = 4 + len(tiff_before_entries) + 16 * count
    base = 2 + 4 + 4  # after SOI, the APP2 marker and length, and "MPF\0"
    main_size = len(first) + 4 + body_size
    entries = struct.pack("<LLLHH", MPF_PRIMARY | 0x20000000, main_size, 0, 0, 0)
    position = main_size
    for kind, data in extras:
        entries += struct.pack("<LLLHH", kind, len(data), position - base, 0, 0)
        position += len(data)
    segment = b"\xff\xe2" + struct.pack(">H", 2 + body_size) + b"MPF\x00" + tiff_before_entries + entries
    return first[:2] + segment + first[2:] + b"".join(data for _, data in extras)


def other_tiny_weights(path: Path, seed: int = 1) -> Path:
    """The shipped tiny CLIP's weights, nudged: another model (its own model id and vectors)
    that loads offline like the real thing."""
    import torch
    from safetensors.torch import load_file, save_file

    from photoclip.model import resolve_model

    state = load_file(str(resolve_model("photoclip-tiny").checkpoint))
    generator = torch.Generator().manual_seed(seed)
    nudged = {
        name: t + 0.05 * t.std() * torch.randn(t.shape, generator=generator) if t.is_floating_point() and t.numel() > 1 else t
        for name, t in state.items()
    }
    save_file(nudged, str(path))
    return path


def index_then_change_model(open_library, folder: Path, library_dir: Path, query: str = "a photo") -> tuple:
    """Index `folder` into `library_dir` with the tiny model and close it: returns (that
    model's spec, its results for `query`, other weights to reopen the library with)."""
    library = open_library(library_dir)
    library.index([folder])
    old, before = library.model_spec, library.search(query, limit=50)
    library.close()
    return old, before, str(other_tiny_weights(library_dir.parent / "other.safetensors"))


def copies_folder(folder: Path) -> tuple[dict[Path, object], dict[Path, Path]]:
    """Generated scenes, two of them also saved again smaller (sent/) and one copied byte for
    byte (backup/). Returns (scenes, copy -> its original). Seed 2 has no two scenes with the
    same caption that the tiny model finds alike (a red circle on sand twice, moved a little,
    is 0.98 alike for it)."""
    import shutil

    scenes = scene_folder(folder, seed=2)
    first, second = sorted(scenes)[:2]
    copies = {
        resized_copy(first, folder / "sent" / f"small {first.name}"): first,
        resized_copy(second, folder / "sent" / f"small {second.name}"): second,
    }
    backup = folder / "backup" / first.name
    backup.parent.mkdir()
    shutil.copy(first, backup)
    copies[backup] = first
    return scenes, copies


def shapes_vocabulary(path: Path, without: tuple[str, ...] = ()) -> Path:
    """A tag vocabulary the tiny model understands: its seven shapes (less `without`)."""
    from photoclip.tinyclip.scenes import SHAPES

    lines = ["@prompt a {}", "@none a shape", *(s for s in SHAPES if s not in without)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def others_sidecar(tags: list[str]) -> bytes:
    """An XMP sidecar with these keywords as digiKam writes one (photoclip's own are not read back)."""
    from photoclip.sidecars import xmp_document

    return xmp_document(tags).replace(b'x:xmptk="photoclip', b'x:xmptk="XMP Core 4.4.0-Exiv2')


ADOBE_RGB_PRIMARIES = ((0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609), (0.1492, 0.0632, 0.7446))


def rgb_profile(description: str = "Adobe RGB (1998)", primaries: tuple = ADOBE_RGB_PRIMARIES,
                gamma: float = 563 / 256) -> bytes:
    """An ICC v2 display profile (matrix and gamma), as cameras and phones embed in photos."""
    import struct

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(struct.pack(">i", round(v * 65536)) for v in values)

    text = description.encode("ascii")
    tags = [
        (b"desc", b"desc\0\0\0\0" + struct.pack(">I", len(text) + 1) + text + b"\0" + bytes(4 + 4 + 2 + 1 + 67)),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"rXYZ", xyz(primaries[0])), (b"gXYZ", xyz(primaries[1])), (b"bXYZ", xyz(primaries[2])),
        *[(name, b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0")
          for name in (b"rTRC", b"gTRC", b"bTRC")],
        (b"cprt", b"text\0\0\0\0no copyright, made by photoclip's tests\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = struct.pack(">I", len(tags)), b""
    for name, data in tags:
        data += bytes(-len(data) % 4)
        table += name + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"\0\0\0\0" + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + bytes(12) + b"acsp" + bytes(24) + struct.pack(">I", 0)
              + b"".join(struct.pack(">i", round(v * 65536)) for v in (0.9642, 1.0, 0.8249)))
    return header + bytes(128 - len(header)) + table + body


def with_iptc(jpeg: bytes, records: dict[tuple[int, int], bytes]) -> bytes:
    """A JPEG with an IPTC block (APP13, Photoshop 3.0) holding `records`, e.g. {(2, 120): caption}."""
    import struct

    iptc = b"".join(b"\x1c" + bytes(key) + struct.pack(">H", len(value)) + value for key, value in records.items())
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(iptc)) + iptc
    body = b"Photoshop 3.0\0" + resource + bytes(len(iptc) % 2)
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


PNG_TEXT_LIMIT = 1 << 20  # Pillow's MAX_TEXT_CHUNK: what one text or profile chunk may inflate to


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


_PNG_TOO_BIG = zlib.compress(b"\0" * (PNG_TEXT_LIMIT + 1), 9)
PNG_ZTXT_BOMB = png_chunk(b"zTXt", b"Comment\0\0" + _PNG_TOO_BIG)
PNG_ITXT_BOMB = png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + _PNG_TOO_BIG)
PNG_ICCP_BOMB = png_chunk(b"iCCP", b"printer\0\0" + _PNG_TOO_BIG)


def as_an_unprivileged_user() -> list[str] | None:
    """The command prefix that runs a program without root's power to read every folder: none
    when the tests do not run as root, setpriv dropping root's capabilities when they do (it
    still owns this checkout); None (skip) where that cannot be done."""
    import os
    import shutil
    import subprocess
    import sys

    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]
    if shutil.which("setpriv") is None:
        return None
    probe = subprocess.run([*prefix, sys.executable, "-c", "import photoclip"], capture_output=True,
                           cwd=Path(__file__).parent.parent)
    return prefix if probe.returncode == 0 else None


def oval(size: tuple[int, int]):
    """An orange oval filling most of a blue photo of `size`: tall in a tall photo, wide in a
    wide one. Squeezed to a square, both are the same circle."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (20, 110, 220))
    w, h = size
    ImageDraw.Draw(image).ellipse((w * 0.25, h * 0.15, w * 0.75, h * 0.85), fill=(240, 140, 30))
    return image


def natural(size: tuple[int, int], seed: int):
    """A picture with detail at every scale down to its pixels, as a photo has (equal energy in
    each octave, and a few hard edges): made smaller it loses some, made larger it gains none."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    width, height = size
    picture = np.zeros((height, width, 3), np.float32)
    for octave in range(1, 12):
        cells = min(width, 2 ** octave)
        noise = rng.normal(size=(max(2, cells * height // width), cells, 3)).astype(np.float32)
        picture += 22 * np.stack([np.asarray(Image.fromarray(noise[..., c]).resize(size, Image.BICUBIC))
                                  for c in range(3)], axis=-1)
    image = Image.fromarray(np.clip(picture + 128, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.integers(0, width), rng.integers(0, height)
        draw.ellipse([x, y, x + width // 5, y + height // 5], fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return image


def within(seconds: float, function: Callable[..., object], *args: object) -> object:
    """function(*args), run in a thread: fails the test when it has not returned after `seconds`,
    instead of hanging the test run."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{function.__name__} still waiting after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]
