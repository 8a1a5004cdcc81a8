"""``python -m cioctl``."""

from cioctl.cli import main

main()
