"""`python -m rrm` is `rrm`."""

from rrm.cli import main

main()
