//! Sets of stamps as sorted, disjoint, half-open spans `[start, end)`: what is old enough, what a
//! coarser series holds, what a stored run reads. Pure.

use domain::UnixNanos;
use store::Span;

/// Everything before `end`.
pub fn before(end: UnixNanos) -> Vec<Span> {
    if end == UnixNanos::MIN {
        return Vec::new();
    }
    vec![Span {
        start: UnixNanos::MIN,
        end,
    }]
}

/// Sorts and joins overlapping or touching spans; drops empty ones.
pub fn merge(mut v: Vec<Span>) -> Vec<Span> {
    v.retain(|s| s.start < s.end);
    v.sort();
    let mut out: Vec<Span> = Vec::with_capacity(v.len());
    for s in v {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// The stamps in both.
pub fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let start = a[i].start.max(b[j].start);
        let end = a[i].end.min(b[j].end);
        if start < end {
            out.push(Span { start, end });
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The stamps of `a` not in `b`.
pub fn subtract(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut j = 0;
    for s in a {
        let mut start = s.start;
        while j < b.len() && b[j].end <= start {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].start < s.end {
            if b[k].start > start {
                out.push(Span {
                    start,
                    end: b[k].start,
                });
            }
            start = start.max(b[k].end);
            k += 1;
        }
        if start < s.end {
            out.push(Span { start, end: s.end });
        }
    }
    out
}

/// The spans from `t` on.
pub fn from(a: &[Span], t: UnixNanos) -> Vec<Span> {
    intersect(
        a,
        &[Span {
            start: t,
            end: UnixNanos::MAX,
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[(i64, i64)]) -> Vec<Span> {
        v.iter()
            .map(|&(a, b)| Span {
                start: UnixNanos::new(a),
                end: UnixNanos::new(b),
            })
            .collect()
    }

    /// The members of a set among 0..40, for checking the operations stamp by stamp.
    fn members(v: &[Span]) -> Vec<i64> {
        (0..40)
            .filter(|&t| {
                v.iter()
                    .any(|x| x.start.as_i64() <= t && t < x.end.as_i64())
            })
            .collect()
    }

    #[test]
    fn operations_agree_with_sets_of_stamps() {
        let sets = [
            s(&[]),
            s(&[(0, 40)]),
            s(&[(3, 7), (9, 12), (20, 30)]),
            s(&[(5, 10), (11, 21), (29, 35)]),
            s(&[(7, 9), (12, 20)]),
        ];
        for a in &sets {
            for b in &sets {
                let (ma, mb) = (members(a), members(b));
                let both: Vec<i64> = ma.iter().copied().filter(|t| mb.contains(t)).collect();
                let only: Vec<i64> = ma.iter().copied().filter(|t| !mb.contains(t)).collect();
                assert_eq!(members(&intersect(a, b)), both, "{a:?} ∩ {b:?}");
                assert_eq!(members(&subtract(a, b)), only, "{a:?} − {b:?}");
                let mut all = a.clone();
                all.extend(b.iter().copied());
                let mut union = ma.clone();
                union.extend(mb.iter().filter(|t| !ma.contains(t)));
                union.sort();
                let merged = merge(all);
                assert_eq!(members(&merged), union);
                assert!(merged.windows(2).all(|w| w[0].end < w[1].start));
            }
        }
        assert_eq!(
            members(&from(&s(&[(3, 7), (9, 12)]), UnixNanos::new(5))),
            vec![5, 6, 9, 10, 11]
        );
        assert!(before(UnixNanos::MIN).is_empty());
    }
}
