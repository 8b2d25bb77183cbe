"""The package's imports: the layers hold (import-linter), and no import cycle anywhere.

Function-local imports count: grimp, import-linter's graph, reads every
import statement of a module, wherever it stands.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")  # the lint group's: not in the matrix's sessions

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "libfaketimefs_botocore"


def test_no_module_of_the_package_imports_itself_back() -> None:
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append((importer, *back))
    assert cycles == []


def test_the_layers_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout
