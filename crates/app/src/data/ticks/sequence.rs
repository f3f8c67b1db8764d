//! The seq of a tick: its place among the file's ticks at its timestamp, counted across the
//! batches of a streamed file.

use domain::UnixNanos;
use store::Seq;

/// Numbers ticks in time order, batch after batch: each gets its place among the ticks at its
/// timestamp.
#[derive(Debug, Default)]
pub struct Sequencer {
    prev: Option<UnixNanos>,
    seq: u32,
}

/// Why a batch could not be numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unnumbered {
    /// A tick earlier than the one before it: the rows need sorting first.
    BackInTime,
    /// More ticks at one timestamp than a seq holds.
    TooMany(UnixNanos),
}

impl Sequencer {
    pub fn number<T>(
        &mut self,
        ticks: Vec<T>,
        ts: impl Fn(&T) -> UnixNanos,
    ) -> Result<Vec<Seq<T>>, Unnumbered> {
        let mut out = Vec::with_capacity(ticks.len());
        for tick in ticks {
            let at = ts(&tick);
            match self.prev {
                Some(prev) if at < prev => return Err(Unnumbered::BackInTime),
                Some(prev) if at == prev => {
                    self.seq = self.seq.checked_add(1).ok_or(Unnumbered::TooMany(at))?;
                }
                _ => {
                    self.prev = Some(at);
                    self.seq = 0;
                }
            }
            out.push(Seq {
                seq: self.seq,
                tick,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ns: &[i64]) -> Vec<UnixNanos> {
        ns.iter().map(|&n| UnixNanos::new(n)).collect()
    }

    fn seqs(rows: &[Seq<UnixNanos>]) -> Vec<u32> {
        rows.iter().map(|r| r.seq).collect()
    }

    #[test]
    fn numbers_carry_from_one_batch_to_the_next() {
        let mut n = Sequencer::default();
        let a = n.number(at(&[1, 1, 2, 2]), |t| *t).unwrap();
        let b = n.number(at(&[2, 3, 3]), |t| *t).unwrap();
        assert_eq!((seqs(&a), seqs(&b)), (vec![0, 1, 0, 1], vec![2, 0, 1]));
    }

    #[test]
    fn a_tick_back_in_time_is_refused_even_across_batches() {
        let mut n = Sequencer::default();
        n.number(at(&[5, 6]), |t| *t).unwrap();
        assert_eq!(
            n.number(at(&[5]), |t| *t).unwrap_err(),
            Unnumbered::BackInTime
        );
    }

    #[test]
    fn a_seq_beyond_u32_is_an_error_not_a_wrapped_number() {
        let mut n = Sequencer {
            prev: Some(UnixNanos::new(7)),
            seq: u32::MAX - 1,
        };
        assert_eq!(seqs(&n.number(at(&[7]), |t| *t).unwrap()), [u32::MAX]);
        assert_eq!(
            n.number(at(&[7]), |t| *t).unwrap_err(),
            Unnumbered::TooMany(UnixNanos::new(7))
        );
    }
}
