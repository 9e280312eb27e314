"""What the biometric index files share to be durable: a rename or an unlink is only on
disk once the directory holding it is flushed."""

import os
from pathlib import Path


def fsync_directory(path: Path) -> None:
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
