"""CLIP models: the registry of names, weight resolution (cache, download, local file), loading
with open_clip, and the encoders the engine calls.

This is the only module that imports open_clip, and it imports torch lazily (as text_tower does
to read a loaded model), so commands that never embed (status, listing) start fast, and text
searches need no torch at all once the model's text tower is cached.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import pickle
import re
import threading
import warnings
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from photoclip import download
from photoclip.clip_tokenizer import ClipTokenizer
from photoclip.config import (
    DEFAULT_MODEL,
    DEMO_MODEL,
    DEVICE_NAMES,
    WEIGHT_SUFFIXES,
    model_cache_dir,
    resources_dir,
)
from photoclip.errors import ModelError, ModelUnavailableError
from photoclip.fsutil import expanded
from photoclip.skip_init import without_random_init
from photoclip.text_tower import LINEARS, TextTower, kept_length

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

# Read once, when torch loads. By default a torch thread that waits for its sibling spins for
# milliseconds on a core that decoding photos needs; asleep it leaves the core to them
# (bench/index_throughput.py: the pipeline about 3.5% faster on two cores). Yours is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

SHIPPED_MODELS_DIR = "models"
TEXT_CACHE_SIZE = 1024
_OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
_OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
_HF_FILES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")


@dataclass(frozen=True)
class ModelSpec:
    """Which network and which weights: an open_clip architecture plus a tag or a file."""

    arch: str
    pretrained: str | None = None
    checkpoint: Path | None = None
    config: Path | None = None

    @property
    def label(self) -> str:
        shipped = self.config is not None and self.checkpoint == self.config.with_suffix(".safetensors")
        if self.checkpoint is not None and not shipped:
            return f"{self.arch} ({self.checkpoint.name})"
        return f"{self.arch}:{self.pretrained}" if self.pretrained else self.arch

    @property
    def model_id(self) -> str:
        """Stored with every embedding, so vectors from different weights never mix."""
        if self.checkpoint is not None:
            return f"{self.arch}/file-{_file_fingerprint(self.checkpoint)}"
        return f"{self.arch}/{self.pretrained or 'random'}"


def _file_fingerprint(path: Path) -> str:
    """Content fingerprint: whole file when small, size + head + tail when large. Worked out
    once per version of the file (status asks for the model's id at every refresh)."""
    try:
        stat = path.stat()
        return _content_fingerprint(path, stat.st_size, stat.st_mtime_ns, stat.st_ino)
    except OSError:
        return "missing"


@functools.lru_cache(maxsize=16)
def _content_fingerprint(path: Path, size: int, mtime_ns: int, inode: int) -> str:
    digest = hashlib.blake2b(digest_size=8)
    digest.update(str(size).encode())
    with open(path, "rb") as fh:
        if size <= 64 << 20:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        else:
            digest.update(fh.read(1 << 20))
            fh.seek(-(1 << 20), os.SEEK_END)
            digest.update(fh.read(1 << 20))
    return digest.hexdigest()


def shipped_models() -> dict[str, ModelSpec]:
    """Models that come with photoclip: resources/models/<name>/<name>.json + weights."""
    found: dict[str, ModelSpec] = {}
    base = resources_dir() / SHIPPED_MODELS_DIR
    for config in sorted(base.glob("*/*.json")):
        if config.stem != config.parent.name:
            continue
        weights = config.with_suffix(".safetensors")
        found[config.stem] = ModelSpec(arch=config.stem, checkpoint=weights, config=config)
    return found


def resolve_model(name: str | None = None, model_file: str | Path | None = None) -> ModelSpec:
    """Turn what the user typed ('photoclip-tiny', 'ViT-B-32-256:datacomp_s34b_b86k',
    'ViT-L-14' with a file) into a spec. Cheap: nothing is imported or loaded."""
    name = (name or DEFAULT_MODEL).strip()
    if name == "default":
        name = DEFAULT_MODEL
    shipped = shipped_models()
    name = next((known for known in shipped if known.lower() == name.lower()), name)  # PHOTOCLIP-TINY too
    if name in shipped and model_file is None:
        return shipped[name]
    arch, _, tag = name.partition(":")
    if arch in shipped and tag:
        raise ModelError(f"{arch} comes with photoclip and takes no pretrained tag; use --model {arch}")
    if not arch:
        raise ModelError(f"model name {name!r} is empty; use e.g. {DEFAULT_MODEL}")
    if model_file is not None:
        path = expanded(model_file)
        if path.is_dir():
            raise ModelError(_a_folder_for_weights(path))
        if not path.is_file():
            raise ModelError(f"model file {path} does not exist (moved, or on a drive not plugged in); give another "
                             "with --model-file, or pick one in Settings")
        if not _looks_like_weights(path):
            named = path.suffix.lower() in WEIGHT_SUFFIXES
            raise ModelError(f"{path} holds no model weights (a download cut short, or a web page saved in its "
                             "place); download it again"
                             if named else
                             f"{path} is not a model weights file; give a .safetensors file or a PyTorch checkpoint")
        config = shipped[arch].config if arch in shipped else None
        return ModelSpec(arch=arch, pretrained=tag or None, checkpoint=path.resolve(), config=config)
    if not tag:
        like = _named_like(arch)
        if like.startswith("did you mean"):
            raise ModelError(f"unknown model {name!r}; {like} `photoclip models` lists the models and their tags")
        raise ModelError(
            f"model {name!r} needs a pretrained tag ({like or f'e.g. {DEFAULT_MODEL}'}) or a weights file "
            "(--model-file); `photoclip models` lists the models and their tags"
        )
    return ModelSpec(arch=arch, pretrained=tag)


def _named_like(arch: str) -> str:
    """The names with tags of the architecture `arch` is, or is nearly ("Vit-B-32-265" for
    ViT-B-32-256): "ViT-B-32:openai or ...", "did you mean ...?", or "" for none close."""
    import difflib

    names = list_models()
    archs = {n.partition(":")[0].lower(): n.partition(":")[0] for n in names}
    close = difflib.get_close_matches(arch.lower(), archs, n=1, cutoff=0.8)
    if not close:
        return ""
    tagged = [n for n in names if n.partition(":")[0] == archs[close[0]]][:3]
    return " or ".join(tagged) if archs[close[0]] == arch else f"did you mean {tagged[0]}?"


def check_known(spec: ModelSpec) -> None:
    """Raise ModelError unless open_clip knows the architecture, and the pretrained tag where
    the weights are to be downloaded: what can be told without a download or loading weights."""
    if spec.config is not None:
        return
    import open_clip

    if spec.arch not in open_clip.list_models():
        like = _named_like(spec.arch)
        raise ModelError(f"unknown model architecture {spec.arch!r}; {f'{like} ' if like.startswith('did') else ''}"
                         "`photoclip models` lists them")
    if spec.checkpoint is None:
        weight_urls(spec)


def _looks_like_weights(path: Path) -> bool:
    """Whether the file starts as safetensors (a little-endian header length, then JSON), a
    zipped PyTorch checkpoint or a pickled one does: a wrong file is named before torch reads it."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(9)
    except OSError:
        return False
    safetensors = len(head) == 9 and 2 <= int.from_bytes(head[:8], "little") < 1 << 30 and head[8:] == b"{"
    return safetensors or head.startswith(b"PK\x03\x04") or head[:1] == b"\x80"


def list_models() -> list[str]:
    """Every name resolve_model accepts without a file: shipped models, then open_clip's."""
    import open_clip

    names = list(shipped_models())
    names += [f"{arch}:{tag}" for arch, tag in open_clip.list_pretrained()]
    return names


def cached_weights(spec: ModelSpec) -> Path | None:
    """Weights for a pretrained tag already on disk (ours, or Hugging Face's cache)."""
    if spec.pretrained is None:
        return None
    ours = model_cache_dir() / spec.arch / spec.pretrained
    for name in _HF_FILES + ("weights.pt",):
        if (ours / name).is_file():
            flaw = weights_flaw(ours / name)
            if flaw is None:
                return ours / name
            log.warning("%s is not whole (%s): it is removed, and downloaded again", ours / name, flaw)
            (ours / name).unlink(missing_ok=True)
    repo = _hf_repo(spec)
    if repo:
        snapshots = _hf_hub_cache() / ("models--" + repo[0].replace("/", "--")) / "snapshots"
        for name in _HF_FILES:
            for candidate in sorted(snapshots.glob(f"*/{repo[1] or name}")):
                return candidate
    return None


def weights_flaw(path: Path) -> str | None:
    """What shows a weights file is not whole, or None: a download cut short by a server that
    said no length, kept by an older photoclip, failed to load on every start with no way out.
    A safetensors file (its header's JSON at byte 8) says its own length; torch and numpy
    archives (zip) end in a directory. Told by content: a download is judged as `<name>.part`."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as file:
            head = file.read(9)
            if head[:4] == b"PK\x03\x04":
                return None if zipfile.is_zipfile(file) else "its archive has no end"
            if head[8:9] == b"{":
                return _safetensors_flaw(file, int.from_bytes(head[:8], "little"), size)
    except OSError as exc:
        return f"it cannot be read: {exc.strerror or exc}"
    return None


def _safetensors_flaw(file: BinaryIO, length: int, size: int) -> str | None:
    file.seek(8)
    if length > size - 8:
        return f"{size} bytes, shorter than its header says"
    try:
        header = json.loads(file.read(length))
        end = max((entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__"), default=0)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return "its header is damaged"
    if 8 + length + end != size:
        return f"{size} bytes where its header says {8 + length + end}"
    return None


def _hf_hub_cache() -> Path:
    """Where huggingface_hub keeps downloads, by its own rules: weights open_clip or another
    program fetched before are used as they are."""
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(name):
            return expanded(os.environ[name])
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(os.environ.get("HF_HOME") or Path(cache_home) / "huggingface").expanduser() / "hub"


def _hf_repo(spec: ModelSpec) -> tuple[str, str] | None:
    import open_clip

    cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained or "")
    hub = cfg.get("hf_hub", "") if cfg else ""
    if not hub:
        return None
    repo, filename = os.path.split(hub.rstrip("/")) if not hub.endswith("/") else (hub.rstrip("/"), "")
    return repo, filename


def weight_urls(spec: ModelSpec) -> list[str]:
    """Where a pretrained tag's weights can be downloaded from, best first."""
    import open_clip

    cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained or "")
    if not cfg:
        tags = open_clip.list_pretrained_tags_by_model(spec.arch)
        known = ", ".join(tags) if tags else "none"
        raise ModelError(f"open_clip has no weights {spec.pretrained!r} for {spec.arch} (known tags: {known})")
    urls = []
    repo = _hf_repo(spec)
    if repo:
        endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
        files = [repo[1]] if repo[1] else list(_HF_FILES)
        urls += [f"{endpoint}/{repo[0]}/resolve/main/{name}" for name in files]
    if cfg.get("url"):
        urls.append(cfg["url"])
    return urls


