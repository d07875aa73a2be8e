"""The licence pyproject.toml declares is the one the repository ships, in full, and the README names it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: SPDX identifier -> the title and version line that open the licence's official text
TITLES = {
    "AGPL-3.0-or-later": ("GNU AFFERO GENERAL PUBLIC LICENSE", "Version 3, 19 November 2007"),
    "AGPL-3.0-only": ("GNU AFFERO GENERAL PUBLIC LICENSE", "Version 3, 19 November 2007"),
}


def test_license_file_is_the_full_text_of_the_declared_licence() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]
    assert declared in TITLES, f"no expected title for {declared!r}: add it to TITLES"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert (lines[0], lines[1]) == TITLES[declared]
    # the whole text, not a stub: every section and the "How to Apply" appendix
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in text
    assert "17. Interpretation of Sections 15 and 16." in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert "How to Apply These Terms to Your New Programs" in text
    assert lines[-1] == "<https://www.gnu.org/licenses/>."


def test_readme_names_the_licence() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Licence" in readme
    assert "GNU Affero General Public License" in readme and "AGPL-3.0-or-later" in readme and "`LICENSE`" in readme
