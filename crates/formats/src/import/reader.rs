//! The read loop: file → (gunzip) → 1 MiB chunks → lines → rows.
//!
//! Chunks keep memory flat however large the file, and a line cut by a chunk boundary is carried
//! to the next chunk. The format is sniffed from the first bytes, not the name: gzip is unpacked,
//! zip and Parquet are refused with a clear message.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use flate2::read::MultiGzDecoder;
use memchr::memchr;

use super::columns::{self, Kind};
use super::rows::{Collector, RowParser};
use super::split::Splitter;
use super::{ImportError, ReadOptions, ReadResult, RowError, Rows};

const CHUNK: usize = 1 << 20;

/// Counts the bytes taken from the file, for progress and [`ReadResult::bytes`].
struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Reads a bar or quote-bar CSV file (optionally gzipped). `progress` gets the bytes read from
/// disk so far, about once per MiB.
pub fn read_file(
    path: &Path,
    opts: &ReadOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ReadResult, ImportError> {
    let io_err = |source| ImportError::Io {
        file: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let size = file.metadata().map_err(io_err)?.len();
    let count = Rc::new(Cell::new(0));
    let counting = Counting {
        inner: file,
        count: count.clone(),
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, counting);
    let head = buffered.fill_buf().map_err(io_err)?;
    let unsupported = |reason: &str| ImportError::Unsupported {
        file: path.to_path_buf(),
        reason: reason.to_string(),
    };
    if head.starts_with(b"PK\x03\x04") {
        return Err(unsupported(
            "a zip archive; unzip it first (gzip is read directly)",
        ));
    }
    if head.starts_with(b"PAR1") {
        return Err(unsupported("a Parquet file; import reads CSV"));
    }
    let gz = head.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn Read> = if gz {
        Box::new(MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let hint = (!gz).then_some(size);
    let mut result = run(path, &mut reader, hint, opts, &mut || count.get(), progress)?;
    result.bytes = count.get();
    Ok(result)
}

/// Reads CSV text from any reader; `name` is used in error messages. `bytes` in the result counts
/// the bytes this function read.
pub fn read_from(
    name: &Path,
    reader: &mut dyn Read,
    opts: &ReadOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ReadResult, ImportError> {
    let count = Rc::new(Cell::new(0));
    let mut counting = Counting {
        inner: reader,
        count: count.clone(),
    };
    let mut result = run(
        name,
        &mut counting,
        None,
        opts,
        &mut || count.get(),
        progress,
    )?;
    result.bytes = count.get();
    Ok(result)
}

enum Sink {
    Bars(Collector<domain::Bar>),
    Quotes(Collector<domain::QuoteBar>),
}

/// State of one file being read.
struct Run<'a> {
    name: &'a Path,
    opts: &'a ReadOptions,
    line: u64,
    header: Option<(RowParser, Splitter, Sink)>,
    skipped: Vec<RowError>,
    size_hint: Option<u64>,
    bytes_seen: u64,
    reserved: bool,
}

fn run(
    name: &Path,
    reader: &mut dyn Read,
    size_hint: Option<u64>,
    opts: &ReadOptions,
    consumed: &mut dyn FnMut() -> u64,
    progress: &mut dyn FnMut(u64),
) -> Result<ReadResult, ImportError> {
    let io_err = |source| ImportError::Io {
        file: name.to_path_buf(),
        source,
    };
    let mut st = Run {
        name,
        opts,
        line: 0,
        header: None,
        skipped: Vec::new(),
        size_hint,
        bytes_seen: 0,
        reserved: false,
    };
    let mut buf = vec![0u8; CHUNK];
    let (mut start, mut end) = (0usize, 0usize);
    loop {
        if start > 0 {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
        }
        if end == buf.len() {
            buf.resize(buf.len() * 2, 0); // one line longer than the buffer
        }
        let n = loop {
            match reader.read(&mut buf[end..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_err(e)),
            }
        };
        end += n;
        while let Some(p) = memchr(b'\n', &buf[start..end]) {
            st.line(&buf[start..start + p])?;
            start += p + 1;
        }
        if n == 0 {
            if start < end {
                st.line(&buf[start..end])?; // last line without a newline
            }
            break;
        }
        progress(consumed());
    }
    progress(consumed());
    st.finish()
}

impl Run<'_> {
    fn err(&self, field: impl Into<String>, reason: impl Into<String>) -> RowError {
        RowError::new(self.name, self.line, field, reason)
    }

    #[inline]
    fn line(&mut self, raw: &[u8]) -> Result<(), ImportError> {
        self.line += 1;
        self.bytes_seen += raw.len() as u64 + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(()); // blank lines (often one at the end) carry nothing
        }
        let Some((parser, splitter, sink)) = &mut self.header else {
            return self.header(line);
        };
        let fields = match splitter.split(line) {
            Ok(f) => f,
            Err(reason) => return self.reject("row", reason),
        };
        let width = parser.layout().width;
        if fields.len() != width {
            let reason = format!(
                "expected {width} fields as in the header, found {}",
                fields.len()
            );
            return self.reject("row", reason);
        }
        let line_no = self.line;
        let outcome = match sink {
            Sink::Bars(c) => parser
                .bar(&fields)
                .map(|bar| c.push(bar, line_no).map_err(|r| ("timestamp", r))),
            Sink::Quotes(c) => parser
                .quote(&fields)
                .map(|q| c.push(q, line_no).map_err(|r| ("timestamp", r))),
        };
        match outcome {
            Ok(Ok(())) => {
                if !self.reserved {
                    self.reserve();
                }
                Ok(())
            }
            Ok(Err((field, reason))) | Err((field, reason)) => self.reject(field, reason),
        }
    }

    /// Strict: stop. Skipping: note the line and go on.
    fn reject(&mut self, field: &str, reason: String) -> Result<(), ImportError> {
        let e = self.err(field, reason);
        if self.opts.skip_invalid {
            self.skipped.push(e);
            Ok(())
        } else {
            Err(e.into())
        }
    }

    /// After a few rows, guess the row count from the file size so the vectors grow once.
    fn reserve(&mut self) {
        let Some((_, _, sink)) = &mut self.header else {
            return;
        };
        let n = match sink {
            Sink::Bars(c) => c.len(),
            Sink::Quotes(c) => c.len(),
        };
        if n < 64 {
            return;
        }
        self.reserved = true;
        if let Some(size) = self.size_hint {
            let per_row = (self.bytes_seen / n as u64).max(1);
            let more = (size.saturating_sub(self.bytes_seen) / per_row) as usize;
            let more = more + more / 32 + 16;
            match sink {
                Sink::Bars(c) => c.reserve(more),
                Sink::Quotes(c) => c.reserve(more),
            }
        }
    }

    fn header(&mut self, line: &[u8]) -> Result<(), ImportError> {
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        let mut splitter = Splitter::new(Splitter::detect(line));
        let names: Vec<String> = {
            let f = splitter
                .split(line)
                .map_err(|reason| self.err("header", reason))?;
            (0..f.len())
                .map(|i| String::from_utf8_lossy(f.get(i)).into_owned())
                .collect()
        };
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let layout = columns::layout(&refs).map_err(|(field, reason)| self.err(field, reason))?;
        let sink = match layout.kind {
            Kind::Bars { .. } => Sink::Bars(Collector::default()),
            Kind::Quotes { .. } => Sink::Quotes(Collector::default()),
        };
        let daily = self.opts.timeframe.is_daily_or_longer();
        let parser = RowParser::new(layout, self.opts.tz, daily);
        self.header = Some((parser, splitter, sink));
        Ok(())
    }

    fn finish(mut self) -> Result<ReadResult, ImportError> {
        let Some((_, _, sink)) = self.header.take() else {
            self.line = self.line.max(1);
            return Err(self
                .err("header", "empty file (expected a header row)")
                .into());
        };
        let (rows, reordered, conflicts, duplicates) = match sink {
            Sink::Bars(c) => {
                let (rows, re, conflicts, dups) = c.finish();
                (Rows::Bars(rows), re, conflicts, dups)
            }
            Sink::Quotes(c) => {
                let (rows, re, conflicts, dups) = c.finish();
                (Rows::QuoteBars(rows), re, conflicts, dups)
            }
        };
        for (line, reason) in conflicts {
            let e = RowError::new(self.name, line, "timestamp", reason);
            if !self.opts.skip_invalid {
                return Err(e.into());
            }
            self.skipped.push(e);
        }
        self.skipped.sort_by_key(|e| e.line);
        Ok(ReadResult {
            rows,
            skipped: self.skipped,
            bytes: 0,
            duplicates,
            reordered,
        })
    }
}
