"""Numbering sequence consistency: which numbered heading candidates form the outline.

After 1.1.3 the next heading may be 1.1.4, 1.1.3.1, 1.2 or 2, never 7 or 1.1.1 again; a
number that breaks the sequence is a list item or a table cell. The longest well-ordered
chain is found by dynamic programming over the candidates of `extractors.sections`
(objects with `comps`, `plain` and `title`).
"""
from __future__ import annotations

Stack = tuple[tuple[str, int], ...]


def next_stack(stack: Stack, comps: tuple[tuple[str, int], ...]) -> tuple[Stack, float] | None:
    """The numbering stack after `comps`, and how well it follows `stack` (1 = perfectly).

    A stack is the current path of (kind, value): ("dec", 1), ("dec", 2) for "1.2";
    ("roman", 2), ("upper", 1) for "II. A.". A kind already on the stack continues at
    its depth; a new kind opens a deeper level and must start at 1.
    """
    kind = comps[0][0]
    depth = len(comps)
    pos = next((k for k, (kd, _) in enumerate(stack) if kd == kind), None)
    if pos is None:
        new = stack + comps
        prefix_ok = all(v == 1 for _, v in comps[:-1])
        last = comps[-1][1]
        if not prefix_ok or last > 2:
            return None
        return new, (1.0 if last == 1 else 0.4)
    cur = stack[pos:]
    # the kind region must be contiguous: a decimal path lives at the end of the stack
    head = [v for kd, v in cur if kd == kind]
    vals = [v for _, v in comps]
    if depth - 1 > len(head) or vals[:-1] != head[:depth - 1]:
        return None
    if depth - 1 == len(head):  # a child of the current path
        new = stack + (comps[-1],) if kind == "dec" and depth > 1 else None
        if new is None:
            return None
        return (new, 1.0) if vals[-1] == 1 else ((new, 0.4) if vals[-1] == 2 else None)
    previous = head[depth - 1]
    step = vals[-1] - previous
    new = stack[:pos] + tuple(comps)
    if step == 1:
        return new, 1.0
    if step in (2, 3):
        return new, 0.3
    return None


# a heading set like the body text weighs a little less: between two chains of the same
# length, the one made of typographically distinct headings wins
_PLAIN_WEIGHT = 0.9


def best_chain(cands: list, lookback: int = 80) -> list:
    """The longest well-ordered sequence of numbered candidates (dynamic programming)."""
    n = len(cands)
    score = [0.0] * n
    stacks: list[Stack] = [()] * n
    back = [-1] * n
    for j, c in enumerate(cands):
        best, best_stack, best_i = None, None, -1
        start = next_stack((), c.comps)
        if start is not None and not (c.plain and start[1] < 1):
            best, best_stack = start[1] * (_PLAIN_WEIGHT if c.plain else 1), start[0]
        for i in range(max(0, j - lookback), j):
            if score[i] <= 0:
                continue
            nxt = next_stack(stacks[i], c.comps)
            if nxt is None or (c.plain and nxt[1] < 1):
                continue  # a heading set like the body must continue the sequence exactly
            s = score[i] + nxt[1] * (_PLAIN_WEIGHT if c.plain else 1)
            if best is None or s >= best:  # ties: the nearest predecessor
                best, best_stack, best_i = s, nxt[0], i
        if best is not None:
            score[j], stacks[j], back[j] = best, best_stack, best_i
    if not n or max(score) <= 0:
        return []
    j = max(range(n), key=lambda k: (score[k], -k))
    chain = []
    while j >= 0:
        cands[j].comps = stacks[j]  # the level is the stack depth
        chain.append(cands[j])
        j = back[j]
    chain.reverse()
    if len(chain) < 2 and not (chain and len(chain[0].title) > 3):
        return []
    if all(c.plain for c in chain) and len(chain) < 3:
        return []  # two body-styled numbered lines are no structure on their own
    return chain
