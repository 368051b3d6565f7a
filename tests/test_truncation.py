from __future__ import annotations

import threading
import time

from PIL import ImageFile

from photoclip.truncation import TruncationSwitch


def _start(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_a_lenient_hold_waits_for_strict_ones_and_strict_ones_wait_for_it():
    switch = TruncationSwitch()
    events: list[str] = []
    strict_held, release_strict = threading.Event(), threading.Event()
    lenient_held, release_lenient = threading.Event(), threading.Event()

    def strict_first():
        with switch.strict():
            strict_held.set()
            release_strict.wait(5)
            events.append("strict done")

    def lenient():
        with switch.lenient():
            events.append(f"lenient {ImageFile.LOAD_TRUNCATED_IMAGES}")
            lenient_held.set()
            release_lenient.wait(5)
            events.append("lenient done")

    def strict_later():
        with switch.strict():
            events.append(f"strict later {ImageFile.LOAD_TRUNCATED_IMAGES}")

    first = _start(strict_first)
    strict_held.wait(5)
    second = _start(lenient)
    time.sleep(0.1)
    assert events == [] and not lenient_held.is_set()  # the lenient one waits for the strict one
    third = _start(strict_later)
    time.sleep(0.1)
    assert events == []  # and a new strict one waits behind the lenient one that waits
    release_strict.set()
    lenient_held.wait(5)
    time.sleep(0.1)
    assert events == ["strict done", "lenient True"]  # alone, with Pillow lenient
    release_lenient.set()
    for thread in (first, second, third):
        thread.join(5)
    assert events == ["strict done", "lenient True", "lenient done", "strict later False"]
    assert not ImageFile.LOAD_TRUNCATED_IMAGES


def test_a_thread_holding_it_goes_on_through_its_own_nested_holds():
    switch = TruncationSwitch()
    held, waiting_started, nested_done = threading.Event(), threading.Event(), threading.Event()

    def nested_strict():
        with switch.strict():
            held.set()
            waiting_started.wait(5)
            time.sleep(0.1)  # the lenient one below is waiting now
            with switch.strict():  # would wait for that one, which waits for this thread
                nested_done.set()

    def lenient_with_strict_inside():
        waiting_started.set()
        with switch.lenient(), switch.strict():
            assert ImageFile.LOAD_TRUNCATED_IMAGES

    first = _start(nested_strict)
    held.wait(5)
    second = _start(lenient_with_strict_inside)
    first.join(5)
    second.join(5)
    assert nested_done.is_set() and not first.is_alive() and not second.is_alive()
    assert not ImageFile.LOAD_TRUNCATED_IMAGES


def test_a_lenient_hold_gives_back_the_switch_as_it_found_it_when_its_decode_fails():
    switch = TruncationSwitch()
    try:
        with switch.lenient():
            raise OSError("broken")
    except OSError:
        pass
    assert not ImageFile.LOAD_TRUNCATED_IMAGES
    with switch.lenient():  # and can be had again
        assert ImageFile.LOAD_TRUNCATED_IMAGES
