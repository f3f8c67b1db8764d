"""Trade-for-trade comparison of a peer's fills with the reference, with a cause for each
difference, and the RESULTS.md tables.

Fills are aligned on (bar_index, action) with difflib, so one early difference does not make every
later fill count as different. Each difference gets one cause:
  - tie:    the exact SMA difference d = 3*sum10 - sum30 is 0 at the signal bar or the bar before
            it; the peer's float SMAs or its crossover rule decided the tie differently.
  - float:  no tie, the exact d is non-zero, yet the peer's float comparison disagreed about the
            cross (rounding in the float SMA, e.g. a running sum drifting).
  - state:  the signal was the same but the peer was in a different position (flat/long) at that
            bar, because of an earlier difference. Follow-on, not a new cause.
  - sizing: same bar and side, different quantity, with every earlier fill identical.
  - cash:   same bar and side, different quantity after an earlier difference changed the cash.
"""

from __future__ import annotations

import bisect
import difflib
import importlib.metadata as md
import subprocess

import reference

CAUSES = ["tie", "float", "state", "sizing", "cash", "price"]


def versions(peers: list[str], nautilus_python: str) -> dict:
    out = {}
    for p in [x for x in peers if x != "nautilus"] + ["numpy", "pandas", "numba"]:
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = "not installed"
    if "nautilus" in peers:
        code = "import importlib.metadata as m; print(m.version('nautilus_trader'), m.version('pandas'))"
        r = subprocess.run([nautilus_python, "-c", code], capture_output=True, text=True)
        nt, pd_version = (r.stdout.split() + ["?", "?"])[:2]
        out["nautilus_trader"] = f"{nt} (own venv, pandas {pd_version})"
    return out


class Positions:
    """Long or flat after each bar's fills, from a fill list."""

    def __init__(self, fills):
        self.bars = [f[0] for f in fills]
        self.after = []
        held = 0.0
        for _, action, qty, _ in fills:
            held += qty if action == "BUY" else -qty
            self.after.append(held > 0)

    def long_at(self, bar: int) -> bool:
        k = bisect.bisect_right(self.bars, bar)
        return self.after[k - 1] if k else False


def classify_unmatched(bar: int, d: list, mine: Positions, other: Positions) -> str:
    s = bar - 1  # the signal bar
    if mine.long_at(s) != other.long_at(s):
        return "state"
    if d[s] == 0 or (s >= 1 and d[s - 1] == 0):
        return "tie"
    return "float"


def compare_fills(ref_fills, peer_fills, closes) -> dict:
    d = reference.diffs(closes)
    scale = reference.SCALE
    ref = [(i, a, q, p / scale) for i, a, q, p in ref_fills]
    rejected = [f for f in peer_fills if f[1] == "REJECTED"]
    peer = [f for f in peer_fills if f[1] != "REJECTED"]
    rp, pp = Positions(ref), Positions(peer)
    sm = difflib.SequenceMatcher(None, [tuple(f[:2]) for f in ref], [tuple(f[:2]) for f in peer], autojunk=False)
    causes = dict.fromkeys(CAUSES, 0)
    diffs = []  # (ref index for ordering, description)
    diverged_before = None  # ref fill index of the first difference
    exact = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                r, p = ref[i1 + k], peer[j1 + k]
                if abs(r[2] - p[2]) > 1e-9:
                    cause = "sizing" if diverged_before is None or diverged_before > i1 + k else "cash"
                    causes[cause] += 1
                    diffs.append((i1 + k, f"bar {r[0]} {r[1]}: qty {p[2]:g} vs reference {r[2]} ({cause})"))
                    diverged_before = i1 + k if diverged_before is None else diverged_before
                elif abs(r[3] - p[3]) > 1e-9 * max(1.0, abs(r[3])):
                    causes["price"] += 1
                    diffs.append((i1 + k, f"bar {r[0]} {r[1]}: price {p[3]!r} vs reference {r[3]!r} (price)"))
                else:
                    exact += 1
            continue
        for r in ref[i1:i2]:
            c = classify_unmatched(r[0], d, rp, pp)
            causes[c] += 1
            diffs.append((i1, f"bar {r[0]} {r[1]} {r[2]}: reference only ({c}; d[{r[0]-2}..{r[0]-1}] = {d[r[0]-2]}, {d[r[0]-1]})"))
        for p in peer[j1:j2]:
            c = classify_unmatched(p[0], d, pp, rp)
            causes[c] += 1
            diffs.append((i1, f"bar {p[0]} {p[1]} {p[2]:g}: peer only ({c}; d[{p[0]-2}..{p[0]-1}] = {d[p[0]-2]}, {d[p[0]-1]})"))
        diverged_before = i1 if diverged_before is None else min(diverged_before, i1)
    diffs.sort(key=lambda x: x[0])
    return {
        "reference_fills": len(ref),
        "peer_fills": len(peer),
        "identical": exact,
        "rejected": len(rejected),
        "causes": causes,
        "differences": [t for _, t in diffs],
    }


