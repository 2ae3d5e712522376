"""Re-pin requirements/docs.txt and requirements/frameworks.txt from their .in files.

Each set is resolved in a fresh venv, so a pin reflects what `pip install` really chose. The
frameworks set is resolved together with the docs pins (it installs on top of them), and only
what it adds goes into frameworks.txt, after a `-r docs.txt` line.
"""

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REQ = Path(__file__).resolve().parent.parent / "requirements"
HEADER = "# Generated from {} by 'make lock' in a fresh Python 3.12 venv: every package pinned.\n"


def freeze(*requirements: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        venv.create(tmp, with_pip=True)
        python = Path(tmp) / "bin" / "python"
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", *requirements], check=True)
        out = subprocess.run([python, "-m", "pip", "freeze", "--all", "--exclude", "pip"],
                             check=True, capture_output=True, text=True).stdout
    return dict(line.split("==", 1) for line in out.splitlines() if "==" in line)


def main() -> None:
    if sys.version_info[:2] != (3, 12):
        sys.exit("make lock must run on Python 3.12 (see .python-version).")
    docs = freeze("-r", str(REQ / "docs.in"))
    (REQ / "docs.txt").write_text(
        HEADER.format("docs.in") + "".join(f"{k}=={v}\n" for k, v in sorted(docs.items()))
    )
    everything = freeze("-r", str(REQ / "docs.txt"), "-r", str(REQ / "frameworks.in"))
    extra = {k: v for k, v in everything.items() if k not in docs}
    (REQ / "frameworks.txt").write_text(
        HEADER.format("frameworks.in") + "-r docs.txt\n"
        + "".join(f"{k}=={v}\n" for k, v in sorted(extra.items()))
    )
    print(f"docs.txt: {len(docs)} pins; frameworks.txt: {len(extra)} more")


if __name__ == "__main__":
    main()
