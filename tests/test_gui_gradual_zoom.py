"""Whole zoom steps from a wheel's notches and a touchpad's fractions of them."""

from __future__ import annotations

from photoclip.gui.gradual_zoom import GradualZoom


def test_a_touchpads_fractions_of_a_notch_make_a_step_once_they_add_up() -> None:
    gradual = GradualZoom()
    assert [gradual.whole_steps(0.125) for _ in range(8)] == [0] * 7 + [1]
    assert gradual.whole_steps(2.5) == 2 and gradual.whole_steps(-0.25) == 0 and gradual.whole_steps(-0.5) == -0
    assert gradual.whole_steps(-1.0) == -1
    gradual.whole_steps(0.75)
    gradual.reset()  # an end reached, or another photo: a part turned then is no part of the next step
    assert gradual.whole_steps(0.5) == 0


def test_steps_are_taken_one_at_a_time_until_one_goes_no_further() -> None:
    taken: list[int] = []

    def step(way: int) -> bool:
        if len(taken) == 2:
            return False
        taken.append(way)
        return True

    gradual = GradualZoom()
    gradual.zoom(3.5, step)  # a flick: two steps to the end, the rest not kept for later
    assert taken == [1, 1] and gradual.whole_steps(0.5) == 0
