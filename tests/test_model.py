from __future__ import annotations

import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy

from photoclip.config import DEFAULT_MODEL
from photoclip.errors import ModelError, ModelUnavailableError
from photoclip.library import Library
from photoclip.model import (
    _format_1_text_tower_path,
    _text_tower_path,
    cached_weights,
    check_known,
    fetch_weights,
    load_encoder,
    load_text_encoder,
    model_cache_dir,
    pick_device,
    resolve_model,
    shipped_models,
    weight_urls,
)
from tests.helpers import as_an_unprivileged_user, needs_cuda

TINY = "photoclip-tiny"


def test_default_model_is_vit_b_32_256_datacomp() -> None:
    spec = resolve_model(None)
    assert (spec.arch, spec.pretrained) == ("ViT-B-32-256", "datacomp_s34b_b86k")
    assert spec.label == DEFAULT_MODEL


def test_shipped_tiny_model_resolves_to_its_files() -> None:
    spec = resolve_model(TINY)
    assert spec == shipped_models()[TINY]
    assert spec.config.is_file() and spec.checkpoint.suffix == ".safetensors"
    assert spec.label == TINY


def test_a_shipped_architecture_with_other_weights_is_labelled_with_their_file(tmp_path: Path) -> None:
    weights = tmp_path / "mine.safetensors"
    shutil.copy(resolve_model(TINY).checkpoint, weights)
    assert resolve_model(TINY, model_file=weights).label == f"{TINY} (mine.safetensors)"


def test_an_architecture_without_tag_or_file_is_refused_with_its_tags() -> None:
    with pytest.raises(ModelError, match=r"^model 'ViT-L-14' needs a pretrained tag \(ViT-L-14:openai or ViT-L-14:"):
        resolve_model("ViT-L-14")


@pytest.mark.parametrize(("typed", "meant"), [("Vit-B-32-265", "ViT-B-32-256:datacomp_s34b_b86k"),
                                              ("photoclip-tin", TINY)])
def test_a_misspelt_model_name_is_refused_with_the_one_meant(typed: str, meant: str) -> None:
    with pytest.raises(ModelError, match=f"^unknown model '{typed}'; did you mean {meant}\\? `photoclip models`"):
        resolve_model(typed)
    with pytest.raises(ModelError, match="^unknown model architecture 'vit-b-32-256'; did you mean ViT-B-32-256:"):
        check_known(resolve_model("vit-b-32-256:datacomp_s34b_b86k"))


def test_the_shipped_model_is_known_in_any_case_and_takes_no_tag() -> None:
    assert resolve_model("PHOTOCLIP-TINY") == resolve_model(TINY)
    with pytest.raises(ModelError, match=f"^{TINY} comes with photoclip and takes no pretrained tag; use --model"):
        resolve_model(f"{TINY}:foo")


def test_a_missing_model_file_is_refused_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model("ViT-B-32", model_file=tmp_path / "nope.safetensors")


