//! Robust location and scale: the median, and the median absolute deviation (MAD) scaled by
//! 1.4826 so that it estimates a normal sample's standard deviation. A few wild values move
//! neither, which is the point: the outliers being looked for do not hide themselves.
//!
//! When more than half the sample sits on one value (flat minutes, a price stuck at the tick),
//! the MAD is zero; the scale then falls back to the mean absolute deviation from the median
//! times 1.2533 (the same normal-consistency factor for that estimator), and to none when every
//! value is equal.

/// The median and the robust scale of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub median: f64,
    /// Never zero.
    pub scale: f64,
}

impl Scale {
    /// How many scales `x` is from the median.
    pub fn z(&self, x: f64) -> f64 {
        (x - self.median) / self.scale
    }
}

/// The median of `v` (the upper middle for an even length); reorders `v`. `None` when empty.
pub fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*m)
}

/// The median and robust scale of the finite values of `sample`, using `scratch` for the
/// deviations; `None` with fewer than `min_len` values or no spread at all.
pub fn scale(sample: &mut [f64], scratch: &mut Vec<f64>, min_len: usize) -> Option<Scale> {
    if sample.len() < min_len.max(1) {
        return None;
    }
    let med = median(sample)?;
    scratch.clear();
    scratch.extend(sample.iter().map(|x| (x - med).abs()));
    let mad = median(scratch)?;
    let scale = if mad > 0.0 {
        1.4826 * mad
    } else {
        1.2533 * scratch.iter().sum::<f64>() / scratch.len() as f64
    };
    (scale > 0.0 && scale.is_finite()).then_some(Scale { median: med, scale })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_wild_values_do_not_move_the_scale() {
        let mut calm: Vec<f64> = (0..101).map(|i| f64::from(i % 7) - 3.0).collect();
        let mut scratch = Vec::new();
        let a = scale(&mut calm.clone(), &mut scratch, 10).unwrap();
        calm[3] = 1e6;
        calm[40] = -1e6;
        let b = scale(&mut calm, &mut scratch, 10).unwrap();
        assert_eq!(a.median, 0.0);
        assert!((a.scale - b.scale).abs() / a.scale < 0.5, "{a:?} {b:?}");
        assert!(b.z(1e6) > 1e5);
    }

    #[test]
    fn a_flat_sample_falls_back_to_the_mean_deviation_then_to_none() {
        let mut scratch = Vec::new();
        let mut flat = vec![5.0; 30];
        assert_eq!(scale(&mut flat.clone(), &mut scratch, 10), None);
        flat[0] = 6.0;
        let s = scale(&mut flat, &mut scratch, 10).unwrap();
        assert_eq!(s.median, 5.0);
        assert!((s.scale - 1.2533 / 30.0).abs() < 1e-12);
        assert_eq!(scale(&mut [1.0, 2.0], &mut scratch, 10), None);
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 4.0]), Some(3.0));
    }
}
