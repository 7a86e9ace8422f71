"""DeepDials' engine: NumPy only, never Qt."""

__version__ = "0.2.0"
