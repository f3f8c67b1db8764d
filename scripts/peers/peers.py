"""The SMA(10)/SMA(30) strategy written the idiomatic way in each peer framework.

Each `run_<peer>(path)` loads the CSV itself (timed as `load_seconds`), runs the backtest (timed as
`run_seconds`) and returns the fills as (bar_index, action, quantity, price) with the peer's own
float price, plus its final equity. Everyone uses the framework's own SMA and crossover helpers,
because that is what a user of the framework gets; the differences this causes are the point.

Fill-timing setup, per framework, to match the reference (signal at close, fill at next open):
  - backtrader: cheat_on_open + broker coo; the order is placed in next_open() of the bar after
    the signal, sized floor(cash / open) with that bar's open, and fills at that open.
  - backtesting.py: default (trade_on_close=False) market orders fill at the next open. Size can
    only be a fraction < 1 of available margin or a unit count decided before the open is known,
    so we pass 1 - 1e-9 (its default 0.9999 buys up to 0.01% fewer shares).
  - vectorbt: crossover signals shifted one bar, price=open, size=inf with size_granularity=1
    (whole shares, all cash), long only.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

START_CASH = 100_000.0


def read(path: str) -> pd.DataFrame:
    df = pd.read_csv(path)
    first = df.columns[0]
    idx = pd.to_datetime(df[first], utc=True, format="ISO8601")
    df = df.drop(columns=[first])
    df.index = idx.rename("time")
    df.columns = [c.lower() for c in df.columns]
    return df


def run_backtrader(path: str) -> dict:
    import backtrader as bt

    t0 = time.perf_counter()
    df = read(path)
    df.index = df.index.tz_localize(None)
    feed = bt.feeds.PandasData(dataname=df, openinterest=None)
    t1 = time.perf_counter()

    fills: list = []

    class SmaCross(bt.Strategy):
        def __init__(self):
            fast = bt.ind.SMA(self.data.close, period=10)
            slow = bt.ind.SMA(self.data.close, period=30)
            self.cross = bt.ind.CrossOver(fast, slow)
            self.intent = None

        def next(self):  # at the bar's close, position after this bar's fills
            if self.cross[0] > 0 and not self.position:
                self.intent = "BUY"
            elif self.cross[0] < 0 and self.position:
                self.intent = "SELL"

        def next_open(self):  # the next bar, before its open is matched
            if self.intent == "BUY":
                size = int(self.broker.getcash() // self.data.open[0])
                if size > 0:
                    self.buy(size=size)
            elif self.intent == "SELL":
                self.close()
            self.intent = None

        def notify_order(self, order):
            if order.status == order.Completed:
                action = "BUY" if order.isbuy() else "SELL"
                fills.append((len(self.data) - 1, action, abs(order.executed.size), order.executed.price))
            elif order.status in (order.Margin, order.Rejected, order.Canceled):
                fills.append((len(self.data) - 1, "REJECTED", abs(order.created.size), order.created.price))

    cerebro = bt.Cerebro(cheat_on_open=True, stdstats=False)
    cerebro.broker.set_coo(True)
    cerebro.broker.setcash(START_CASH)
    cerebro.adddata(feed)
    cerebro.addstrategy(SmaCross)
    cerebro.run()
    t2 = time.perf_counter()
    return {"fills": fills, "final_equity": cerebro.broker.getvalue(), "load_seconds": t1 - t0, "run_seconds": t2 - t1}


def run_backtesting(path: str) -> dict:
    from backtesting import Backtest, Strategy
    from backtesting.lib import crossover

    t0 = time.perf_counter()
    df = read(path)
    df.index = df.index.tz_localize(None)
    data = df.rename(columns=str.capitalize)[["Open", "High", "Low", "Close", "Volume"]]
    t1 = time.perf_counter()

    fills: list = []

    def sma(values, n):
        return pd.Series(values).rolling(n).mean()

    class SmaCross(Strategy):
        def init(self):
            self.fast = self.I(sma, self.data.Close, 10)
            self.slow = self.I(sma, self.data.Close, 30)
            self.held = 0

        def next(self):
            i = len(self.data) - 1
            size = self.position.size
            if size != self.held:  # a fill happened at this bar's open
                if size > self.held:
                    fills.append((i, "BUY", size - self.held, self.trades[-1].entry_price))
                else:
                    fills.append((i, "SELL", self.held - size, self.closed_trades[-1].exit_price))
                self.held = size
            if crossover(self.fast, self.slow) and not self.position:
                self.buy(size=1 - 1e-9)
            elif crossover(self.slow, self.fast) and self.position:
                self.position.close()

    bt = Backtest(data, SmaCross, cash=START_CASH, commission=0.0, finalize_trades=False)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = bt.run()
    t2 = time.perf_counter()
    return {"fills": fills, "final_equity": float(stats["Equity Final [$]"]), "load_seconds": t1 - t0, "run_seconds": t2 - t1}


def run_vectorbt(path: str, repeat: int = 2) -> dict:
    import vectorbt as vbt

    t0 = time.perf_counter()
    df = read(path)
    close, open_ = df["close"], df["open"]
    t1 = time.perf_counter()
    runs = []
    for _ in range(repeat):  # the first run includes numba compilation (cached on disk after)
        s = time.perf_counter()
        fast = vbt.MA.run(close, 10)
        slow = vbt.MA.run(close, 30)
        entries = fast.ma_crossed_above(slow).shift(1, fill_value=False)
        exits = fast.ma_crossed_below(slow).shift(1, fill_value=False)
        pf = vbt.Portfolio.from_signals(
            close,
            entries,
            exits,
            price=open_,
            size=np.inf,
            size_granularity=1.0,
            init_cash=START_CASH,
            fees=0.0,
            direction="longonly",
            freq="1min",
        )
        rec = pf.orders.values  # structured array: id, col, idx, size, price, fees, side
        runs.append(time.perf_counter() - s)
    fills = [
        (int(r["idx"]), "BUY" if r["side"] == 0 else "SELL", float(r["size"]), float(r["price"]))
        for r in rec
    ]
    return {
        "fills": fills,
        "final_equity": float(pf.final_value()),
        "load_seconds": t1 - t0,
        "run_seconds": runs[0],
        "warm_run_seconds": runs[-1] if repeat > 1 else None,
    }


PEERS = {"backtrader": run_backtrader, "backtesting": run_backtesting, "vectorbt": run_vectorbt}
