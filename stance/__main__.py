"""``python -m stance``: the same as the ``stance`` command."""

from .cli import main

if __name__ == "__main__":
    main()