def _a_folder_for_weights(folder: Path) -> str:
    """--model-file given a folder (a downloaded model's, as a hub keeps it): the weights file
    in it, where one is there to name."""
    try:
        inside = sorted(path for path in folder.iterdir() if path.suffix.lower() in WEIGHT_SUFFIXES and path.is_file())
    except OSError:
        inside = []
    if len(inside) == 1:
        return f"{folder} is a folder; give its weights file, {inside[0]}, with --model-file, or pick it in Settings"
    return (f"{folder} is a folder; give the model weights file (a .safetensors file or a PyTorch checkpoint) with "
            "--model-file, or pick it in Settings")


def fetch_weights(
    spec: ModelSpec,
    progress: download.DownloadProgress | None = None,
    cancel: download.CancelFlag | None = None,
) -> Path:
    """The weights file for `spec`: shipped or local file, cached download, or a new download."""
    if spec.checkpoint is not None:
        if not spec.checkpoint.is_file():
            raise ModelError(f"model file {spec.checkpoint} does not exist")
        return spec.checkpoint
    cached = cached_weights(spec)
    if cached is not None:
        return cached
    urls = weight_urls(spec)
    dest_dir = model_cache_dir() / spec.arch / str(spec.pretrained)
    try:
        return download.fetch(urls, dest_dir / Path(urls[0]).name, progress=progress, cancel=cancel, flaw=weights_flaw)
    except ModelUnavailableError as exc:
        online = f"Unset {exc.offline_names} to download it once" if exc.offline else "Connect to the internet once"
        raise ModelUnavailableError(
            f"cannot download model {spec.label}: {exc}. {online}, or get the "
            f"weights file another way and use it with --model-file PATH (in the app: Settings, Model file); to try "
            f"photoclip meanwhile: --model {DEMO_MODEL} (a demo model that knows only simple shapes)",
            model=spec.label, reason=str(exc), offline=exc.offline,
        ) from exc


