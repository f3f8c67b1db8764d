//! The reader's own speed: generate, write and read back a CSV of one-minute bars
//! (`examples/measure_import.rs`).
//!
//! [`measure_import`] writes n synthetic one-minute bars as
//! `timestamp,open,high,low,close,volume` with RFC 3339 UTC times (the layout of the 1M-row
//! comparison against `sqlite3 .import`), then reads the file back with [`read_file`] and times
//! each step. The file is left in place so the caller can feed the same bytes to other tools.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use domain::{Bar, Timeframe};
use formats::import::{ImportError, ReadOptions, read_file};
use formats::synth::generate_minute_bars;

#[derive(Debug, Clone)]
pub struct ImportMeasurement {
    /// The CSV written (`bench_minute_bars.csv` in the given directory).
    pub path: PathBuf,
    pub rows: usize,
    pub bytes: u64,
    /// Generating the synthetic bars.
    pub generate: Duration,
    /// Writing them as CSV.
    pub write: Duration,
    /// `read_file`: reading, parsing, validating, order checks.
    pub read: Duration,
    /// Rows `read_file` returned (equals `rows` unless something is wrong).
    pub rows_read: usize,
}

impl ImportMeasurement {
    pub fn rows_per_sec(&self) -> f64 {
        self.rows_read as f64 / self.read.as_secs_f64()
    }
    pub fn mb_per_sec(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.read.as_secs_f64()
    }
}

/// Writes `bars` as `timestamp,open,high,low,close,volume` CSV to `path`.
pub fn write_ohlcv_csv(path: &Path, bars: &[Bar]) -> Result<u64, ImportError> {
    let io = |source| ImportError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path).map_err(io)?);
    w.write_all(b"timestamp,open,high,low,close,volume\n")
        .map_err(io)?;
    for b in bars {
        writeln!(
            w,
            "{},{},{},{},{},{}",
            b.ts.to_rfc3339(),
            b.open,
            b.high,
            b.low,
            b.close,
            b.volume
        )
        .map_err(io)?;
    }
    let f = w.into_inner().map_err(|e| io(e.into_error()))?;
    Ok(f.metadata().map_err(io)?.len())
}

/// Generates `rows` one-minute bars, writes them to `dir/bench_minute_bars.csv`, and reads the
/// file back strictly, timing each step.
pub fn measure_import(
    dir: &Path,
    rows: usize,
    seed: u64,
) -> Result<ImportMeasurement, ImportError> {
    let path = dir.join("bench_minute_bars.csv");
    let t = Instant::now();
    let bars = generate_minute_bars(rows, seed);
    let generate = t.elapsed();
    let t = Instant::now();
    let bytes = write_ohlcv_csv(&path, &bars)?;
    let write = t.elapsed();
    drop(bars);
    let t = Instant::now();
    let result = read_file(&path, &ReadOptions::new(Timeframe::M1), &mut |_| {})?;
    let read = t.elapsed();
    Ok(ImportMeasurement {
        path,
        rows,
        bytes,
        generate,
        write,
        read,
        rows_read: result.rows.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_small_file() {
        let dir = tempfile::tempdir().unwrap();
        let m = measure_import(dir.path(), 2_000, 1).unwrap();
        assert_eq!(m.rows_read, 2_000);
        assert_eq!(m.bytes, std::fs::metadata(&m.path).unwrap().len());
        let head = std::fs::read_to_string(&m.path).unwrap();
        assert!(
            head.starts_with("timestamp,open,high,low,close,volume\n2015-01-02T14:30:00Z,450,"),
            "{}",
            &head[..80]
        );
        assert!(m.rows_per_sec() > 0.0);
    }
}
