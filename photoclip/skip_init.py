"""Building a network without its random initialisation, for weights a checkpoint then overwrites.

Constructing ViT-B-32 draws about 150 million random numbers that loading its checkpoint throws
away: 1.7 s of a 3 s load on two cores. Inside `without_random_init()`, torch.nn.init's functions
leave tensors as allocated, on the calling thread only: another thread building a network at the
same time still gets its initialisation.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_INIT_FUNCTIONS = (
    "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_",
)
_skipping = threading.local()
_install_lock = threading.Lock()


@contextmanager
def without_random_init() -> Iterator[None]:
    """Only for a network every parameter of which is then loaded (a strict load_state_dict):
    the parameters hold whatever memory they were given until then."""
    _install()
    _skipping.active = True
    try:
        yield
    finally:
        _skipping.active = False


def _install() -> None:
    import torch.nn.init

    with _install_lock:
        for name in _INIT_FUNCTIONS:
            function = getattr(torch.nn.init, name, None)
            if function is not None and not getattr(function, "skippable", False):
                setattr(torch.nn.init, name, _skippable(function))


def _skippable(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def initialise(tensor: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_skipping, "active", False):
            return tensor
        return function(tensor, *args, **kwargs)

    initialise.skippable = True  # type: ignore[attr-defined]
    return initialise
