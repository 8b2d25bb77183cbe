"""Write the start-up hook's WATCHED from the integrations' registry: ``make generate``.

The hook reads no more than its own file at interpreter start-up, so the
list is written into it rather than imported; tests/integrations/test_integrations.py
fails while the two differ.
"""

from __future__ import annotations

import re
from pathlib import Path

from libfaketimefs_botocore import integrations

HOOK = Path(__file__).with_name("_libfaketimefs_botocore_autopatch.py")
BLOCK = re.compile(r"(# --- generated: WATCHED ---\n).*?(# --- end: WATCHED ---\n)", re.S)


def block() -> str:
    names = "".join(f'        "{name}",\n' for name in integrations.WATCHED)
    return f"WATCHED = frozenset(\n    {{\n{names}    }}\n)\n"


def main() -> None:
    text = HOOK.read_text()
    HOOK.write_text(BLOCK.sub(lambda match: match[1] + block() + match[2], text, count=1))


if __name__ == "__main__":
    main()
