"""`ztrade report` against its budgets and against quantstats, measured side by side (each in a
fresh process: wall time, peak RSS, file size), for docs/BENCHMARKS.md.

    /work/venv/bin/python scripts/peers/report_peers.py --ztrade target/release/ztrade [--repeat 3]

Two workloads:
- minute: synth.py's 1M one-minute bars (seed 42), the reference SMA(10/30) agent run and stored,
  then `ztrade report RUN` timed. Budget: <= 1 s and <= 5 MB.
- daily: 5,000 daily bars (a seeded random walk written here), a buy-and-hold agent run and
  stored, `ztrade report RUN` timed; quantstats' `reports.html` on the 5,000 close-to-close
  returns of the same bars (which a whole-share, all-cash buy and hold follows to within its cash
  remainder). quantstats is timed twice: the `reports.html` call alone (after its imports) and
  the whole process. Budget: ztrade <= 0.1x quantstats.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# The reference SMA agent, synth.py's 1M minute bars and the child-process timer are
# sweep_peers.py's: one definition for both benchmarks.
from sweep_peers import AGENT as SMA  # noqa: E402
from sweep_peers import bars as minute_bars  # noqa: E402
from sweep_peers import timed  # noqa: E402
HOLD = """id: hold
symbols: [WALK]
timeframe: 1d
initial_capital: 100000
strategy: { kind: buy_and_hold }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
"""


def daily_bars(cache: Path, n: int = 5000) -> Path:
    """n weekday bars from 2000-01-03, a seeded random walk in cents."""
    path = cache / f"walk_{n}d.csv"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    d, cents, rows = date(2000, 1, 3), 10_000, []
    while len(rows) < n:
        if d.weekday() < 5:
            o = cents
            c = max(100, o + int(rng.gauss(0.0003, 0.012) * o))
            h, l = max(o, c) + rng.randint(0, 80), max(1, min(o, c) - rng.randint(0, 80))
            rows.append(f"{d.isoformat()},{o/100:.2f},{h/100:.2f},{l/100:.2f},{c/100:.2f},{rng.randint(1000, 9000)}")
            cents = c
        d += timedelta(days=1)
    path.write_text("Date,Open,High,Low,Close,Volume\n" + "\n".join(rows) + "\n")
    return path


def child(cmd: list[str], env=None) -> dict:
    """Runs cmd in a wrapper process of its own (RUSAGE_CHILDREN keeps the largest child)."""
    _, _, out = timed([sys.executable, __file__, "--child", *cmd], env=env)
    return json.loads(out)


def report_ztrade(exe: str, csv: Path, tf: str, symbol: str, agent: str, repeat: int) -> dict:
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, ZTRADE_DB=f"sqlite://{d}/r.db")
        agents = Path(d) / "agents"
        agents.mkdir()
        name = agent.split("\n")[0].split(": ")[1]
        (agents / f"{name}.yaml").write_text(agent)
        subprocess.run([exe, "data", "import", str(csv), "--symbol", symbol, "--timeframe", tf],
                       check=True, capture_output=True, env=env)
        run = json.loads(subprocess.run(
            [exe, "--agents-dir", str(agents), "backtest", "run", name, "--json"],
            check=True, capture_output=True, text=True, env=env).stdout)
        out = Path(d) / "report.html"
        runs = [child([exe, "report", str(run["run_id"]), "--out", str(out)], env=env)
                for _ in range(repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        return {"seconds": best["seconds"], "peak_mib": best["peak_mib"],
                "bytes": out.stat().st_size, "fills": len(run["trades"])}


def report_quantstats(csv: Path, repeat: int) -> dict:
    runs = [child([sys.executable, __file__, "--quantstats", str(csv)]) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    inner = json.loads(best["stdout"])
    return {"process_seconds": best["seconds"], "html_seconds": inner["seconds"],
            "peak_mib": best["peak_mib"], "bytes": inner["bytes"]}


def quantstats_child(csv: str) -> None:
    import warnings

    import pandas as pd
    import quantstats as qs

    warnings.filterwarnings("ignore")
    df = pd.read_csv(csv, parse_dates=["Date"], index_col="Date")
    returns = df["Close"].pct_change().dropna()
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "qs.html"
        t = time.perf_counter()
        qs.reports.html(returns, output=str(out), title="walk")
        seconds = time.perf_counter() - t
        print(json.dumps({"seconds": seconds, "bytes": out.stat().st_size}))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        wall, peak, out = timed(sys.argv[2:])
        print(json.dumps({"seconds": wall, "peak_mib": peak, "stdout": out}))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--quantstats":
        quantstats_child(sys.argv[2])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--ztrade", required=True, help="the release binary")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    ap.add_argument("--cache", default="/tmp/ztrade-peers", help="where the bars are written")
    ap.add_argument("--skip-quantstats", action="store_true")
    a = ap.parse_args()
    cache = Path(a.cache)
    daily = daily_bars(cache)
    out = {
        "minute_1m_bars": report_ztrade(a.ztrade, minute_bars(cache), "1m", "SYNTH", SMA, a.repeat),
        "daily_5000": report_ztrade(a.ztrade, daily, "1d", "WALK", HOLD, a.repeat),
    }
    if not a.skip_quantstats:
        out["quantstats_daily_5000"] = report_quantstats(daily, a.repeat)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
