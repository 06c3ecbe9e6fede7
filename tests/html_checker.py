"""The Nu Html Checker (vnu.jar, the W3C validator's engine), run on many documents at once.

Chosen over html5lib's strict parser because it checks what a parser does not: which
elements may contain which, attributes and their values, ARIA roles and states, duplicate
ids. It runs on the Java 17 of the machine image; `make test` fetches vnu.jar from the npm
registry (tests/tools/package.json) before the suite, which then runs offline. One Java run
checks every document, so the check costs a few seconds however many pages it reads.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

VNU_JAR = Path(__file__).parent / "tools/node_modules/vnu-jar/build/dist/vnu.jar"


def check_documents(documents, folder):
    """The checker's findings for each document of ``documents`` (name → HTML bytes).

    Returns {name: ["line 12: message", …]}, with every error and warning; a document
    without findings maps to an empty list.
    """
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        pytest.skip("the HTML check needs Java and vnu.jar: `make test` installs vnu.jar")
    folder = Path(folder) / "html-check"
    folder.mkdir()
    files = {}
    for index, (name, html) in enumerate(documents.items()):
        path = folder / f"document-{index}.html"
        path.write_bytes(html)
        files[path.name] = name
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
    result = subprocess.run(
        [*command, *map(str, folder.iterdir())],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    findings = {name: [] for name in documents}
    for message in json.loads(result.stderr)["messages"]:
        name = files.get(message.get("url", "").rpartition("/")[2])
        if name is None:  # a message about the run itself
            raise AssertionError(f"the HTML checker failed: {message}")
        findings[name].append(f"line {message.get('lastLine')}: {message['message']}")
    return findings