_CHOOSE_CPU = "run the model on the CPU or let photoclip choose (--device auto, or Settings in the app)"


def pick_device(requested: str = "auto") -> str:
    """CUDA if present, else Apple's MPS, else CPU; an explicit choice is honoured if it exists."""
    import torch

    requested = requested.strip().lower()
    if requested not in ("", "auto"):
        if not re.fullmatch(DEVICE_NAMES, requested):
            raise ModelError(f"unknown device {requested!r}; use auto, cpu, cuda or mps")
        if requested.startswith("cuda") and not torch.cuda.is_available():
            raise ModelError(f"device {requested!r} asked for, but no CUDA GPU is usable here; {_CHOOSE_CPU}")
        mps = getattr(torch.backends, "mps", None)
        if requested == "mps" and not (mps is not None and mps.is_available()):
            raise ModelError(f"device 'mps' asked for, but Apple's GPU is not usable here; {_CHOOSE_CPU}")
        return requested
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def _half_precision(device: str) -> torch.dtype | None:
    """The dtype a model computes in under autocast: half on CUDA (twice the speed, vectors within
    a hair of fp32), none elsewhere, where half is slower (CPU) or unreliable (MPS). The weights
    stay fp32: open_clip's own fp16 leaves some in fp32 that meet half ones (CoCa's pooler)."""
    import torch

    return torch.float16 if device.startswith("cuda") else None


