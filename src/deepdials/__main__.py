"""`python -m deepdials`: the `deepdials` command."""

import sys

from deepdials.app.main import main

if __name__ == "__main__":
    sys.exit(main())
