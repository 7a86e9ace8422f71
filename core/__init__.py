"""DeepDials' engine: NumPy only, never Qt. Importing it pins the BLAS to one thread
(`core.blas`): the same config and seeds then give the same bits at any core count."""

from deepdials.core.blas import pin_one_thread

__version__ = "0.2.0"

pin_one_thread()
