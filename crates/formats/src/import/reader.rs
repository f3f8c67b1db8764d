//! The read loop: file → (gunzip) → 1 MiB chunks → lines → rows.
//!
//! Chunks keep memory flat however large the file, and a line cut by a chunk boundary is carried
//! to the next chunk. A line may be at most [`MAX_LINE`] bytes, so `/dev/zero` or a binary file
//! is refused after 1 MiB rather than read into memory whole. The format is sniffed from the
//! first bytes, not the name: gzip is unpacked, zip and Parquet are refused with a clear message.
//! A last line without a newline is reported, and refused when it looks cut short (`tail`).

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use flate2::read::MultiGzDecoder;
use memchr::memchr;

use super::columns::{self, Kind};
use super::fit;
use super::rows::{Collector, RowParser};
use super::split::Splitter;
use super::tail::{self, RECENT, Tail, Verdict};
use super::{ImportError, ReadOptions, ReadResult, RowError, Rows};

const CHUNK: usize = 1 << 20;

/// The longest line read, newline excluded: 1 MiB, far beyond any bar row.
pub const MAX_LINE: usize = 1 << 20;

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

/// A file opened for reading: gzip unpacked, zip and Parquet refused. `count` follows the bytes
/// taken from disk (compressed size for gzip); `size_hint` is the file size when not compressed.
pub(super) struct Source {
    pub reader: Box<dyn Read>,
    pub size_hint: Option<u64>,
    pub count: Rc<Cell<u64>>,
}

