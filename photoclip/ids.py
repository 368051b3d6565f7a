"""Typed ids, so a photo id is never passed where a root id is meant."""

from __future__ import annotations

from typing import NewType

PhotoId = NewType("PhotoId", int)
RootId = NewType("RootId", int)
