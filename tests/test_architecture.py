"""The import contracts of pyproject.toml hold, and break when a module imports the wrong way."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree):
    """``lint-imports`` run on the copy of the project at ``tree``: (exit status, its output)."""
    result = subprocess.run(
        [str(LINT_IMPORTS), str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def tree(tmp_path):
    """The three packages and pyproject.toml, copied so that a test may break them."""
    for package in ("paper", "articles", "notices"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(path, line):
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_contracts_hold(tree):
    status, output = lint_imports(tree)
    assert status == 0, output
    assert "Contracts: 2 kept, 0 broken." in output


@pytest.mark.parametrize(
    ("module", "line", "reported"),
    [
        ("paper/search.py", "from notices.models import Notice", "paper is not allowed to import"),
        (
            "paper/importing/writing.py",
            "import articles.importing",
            "paper is not allowed to import",
        ),
        # The composing views may use the apps' models, not their other modules.
        ("paper/views.py", "from notices.importing import NoticePart", "paper is not allowed"),
        ("articles/filters.py", "from notices.models import Notice", "articles is not allowed"),
        ("notices/admin.py", "from articles.admin import ArticleAdmin", "notices is not allowed"),
    ],
)
def test_a_sideways_import_breaks_a_contract(tree, module, line, reported):
    add_import(tree / module, line)
    status, output = lint_imports(tree)
    assert status != 0
    broken = output[output.index("Broken contracts") :]
    assert reported in broken
    importer = module.removesuffix(".py").replace("/", ".")
    imported = line.split()[1]
    assert f"{importer} -> {imported}" in broken
