"""The one error type for bad input: configs, CSV files, command-line values.

Every message names what is wrong (a key path, a file, a row) and what is allowed, so
the command line can print it on one line and the window can show it as is. Whatever a
file put into a message (a key, a path, a cell) could hold a newline, a terminal escape
or a megabyte of text: `one_line` makes any message one printable line of bounded length.
"""

MAX_MESSAGE_CHARS = 400


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` with every unprintable character escaped (\\n, \\x1b, \\udcff), cut at `limit`."""
    out = []
    for ch in str(text):
        if ch.isprintable():
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
    line = "".join(out)
    return line if len(line) <= limit else line[: limit - 1] + "…"


class InputError(ValueError):
    """Bad input from a user: a config value, a data file, a command-line option. Its
    message is always one printable line (`one_line`)."""

    def __init__(self, message: str):
        super().__init__(one_line(message))


class CancelledError(Exception):
    """A long computation stopped because its caller asked it to (the window closing)."""
