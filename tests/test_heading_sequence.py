"""The numbering rules that decide which numbered lines are headings."""
from dataclasses import dataclass

import pytest

from extractors.heading_sequence import best_chain, next_stack

D = "dec"


@pytest.mark.parametrize("stack, comps, expected", [
    (((D, 1), (D, 1), (D, 3)), ((D, 1), (D, 1), (D, 4)), (((D, 1), (D, 1), (D, 4)), 1.0)),  # 1.1.3 -> 1.1.4
    (((D, 1), (D, 1), (D, 3)), ((D, 1), (D, 2)), (((D, 1), (D, 2)), 1.0)),                 # 1.1.3 -> 1.2
    (((D, 1), (D, 1), (D, 3)), ((D, 1), (D, 1), (D, 3), (D, 1)),
     (((D, 1), (D, 1), (D, 3), (D, 1)), 1.0)),                                            # 1.1.3 -> 1.1.3.1
    (((D, 1), (D, 1), (D, 3)), ((D, 2),), (((D, 2),), 1.0)),                               # 1.1.3 -> 2
    (((D, 1), (D, 1), (D, 3)), ((D, 7),), None),                                           # 1.1.3 -> 7
    (((D, 1), (D, 1), (D, 3)), ((D, 1), (D, 1), (D, 1)), None),                            # 1.1.3 -> 1.1.1 again
    ((("roman", 2),), (("upper", 1),), ((("roman", 2), ("upper", 1)), 1.0)),               # II. -> A.
    ((("roman", 2),), (("upper", 3),), None),                                              # II. -> C.
    ((), ((D, 2),), (((D, 2),), 0.4)),                                                     # a start at 2 is weak
])
def test_next_stack(stack, comps, expected):
    assert next_stack(stack, comps) == expected


@dataclass
class Cand:
    comps: tuple
    title: str = "Un titre"
    plain: bool = False


def test_best_chain_drops_the_numbers_that_break_the_sequence():
    numbers = [(1,), (1, 1), (4,), (1, 2), (2,), (12,), (2, 1), (3,)]
    cands = [Cand(tuple((D, v) for v in n)) for n in numbers]
    chain = best_chain(cands)
    assert [tuple(v for _, v in c.comps) for c in chain] == [(1,), (1, 1), (1, 2), (2,), (2, 1), (3,)]


def test_two_body_styled_numbers_are_no_structure():
    assert best_chain([Cand(((D, 1),), plain=True), Cand(((D, 2),), plain=True)]) == []
