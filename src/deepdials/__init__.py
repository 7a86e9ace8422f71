"""DeepDials: a desktop playground for the practical side of training deep networks.

One import name for the engine (`deepdials.core`), the window (`deepdials.app`) and
the presets, lessons and icons (`deepdials.resources`). The repository keeps them at
its top as core/, app/ and resources/; pyproject.toml's package-dir puts them here.
"""
