"""``python -m cioctl``."""

from cioctl.entry import main

main()
