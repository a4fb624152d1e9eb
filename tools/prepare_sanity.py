# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Prepare a tree in which ``ansible-test sanity`` checks exactly the collection's files, offline.

``ansible-test`` needs the collection at a path ending in ``ansible_collections/kmsguard/alarms`` and, inside a
git work tree, only looks at the files git knows. This script:

1. mirrors the checkout's files (``git ls-files -co --exclude-standard``: tracked files plus new files that are
   not ignored, so work in progress is checked too) into ``--tree``, deleting files that are no longer there and
   keeping ``tests/output/`` (ansible-test's own results);
2. makes ``--tree`` a throwaway git repository whose index holds exactly those files, so ansible-test neither
   walks up to the checkout's repository (where the tree is ignored) nor sees stray files;
3. links the collections this one depends on (amazon.aws, community.aws, from the ``ansible`` package in the
   running Python) beside it, where ansible-test's import, pylint and validate-modules tests look for them;
4. makes sure ansible-test can bootstrap pip in its sanity virtual environments without downloading its
   get-pip script: when that script is neither cached nor downloadable, it caches a small stand-in that installs
   pip with ``ensurepip`` and then the requested pip version from the configured package index.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPENDENCIES = ("amazon.aws", "community.aws")
# Directories ansible-test writes into the tree; never mirrored, never deleted.
KEEP = ("tests/output", ".git")
GET_PIP_URL = "https://ci-files.testing.ansible.com/ansible-test/get-pip-{version}.py"
GET_PIP_CACHE = Path("~/.ansible/test/cache/get_pip_{version_}.py")

GET_PIP_STAND_IN = '''\
"""Stand-in for get-pip {version}, written because the original could not be downloaded.

Installs pip with ensurepip, then the requested packages (pip=={version}) from the configured package index.
Accepts get-pip's command line; its --no-setuptools and --no-wheel are the defaults here.
"""

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = {{"--no-setuptools", "--no-wheel"}}

# In a child process: ensurepip empties the pip configuration of the process it runs in.
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
pip_arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
if any(not argument.startswith("-") for argument in pip_arguments):
    subprocess.check_call([sys.executable, "-m", "pip", "install", *pip_arguments])
'''


def collection_files(repo: Path) -> list[str]:
    """The checkout's files that exist: tracked ones plus untracked ones that are not ignored."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout.decode()
    names = sorted({name for name in listing.split("\0") if name})
    return [name for name in names if (repo / name).is_file() or (repo / name).is_symlink()]


def is_kept(relative: str) -> bool:
    return any(relative == keep or relative.startswith(keep + "/") for keep in KEEP)


def copy_file(source: Path, target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_file()):
        remove(target)
    if source.is_symlink():
        if target.exists() or target.is_symlink():
            target.unlink()
        target.symlink_to(os.readlink(source))
        return
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def mirror(repo: Path, tree: Path, names: list[str]) -> None:
    """Make ``tree`` hold exactly ``names`` from ``repo`` (plus the kept directories)."""
    tree.mkdir(parents=True, exist_ok=True)
    wanted = set(names)
    for name in names:
        copy_file(repo / name, tree / name)
    for root, dir_names, file_names in os.walk(tree, topdown=False):
        relative_root = Path(root).relative_to(tree)
        for file_name in file_names:
            relative = (relative_root / file_name).as_posix()
            if relative not in wanted and not is_kept(relative):
                (Path(root) / file_name).unlink()
        for dir_name in dir_names:
            path = Path(root) / dir_name
            relative = (relative_root / dir_name).as_posix()
            if is_kept(relative):
                continue
            if path.is_symlink():
                if relative not in wanted:
                    path.unlink()
            elif not any(path.iterdir()):
                path.rmdir()


def index_files(tree: Path, names: list[str]) -> None:
    """A throwaway repository in ``tree`` whose index is exactly ``names``: what ansible-test will check."""
    git = ["git", "-c", "init.defaultBranch=main", "-C", str(tree)]
    if not (tree / ".git").is_dir():
        subprocess.run([*git, "init", "--quiet"], check=True)
    # What ansible-test and Python write while they run is never part of the collection.
    (tree / ".git" / "info").mkdir(exist_ok=True)
    (tree / ".git" / "info" / "exclude").write_text("/tests/output/\n__pycache__/\n")
    index = tree / ".git" / "index"
    if index.exists():
        index.unlink()
    subprocess.run(
        [*git, "add", "--force", "--pathspec-from-file=-", "--pathspec-file-nul"],
        input="\0".join(names).encode(),
        check=True,
    )


def link_dependencies(tree: Path) -> None:
    """Link the dependency collections of the running Python's ``ansible`` package beside the collection."""
    import ansible_collections  # noqa: PLC0415 - only the sanity tooling needs the ansible package

    collections_root = tree.parents[1]
    for fqcn in DEPENDENCIES:
        namespace, name = fqcn.split(".")
        source = next(
            (Path(p) / namespace / name for p in ansible_collections.__path__ if (Path(p) / namespace / name).is_dir()),
            None,
        )
        if source is None:
            sys.exit(f"{fqcn} is not installed in {sys.executable}: install requirements.txt")
        link = collections_root / namespace / name
        if link.is_symlink() and Path(os.readlink(link)) == source:
            continue
        if link.exists() or link.is_symlink():
            remove(link)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(source, target_is_directory=True)


def ansible_test_pip_version() -> str:
    """The pip version ansible-test bootstraps into its virtual environments."""
    from ansible_test._internal import python_requirements  # noqa: PLC0415

    source = Path(python_requirements.__file__).read_text()
    match = re.search(r"default_packages = dict\(\s*pip='([^']+)'", source)
    if not match:
        sys.exit(f"cannot find the pip version ansible-test bootstraps in {python_requirements.__file__}")
    return match.group(1)


def ensure_get_pip(timeout: float) -> None:
    version = ansible_test_pip_version()
    cache = GET_PIP_CACHE.expanduser().with_name(GET_PIP_CACHE.name.format(version_=version.replace(".", "_")))
    stand_in = GET_PIP_STAND_IN.format(version=version)
    if cache.exists():
        cached = cache.read_text(errors="replace")
        if cached.startswith(stand_in.partition("\n")[0]) and cached != stand_in:
            cache.write_text(stand_in)  # a stand-in from an earlier version of this script
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    url = GET_PIP_URL.format(version=version)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - a fixed https URL
            script = response.read()
        cache.write_bytes(script)
        print(f"cached {url} as {cache}")
    except OSError as error:
        cache.write_text(stand_in)
        print(f"cannot download {url} ({error}): wrote an ensurepip-based stand-in to {cache}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, required=True, help="the .../ansible_collections/kmsguard/alarms to fill")
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help="the checkout to mirror (default: %(default)s)")
    parser.add_argument("--download-timeout", type=float, default=10.0, help="seconds to try downloading get-pip")
    args = parser.parse_args()
    tree = args.tree.resolve()
    if tree.parts[-3:-2] != ("ansible_collections",):
        parser.error("--tree must end in ansible_collections/NAMESPACE/NAME")
    names = collection_files(args.repo)
    mirror(args.repo, tree, names)
    index_files(tree, names)
    link_dependencies(tree)
    ensure_get_pip(args.download_timeout)
    print(f"{len(names)} files mirrored into {tree}")


if __name__ == "__main__":
    main()
