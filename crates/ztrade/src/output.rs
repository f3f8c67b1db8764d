//! Printing results: `--json` gives one JSON document on stdout; otherwise a table.

use serde::Serialize;

/// Streams `value` as pretty JSON to stdout (no intermediate string: runs can hold many trades).
pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

pub use render::table;

/// Prints what a renderer of [`render::text`] writes: its lines on stdout, its warnings on stderr.
pub fn text(f: impl FnOnce(&mut render::Text)) {
    let mut t = render::Text::default();
    f(&mut t);
    print!("{}", t.out);
    for w in &t.warnings {
        eprintln!("warning: {w}");
    }
}

/// `--json`: `value` as JSON; otherwise what `text` writes of it.
pub fn reply<T: Serialize + ?Sized>(
    json: bool,
    value: &T,
    text: impl FnOnce(&mut render::Text, &T),
) -> anyhow::Result<()> {
    if json {
        return self::json(value);
    }
    self::text(|t| text(t, value));
    Ok(())
}
