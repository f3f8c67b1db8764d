//! Parquet through the low-level column writer (no arrow): one row group per 128 Ki bars, so
//! memory stays flat. pandas and polars read `timestamp` as `datetime64[ns, UTC]` and the rest as
//! float64 (`scripts/check_parquet.py` checks both).

use std::io::Write;
use std::sync::Arc;

use domain::{Bar, Timeframe};
use parquet::basic::Compression;
use parquet::data_type::{DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::{ExportError, SourceError};

const SCHEMA: &str = "message bars {
    required int64 timestamp (TIMESTAMP(NANOS,true));
    required double open;
    required double high;
    required double low;
    required double close;
    required double volume;
    optional double vwap;
    optional int64 trade_count;
}";

const ROW_GROUP: usize = 128 * 1024;

impl From<ParquetError> for ExportError {
    fn from(e: ParquetError) -> Self {
        match e {
            ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
                Ok(io) => ExportError::Io(*io),
                Err(other) => ExportError::Parquet(other.to_string()),
            },
            e => ExportError::Parquet(e.to_string()),
        }
    }
}

/// One row group's columns.
#[derive(Default)]
struct Columns {
    ts: Vec<i64>,
    prices: [Vec<f64>; 5], // open, high, low, close, volume
    vwap: Vec<f64>,
    vwap_def: Vec<i16>,
    trades: Vec<i64>,
    trades_def: Vec<i16>,
}

impl Columns {
    fn push(&mut self, bar: &Bar) {
        self.ts.push(bar.ts.as_i64());
        let v = [
            bar.open.to_f64(),
            bar.high.to_f64(),
            bar.low.to_f64(),
            bar.close.to_f64(),
            bar.volume.to_f64(),
        ];
        for (col, x) in self.prices.iter_mut().zip(v) {
            col.push(x);
        }
        if let Some(w) = bar.vwap {
            self.vwap.push(w.to_f64());
        }
        self.vwap_def.push(i16::from(bar.vwap.is_some()));
        if let Some(n) = bar.trade_count {
            self.trades.push(i64::try_from(n).unwrap_or(i64::MAX));
        }
        self.trades_def.push(i16::from(bar.trade_count.is_some()));
    }

    fn len(&self) -> usize {
        self.ts.len()
    }

    fn flush<W: Write + Send>(
        &mut self,
        w: &mut SerializedFileWriter<W>,
    ) -> Result<(), ExportError> {
        let mut rg = w.next_row_group()?;
        let mut i = 0;
        while let Some(mut col) = rg.next_column()? {
            match i {
                0 => {
                    col.typed::<Int64Type>().write_batch(&self.ts, None, None)?;
                }
                1..=5 => {
                    col.typed::<DoubleType>()
                        .write_batch(&self.prices[i - 1], None, None)?;
                }
                6 => {
                    col.typed::<DoubleType>().write_batch(
                        &self.vwap,
                        Some(&self.vwap_def),
                        None,
                    )?;
                }
                _ => {
                    col.typed::<Int64Type>().write_batch(
                        &self.trades,
                        Some(&self.trades_def),
                        None,
                    )?;
                }
            }
            col.close()?;
            i += 1;
        }
        rg.close()?;
        self.ts.clear();
        self.prices.iter_mut().for_each(Vec::clear);
        self.vwap.clear();
        self.vwap_def.clear();
        self.trades.clear();
        self.trades_def.clear();
        Ok(())
    }
}

/// Writes a Parquet file of `bars`; returns the number of bars. The timeframe is kept in the
/// file's key-value metadata as `ztrade.timeframe`.
pub fn write_parquet<W, I, E>(out: W, timeframe: Timeframe, bars: I) -> Result<u64, ExportError>
where
    W: Write + Send,
    I: IntoIterator<Item = Result<Bar, E>>,
    E: Into<SourceError>,
{
    let schema = Arc::new(parse_message_type(SCHEMA)?);
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .build();
    let mut w = SerializedFileWriter::new(out, schema, Arc::new(props))?;
    w.append_key_value_metadata(KeyValue::new(
        "ztrade.timeframe".to_string(),
        timeframe.to_string(),
    ));
    let mut cols = Columns::default();
    let mut n = 0u64;
    for bar in bars {
        let bar = bar.map_err(|e| ExportError::Source(e.into()))?;
        cols.push(&bar);
        n += 1;
        if cols.len() == ROW_GROUP {
            cols.flush(&mut w)?;
        }
    }
    if cols.len() > 0 {
        cols.flush(&mut w)?;
    }
    let mut inner = w.into_inner()?;
    inner.flush()?;
    Ok(n)
}
