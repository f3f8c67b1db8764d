//! One line → its fields, without allocating per row.
//!
//! Bar files almost never quote, so a line without `"` is cut at each delimiter with memchr and
//! the fields are byte ranges into the line. A line with quotes is unquoted into a reused scratch
//! buffer (`"a,b"` → `a,b`, `""` → `"`). A quoted field cannot span lines here: bar files have
//! no multi-line values, and counting physical lines keeps error line numbers exact.

use memchr::{memchr, memchr_iter};

/// Reused between rows; holds the ranges of the last split line.
#[derive(Debug)]
pub struct Splitter {
    delim: u8,
    ranges: Vec<(usize, usize)>,
    scratch: Vec<u8>,
}

/// The fields of one line.
pub struct Fields<'a> {
    bytes: &'a [u8],
    ranges: &'a [(usize, usize)],
}

impl Fields<'_> {
    pub fn len(&self) -> usize {
        self.ranges.len()
    }
    #[inline]
    pub fn get(&self, i: usize) -> &[u8] {
        let (a, b) = self.ranges[i];
        &self.bytes[a..b]
    }
}

impl Splitter {
    pub fn new(delim: u8) -> Self {
        Self {
            delim,
            ranges: Vec::with_capacity(16),
            scratch: Vec::new(),
        }
    }

    /// The delimiter a header uses: `,` unless the header has none and has tabs or semicolons.
    pub fn detect(header: &[u8]) -> u8 {
        if memchr(b',', header).is_some() {
            b','
        } else if memchr(b'\t', header).is_some() {
            b'\t'
        } else if memchr(b';', header).is_some() {
            b';'
        } else {
            b','
        }
    }

    #[inline]
    pub fn split<'a>(&'a mut self, line: &'a [u8]) -> Result<Fields<'a>, String> {
        self.ranges.clear();
        if memchr(b'"', line).is_none() {
            let mut start = 0;
            for i in memchr_iter(self.delim, line) {
                self.ranges.push((start, i));
                start = i + 1;
            }
            self.ranges.push((start, line.len()));
            return Ok(Fields {
                bytes: line,
                ranges: &self.ranges,
            });
        }
        self.split_quoted(line)?;
        Ok(Fields {
            bytes: &self.scratch,
            ranges: &self.ranges,
        })
    }

    fn split_quoted(&mut self, line: &[u8]) -> Result<(), String> {
        self.scratch.clear();
        let mut i = 0;
        loop {
            let start = self.scratch.len();
            if line.get(i) == Some(&b'"') {
                i += 1;
                loop {
                    match line.get(i) {
                        None => return Err("unterminated quoted field".into()),
                        Some(b'"') if line.get(i + 1) == Some(&b'"') => {
                            self.scratch.push(b'"');
                            i += 2;
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            self.scratch.push(c);
                            i += 1;
                        }
                    }
                }
                if i < line.len() && line[i] != self.delim {
                    return Err("text after a closing quote".into());
                }
            } else {
                while i < line.len() && line[i] != self.delim {
                    self.scratch.push(line[i]);
                    i += 1;
                }
            }
            self.ranges.push((start, self.scratch.len()));
            if i >= line.len() {
                return Ok(());
            }
            i += 1; // the delimiter
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Result<Vec<String>, String> {
        let mut s = Splitter::new(b',');
        let f = s.split(line.as_bytes())?;
        Ok((0..f.len())
            .map(|i| String::from_utf8(f.get(i).to_vec()).unwrap())
            .collect())
    }

    #[test]
    fn plain_and_quoted() {
        assert_eq!(split("a,b,,c").unwrap(), ["a", "b", "", "c"]);
        assert_eq!(split("").unwrap(), [""]);
        assert_eq!(
            split("\"2024-01-02 09:30\",\"1,5\",\"say \"\"hi\"\"\",").unwrap(),
            ["2024-01-02 09:30", "1,5", "say \"hi\"", ""]
        );
        assert_eq!(split("\"abc").unwrap_err(), "unterminated quoted field");
        assert_eq!(split("\"a\"b,c").unwrap_err(), "text after a closing quote");
        assert_eq!(Splitter::detect(b"date\topen"), b'\t');
        assert_eq!(Splitter::detect(b"date;open"), b';');
    }
}
