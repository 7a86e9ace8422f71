"""The one error type for bad input: configs, CSV files, command-line values.

Every message names what is wrong (a key path, a file, a row) and what is allowed,
so the command line can print it on one line and the window can show it as is.
"""


class InputError(ValueError):
    """Bad input from a user: a config value, a data file, a command-line option."""


class CancelledError(Exception):
    """A long computation stopped because its caller asked it to (the window closing)."""
