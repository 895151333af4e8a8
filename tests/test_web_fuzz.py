"""The booking API fuzzed from its own OpenAPI description with schemathesis: no 500s, ever, and
every response as the description says."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_web_support import Hall, hall  # noqa: F401

SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed (pip install -e '.[test]')")
def test_no_server_errors_from_generated_requests(hall: Hall) -> None:  # noqa: F811
    run = subprocess.run([SCHEMATHESIS, "run", f"{hall.url}/openapi.json", "--checks", "not_a_server_error",
                          "--max-examples", "40", "--seed", "7", "--no-color"],
                         capture_output=True, text=True, timeout=600, cwd=hall.data)  # its cache stays there
    assert run.returncode == 0, run.stdout[-3000:]
    passed = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert passed and int(passed.group(2)) >= 100, run.stdout[-1500:]  # it really generated requests