def test_a_folder_given_for_the_model_file_names_the_weights_file_in_it(tmp_path: Path) -> None:
    snapshot = tmp_path / "ViT-B-32"  # a model's folder, as a hub downloads it
    snapshot.mkdir()
    (snapshot / "open_clip_config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError) as refused:
        resolve_model("ViT-B-32", model_file=snapshot)
    assert str(refused.value) == (f"{snapshot} is a folder; give the model weights file (a .safetensors file or a "
                                  "PyTorch checkpoint) with --model-file, or pick it in Settings")
    (snapshot / "open_clip_model.safetensors").write_bytes(b"")
    with pytest.raises(ModelError) as refused:
        resolve_model("ViT-B-32", model_file=snapshot)
    assert str(refused.value) == (f"{snapshot} is a folder; give its weights file, "
                                  f"{snapshot / 'open_clip_model.safetensors'}, with --model-file, or pick it in "
                                  "Settings")


def test_model_id_follows_the_weights_file_content(tmp_path: Path) -> None:
    a, b = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    header = (2).to_bytes(8, "little") + b"{}"  # an empty safetensors file
    a.write_bytes(header + b"one")
    b.write_bytes(header + b"two")
    assert resolve_model("ViT-B-32", a).model_id != resolve_model("ViT-B-32", b).model_id
    assert resolve_model("ViT-B-32:openai").model_id == "ViT-B-32/openai"


def test_model_id_follows_a_weights_file_rewritten_in_place(tmp_path: Path) -> None:
    weights = tmp_path / "w.safetensors"
    header = (2).to_bytes(8, "little") + b"{}"
    weights.write_bytes(header + b"one")
    before = resolve_model("ViT-B-32", weights).model_id
    assert resolve_model("ViT-B-32", weights).model_id == before
    weights.write_bytes(header + b"two")
    later = weights.stat().st_mtime_ns + 1_000_000_000
    os.utime(weights, ns=(later, later))
    assert resolve_model("ViT-B-32", weights).model_id != before


@pytest.mark.parametrize(("given", "shown"), [(None, "GOMP_SPINCOUNT = '0'"), ("ACTIVE", "OMP_WAIT_POLICY = 'ACTIVE'")])
def test_torch_threads_that_wait_sleep_unless_told_otherwise(given: str | None, shown: str) -> None:
    """A waiting torch thread that spins holds a core that decoding photos needs while indexing.
    OpenMP reads the policy once, when torch loads, so a fresh process shows what it got."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    env["OMP_DISPLAY_ENV"] = "VERBOSE"
    if given is not None:
        env["OMP_WAIT_POLICY"] = given
    code = (
        "from photoclip.model import load_encoder, resolve_model\n"
        "load_encoder(resolve_model('photoclip-tiny')).encode_texts(['a red circle'])"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    if "GOMP_SPINCOUNT" not in result.stderr:
        pytest.skip("torch here does not run on GNU OpenMP, which says how long its threads spin")
    assert shown in result.stderr


def test_default_weights_come_from_the_hub_repo_of_the_tag() -> None:
    urls = weight_urls(resolve_model(None))
    assert urls[0].endswith("laion/CLIP-ViT-B-32-256x256-DataComp-s34B-b86K/resolve/main/open_clip_model.safetensors")


def test_unknown_pretrained_tag_lists_the_known_ones() -> None:
    with pytest.raises(ModelError, match="datacomp_s34b_b86k"):
        weight_urls(resolve_model("ViT-B-32-256:no-such-tag"))


def test_offline_the_error_names_the_model_and_the_way_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with Library.open(tmp_path / "lib", model=DEFAULT_MODEL) as library:
        with pytest.raises(ModelUnavailableError) as info:
            library.search("a dog")
    message = str(info.value)
    assert "ViT-B-32-256:datacomp_s34b_b86k" in message and "--model-file" in message
    assert "--model photoclip-tiny" in message and "no connection to 127.0.0.1:9" in message
    assert "\n" not in message
    assert (info.value.model, info.value.reason) == ("ViT-B-32-256:datacomp_s34b_b86k", "no connection to 127.0.0.1:9")


@pytest.mark.parametrize(("settings", "said", "unset"), [
    ({"PHOTOCLIP_OFFLINE": "1"}, "PHOTOCLIP_OFFLINE=1", "PHOTOCLIP_OFFLINE"),
    ({"HF_HUB_OFFLINE": "true"}, "HF_HUB_OFFLINE=true", "HF_HUB_OFFLINE"),
    ({"PHOTOCLIP_OFFLINE": "yes", "HF_HUB_OFFLINE": "1"}, "PHOTOCLIP_OFFLINE=yes and HF_HUB_OFFLINE=1",
     "PHOTOCLIP_OFFLINE and HF_HUB_OFFLINE"),  # both: unsetting one left the other in the way
])
def test_offline_by_a_setting_the_error_says_to_unset_it_not_to_connect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: dict[str, str], said: str, unset: str
) -> None:
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with Library.open(tmp_path / "lib", model=DEFAULT_MODEL) as library:
        with pytest.raises(ModelUnavailableError) as info:
            library.search("a dog")
    message = str(info.value)
    assert f"offline mode is on ({said}). Unset {unset} to download it once, or get" in message
    assert "internet" not in message


@pytest.mark.parametrize("value", ["0", "false", "no", "off", ""])
def test_an_offline_setting_of_no_is_no_offline_mode(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """PHOTOCLIP_OFFLINE=0 kept photoclip offline."""
    from photoclip.download import offline_settings

    monkeypatch.setenv("PHOTOCLIP_OFFLINE", value)
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert offline_settings() == ()


WEIGHTS = safetensors.numpy.save({"w": np.arange(1000, dtype=np.float32)})  # a whole weights file, 4 kB of data
HUB_WEIGHTS = "laion/CLIP-ViT-B-32-256x256-DataComp-s34B-b86K/resolve/main/open_clip_model.safetensors"


class _Hub(http.server.BaseHTTPRequestHandler):
    """The model hub on loopback: the weights whole, or the first `cut` bytes of them with no
    length said (a proxy or server that closes early)."""

    cut: int | None = None

    def do_GET(self) -> None:
        body = WEIGHTS[:self.cut] if self.cut is not None else WEIGHTS
        self.send_response(200)
        if self.cut is None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Hub]]:
    handler = type("Hub", (_Hub,), {})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{httpd.server_address[1]}")
    yield handler
    httpd.shutdown()
    httpd.server_close()


def test_pretrained_weights_download_into_the_user_cache_once(hub) -> None:
    spec = resolve_model(None)
    progress: list[int] = []
    path = fetch_weights(spec, progress=lambda done, total: progress.append(done))
    assert path.name == "open_clip_model.safetensors" and path.read_bytes() == WEIGHTS
    assert progress[-1] == len(WEIGHTS)
    assert cached_weights(spec) == path
    hub.cut = 0  # nothing more comes from the hub
    assert fetch_weights(spec) == path


def test_a_download_cut_short_with_no_length_said_is_not_kept(hub) -> None:
    """It was kept as the model, and every start then failed to load it ("invalid JSON in header")."""
    hub.cut = len(WEIGHTS) - 1000
    spec = resolve_model(None)
    with pytest.raises(ModelUnavailableError, match="is not whole"):
        fetch_weights(spec)
    assert cached_weights(spec) is None
    hub.cut = None
    assert fetch_weights(spec).read_bytes() == WEIGHTS


def test_weights_cached_cut_short_are_downloaded_again(hub) -> None:
    spec = resolve_model(None)
    cut = model_cache_dir() / spec.arch / str(spec.pretrained) / "open_clip_model.safetensors"
    cut.parent.mkdir(parents=True)
    cut.write_bytes(WEIGHTS[:-10])
    assert fetch_weights(spec).read_bytes() == WEIGHTS


@pytest.mark.parametrize("variable", ["HF_HOME", "HF_HUB_CACHE", "XDG_CACHE_HOME"])
def test_weights_another_program_fetched_into_the_hugging_face_cache_are_used_offline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str
) -> None:
    monkeypatch.setenv("PHOTOCLIP_OFFLINE", "1")
    for name in ("HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, str(tmp_path / "cache"))
    hub = {"HF_HOME": tmp_path / "cache" / "hub", "HF_HUB_CACHE": tmp_path / "cache",
           "XDG_CACHE_HOME": tmp_path / "cache" / "huggingface" / "hub"}[variable]
    snapshot = hub / "models--laion--CLIP-ViT-B-32-256x256-DataComp-s34B-b86K" / "snapshots" / "a1b2c3"
    snapshot.mkdir(parents=True)
    (snapshot / "open_clip_pytorch_model.bin").write_bytes(b"weights")
    assert fetch_weights(resolve_model(None)) == snapshot / "open_clip_pytorch_model.bin"


def test_tiny_model_encodes_unit_vectors_of_its_dimension() -> None:
    enc = load_encoder(resolve_model(TINY))
    images = enc.encode_images(np.zeros((3, enc.image_size, enc.image_size, 3), np.uint8))
    texts = enc.encode_texts(["a red circle", "a blue square on grass"])
    assert images.shape == (3, enc.dim) and texts.shape == (2, enc.dim)
    np.testing.assert_allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)


def test_a_thread_that_starts_indexing_during_a_query_still_encodes_on_all_its_threads() -> None:
    import torch

    enc = load_encoder(resolve_model(TINY), threads=2, device="cpu")
    seen: list[int] = []
    hook = enc.model.visual.register_forward_pre_hook(lambda module, args: seen.append(torch.get_num_threads()))
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # what a text query leaves as the process-wide default while it runs
    try:
        batch = np.zeros((2, enc.image_size, enc.image_size, 3), np.uint8)
        worker = threading.Thread(target=enc.encode_images, args=(batch,))
        worker.start()
        worker.join()
    finally:
        torch.set_num_threads(previous)
        hook.remove()
    assert seen == [2]


def test_a_query_uses_every_thread_unless_images_are_being_encoded() -> None:
    import torch

    enc = load_encoder(resolve_model(TINY), threads=2, device="cpu")
    seen: list[int] = []
    tokenizer = enc.text.tokenizer

    def counting(texts: list[str]) -> torch.Tensor:
        seen.append(torch.get_num_threads())
        return tokenizer(texts)

    enc.text.tokenizer = counting
    started, release = threading.Event(), threading.Event()

    def hold(module, args) -> None:
        started.set()
        release.wait(10)

    holding = enc.model.visual.register_forward_pre_hook(hold)
    try:
        enc.encode_texts(["a red circle"])  # nothing else runs: both threads
        worker = threading.Thread(target=enc.encode_images, args=(np.zeros((1, enc.image_size, enc.image_size, 3), np.uint8),))
        worker.start()
        assert started.wait(10)
        enc.encode_texts(["a blue square"])  # indexing: one thread, the cores are the indexer's
        release.set()
        worker.join()
        enc.encode_texts(["a green star"])
    finally:
        release.set()
        enc.text.tokenizer = tokenizer
        holding.remove()
    assert seen == [2, 1, 2] and not enc.images_running


TEXTS = ["cake", "kids at the lake last summer", "a red circle and a blue square on grass", "a green star"]


def padded_reference(enc, texts: list[str]) -> np.ndarray:
    """open_clip's own encode_text over the full padded context, in fp32."""
    import torch

    with torch.inference_mode():
        features = enc.model.encode_text(torch.as_tensor(enc.tokenizer(texts)).to(enc.device))
        return torch.nn.functional.normalize(features.float(), dim=-1).cpu().numpy()


def test_trimmed_text_encoding_equals_open_clips_padded_one() -> None:
    import torch

    enc = load_encoder(resolve_model(TINY), device="cpu")
    with torch.inference_mode():
        trimmed = enc._encode_trimmed(torch.as_tensor(enc.tokenizer(TEXTS)))
        trimmed = torch.nn.functional.normalize(trimmed, dim=-1).numpy()
    np.testing.assert_allclose(trimmed, padded_reference(enc, TEXTS), atol=1e-5)


@pytest.mark.parametrize("text", ["party!;", "sunset!??"])
def test_a_query_with_a_word_opening_in_an_exclamation_mark_is_encoded_whole(text: str) -> None:
    """"!" opening a word is token 0, the padding's id: the tokens after it were cut off."""
    import torch

    enc = load_encoder(resolve_model(TINY), device="cpu")
    with torch.inference_mode():
        trimmed = torch.nn.functional.normalize(enc._encode_trimmed(torch.as_tensor(enc.tokenizer([text]))), dim=-1)
    np.testing.assert_allclose(trimmed.numpy(), padded_reference(enc, [text]), atol=1e-5)
    assert (enc.encode_texts([text]) * padded_reference(enc, [text])).sum() > 0.99


def test_int8_text_vectors_stay_within_a_hair_of_fp32() -> None:
    enc = load_encoder(resolve_model(TINY), device="cpu")
    assert enc.int8_text is not None, "CPU text queries should use the int8 tower"
    cosines = (enc.encode_texts(TEXTS) * padded_reference(enc, TEXTS)).sum(axis=1)
    assert cosines.min() > 0.99


def test_int8_text_keeps_the_ranking_of_fp32() -> None:
    import random

    from photoclip.imaging import prepare_for_model
    from photoclip.tinyclip.scenes import random_scene, render

    enc = load_encoder(resolve_model(TINY), device="cpu")
    rng = random.Random("int8-ranking")
    crops = np.stack([prepare_for_model(render(random_scene(rng), 128), enc.image_size) for _ in range(60)])
    images = enc.encode_images(crops)
    queries = ["a red circle", "a blue square", "a yellow star on sand", "a white triangle at night", "green"]
    fast = np.argsort(-(enc.encode_texts(queries) @ images.T), axis=1)[:, :5]
    exact = np.argsort(-(padded_reference(enc, queries) @ images.T), axis=1)[:, :5]
    assert (fast[:, 0] == exact[:, 0]).all()
    assert all(len(set(f) & set(e)) >= 4 for f, e in zip(fast, exact))


def dtypes_computed(encoder, encode: Callable[[], object]) -> set:
    """The dtypes the model's linear layers and convolutions gave while `encode` ran."""
    import torch

    seen: set = set()
    layers = [m for m in encoder.model.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]
    hooks = [m.register_forward_hook(lambda module, args, out: seen.add(out.dtype)) for m in layers]
    try:
        encode()
    finally:
        for hook in hooks:
            hook.remove()
    return seen


def scene_crops(size: int, seed: str, count: int = 8) -> np.ndarray:
    import random

    from photoclip.imaging import prepare_for_model
    from photoclip.tinyclip.scenes import random_scene, render

    rng = random.Random(seed)
    return np.stack([prepare_for_model(render(random_scene(rng), 128), size) for _ in range(count)])


@pytest.mark.parametrize("name", [TINY, "coca_ViT-B-32:laion2b_s13b_b90k"])
def test_a_model_in_half_precision_as_on_cuda_encodes_as_it_does_in_fp32(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CUDA runs a model in half precision (autocast), every architecture: CoCa too, whose pooler
    open_clip's own fp16 leaves in fp32. The CPU stands in for the GPU here."""
    import torch

    import photoclip.model

    monkeypatch.setattr(photoclip.model, "_loaded", {})
    torch.manual_seed(0)  # random weights (CoCa's): the same ones both times
    full = load_encoder(resolve_model(name), device="cpu", random_weights=name != TINY)
    monkeypatch.setattr(photoclip.model, "_loaded", {})
    monkeypatch.setattr(photoclip.model, "_half_precision", lambda device: torch.float16)
    torch.manual_seed(0)
    half = load_encoder(resolve_model(name), device="cpu", random_weights=name != TINY)
    crops = scene_crops(full.image_size, "half precision")
    assert half.int8_text is None
    assert dtypes_computed(half, lambda: half.encode_images(crops)) == {torch.float16}
    assert dtypes_computed(half, lambda: half.text.encode_texts(["a new text"])) == {torch.float16}
    assert (half.encode_images(crops) * full.encode_images(crops)).sum(axis=1).min() > 0.99
    assert (half.encode_texts(TEXTS) * full.encode_texts(TEXTS)).sum(axis=1).min() > 0.99


@needs_cuda
def test_on_cuda_a_model_runs_in_half_precision_and_encodes_as_on_the_cpu() -> None:
    import torch

    cpu = load_encoder(resolve_model(TINY), device="cpu")
    gpu = load_encoder(resolve_model(TINY), device="cuda")
    crops = scene_crops(cpu.image_size, "on cuda")
    assert gpu.model.visual.conv1.weight.is_cuda
    assert dtypes_computed(gpu, lambda: gpu.encode_images(crops)) == {torch.float16}
    assert (gpu.encode_images(crops) * cpu.encode_images(crops)).sum(axis=1).min() > 0.99
    assert (gpu.encode_texts(TEXTS) * padded_reference(cpu, TEXTS)).sum(axis=1).min() > 0.99


@pytest.mark.skipif(importlib.util.find_spec("transformers") is not None, reason="transformers is installed")
def test_a_model_whose_tokenizer_needs_a_missing_package_says_which_before_any_download() -> None:
    """Offline here, a download would fail first: the package is named before the weights are fetched."""
    with pytest.raises(ModelError, match=r"^ViT-B-16-SigLIP:webli needs the Python package transformers for its "
                                         r"tokenizer; install it into photoclip's environment \(pip install "
                                         r"transformers\), or use another model$"):
        load_encoder(resolve_model("ViT-B-16-SigLIP:webli"), device="cpu")


def test_repeated_queries_come_from_the_text_cache() -> None:
    enc = load_encoder(resolve_model(TINY))
    first = enc.encode_text("a green star")
    assert enc.encode_text("a green star") is first


def test_a_local_torch_checkpoint_loads_offline(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    tiny = resolve_model(TINY)
    state = load_file(str(tiny.checkpoint))
    torch.save(state, tmp_path / "tiny.pt")
    spec = resolve_model(TINY, model_file=tmp_path / "tiny.pt")
    enc = load_encoder(spec)
    ref = load_encoder(tiny)
    np.testing.assert_allclose(enc.encode_texts(["a red star"]), ref.encode_texts(["a red star"]), atol=1e-5)


def fresh_tiny(tmp_path: Path):
    """The tiny model from a file of its own: weights this process has not loaded yet."""
    weights = tmp_path / "tiny.safetensors"
    shutil.copy(resolve_model(TINY).checkpoint, weights)
    return resolve_model(TINY, model_file=weights)


def test_a_model_loaded_from_a_file_holds_every_weight_of_the_file(tmp_path: Path) -> None:
    """Construction skips its random initialisation, which the checkpoint overwrites: no
    parameter may be left as allocated."""
    import torch
    from safetensors.torch import load_file

    spec = fresh_tiny(tmp_path)
    saved = load_file(str(spec.checkpoint))
    loaded = load_encoder(spec, device="cpu").model.state_dict()
    assert set(saved) <= set(loaded)
    assert all(torch.equal(loaded[name], saved[name]) for name in saved)
    assert all(name in saved for name, _ in load_encoder(spec, device="cpu").model.named_parameters())


def test_a_model_on_random_weights_is_initialised() -> None:
    import torch

    encoder = load_encoder(resolve_model(TINY), random_weights=True)
    norms = [m for m in encoder.model.modules() if isinstance(m, torch.nn.LayerNorm)]
    assert norms and all(torch.equal(m.weight, torch.ones_like(m.weight)) for m in norms)
    assert all(torch.isfinite(p).all() and p.abs().sum() > 0 for p in encoder.model.parameters() if p.dim() > 1)


def test_the_text_tower_alone_gives_the_vectors_of_the_whole_model(tmp_path: Path) -> None:
    spec = fresh_tiny(tmp_path)
    assert load_text_encoder(spec) is None  # never loaded here: nothing cached yet
    whole = load_encoder(spec, device="cpu")
    alone = load_text_encoder(spec)
    assert alone is not None
    assert (alone.model_id, alone.dim, alone.logit_scale) == (whole.model_id, whole.dim, whole.logit_scale)
    np.testing.assert_allclose(alone.encode_texts(TEXTS), padded_reference(whole, TEXTS), atol=1e-5)


def test_a_text_tower_cached_in_the_old_format_is_replaced(tmp_path: Path) -> None:
    spec = fresh_tiny(tmp_path)
    old = _format_1_text_tower_path(spec)
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"an int8 tower saved by torch")
    load_encoder(spec)
    assert _text_tower_path(spec).is_file() and not old.exists()


def test_a_weights_file_rewritten_in_place_does_not_leave_its_old_text_tower_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big weights file is fingerprinted by its ends, so new text weights written in place keep
    the model's id; its cached tower must not keep answering with the old ones."""
    from safetensors.torch import load_file, save_file

    import photoclip.model

    state = load_file(str(resolve_model(TINY).checkpoint))
    big = tmp_path / "big.safetensors"
    padding = {"padding": "x" * (66 << 20)}  # past 64 MiB, with the tensors between the ends
    save_file(state, str(big), metadata=padding)
    spec = resolve_model(TINY, model_file=big)
    load_encoder(spec)
    assert load_text_encoder(spec) is not None
    state["text_projection"] = state["text_projection"].flip(0)
    save_file(state, str(big), metadata=padding)
    assert resolve_model(TINY, model_file=big).model_id == spec.model_id
    assert load_text_encoder(spec) is None
    monkeypatch.setattr(photoclip.model, "_loaded", {})
    whole = load_encoder(spec, device="cpu")
    alone = load_text_encoder(spec)
    assert alone is not None
    np.testing.assert_allclose(alone.encode_texts(TEXTS), padded_reference(whole, TEXTS), atol=1e-5)


def test_a_text_vector_that_is_not_a_number_is_an_error_not_a_ranking(tmp_path: Path) -> None:
    from safetensors.torch import load_file, save_file

    state = load_file(str(resolve_model(TINY).checkpoint))
    state["positional_embedding"][1, 5] = float("nan")
    save_file(state, str(tmp_path / "damaged.safetensors"))
    spec = resolve_model(TINY, model_file=tmp_path / "damaged.safetensors")
    load_encoder(spec)  # its int8 tower makes numbers of NaN; the fp32 one cached for searches does not
    with pytest.raises(ModelError, match="gave no usable vector for this text; its weights file may be damaged"):
        load_text_encoder(spec).encode_texts(["a red circle"])


def test_a_text_tower_that_cannot_be_read_now_is_kept(tmp_path: Path) -> None:
    prefix = as_an_unprivileged_user()
    if prefix is None:
        pytest.skip("cannot drop root's power to read every file here")
    spec = fresh_tiny(tmp_path)
    load_encoder(spec)
    cached = _text_tower_path(spec)
    cached.chmod(0)
    code = ("import sys\nfrom photoclip.model import load_text_encoder, resolve_model\n"
            "print(load_text_encoder(resolve_model('photoclip-tiny', model_file=sys.argv[1])))")
    result = subprocess.run([*prefix, sys.executable, "-c", code, str(spec.checkpoint)], capture_output=True,
                            text=True, timeout=120, cwd=Path(__file__).parent.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "None" and cached.exists()


def test_a_damaged_text_tower_cache_only_means_loading_the_whole_model(tmp_path: Path) -> None:
    spec = fresh_tiny(tmp_path)
    load_encoder(spec)
    cached = _text_tower_path(spec)
    cached.write_bytes(cached.read_bytes()[: cached.stat().st_size // 2])
    assert load_text_encoder(spec) is None
    assert not cached.exists()


def test_a_text_tower_saved_for_other_weights_is_not_used(tmp_path: Path) -> None:
    spec = fresh_tiny(tmp_path)
    load_encoder(spec)
    changed = tmp_path / "changed.safetensors"
    changed.write_bytes(spec.checkpoint.read_bytes() + b" ")
    other = resolve_model(TINY, model_file=changed)
    shutil.copy(_text_tower_path(spec), _text_tower_path(other))
    assert load_text_encoder(other) is None


COUNT_VOCABULARY_READS = """
import sys, threading
from photoclip.model import load_encoder, load_text_encoder, resolve_model
reads = 0
def spy(frame, event, arg):
    global reads
    if event == "call" and frame.f_code.co_qualname == "_vocabulary":
        reads += 1
sys.setprofile(spy)
threading.setprofile(spy)
spec = resolve_model("photoclip-tiny", model_file=sys.argv[2])
texts = [load_text_encoder(spec)] if sys.argv[1] == "both" else []
for text in [*texts, load_encoder(spec).text]:
    text.encode_texts(["a red circle"])
sys.setprofile(None)
print(reads)
"""


def test_a_fresh_process_reads_the_tokenizer_vocabulary_once(tmp_path: Path) -> None:
    """Reading the 49k merges of the BPE vocabulary is a tenth of a second of a fresh search: the
    text tower and then the whole model (as the app loads them) share one reading. Counted as the
    reading is entered, in fresh processes: the whole model first (which caches its text tower)."""
    spec = fresh_tiny(tmp_path)
    reads = []
    for load in ("whole", "both"):
        result = subprocess.run([sys.executable, "-c", COUNT_VOCABULARY_READS, load, str(spec.checkpoint)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        reads.append(int(result.stdout.split()[-1]))
    assert _text_tower_path(spec).is_file()
    assert reads == [1, 1]


@pytest.mark.parametrize("arch", [TINY, "ViT-B-32-256"])
def test_the_shared_tokenizer_tokenizes_as_open_clips_own(arch: str) -> None:
    """The model's tokenizer is open_clip's module-wide one given the model's context length: it
    must cut and pad texts exactly as the one open_clip would build for the model."""
    import open_clip

    from photoclip.model import _model_tokenizer

    open_clip.add_model_config(str(resolve_model(TINY).config))
    texts = ["a red circle", "kids at the lake last summer, " * 20, "Été à Noël, 奶奶的生日!"]
    ours = _model_tokenizer(arch, open_clip.get_model_config(arch)["text_cfg"])
    assert ours(texts).tolist() == open_clip.get_tokenizer(arch)(texts).tolist()


def test_weights_that_do_not_fit_the_architecture_are_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "other.safetensors"
    shutil.copy(resolve_model(TINY).checkpoint, bad)
    with pytest.raises(ModelError) as refused:
        load_encoder(resolve_model("ViT-B-32", model_file=bad))
    assert str(refused.value) == (f"{bad} is not a checkpoint of ViT-B-32: its weights do not fit that model; give "
                                  "the --model it was made for (its download page names it)")


def test_a_weights_file_cut_short_says_to_download_it_again(tmp_path: Path) -> None:
    cut = tmp_path / "open_clip_model.safetensors"
    cut.write_bytes(resolve_model(TINY).checkpoint.read_bytes()[:300_000])
    with pytest.raises(ModelError) as refused:
        load_encoder(resolve_model("ViT-B-32", model_file=cut))
    assert str(refused.value) == (f"{cut} is cut short or damaged (a download that did not finish, or a copy that "
                                  "failed); download it again")


class _Ran:
    """Unpickled, it would create the file named: code a checkpoint must never run."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_checkpoint_that_would_run_code_is_refused_and_never_run(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    ran = tmp_path / "ran"
    state = dict(load_file(str(resolve_model(TINY).checkpoint)), trap=_Ran(str(ran)))
    torch.save(state, tmp_path / "shared.pt")
    with pytest.raises(ModelError, match=r"shared.pt holds more than weights \(code that would run when it is "
                                         r"loaded\), so photoclip will not load it; use a .safetensors file"):
        load_encoder(resolve_model(TINY, model_file=tmp_path / "shared.pt"))
    assert not ran.exists()


def test_a_file_that_holds_no_weights_is_named_before_torch_reads_it(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("these are not weights\n", encoding="utf-8")
    with pytest.raises(ModelError, match="is not a model weights file; give a .safetensors file or a PyTorch"):
        resolve_model("ViT-B-32", model_file=text)
    page = tmp_path / "open_clip_model.safetensors"
    page.write_text("<!DOCTYPE html><html>Access to model denied</html>\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"holds no model weights \(a download cut short, or a web page saved in its "
                                         r"place\); download it again"):
        resolve_model("ViT-B-32", model_file=page)


def test_asking_for_cuda_without_a_gpu_says_what_to_do() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelError, match=r"^device 'cuda' asked for, but no CUDA GPU is usable here; run the model "
                                         r"on the CPU or let photoclip choose \(--device auto, or Settings in the "
                                         r"app\)$"):
        pick_device("cuda")
    assert pick_device("auto") in ("cpu", "mps")


def test_an_unknown_device_names_the_ones_there_are() -> None:
    with pytest.raises(ModelError, match="unknown device 'gpu'; use auto, cpu, cuda or mps"):
        pick_device("gpu")
    assert pick_device(" CPU ") == "cpu"
    assert pick_device("cpu") == "cpu"


def test_two_copies_of_the_same_weights_keep_a_text_tower_each(tmp_path: Path) -> None:
    """Same bytes, same model id; a tower shared between them was rewritten by each in turn,
    each finding it saved from the other file (a whole model load on every other search)."""
    copies = []
    for name in ("a", "b"):
        shutil.copy(resolve_model(TINY).checkpoint, tmp_path / f"{name}.safetensors")
        copies.append(resolve_model(TINY, model_file=tmp_path / f"{name}.safetensors"))
    assert copies[0].model_id == copies[1].model_id
    for spec in copies:
        load_encoder(spec)
    assert all(load_text_encoder(spec) is not None for spec in copies)
