"""Sphinx configuration: furo, Markdown pages through MyST, the API from the docstrings."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE.parent), str(HERE / "_ext")]

from libfaketimefs_botocore import __version__  # noqa: E402

project = "libfaketimefs-botocore"
author = "libfaketimefs-botocore developers"
copyright = "2026, libfaketimefs-botocore developers"
release = version = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "generated"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
# Every cross-reference must resolve: make docs turns warnings into errors.
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:class",
        r"(botocore|types|collections\.abc|datetime)\..*"
        r"|(libfaketimefs_botocore\.signing\.)?_(F|TC)|libfaketimefs_botocore\.hybrid\.(F|TC)|Choice",
    )
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"

html_theme = "furo"
html_static_path = ["_static"]
html_css_files = ["fit.css"]
html_title = f"libfaketimefs-botocore {release}"
