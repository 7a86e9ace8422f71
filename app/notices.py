"""The licences of what DeepDials runs on, generated from the installed distributions'
metadata (and Python's own licence file), never typed by hand.

The standalone build writes them at build time into a folder inside the program
(`write_notices`), since a frozen program has no distribution metadata to read; an
installed DeepDials generates the same notices at run time (`notices`). Help → About
shows them either way (`shown_notices`).

A distribution's licence texts are the files its metadata names (`License-File`). One that
names none (PySide6-Essentials and shiboken6 give only an SPDX expression) gets the texts
of the licences in its expression from the system's licence folder where there is one
(Debian and Ubuntu: /usr/share/common-licenses), and otherwise the expression and the
address of each licence's text.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

# What the program ships beside the Python standard library: Qt comes inside
# PySide6-Essentials.
DISTRIBUTIONS = ("PySide6-Essentials", "shiboken6", "numpy", "pyqtgraph", "Pillow")
FOLDER = "third_party_notices"
SYSTEM_LICENCES = Path("/usr/share/common-licenses")
SPDX_TEXT = "https://spdx.org/licenses/{}.html"


@dataclass(frozen=True)
class Notice:
    """One component: its name and version, its licence, and the texts it ships with."""

    name: str
    version: str
    licence: str
    homepage: str
    texts: tuple[tuple[str, str], ...]  # (where the text comes from, the text)

    @property
    def title(self) -> str:
        return f"{self.name} {self.version}"

    def text(self) -> str:
        """The notice as one plain text: a header, then each licence text."""
        lines = [self.title, f"Licence: {self.licence}"]
        if self.homepage:
            lines.append(f"Home page: {self.homepage}")
        parts = ["\n".join(lines)]
        parts += [f"--- {source} ---\n\n{text.strip()}" for source, text in self.texts]
        return "\n\n".join(parts) + "\n"


def spdx_ids(expression: str) -> list[str]:
    """The licence identifiers of an SPDX expression, in order, without AND/OR/WITH."""
    words = re.findall(r"[A-Za-z0-9.+-]+", expression)
    return [w for w in words if w not in ("AND", "OR", "WITH")]


def licence_text(spdx_id: str) -> tuple[str, str]:
    """(source, text) of an SPDX licence: from the system's licence folder if it holds it
    (there `LGPL-3.0-only` is `LGPL-3`), else its address."""
    path = SYSTEM_LICENCES / re.sub(r"^(L?GPL-\d)\.\d(-only|-or-later)?$", r"\1", spdx_id)
    if path.is_file():
        return str(path), path.read_text(encoding="utf-8", errors="replace")
    address = SPDX_TEXT.format(spdx_id)
    return address, f"The text of {spdx_id}: {address}"


def homepage(meta) -> str:
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "homepage":
            return url.strip()
    return meta.get("Home-page") or ""


def distribution_notice(name: str) -> Notice:
    dist = metadata.distribution(name)
    meta = dist.metadata
    licence = meta.get("License-Expression") or meta.get("License") or "not stated"
    texts = []
    for file in meta.get_all("License-File") or []:
        text = dist.read_text(f"licenses/{file}") or dist.read_text(file)
        if text:
            texts.append((file, text))
    if not texts:
        texts = [licence_text(spdx_id) for spdx_id in spdx_ids(licence)]
    return Notice(meta["Name"], dist.version, licence, homepage(meta), tuple(texts))


def python_licence_file() -> Path | None:
    """Python's LICENSE.txt: beside the standard library, or at the installation's top
    (Windows); distributions that move it (Debian) leave None."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in (stdlib / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt"):
        if path.is_file():
            return path
    return None


def python_notice() -> Notice:
    path = python_licence_file()
    address = "https://docs.python.org/3/license.html"
    text = path.read_text(encoding="utf-8", errors="replace") if path else f"See {address}"
    version = ".".join(str(part) for part in sys.version_info[:3])
    return Notice(
        "Python", version, "PSF-2.0", "https://www.python.org", ((str(path or address), text),)
    )


def notices() -> list[Notice]:
    """The notices of Python and of every distribution the program ships, from metadata."""
    found = [python_notice(), *(distribution_notice(name) for name in DISTRIBUTIONS)]
    return sorted(found, key=lambda notice: notice.title.lower())


def write_notices(folder: Path) -> list[Path]:
    """One `NAME-VERSION.txt` per component in `folder`; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for notice in notices():
        path = folder / f"{notice.name}-{notice.version}.txt"
        path.write_text(notice.text(), encoding="utf-8")
        written.append(path)
    return written


def bundled_folder() -> Path | None:
    """The notices folder of the standalone build, or None when not frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / FOLDER if bundle else None


def shown_notices() -> list[tuple[str, str]]:
    """(title, text) of each notice: the build's folder when frozen, else from metadata."""
    folder = bundled_folder()
    if folder is None:
        texts = [notice.text() for notice in notices()]
    else:
        paths = sorted(folder.glob("*.txt"), key=lambda path: path.name.lower())
        texts = [path.read_text(encoding="utf-8") for path in paths]
    return [(text.partition("\n")[0], text) for text in texts]
