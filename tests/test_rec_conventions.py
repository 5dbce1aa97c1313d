"""The registry of recommendation conventions: each entry's examples, and the registry's shape."""
from __future__ import annotations

import pytest

from extractors.recommendations.conventions import REGISTRY, matches, patterns

_POS = [(c.name, c, s) for c in REGISTRY for s in c.matches]
_NEG = [(c.name, c, s) for c in REGISTRY for s in c.refuses]


@pytest.mark.parametrize("name, conv, line", _POS, ids=[f"{n}+{i}" for i, (n, _, _) in enumerate(_POS)])
def test_convention_matches_its_examples(name, conv, line):
    assert conv.find(line), f"{name} should match {line!r}"


@pytest.mark.parametrize("name, conv, line", _NEG, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(_NEG)])
def test_convention_refuses_its_counter_examples(name, conv, line):
    assert not conv.find(line), f"{name} must refuse {line!r}"


def test_every_convention_has_examples_both_ways_and_a_unique_name():
    assert len({c.name for c in REGISTRY}) == len(REGISTRY)
    assert all(c.matches and c.refuses for c in REGISTRY)


def test_role_lookup():
    assert len(patterns("label")) >= 2
    assert matches("label", "Recommandation n°7 : Renforcer").group("label") == "7"
    assert matches("label", "la recommandation n°7 : reste") is None
