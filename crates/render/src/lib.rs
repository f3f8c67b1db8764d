//! `app`'s typed views rendered for a person. [`text`] gives terminal tables; the binary prints
//! what it returns (`--json` serialises the views themselves and does not come here).

pub mod html;
pub mod text;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// What a view renders to: lines for stdout and warnings for stderr, in order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Text {
    pub out: String,
    pub warnings: Vec<String>,
}

impl Text {
    /// One line (or a block, such as a table) of output.
    pub fn line(&mut self, s: impl AsRef<str>) {
        self.out.push_str(s.as_ref());
        self.out.push('\n');
    }

    /// A warning, printed on stderr as `warning: …`.
    pub fn warn(&mut self, s: impl Into<String>) {
        self.warnings.push(s.into());
    }
}

/// A table with a header row, sized to the terminal.
pub fn table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    for r in rows {
        t.add_row(r);
    }
    t
}