_loaded: dict[tuple[ModelSpec, str, int, bool], ClipEncoder] = {}
_loaded_lock = threading.Lock()


def load_encoder(
    spec: ModelSpec,
    device: str = "auto",
    threads: int = 0,
    progress: download.DownloadProgress | None = None,
    cancel: download.CancelFlag | None = None,
    random_weights: bool = False,
) -> ClipEncoder:
    """The encoder for `spec`, loaded once per process (libraries reopened share it).

    `random_weights` is for benchmarks of speed only."""
    key = (spec, device, threads, random_weights)
    with _loaded_lock:
        if key in _loaded and spec.model_id == _loaded[key].model_id:
            return _loaded[key]
    encoder = _load(spec, device, threads, progress, cancel, random_weights)
    with _loaded_lock:
        _loaded[key] = encoder
    return encoder


def _load(
    spec: ModelSpec,
    device: str,
    threads: int,
    progress: download.DownloadProgress | None,
    cancel: download.CancelFlag | None,
    random_weights: bool,
) -> ClipEncoder:
    import open_clip
    import torch

    if spec.config is not None:
        open_clip.add_model_config(str(spec.config))
    if spec.arch not in open_clip.list_models():
        raise ModelError(f"unknown model architecture {spec.arch!r}; `photoclip models` lists them")
    config = open_clip.get_model_config(spec.arch) or {}
    tokenizer = _tokenizer_of(spec, config.get("text_cfg", {}))  # before a download it could make useless
    weights = None if random_weights else fetch_weights(spec, progress=progress, cancel=cancel)
    dev = pick_device(device)
    cpu_threads = (threads or os.cpu_count() or 1) if dev == "cpu" else None
    if cpu_threads:
        torch.set_num_threads(cpu_threads)
    try:
        # open_clip loads a whole checkpoint strictly (big_vision's .npz aside): what init draws is overwritten
        strict = weights is not None and weights.suffix not in (".npz", ".npy")
        unset = without_random_init() if strict else contextlib.nullcontext()
        with warnings.catch_warnings(), unset:
            warnings.filterwarnings("ignore", message=".*pickle protocol")  # torch's note on odd files
            model = open_clip.create_model(
                spec.arch,
                pretrained=str(weights) if weights else None,
                device=dev,
                precision="fp32",
                pretrained_text=False,
                weights_only=True,
            )
    except pickle.UnpicklingError as exc:  # torch's weights_only refusal: the file would run code
        raise ModelError(
            f"{weights} holds more than weights (code that would run when it is loaded), so photoclip will not "
            "load it; use a .safetensors file, or a checkpoint of weights only"
        ) from exc
    except Exception as exc:  # open_clip reports a bad checkpoint with asserts, KeyErrors, anything
        if spec.checkpoint and _does_not_fit(exc):
            log.info("%s does not fit %s: %s", weights, spec.arch, exc)
            raise ModelError(f"{weights} is not a checkpoint of {spec.arch}: its weights do not fit that model; give "
                             "the --model it was made for (its download page names it)") from exc
        if spec.checkpoint and "Error while deserializing header" in str(exc):  # safetensors' words for a cut file
            raise ModelError(f"{weights} is cut short or damaged (a download that did not finish, or a copy that "
                             "failed); download it again") from exc
        source = weights or "random weights"
        hint = f"; is it a checkpoint of {spec.arch}?" if spec.checkpoint else ""
        raise ModelError(f"cannot load {spec.label} from {source}: {_first_line(exc)}{hint}") from exc
    model.eval()
    mean, std = _normalisation(spec, model)
    half = _half_precision(dev)
    log.info("loaded %s on %s (%s)", spec.label, dev, "fp16" if half else "fp32")
    encoder = ClipEncoder(
        model=model,
        tokenizer=tokenizer,
        model_id=spec.model_id if not random_weights else f"{spec.arch}/random",
        dim=int(config.get("embed_dim", 0)) or _probe_dim(model, tokenizer, dev),
        mean=mean,
        std=std,
        device=dev,
        cpu_threads=cpu_threads,
        half=half,
    )
    if not random_weights:
        _keep_text_tower(encoder, spec)
    return encoder