/// Opens `path`, sniffing the format from its first bytes, not its name.
pub(super) fn open(path: &Path) -> Result<Source, ImportError> {
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
    let reader: Box<dyn Read> = if gz {
        Box::new(MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    Ok(Source {
        reader,
        size_hint: (!gz).then_some(size),
        count,
    })
}

/// Reads a bar or quote-bar CSV file (optionally gzipped). `progress` gets the bytes read from
/// disk so far, about once per MiB.
pub fn read_file(
    path: &Path,
    opts: &ReadOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ReadResult, ImportError> {
    let (mut result, bytes) = with_file(path, |reader, size_hint, consumed| {
        run(path, reader, size_hint, opts, consumed, progress)
    })?;
    result.bytes = bytes;
    Ok(result)
}

/// Runs `read` over the file at `path` as [`open`] opens it (with its size when not gzipped, and
/// the bytes read from disk so far), and returns what it gave with the bytes it read.
pub(super) fn with_file<T>(
    path: &Path,
    read: impl FnOnce(&mut dyn Read, Option<u64>, &mut dyn FnMut() -> u64) -> Result<T, ImportError>,
) -> Result<(T, u64), ImportError> {
    let mut src = open(path)?;
    let count = src.count.clone();
    let out = read(&mut src.reader, src.size_hint, &mut || count.get())?;
    Ok((out, count.get()))
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
    /// The header's last column, as written (the field a cut-short last line loses).
    last_column: String,
    skipped: Vec<RowError>,
    warnings: Vec<RowError>,
    adj_close_ignored: bool,
    tail: Tail,
    /// The line being read is the last one and has no newline.
    unterminated: bool,
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
    let mut st = Run {
        name,
        opts,
        line: 0,
        header: None,
        last_column: String::new(),
        skipped: Vec::new(),
        warnings: Vec::new(),
        adj_close_ignored: false,
        tail: Tail::default(),
        unterminated: false,
        size_hint,
        bytes_seen: 0,
        reserved: false,
    };
    for_each_line(
        name,
        reader,
        consumed,
        progress,
        &mut |line, unterminated| {
            st.unterminated = unterminated;
            st.line(line)
        },
    )?;
    st.finish()
}

/// What [`for_each_line`] calls with each line and whether it is a last line with no newline.
pub(super) type OnLine<'a> = &'a mut dyn FnMut(&[u8], bool) -> Result<(), ImportError>;

/// Calls `on_line` with every line of `reader` (newline excluded; `true` for a last line that
/// has no newline), and `progress` with `consumed()` about once per MiB.
pub(super) fn for_each_line(
    name: &Path,
    reader: &mut dyn Read,
    consumed: &mut dyn FnMut() -> u64,
    progress: &mut dyn FnMut(u64),
    on_line: OnLine<'_>,
) -> Result<(), ImportError> {
    let io_err = |source| ImportError::Io {
        file: name.to_path_buf(),
        source,
    };
    // Room for one carried partial line of at most MAX_LINE bytes plus a chunk: never grows.
    let mut buf = vec![0u8; MAX_LINE + CHUNK];
    let (mut start, mut end) = (0usize, 0usize);
    let mut lines = 0u64;
    let too_long = |line: u64| ImportError::LineTooLong {
        file: name.to_path_buf(),
        line: line + 1,
    };
    loop {
        if start > 0 {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
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
            if p > MAX_LINE {
                return Err(too_long(lines));
            }
            on_line(&buf[start..start + p], false)?;
            lines += 1;
            start += p + 1;
        }
        if end - start > MAX_LINE {
            return Err(too_long(lines));
        }
        if n == 0 {
            if start < end {
                on_line(&buf[start..end], true)?;
            }
            break;
        }
        progress(consumed());
    }
    progress(consumed());
    Ok(())
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
        let last = fields.get(width - 1).trim_ascii();
        let mut warning = None;
        if !self.unterminated {
            self.tail.observe(last.len());
        } else {
            let value = String::from_utf8_lossy(last);
            let field = self.last_column.clone();
            warning = Some(match self.tail.judge(last.len()) {
                Verdict::CutShort { shortest } => {
                    let reason = format!(
                        "{value:?} is shorter than every other value in this column (at least \
                         {shortest} characters) and is on the last line, which has no newline: \
                         the file looks cut short"
                    );
                    if self.opts.strict_tail {
                        let reason = format!("{reason} (--strict-tail=false reads it anyway)");
                        return self.refuse(RowError::new(self.name, self.line, field, reason));
                    }
                    (field, reason)
                }
                Verdict::Unusual => {
                    let reason = format!(
                        "{value:?} is shorter than each of the {RECENT} values before it and is on \
                         the last line, which has no newline: the file may be cut short"
                    );
                    (field, reason)
                }
                Verdict::Whole => ("row".to_string(), tail::READ_AS_IT_STANDS.to_string()),
            });
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
                if let Some((field, reason)) = warning {
                    let e = RowError::new(self.name, self.line, field, reason);
                    self.warnings.push(e);
                }
                if !self.reserved {
                    self.reserve();
                }
                Ok(())
            }
            Ok(Err((field, reason))) | Err((field, reason)) => self.reject(field, reason),
        }
    }

    /// Strict: stop. Skipping: note the line and go on.
    fn reject(&mut self, field: &str, mut reason: String) -> Result<(), ImportError> {
        if self.unterminated {
            reason.push_str(tail::CUT_SHORT_HINT);
        }
        let e = self.err(field, reason);
        self.refuse(e)
    }

    fn refuse(&mut self, e: RowError) -> Result<(), ImportError> {
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
        self.last_column = names.last().map_or("", |n| n.trim()).to_string();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let layout = columns::layout(&refs).map_err(|(field, reason)| self.err(field, reason))?;
        let sink = match layout.kind {
            Kind::Bars { .. } => Sink::Bars(Collector::default()),
            Kind::Quotes { .. } => Sink::Quotes(Collector::default()),
        };
        self.adj_close_ignored = matches!(
            layout.kind,
            Kind::Bars {
                adj_close: Some(_),
                ..
            }
        ) && !self.opts.adj_close;
        let parser = RowParser::new(layout, self.opts.tz, self.opts.timeframe)
            .adjusting(self.opts.adj_close);
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
        let (rows, reordered, conflicts, duplicates, closest) = match sink {
            Sink::Bars(c) => {
                let f = c.finish();
                let n = (f.reordered, f.conflicts, f.duplicates, f.closest);
                (Rows::Bars(f.rows), n.0, n.1, n.2, n.3)
            }
            Sink::Quotes(c) => {
                let f = c.finish();
                let n = (f.reordered, f.conflicts, f.duplicates, f.closest);
                (Rows::QuoteBars(f.rows), n.0, n.1, n.2, n.3)
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
        let (tf, tz) = (self.opts.timeframe, self.opts.tz);
        fit::check_spacing(self.name, tf, tz, closest, rows.len())?;
        Ok(ReadResult {
            rows,
            skipped: self.skipped,
            bytes: 0,
            duplicates,
            reordered,
            warnings: self.warnings,
            adj_close_ignored: self.adj_close_ignored,
        })
    }
}
