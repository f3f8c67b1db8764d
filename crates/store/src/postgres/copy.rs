//! COPY encoders. Binary for the integer series tables (no text parsing on the server), text for
//! the NUMERIC columns of runs (PostgreSQL's binary NUMERIC is base-10000 digit groups; its text
//! input is exact and simpler).
//!
//! We write the binary format ourselves instead of through `BinaryCopyInWriter`: the rows are
//! all int8 (plus one int4 and one short text on the direct path), and encoding them straight
//! into a 1 MiB buffer avoids a dynamic `ToSql` call and a type check per field.

use std::io::Write;

use postgres::CopyInWriter;

use crate::StoreError;

const FLUSH_AT: usize = 1 << 20;

pub(super) struct BinaryCopy<'a> {
    writer: CopyInWriter<'a>,
    buf: Vec<u8>,
}

impl<'a> BinaryCopy<'a> {
    pub(super) fn new(writer: CopyInWriter<'a>) -> Self {
        let mut buf = Vec::with_capacity(FLUSH_AT + 4096);
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&0i32.to_be_bytes()); // flags
        buf.extend_from_slice(&0i32.to_be_bytes()); // header extension length
        Self { writer, buf }
    }

    #[inline]
    pub(super) fn row(&mut self, fields: i16) {
        self.buf.extend_from_slice(&fields.to_be_bytes());
    }

    #[inline]
    pub(super) fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&8i32.to_be_bytes());
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    #[inline]
    pub(super) fn opt_i64(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.i64(v),
            None => self.buf.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }

    #[inline]
    pub(super) fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&4i32.to_be_bytes());
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    #[inline]
    pub(super) fn opt_f64(&mut self, v: Option<f64>) {
        match v {
            Some(v) => {
                self.buf.extend_from_slice(&8i32.to_be_bytes());
                self.buf.extend_from_slice(&v.to_bits().to_be_bytes());
            }
            None => self.buf.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }

    /// A `date`: days since 2000-01-01.
    #[inline]
    pub(super) fn date(&mut self, days_since_2000: i32) {
        self.i32(days_since_2000);
    }

    #[inline]
    pub(super) fn text(&mut self, v: &str) {
        self.buf.extend_from_slice(&(v.len() as i32).to_be_bytes());
        self.buf.extend_from_slice(v.as_bytes());
    }

    #[inline]
    pub(super) fn opt_text(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.text(v),
            None => self.buf.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }

    #[inline]
    pub(super) fn bool(&mut self, v: bool) {
        self.buf.extend_from_slice(&1i32.to_be_bytes());
        self.buf.push(u8::from(v));
    }

    /// Hands the buffer to the connection once it is large; call after each row.
    #[inline]
    pub(super) fn maybe_flush(&mut self) -> Result<(), StoreError> {
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        self.writer.write_all(&self.buf).map_err(io_error)?;
        self.buf.clear();
        Ok(())
    }

    /// Sends the trailer and completes the COPY; returns the row count the server reports.
    pub(super) fn finish(mut self) -> Result<u64, StoreError> {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
        self.flush()?;
        Ok(self.writer.finish()?)
    }
}

/// A failed write to the COPY stream carries the server's error inside an io::Error.
fn io_error(e: std::io::Error) -> StoreError {
    match e
        .into_inner()
        .map(|inner| inner.downcast::<postgres::Error>())
    {
        Some(Ok(pg)) => StoreError::Postgres(*pg),
        Some(Err(other)) => StoreError::Invalid(format!("COPY stream: {other}")),
        None => StoreError::Invalid("COPY stream failed".into()),
    }
}

/// Text-format COPY: tab-separated, `\N` for NULL.
pub(super) struct TextCopy<'a> {
    writer: CopyInWriter<'a>,
    buf: Vec<u8>,
    first_in_row: bool,
}

impl<'a> TextCopy<'a> {
    pub(super) fn new(writer: CopyInWriter<'a>) -> Self {
        Self {
            writer,
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            first_in_row: true,
        }
    }

    fn sep(&mut self) {
        if !self.first_in_row {
            self.buf.push(b'\t');
        }
        self.first_in_row = false;
    }

    /// A value whose text needs no escaping (numbers).
    pub(super) fn plain(&mut self, v: impl std::fmt::Display) {
        self.sep();
        write!(self.buf, "{v}").expect("writing to a Vec cannot fail");
    }

    pub(super) fn opt_plain(&mut self, v: Option<impl std::fmt::Display>) {
        match v {
            Some(v) => self.plain(v),
            None => {
                self.sep();
                self.buf.extend_from_slice(b"\\N");
            }
        }
    }

    /// Free text, escaped as COPY's text format requires.
    pub(super) fn text(&mut self, v: &str) {
        self.sep();
        for b in v.bytes() {
            match b {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                _ => self.buf.push(b),
            }
        }
    }

    pub(super) fn end_row(&mut self) -> Result<(), StoreError> {
        self.buf.push(b'\n');
        self.first_in_row = true;
        if self.buf.len() >= FLUSH_AT {
            self.writer.write_all(&self.buf).map_err(io_error)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<u64, StoreError> {
        self.writer.write_all(&self.buf).map_err(io_error)?;
        Ok(self.writer.finish()?)
    }
}
