"""The SMA(10)/SMA(30) strategy in nautilus_trader (optional peer).

nautilus_trader pins pandas < 3 while vectorbt needs pandas >= 3, so it lives in its own venv
(/work/venv-nt, see README.md) and run_peers.py starts this peer with that interpreter.

Fill timing: nautilus fills a market order against the simulated book at once, and after a bar
the book stands at the bar's close, so an order sent from on_bar would fill at the signal bar's
close. To fill at the next bar's **open**, each bar is fed as a trade tick at its open (stamped
at the bar's start, with trade_execution=True so it moves the book) followed by the bar itself
(1 ns later). The strategy decides in on_bar and sends the order from on_trade_tick of the next
bar, sized floor(free cash / that open).
"""

from __future__ import annotations

import math
import time

import pandas as pd
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig, StrategyConfig
from nautilus_trader.indicators import SimpleMovingAverage
from nautilus_trader.model.currencies import USD
from nautilus_trader.model.data import Bar, BarType, TradeTick
from nautilus_trader.model.enums import AccountType, AggressorSide, OmsType, OrderSide
from nautilus_trader.model.identifiers import InstrumentId, Symbol, TradeId, TraderId, Venue
from nautilus_trader.model.instruments import Equity
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.trading.strategy import Strategy

VENUE = Venue("XNAS")
INSTRUMENT_ID = InstrumentId(Symbol("SYN"), VENUE)
BAR_TYPE = BarType.from_str(f"{INSTRUMENT_ID}-1-MINUTE-LAST-EXTERNAL")
# Size of the open trade tick: the simulated L1 book offers this much at the open, so the whole
# order fills there (a size of 1 would fill one share at the open and the rest a tick worse).
DEPTH = Quantity.from_int(1_000_000_000)


class SmaCross(Strategy):
    def __init__(self, config: StrategyConfig | None = None) -> None:
        super().__init__(config)
        self.fast = SimpleMovingAverage(10)
        self.slow = SimpleMovingAverage(30)
        self.prev = None
        self.intent = None
        self.bar_i = -1
        self.fills: list = []

    def on_start(self) -> None:
        self.register_indicator_for_bars(BAR_TYPE, self.fast)
        self.register_indicator_for_bars(BAR_TYPE, self.slow)
        self.subscribe_bars(BAR_TYPE)
        self.subscribe_trade_ticks(INSTRUMENT_ID)

    def on_trade_tick(self, tick: TradeTick) -> None:  # the open of the next bar
        self.bar_i += 1
        if self.intent == "BUY":
            cash = self.portfolio.account(VENUE).balance_free(USD).as_double()
            qty = math.floor(cash / tick.price.as_double())
            if qty > 0:
                order = self.order_factory.market(INSTRUMENT_ID, OrderSide.BUY, Quantity.from_int(qty))
                self.submit_order(order)
        elif self.intent == "SELL":
            self.close_all_positions(INSTRUMENT_ID)
        self.intent = None

    def on_bar(self, bar: Bar) -> None:  # the bar's close
        if not self.slow.initialized:
            return
        d = self.fast.value - self.slow.value
        if self.prev is not None:
            flat = self.portfolio.is_flat(INSTRUMENT_ID)
            if self.prev <= 0 < d and flat:
                self.intent = "BUY"
            elif self.prev >= 0 > d and not flat:
                self.intent = "SELL"
        self.prev = d

    def on_order_filled(self, event) -> None:
        side = "BUY" if event.order_side == OrderSide.BUY else "SELL"
        self.fills.append((self.bar_i, side, event.last_qty.as_double(), event.last_px.as_double()))


def run_nautilus(path: str) -> dict:
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    ts = pd.to_datetime(df.iloc[:, 0], utc=True, format="ISO8601").astype("int64").to_numpy()
    cols = {c.lower(): c for c in df.columns}
    o, h, l, c = (df[cols[k]].to_numpy() for k in ("open", "high", "low", "close"))
    v = df[cols["volume"]].to_numpy()
    instrument = Equity(
        instrument_id=INSTRUMENT_ID,
        raw_symbol=Symbol("SYN"),
        currency=USD,
        price_precision=2,
        price_increment=Price.from_str("0.01"),
        lot_size=Quantity.from_int(1),
        ts_event=0,
        ts_init=0,
        maker_fee=0,
        taker_fee=0,
    )
    ticks, bars = [], []
    for i in range(len(df)):
        t = int(ts[i])
        po = Price(float(o[i]), 2)
        ticks.append(TradeTick(INSTRUMENT_ID, po, DEPTH, AggressorSide.NO_AGGRESSOR, TradeId(str(i)), t, t))
        bars.append(
            Bar(BAR_TYPE, po, Price(float(h[i]), 2), Price(float(l[i]), 2), Price(float(c[i]), 2), Quantity.from_int(int(v[i])), t + 1, t + 1)
        )
    engine = BacktestEngine(BacktestEngineConfig(trader_id=TraderId("PEER-001"), logging=LoggingConfig(log_level="ERROR")))
    engine.add_venue(
        venue=VENUE,
        oms_type=OmsType.NETTING,
        account_type=AccountType.CASH,
        base_currency=USD,
        starting_balances=[Money(100_000, USD)],
        trade_execution=True,
        bar_execution=True,
    )
    engine.add_instrument(instrument)
    engine.add_data(ticks)
    engine.add_data(bars)
    strategy = SmaCross()
    engine.add_strategy(strategy)
    t1 = time.perf_counter()
    engine.run()
    t2 = time.perf_counter()
    account = engine.portfolio.account(VENUE)
    cash = account.balance_total(USD).as_double()
    pos = sum(f[2] if f[1] == "BUY" else -f[2] for f in strategy.fills)
    equity = cash + pos * float(c[-1])
    engine.dispose()
    return {"fills": strategy.fills, "final_equity": equity, "load_seconds": t1 - t0, "run_seconds": t2 - t1}
