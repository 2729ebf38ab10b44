"""``python -m onemap``: the same as the ``onemap`` command."""

from onemap.cli import main

main()
