//! Moving-average crossovers. `sma_crossover` is the reference strategy: it compares the exact
//! integer sums (`fast_sum × slow_n` vs `slow_sum × fast_n`, both kept by one [`SmaPair`]), never
//! float averages, so an exact tie is seen as a tie. The first possible signal is on bar `slow + 1`: a cross needs both bars'
//! averages.

use domain::Bar;
use indicators::{Ema, ParamError, SmaPair};

use super::notes::{EMA_CROSS, SMA_CROSS};
use super::signals::{Cross, CrossDetector, bearish, bullish};
use crate::event::SymbolId;
use crate::order::OrderRequest;
use crate::strategy::{Context, Strategy};

pub struct SmaCrossover {
    state: Vec<(SmaPair, CrossDetector)>,
}

impl SmaCrossover {
    pub fn new(fast: usize, slow: usize, symbols: usize) -> Result<Self, ParamError> {
        let one = (SmaPair::new(fast, slow)?, CrossDetector::default());
        Ok(Self {
            state: vec![one; symbols],
        })
    }
}

impl Strategy for SmaCrossover {
    #[inline]
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let (smas, cross) = &mut self.state[s.index()];
        smas.update(bar.close);
        let cross = cross.update(smas.cmp_means());
        match cross {
            Some(Cross::Up) => bullish(ctx, s, out),
            Some(Cross::Down) => bearish(ctx, s, out),
            None => {}
        }
        if let Some(c) = cross
            && ctx.journaling()
        {
            ctx.note(SMA_CROSS.note(s, c));
        }
    }
}

pub struct EmaCrossover {
    state: Vec<(Ema, Ema, CrossDetector)>,
}

impl EmaCrossover {
    pub fn new(fast: usize, slow: usize, symbols: usize) -> Result<Self, ParamError> {
        let one = (Ema::new(fast)?, Ema::new(slow)?, CrossDetector::default());
        Ok(Self {
            state: vec![one; symbols],
        })
    }
}

impl Strategy for EmaCrossover {
    #[inline]
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let (fast, slow, cross) = &mut self.state[s.index()];
        let f = fast.update(bar.close);
        let sl = slow.update(bar.close);
        let cmp = f.zip(sl).and_then(|(f, s)| f.partial_cmp(&s));
        let cross = cross.update(cmp);
        match cross {
            Some(Cross::Up) => bullish(ctx, s, out),
            Some(Cross::Down) => bearish(ctx, s, out),
            None => {}
        }
        if let (Some(c), Some((f, sl))) = (cross, f.zip(sl))
            && ctx.journaling()
        {
            ctx.note(EMA_CROSS.note_with(s, c, f, sl));
        }
    }
}
