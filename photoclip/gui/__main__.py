"""`python -m photoclip.gui` starts the desktop app."""

from __future__ import annotations

import sys

from photoclip.gui.app import main

sys.exit(main())
