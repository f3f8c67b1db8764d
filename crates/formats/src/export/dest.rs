//! Where an export goes, and how it is written there.
//!
//! - A regular file, or a path with nothing at it yet, is written atomically: into
//!   `.NAME.partial` beside it, renamed over it only when every bar is written. A symlink is
//!   followed first, so the link stays and its target is replaced (the partial file sits beside
//!   the target, on the target's file system, where the rename is atomic).
//! - Anything else, a FIFO, a terminal, a device, is opened and written in place: renaming a
//!   file over it would replace the pipe instead of feeding it.
//! - `-`, and any path that is this process's standard output (`/dev/stdout`,
//!   `/proc/self/fd/1`, the file stdout is redirected to), is stdout itself.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use domain::{Bar, QuoteBar, Timeframe};

use super::{ExportError, Format, SourceError, write_to};

/// How deep a chain of symlinks is followed (Linux's own limit).
const MAX_LINKS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    /// Not a regular file (a FIFO, a device): opened and written as it is.
    InPlace(PathBuf),
    /// A regular file, or nothing yet: written beside `target` and renamed over it.
    Atomic {
        target: PathBuf,
    },
}

impl Destination {
    /// Decides where `path` writes, following symlinks; the error names `path`.
    pub fn of(path: &Path) -> Result<Self, ExportError> {
        let file_err = |source| ExportError::File {
            file: path.to_path_buf(),
            source,
        };
        if path == Path::new("-") {
            return Ok(Self::Stdout);
        }
        match fs::metadata(path) {
            Ok(meta) if is_stdout(&meta) => Ok(Self::Stdout),
            Ok(meta) if meta.is_dir() => Err(file_err(io::ErrorKind::IsADirectory.into())),
            Ok(meta) if !meta.is_file() => Ok(Self::InPlace(path.to_path_buf())),
            Ok(_) => Ok(Self::Atomic {
                target: resolve_links(path).map_err(file_err)?,
            }),
            // A new file, or a symlink to one: created at the link's target.
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Self::Atomic {
                target: resolve_links(path).map_err(file_err)?,
            }),
            Err(e) => Err(file_err(e)),
        }
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self, Self::Stdout)
    }

    /// What errors name: the path written, or `stdout`.
    fn shown(&self) -> PathBuf {
        match self {
            Self::Stdout => PathBuf::from("stdout"),
            Self::InPlace(p) | Self::Atomic { target: p } => p.clone(),
        }
    }
}

/// The path at the end of `path`'s chain of symlinks (`path` itself if it is none); the target
/// need not exist.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&p)?;
                // A relative link is relative to the link's folder; joining keeps an absolute one.
                p = p
                    .parent()
                    .map_or_else(|| link.clone(), |dir| dir.join(&link));
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Whether `meta` is the file this process's stdout is open on.
#[cfg(unix)]
fn is_stdout(meta: &fs::Metadata) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() else {
        return false;
    };
    File::from(fd)
        .metadata()
        .is_ok_and(|out| (out.dev(), out.ino()) == (meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn is_stdout(_: &fs::Metadata) -> bool {
    false
}

/// Writes `bars` to `dest` ([`Destination`] says how); returns how many were written. An
/// atomic write that fails leaves the target as it was and no partial file.
pub fn export_to<I, E>(
    dest: &Destination,
    format: Format,
    timeframe: Timeframe,
    bars: I,
) -> Result<u64, ExportError>
where
    I: IntoIterator<Item = Result<Bar, E>>,
    E: Into<SourceError>,
{
    export_with(dest, |w| write_to(w, format, timeframe, bars))
}

/// Writes `bytes` to `dest` as the exports are written (atomically to a file, in place to a FIFO
/// or device, or to stdout); returns how many bytes.
pub fn write_bytes(dest: &Destination, bytes: &[u8]) -> Result<u64, ExportError> {
    export_with(dest, |w| {
        w.write_all(bytes)?;
        Ok(bytes.len() as u64)
    })
}

/// Quote bars to `dest` as CSV in LEAN's columns (`timestamp,bid_open,…,ask_size`), which the
/// importer reads back to the same rows.
pub fn export_quotes_to<I, E>(
    dest: &Destination,
    timeframe: Timeframe,
    quotes: I,
) -> Result<u64, ExportError>
where
    I: IntoIterator<Item = Result<QuoteBar, E>>,
    E: Into<SourceError>,
{
    export_with(dest, |w| {
        super::quotes::write_quotes_csv(w, timeframe, quotes)
    })
}

/// Runs `write` on the destination's writer, atomically for a file.
pub(super) fn export_with(
    dest: &Destination,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<u64, ExportError>,
) -> Result<u64, ExportError> {
    let result = match dest {
        Destination::Stdout => stream(io::stdout(), write),
        Destination::InPlace(path) => OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(ExportError::Io)
            .and_then(|f| stream(f, write)),
        Destination::Atomic { target } => atomic(target, write),
    };
    result.map_err(|e| match e {
        ExportError::Io(source) => ExportError::File {
            file: dest.shown(),
            source,
        },
        e => e,
    })
}

/// Through a buffer, flushed at the end; no fsync, which a pipe or terminal refuses.
fn stream<W: Write + Send>(
    out: W,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<u64, ExportError>,
) -> Result<u64, ExportError> {
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let n = write(&mut w)?;
    w.flush()?;
    Ok(n)
}

/// Into `.NAME.partial` beside `target`, synced, given the target's permissions, renamed over it.
fn atomic(
    target: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<u64, ExportError>,
) -> Result<u64, ExportError> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::other("not a file name"))?;
    let tmp = target.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    let result = File::create(&tmp)
        .map_err(ExportError::Io)
        .and_then(|f| {
            let mut w = BufWriter::with_capacity(1 << 16, f);
            let n = write(&mut w)?;
            let f = w.into_inner().map_err(|e| e.into_error())?;
            if let Ok(old) = fs::metadata(target) {
                f.set_permissions(old.permissions())?;
            }
            f.sync_all()?;
            Ok(n)
        })
        .and_then(|n| fs::rename(&tmp, target).map(|_| n).map_err(ExportError::Io));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
