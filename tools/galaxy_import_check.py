# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Galaxy's own import checks on a built tarball (``make importer``): any error or warning fails.

Runs galaxy-importer (in ``.venv-importer``, beside the ``ansible`` package that resolves amazon.aws's doc fragments)
with ``tools/galaxy-importer.cfg``: offline, without its ansible-test container. Prints every message galaxy-importer
logs; exits 1 when the import fails or logs a warning or an error.

Usage: .venv-importer/bin/python tools/galaxy_import_check.py dist/kmsguard-alarms-X.Y.Z.tar.gz
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

CONFIG = Path(__file__).resolve().with_name("galaxy-importer.cfg")


class Recorder(logging.Handler):
    """Prints each message and keeps those of level WARNING and above."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = f"{record.levelname}: {record.getMessage()}"
        print(message, flush=True)
        if record.levelno >= logging.WARNING:
            self.problems.append(message)


def import_tarball(tarball: Path) -> list[str]:
    # Set before the import: galaxy-importer reads its configuration file when it loads.
    os.environ["GALAXY_IMPORTER_CONFIG"] = str(CONFIG)
    # The checks must see the installed tarball and the ansible package's collections, nothing of a checkout.
    os.environ.pop("ANSIBLE_COLLECTIONS_PATH", None)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    from galaxy_importer import collection
    from galaxy_importer import config
    from galaxy_importer import exceptions

    recorder = Recorder()
    logger = logging.getLogger("kmsguard.galaxy_import_check")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(recorder)
    cfg = config.Config(config_data=config.ConfigFile.load())
    name_parts = tarball.name.removesuffix(".tar.gz").split("-")
    filename = collection.CollectionFilename(name_parts[0], name_parts[1], name_parts[2])
    with tempfile.TemporaryDirectory() as work_dir:
        os.chdir(work_dir)
        try:
            with open(tarball, "rb") as handle:
                collection.import_collection(handle, filename, logger=logger, cfg=cfg)
        except exceptions.ImporterError as error:
            recorder.problems.append(f"ERROR: the import failed: {error}")
    return recorder.problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    problems = import_tarball(Path(argv[0]).resolve())
    if problems:
        print(f"\ngalaxy-importer: {len(problems)} problem(s):", *problems, sep="\n", file=sys.stderr)
        return 1
    print("\ngalaxy-importer: imported with no error and no warning")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