def dataset_report(name: str, gold: dict, runs: dict, peers: list[str]) -> dict:
    rows = {}
    for peer in peers:
        r = runs[peer]
        if "error" in r:
            rows[peer] = {"error": r["error"]}
            continue
        rows[peer] = compare_fills(gold["fills"], r["fills"], gold["closes"])
        rows[peer]["final_equity"] = r["final_equity"]
    return {"name": name, "summary": gold["summary"], "runs": runs, "rows": rows}


WHY = """## Why the peers differ
1. **Exact SMA ties.** The reference compares integer sums (`3·sum10` vs `sum30`), so a tie is a
   tie. The peers compare float means (`sum/10` vs `sum/30`, each rounded), and at an exact tie
   the two floats usually differ in the last bits, so the sign is arbitrary: a cross one bar early,
   a cross that does not exist, or none. Datasets without ties (SPY daily) match exactly; the
   synthetic data, with ±3-cent moves, have many ties and show the effect most. The `d[..]` values
   in the list below are the exact `d = 3·sum10 − sum30` (in 1e-9 units) at the two bars before
   the fill; a 0 marks the tie.
2. **Crossover rules at a tie.** backtesting.py's `lib.crossover` is strict
   (`a[-2] < b[-2] and a[-1] > b[-1]`): a cross that passes through an exact tie over two bars
   (−, 0, +) is never signalled, even when the floats tie exactly, so it misses trades and
   has fewer fills. backtrader's `CrossOver` compares with the last non-zero difference and
   vectorbt's `crossed_above` remembers having been below across ties; both agree with the
   reference's `≤ 0 → > 0` rule whenever their floats tie exactly.
   nautilus_trader has no crossover helper; its strategy compares `fast.value − slow.value` with the
   reference's rule, so it differs only where its float SMAs miss an exact tie.
3. **Sizing.** Each peer was set up to buy floor(cash / next open): backtrader sizes in
   `next_open` with cheat-on-open; vectorbt uses `size=inf, size_granularity=1`; nautilus sizes
   from free cash when the next bar's open arrives (fed as a trade tick, see `peer_nautilus.py`,
   since its bar simulation would otherwise fill at the signal bar's close); backtesting.py
   can only take a fraction < 1 of its margin, so 1 − 1e-9 is passed (its default 0.9999 would buy
   up to 0.01% fewer shares). With the same cash no peer sized differently (`sizing` = 0).
4. **Follow-ons.** After one different trade the cash differs, so later quantities differ by a
   share or two (`cash`) and later signals can meet a different position (`state`). These are
   consequences, not new causes: read the **tie** and **float** columns for root causes.
5. **Speed.** The reference is a plain integer loop; backtrader and backtesting.py are
   per-bar Python event loops; nautilus_trader is a compiled (Cython/Rust) event engine, and its
   load includes building two Python objects per bar (the open tick and the bar); vectorbt is vectorized with numba, whose first run in a process
   compiles (`run s`) and whose second run in the same process (`warm run s`) shows the
   vectorized cost."""


def fmt_s(x) -> str:
    return "—" if x is None else f"{x:.3f}"


