from __future__ import annotations

import threading

import pytest
import torch

from photoclip.skip_init import without_random_init


def test_inside_no_init_function_touches_the_tensor_and_outside_they_all_do() -> None:
    inside = torch.zeros(4, 4)
    with without_random_init():
        for init in (torch.nn.init.ones_, torch.nn.init.normal_, torch.nn.init.kaiming_uniform_,
                     torch.nn.init.xavier_uniform_, torch.nn.init.trunc_normal_):
            init(inside)
    outside = torch.zeros(4, 4)
    torch.nn.init.normal_(outside)
    assert torch.count_nonzero(inside) == 0 and torch.count_nonzero(outside) == 16


def test_another_thread_building_a_network_meanwhile_gets_its_initialisation() -> None:
    entered, done = threading.Event(), threading.Event()
    layers: list[torch.nn.LayerNorm] = []

    def load() -> None:
        with without_random_init():
            entered.set()
            done.wait(10)

    loading = threading.Thread(target=load)
    loading.start()
    entered.wait(10)
    try:
        layers.append(torch.nn.LayerNorm(8))
    finally:
        done.set()
        loading.join(10)
    assert torch.equal(layers[0].weight, torch.ones(8)) and torch.equal(layers[0].bias, torch.zeros(8))


def test_initialisation_comes_back_after_an_error_inside() -> None:
    with pytest.raises(RuntimeError), without_random_init():
        raise RuntimeError("a checkpoint that does not fit")
    assert torch.equal(torch.nn.LayerNorm(8).weight, torch.ones(8))
