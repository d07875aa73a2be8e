"""The crisis rules are data (nlu/crisis_rules.yml, issue 22): one entry per rule, readable, checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vikno.nlu import crisis

NLU = Path(crisis.__file__).parent


@pytest.mark.parametrize("path", [crisis.RULES_FILE, NLU / "crisis.py"], ids=lambda p: p.name)
def test_no_line_over_120_characters(path: Path) -> None:
    """crisis.py held 213 lines over 120 characters (the longest 1,962) before the rules moved out."""
    long = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if len(line) > 120]
    assert long == [], f"{path.name}: lines over 120 characters: {long}"


def test_one_entry_per_rule_and_every_rule_loaded() -> None:
    doc = yaml.safe_load(crisis.RULES_FILE.read_text(encoding="utf-8"))
    names = [entry["rule"] for entry in doc["rules"] if "rule" in entry]
    assert len(names) == len(set(names)), "two rules share a name"
    assert [rule.name for rule in crisis._RULES] == names  # in file order: the order decides the kind on a tie
    assert {rule.category for rule in crisis._RULES} == {crisis.SUICIDE, crisis.VIOLENCE, crisis.CHILD, crisis.THREAT}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pattern_is_its_lines_joined_and_words_are_expanded(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "rules:\n"
        "  - word: me\n    pattern: |-\n      (?:мене|меня|\n      me)\n"
        "  - rule: test_rule\n    kind: suicide_self_harm\n    weight: 0.9\n"
        "    pattern: |-\n      \\bhurt\\s+{me}.*now\n"
        "contexts:\n  toy: |-\n    toy\n",
    )
    rules, contexts = crisis._load(path)
    assert [r.regex.pattern for r in rules] == [r"\bhurt\s+(?:мене|меня|me).{0,200}now"]
    assert rules[0].category == crisis.SUICIDE and rules[0].weight == 0.9 and not rules[0].hyperbole
    assert contexts["toy"].pattern == "toy"


@pytest.mark.parametrize(
    "pattern, error",
    [
        ("      \\b{nobody}\\b\n", "no word 'nobody'"),
        ("      (?:a|\n       b)\n", "begins or ends with a space"),
    ],
)
def test_a_broken_entry_is_named_on_load(tmp_path: Path, pattern: str, error: str) -> None:
    path = _write(
        tmp_path,
        "rules:\n  - rule: broken\n    kind: suicide_self_harm\n    weight: 0.9\n"
        f"    pattern: |-\n{pattern}contexts: {{}}\n",
    )
    with pytest.raises(ValueError, match=error):
        crisis._load(path)
