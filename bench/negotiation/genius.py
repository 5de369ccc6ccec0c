"""GENIUS XML reader with GENIUS utility semantics, and NegMAS utility functions built on it.

Follows ../shared/reference/negotiation/FORMAT.md: per-issue evaluations divided by the issue's
maximum (0 if that maximum is below 1e-5), weights as written (only weights whose index is an
issue id), weighted sum capped at 1, reservation value on the same scale (0 if missing),
discount ignored. NegMAS 0.16.0's own GENIUS loader keeps the raw evaluations (no division, no
cap), which changes frontiers and Nash points, so the peer must not use it.
"""

import xml.etree.ElementTree as ET


def _root(path):
    with open(path, encoding="utf-8-sig") as f:
        return ET.fromstring(f.read().strip())


def _issues(elem):
    """Every <issue> under elem, recursively, in document order."""
    out = []
    for child in elem:
        if child.tag == "issue":
            out.append(child)
        elif child.tag == "objective":
            out.extend(_issues(child))
    return out


def _objective_tree(root):
    us = root if root.tag == "utility_space" else root.find("utility_space")
    if us is None:
        raise ValueError("no utility_space element")
    return us


def read_domain(path):
    """[(issue id, name, [value labels])] in document order."""
    root = _root(path)
    if root.tag != "negotiation_template":
        raise ValueError(f"{path}: root is <{root.tag}>, not <negotiation_template>")
    issues = []
    for obj in _objective_tree(root).iter("objective"):
        for issue in _issues(obj):
            kind = issue.get("type") or "discrete"
            if kind != "discrete":
                raise ValueError(f"{path}: issue {issue.get('name')} is {kind}; only discrete issues are supported")
            issues.append((int(issue.get("index")), issue.get("name"), [it.get("value") for it in issue.findall("item")]))
        break  # the root objective; nested objectives are walked by _issues
    return issues


def read_profile(path, issues):
    """(normalised evaluations per issue as dicts label -> e, weights per issue, reservation)."""
    root = _root(path)
    if root.tag != "utility_space":
        raise ValueError(f"{path}: root is <{root.tag}>, not <utility_space>")
    by_id = {}
    weights = {}
    ids = {i for i, _, _ in issues}
    for obj in root.iter("objective"):
        for issue in _issues(obj):
            evals = {it.get("value"): float(it.get("evaluation", "0")) for it in issue.findall("item")}
            by_id[int(issue.get("index"))] = evals
        for w in obj.iter("weight"):
            i = int(w.get("index"))
            if i in ids:  # a weight for the objective itself is ignored
                weights[i] = float(w.get("value"))
    evaluations, ws = [], []
    for i, name, values in issues:
        raw = by_id[i]
        mx = max(raw.values())
        evaluations.append({v: (raw.get(v, 0.0) / mx if mx >= 1e-5 else 0.0) for v in values})
        ws.append(weights.get(i, 0.0))
    res = root.find("reservation")
    reservation = float(res.get("value")) if res is not None else 0.0
    return evaluations, ws, reservation


def read(domain_path, profile_paths):
    issues = read_domain(domain_path)
    return issues, [read_profile(p, issues) for p in profile_paths]


def utility(profile, outcome):
    """GENIUS utility of an outcome (tuple of labels), independent of NegMAS."""
    evaluations, weights, _ = profile
    u = 0.0
    for e, w, v in zip(evaluations, weights, outcome):
        u += w * e[v]
    return min(1.0, u)


def negmas_setup(issues, profiles):
    """Fresh NegMAS issues and GENIUS-semantics utility functions (no state shared between calls)."""
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction

    class GeniusUtilityFunction(LinearAdditiveUtilityFunction):
        """NegMAS's linear additive ufun on divided-by-max evaluations, capped at 1 as GENIUS does."""

        def eval(self, offer):
            if offer is None:
                return self.reserved_value
            return min(1.0, super().eval(offer))

    nissues = [make_issue(values=list(values), name=name) for _, name, values in issues]
    os = make_os(nissues)
    ufuns = [
        GeniusUtilityFunction(values=[dict(e) for e in evaluations], weights=list(weights), outcome_space=os, reserved_value=r)
        for evaluations, weights, r in profiles
    ]
    return nissues, os, ufuns