def load_text_encoder(spec: ModelSpec) -> TextEncoder | None:
    """The text side of `spec` from its cached text tower (text_tower), without torch, open_clip
    or the image tower: a text search from a fresh process answers in well under a second instead
    of 3-4 s. None where there is no such cache (a model never loaded here, an unusual text tower)."""
    path = _text_tower_path(spec)
    if not path.is_file():
        return None
    try:
        if not _tower_is_current(TextTower.metadata(path), spec.model_id, spec.checkpoint):
            log.info("cached text tower %s was saved from an earlier version of the weights", path)
            return None
        tower, saved = TextTower.load(path)
        tokenizer = ClipTokenizer(int(saved["context_length"]), saved["clean"])
        text = TextEncoder(
            tokenizer, lambda texts: tower(tokenizer(texts)), spec.model_id, int(saved["dim"]),
            float(saved["logit_scale"]),
        )
    except OSError as exc:  # unreadable now (permissions, a disk gone): nothing to undo
        log.info("cached text tower %s not read (%s); the whole model loads instead", path, _first_line(exc))
        return None
    except Exception as exc:  # any damage to a cache file only means loading the whole model
        log.info("cached text tower %s not used (%s); the whole model loads instead", path, _first_line(exc))
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        return None
    log.info("loaded the text tower of %s from %s", spec.label, path)
    return text


def _weights_state(checkpoint: Path | None) -> str:
    """Size, mtime and inode of a local weights file: a model id fingerprints a big file by its
    ends, so a file rewritten in place (new text weights) would keep its id and its old tower.
    Empty for weights downloaded by name, which are never rewritten."""
    if checkpoint is None:
        return ""
    try:
        stat = checkpoint.stat()
    except OSError:
        return "missing"
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


def _tower_is_current(saved: dict[str, str], model_id: str, checkpoint: Path | None) -> bool:
    return (saved.get("format"), saved.get("model_id"), saved.get("weights")) == (
        str(_TEXT_TOWER_FORMAT), model_id, _weights_state(checkpoint))


_TEXT_TOWER_FORMAT = 2


def _text_tower_path(spec: ModelSpec) -> Path:
    """One file for each model id and weights file: two copies of the same weights, in two
    libraries, would otherwise rewrite a shared one in turn, each finding it saved from the other."""
    key = spec.model_id if spec.checkpoint is None else f"{spec.model_id}\n{spec.checkpoint}"
    return _text_towers_named(key, ".safetensors")


def _format_1_text_tower_path(spec: ModelSpec) -> Path:
    """Where the int8 tower of earlier versions (read with torch) was kept: by model id alone."""
    return _text_towers_named(spec.model_id, ".pt")


def _text_towers_named(key: str, suffix: str) -> Path:
    return model_cache_dir() / "text-towers" / f"{hashlib.blake2b(key.encode(), digest_size=10).hexdigest()}{suffix}"


def _keep_text_tower(encoder: ClipEncoder, spec: ModelSpec) -> None:
    """Save the text tower of a model just loaded for load_text_encoder, unless the one saved is
    current. Only for towers laid out as open_clip's standard one, with its BPE tokenizer
    (ClipTokenizer)."""
    path, tokenizer, checkpoint = _text_tower_path(spec), encoder.text.tokenizer, spec.checkpoint
    if not isinstance(tokenizer, ClipTokenizer):
        return
    try:
        if path.is_file() and _tower_is_current(TextTower.metadata(path), encoder.model_id, checkpoint):
            return
    except (OSError, ValueError):
        pass  # unreadable: rewritten below where the folder allows
    try:
        tower = TextTower.from_model(encoder.model)
        if tower is None:
            return
        tower.save(path, {
            "format": str(_TEXT_TOWER_FORMAT), "model_id": encoder.model_id, "dim": str(encoder.dim),
            "logit_scale": repr(encoder.logit_scale), "context_length": str(tokenizer.context_length),
            "clean": tokenizer.clean, "weights": _weights_state(checkpoint),
        })
        _format_1_text_tower_path(spec).unlink(missing_ok=True)
    except Exception as exc:  # a cache that cannot be written costs start-up time, nothing else
        log.info("text tower of %s not cached (%s)", encoder.model_id, _first_line(exc))