def results_markdown(reports: list[dict], env: dict) -> str:
    out = ["# Peer conformance and speed: SMA(10)/SMA(30) crossover", ""]
    out += [
        "Generated by `scripts/peers/run_peers.py` (see README.md there for setup). The reference is",
        "`reference.py` (integers, exact). Fill = (bar, side, quantity, price); a peer's fill is",
        "*identical* when all four agree (price within 1e-9 relative); *same bar+side* ignores the",
        "quantity, which drifts by a share or two once any earlier trade differed. Causes are defined in",
        "`compare.py`: **tie** (exact SMA tie decided differently), **float** (float SMA sign",
        "error without a tie), **state** (follow-on: position already differed), **sizing**,",
        "**cash** (quantity follow-on of an earlier difference).",
        "",
        "Reproduce (setup in scripts/peers/README.md; about 7 minutes on 2 cores):",
        "",
        "```sh",
        "/work/venv/bin/python scripts/peers/run_peers.py",
        "```",
        "",
        f"Environment: Python {env['python']}, {env['machine']}; "
        + ", ".join(f"{k} {v}" for k, v in env["versions"].items()),
        "",
        "## Summary",
        "",
    ]
    for rep in reports:
        rows = {p: r for p, r in rep["rows"].items() if "error" not in r}
        same = [p for p, r in rows.items() if not r["differences"]]
        roots = ", ".join(f"{p} {r['causes']['tie'] + r['causes']['float']}" for p, r in rows.items() if r["differences"])
        out.append(
            f"- **{rep['name']}** ({rep['summary']['bars']} bars, {rep['summary']['exact_ties']} exact SMA ties): "
            + (f"fill for fill identical: {', '.join(same)}. " if same else "no peer identical. ")
            + (f"Root-cause differences (tie + float): {roots}." if roots else "")
        )
    out += [
        "",
        "## Conformance",
        "",
        "| dataset | bars | exact ties | peer | fills ref/peer | same bar+side | identical | tie | float | state | sizing | cash | final equity (ref → peer) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for rep in reports:
        s = rep["summary"]
        for peer, row in rep["rows"].items():
            if "error" in row:
                out.append(f"| {rep['name']} | {s['bars']} | {s['exact_ties']} | {peer} | error: {row['error']} |||||||||")
                continue
            c = row["causes"]
            rej = f" (+{row['rejected']} rejected)" if row["rejected"] else ""
            out.append(
                f"| {rep['name']} | {s['bars']} | {s['exact_ties']} | {peer} | {row['reference_fills']}/{row['peer_fills']}{rej} | "
                f"{row['identical'] + c['sizing'] + c['cash'] + c['price']} | {row['identical']} | {c['tie']} | {c['float']} | {c['state']} | {c['sizing']} | {c['cash']} | "
                f"{s['final_equity']} → {row['final_equity']:.2f} |"
            )
    out += ["", "## Speed (load + run, fresh process each; peak RSS includes the interpreter and imports)", ""]
    out += [
        "Load = reading the CSV into the engine's structures; run = the backtest. Timings are from a",
        "2-core machine shared with other work, so expect ±20%; compare ratios within a row group.",
        "",
    ]
    out += ["| dataset | bars | engine | load s | run s | load+run s | bars/s (run) | warm run s | peak RSS MB |", "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for rep in reports:
        bars = rep["summary"]["bars"]
        for kind, r in rep["runs"].items():
            if "error" in r:
                out.append(f"| {rep['name']} | {bars} | {kind} | error: {r['error']} ||||||")
                continue
            total = r["load_seconds"] + r["run_seconds"]
            out.append(
                f"| {rep['name']} | {bars} | {kind} | {fmt_s(r['load_seconds'])} | {fmt_s(r['run_seconds'])} | {fmt_s(total)} | "
                f"{bars / r['run_seconds']:,.0f} | {fmt_s(r.get('warm_run_seconds'))} | {r['peak_rss_mb']:.0f} |"
            )
    out += ["", WHY, "", "## First differences per dataset and peer", ""]
    for rep in reports:
        for peer, row in rep["rows"].items():
            if "error" in row or not row["differences"]:
                continue
            out.append(f"**{rep['name']} / {peer}** ({len(row['differences'])} differences; first 8):")
            out += [f"- {t}" for t in row["differences"][:8]]
            out.append("")
    return "\n".join(out) + "\n"
