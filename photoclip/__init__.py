"""photoclip: find, tag and tidy your photos with CLIP, on your own machine."""

__version__ = "0.1.0"
