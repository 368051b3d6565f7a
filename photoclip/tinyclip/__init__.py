"""The project's own tiny CLIP: synthetic scenes, their captions, and the trainer.

No pretrained CLIP weights can be downloaded where photoclip is built and tested, and a
random-weight model makes every search test meaningless. So the project trains a tiny
CLIP on synthetic photos of coloured shapes (`scenes`), with captions in plain English
(`captions`), and ships the weights in `resources/models/photoclip-tiny/`. `train` is
the build tool that rebuilds them; `scenes` also makes test fixtures for other tests.

`scenes` and `captions` use only Pillow, numpy and the standard library, so importing
them never pulls in torch.
"""
