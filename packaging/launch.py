"""The frozen program's entry point: the same `deepdials` command as the installed one."""

import sys

from deepdials.app.main import main

if __name__ == "__main__":
    sys.exit(main())