def _tokenizer_of(spec: ModelSpec, text_cfg: dict) -> Callable[[list[str]], Any]:
    """_model_tokenizer, with what stops it said in one line: SigLIP's and other Hugging Face
    tokenizers need the transformers package, and their files from the hub."""
    try:
        return _model_tokenizer(spec.arch, text_cfg)
    except ImportError as exc:
        package = exc.name or "transformers"
        raise ModelError(
            f"{spec.label} needs the Python package {package} for its tokenizer; install it into photoclip's "
            f"environment (pip install {package}), or use another model"
        ) from exc
    except Exception as exc:  # a tokenizer fetched from the hub: offline, missing, damaged
        raise ModelError(f"cannot load the tokenizer of {spec.label}: {_first_line(exc)}") from exc


def _model_tokenizer(arch: str, text_cfg: dict) -> Callable[[list[str]], Any]:
    """The tokenizer open_clip.get_tokenizer gives `arch`, by its rules: a Hugging Face or SigLIP
    one, or one with options of its BPE one that ClipTokenizer lacks, from open_clip; else its BPE
    one, as ClipTokenizer, built once per process for the whole model and its cached text tower."""
    from open_clip.tokenizer import DEFAULT_CONTEXT_LENGTH

    options = text_cfg.get("tokenizer_kwargs", {})
    if text_cfg.get("hf_tokenizer_name") or "siglip" in arch.lower() or set(options) - {"clean"}:
        import open_clip

        return open_clip.get_tokenizer(arch)
    return _clip_tokenizer(int(text_cfg.get("context_length", DEFAULT_CONTEXT_LENGTH)), options.get("clean", "lower"))


@functools.cache
def _clip_tokenizer(context_length: int, clean: str) -> ClipTokenizer:
    return ClipTokenizer(context_length, clean)


def _does_not_fit(exc: BaseException) -> bool:
    """open_clip's and torch's ways of saying a checkpoint's weights are another model's: an
    assert on their shapes ("text pos_embed width changed!"), missing or unexpected keys, sizes
    that differ. Their words mean nothing to a user; a file that is no checkpoint fails otherwise."""
    return isinstance(exc, (AssertionError, KeyError)) or str(exc).startswith("Error(s) in loading state_dict")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _normalisation(spec: ModelSpec, model: object) -> tuple[tuple[float, ...], tuple[float, ...]]:
    import open_clip

    cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained) if spec.pretrained else {}
    pre = open_clip.get_model_preprocess_cfg(model) or {}
    mean = (cfg or {}).get("mean") or pre.get("mean") or _OPENAI_MEAN
    std = (cfg or {}).get("std") or pre.get("std") or _OPENAI_STD
    return tuple(mean), tuple(std)


def _probe_dim(model: object, tokenizer: object, device: str) -> int:
    import torch

    with torch.inference_mode():
        tokens = torch.as_tensor(tokenizer(["a"])).to(device)  # type: ignore[operator]
        return int(model.encode_text(tokens).shape[-1])  # type: ignore[attr-defined]


class ClipEncoder:
    """A loaded CLIP: images (uint8 NHWC batches) and texts in, unit float32 vectors out."""

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: object,
        model_id: str,
        dim: int,
        mean: tuple[float, ...],
        std: tuple[float, ...],
        device: str,
        cpu_threads: int | None = None,
        half: torch.dtype | None = None,
    ) -> None:
        import torch

        self.model = model
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.dim = dim
        self.device = device
        self.cpu_threads = cpu_threads
        size = getattr(model.visual, "image_size", 224)
        self.image_size = int(size[0] if isinstance(size, (tuple, list)) else size)
        self._half = half
        self._mean = torch.tensor(mean, device=device, dtype=torch.float32).view(1, 3, 1, 1) * 255.0
        self._std = torch.tensor(std, device=device, dtype=torch.float32).view(1, 3, 1, 1) * 255.0
        self._running_lock = threading.Lock()
        self._images_running = 0  # encode_images calls in progress (guarded by _running_lock)
        self._can_trim = (
            hasattr(model, "token_embedding")
            and getattr(model, "attn_mask", None) is not None
            and getattr(model, "text_pool_type", "") in ("argmax", "eos", "first")
        )
        self.int8_text = _Int8TextTower.build(model) if self._can_trim and device == "cpu" and not half else None
        if self.int8_text is not None:
            self._encode_tokens = self.int8_text
        elif self._can_trim:
            self._encode_tokens = self._encode_trimmed
        else:
            self._encode_tokens = model.encode_text
        self.text = TextEncoder(tokenizer, self._text_features, model_id, dim, self.logit_scale)

    @property
    def decode_min_side(self) -> int:
        """Decode photos at twice the input size: enough detail, far less work than full size."""
        return 2 * self.image_size

    @property
    def logit_scale(self) -> float:
        """How sharply the model separates matches (exp of its learned temperature): zero-shot
        tagging uses it to turn similarities into shares, as the model did in training."""
        scale = getattr(self.model, "logit_scale", None)
        return float(scale.detach().exp().item()) if scale is not None else 100.0

    @property
    def images_running(self) -> bool:
        """Whether images are being encoded right now (indexing)."""
        with self._running_lock:
            return self._images_running > 0

    def encode_images(self, batch: np.ndarray) -> np.ndarray:
        """(N, S, S, 3) uint8, already cropped to image_size -> (N, dim) unit vectors."""
        import torch

        if self.cpu_threads and torch.get_num_threads() != self.cpu_threads:
            torch.set_num_threads(self.cpu_threads)
        with self._running_lock:
            self._images_running += 1
        try:
            with torch.inference_mode(), self._precision():
                x = torch.from_numpy(np.ascontiguousarray(batch)).to(self.device)
                x = x.permute(0, 3, 1, 2).float()
                features = self.model.encode_image((x - self._mean) / self._std)
                features = torch.nn.functional.normalize(features.float(), dim=-1)
                return features.cpu().numpy()
        finally:
            with self._running_lock:
                self._images_running -= 1

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """Texts -> (N, dim) unit vectors, without paying for the padding of short texts."""
        return self.text.encode_texts(texts)

    def encode_text(self, text: str) -> np.ndarray:
        return self.text.encode_text(text)

    def _text_features(self, texts: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode(), _query_threads(self.cpu_threads, self.images_running), self._precision():
            tokens = torch.as_tensor(self.text.tokenizer(texts)).to(self.device)
            return self._encode_tokens(tokens).float().cpu().numpy()

    def _precision(self) -> contextlib.AbstractContextManager:
        """Autocast to half precision where the model runs in it (CUDA), else nothing."""
        import torch

        if self._half is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.partition(":")[0], dtype=self._half)

    def _encode_trimmed(self, tokens: torch.Tensor) -> torch.Tensor:
        """open_clip's encode_text on the first L positions only. The causal mask means no
        position attends to later ones, so cutting the padding changes nothing but the cost."""
        import torch
        from open_clip.transformer import text_global_pool

        model = self.model
        tokens = _trim_padding(tokens)
        length = tokens.shape[1]
        cast = model.transformer.get_cast_dtype()
        x = model.token_embedding(tokens).to(cast)
        x = x + model.positional_embedding[:length].to(cast)
        x = model.transformer(x, attn_mask=model.attn_mask[:length, :length])
        x = model.ln_final(x)
        x = text_global_pool(x, tokens, model.text_pool_type, eos_token_id=getattr(model, "text_eos_id", None))
        projection = model.text_projection
        if projection is not None:
            x = projection(x) if isinstance(projection, torch.nn.Linear) else x @ projection
        return x


class TextEncoder:
    """The text side of a CLIP: texts in, unit float32 vectors out. It is all that text
    searches and tagging need, so before the whole model is loaded it can come from its
    cached text tower alone (load_text_encoder)."""

    def __init__(
        self,
        tokenizer: Callable[[list[str]], Any],
        features: Callable[[list[str]], np.ndarray],
        model_id: str,
        dim: int,
        logit_scale: float,
    ) -> None:
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.dim = dim
        self.logit_scale = logit_scale
        self._features = features
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """Texts -> (N, dim) unit vectors. Raises ModelError rather than give a vector that is not
        a number, which would rank photos at random and could be kept as a tag's label."""
        features = np.asarray(self._features(list(texts)), dtype=np.float32)
        if not np.isfinite(features).all():
            raise ModelError(
                f"the model {self.model_id} gave no usable vector for this text; its weights file may be "
                "damaged: delete it to download it again, or choose another model"
            )
        return features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), np.float32(1e-12))

    def encode_text(self, text: str) -> np.ndarray:
        """One text, through a small LRU cache (people repeat and refine queries)."""
        with self._cache_lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vector = self.encode_texts([text])[0]
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > TEXT_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector


@contextmanager
def _query_threads(cpu_threads: int | None, indexing: bool) -> Iterator[None]:
    """A query's threads on a CPU: all the encoder's when nothing else runs (reading the int8
    weights goes about 1.4x faster on two cores than on one), one while images are being
    encoded, so that a query does not fight the indexer for the cores. torch's thread count
    is per calling thread, but a thread's first torch call copies a process-wide value that
    this briefly changes, which is why both paths state their count."""
    import torch

    if not cpu_threads:
        yield
        return
    wanted = 1 if indexing else cpu_threads
    previous = torch.get_num_threads()
    if previous != wanted:
        torch.set_num_threads(wanted)
    try:
        yield
    finally:
        if previous != wanted:
            torch.set_num_threads(previous)


def _trim_padding(tokens: torch.Tensor) -> torch.Tensor:
    return tokens[:, : min(kept_length(tokens), tokens.shape[1])]


class _Int8TextTower:
    """The text transformer with int8 weights (per output channel, dynamic activations).

    On a CPU a short query's cost is reading the weights from memory (150 MB in fp32 for
    ViT-B); int8 reads a quarter of that, about 2.5x faster than the fp32 tower in numpy, and
    the vectors keep a cosine of about 0.998 with the fp32 ones. A loaded model answers its
    queries with it; a fresh process has no torch for it and uses the numpy tower instead."""

    def __init__(self, tower: TextTower) -> None:
        import torch
        from torch.ao.nn.quantized.dynamic import Linear as QLinear
        from torch.ao.quantization import per_channel_dynamic_qconfig

        def packed(name: str) -> object:
            weight = torch.from_numpy(tower.arrays[f"{name}.weight"])
            linear = torch.nn.Linear(weight.shape[1], weight.shape[0])
            with torch.no_grad():
                linear.weight.copy_(weight)
                linear.bias.copy_(torch.from_numpy(tower.arrays[f"{name}.bias"]))
            linear.qconfig = per_channel_dynamic_qconfig
            quantized = QLinear.from_float(linear)
            return torch.ops.quantized.linear_prepack(quantized.weight(), quantized.bias())

        self.config = tower.config
        linears = {f"{i}.{n}" for i in range(tower.layers) for n in LINEARS}
        self.tensors = {
            k: torch.from_numpy(v) for k, v in tower.arrays.items() if k.rpartition(".")[0] not in linears
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._packed = [packed(f"{i}.{n}") for i in range(tower.layers) for n in LINEARS]

    @classmethod
    def build(cls, model: torch.nn.Module) -> _Int8TextTower | None:
        tower = TextTower.from_model(model)
        if tower is None:
            return None
        try:
            return cls(tower)
        except (ImportError, RuntimeError, AttributeError) as exc:  # a torch without int8 kernels
            log.info("int8 text encoder unavailable (%s); using fp32", exc)
            return None

    def __call__(self, tokens: torch.Tensor) -> torch.Tensor:
        import torch
        import torch.nn.functional as F

        t, heads, eps = self.tensors, self.config["heads"], self.config["eps"]
        tokens = _trim_padding(tokens)
        batch, length = tokens.shape
        width = t["embedding"].shape[1]

        def linear(x: torch.Tensor, index: int) -> torch.Tensor:
            return torch.ops.quantized.linear_dynamic(x, self._packed[index], reduce_range=True)

        def norm(x: torch.Tensor, name: str) -> torch.Tensor:
            return F.layer_norm(x, (width,), t[f"{name}.weight"], t[f"{name}.bias"], eps)

        def scaled(x: torch.Tensor, name: str) -> torch.Tensor:
            gamma = t.get(name)
            return x if gamma is None else x * gamma

        x = F.embedding(tokens, t["embedding"]) + t["positions"][:length]
        for i in range(self.config["layers"]):
            q, k, v = linear(norm(x, f"{i}.ln_1"), 4 * i).view(batch, length, 3, heads, -1).permute(2, 0, 3, 1, 4)
            attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + scaled(linear(attended.transpose(1, 2).reshape(batch, length, -1), 4 * i + 1), f"{i}.ls_1")
            hidden = linear(norm(x, f"{i}.ln_2"), 4 * i + 2)
            hidden = hidden * torch.sigmoid(1.702 * hidden) if self.config["quick_gelu"] else F.gelu(hidden)
            x = x + scaled(linear(hidden, 4 * i + 3), f"{i}.ls_2")
        x = norm(x, "ln_final")[torch.arange(batch), tokens.argmax(dim=-1)]
        x = x @ t["projection"]
        return x + t["projection_bias"] if "projection_bias" in t else x
