//! No import circles between the files of a library crate: if `a.rs` names something of `b.rs`
//! (`use crate::b::X`, `super::X`, or a `crate::b::X` path in code), `b.rs` must not name
//! anything of `a.rs`, directly or through other files. A circle means neither file can be read,
//! tested or moved without the other.
//!
//! Only `crate::` and `super::` paths count: a parent naming its own child module
//! (`mod exec; exec::f()`) is how Rust modules are built, not a circle. A path through a
//! `pub use` re-export is followed to the file that defines the item, so a re-export cannot hide
//! a circle. Comments, strings and character literals are skipped.
//!
//! The check reads the sources of every crate under `crates/`, the binary's too (its command
//! modules must not import each other); it lives in this pure crate's tests because CI runs
//! them and they build in seconds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path inside one crate, e.g. `["engine", "exec"]`; the crate root is `[]`.
type ModPath = Vec<String>;

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    Sep, // `::`
    Open,
    Close,
    Comma,
    Star,
    Semi,
    Other,
}

/// Identifiers and punctuation of `src`, without comments, strings and character literals.
fn tokens(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => i = skip_string(b, i + 1),
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) && raw_string_start(b, i + 1) => {
                i = skip_raw_string(b, i + 1);
            }
            b'b' if b.get(i + 1) == Some(&b'"') => i = skip_string(b, i + 2),
            b'b' if b.get(i + 1) == Some(&b'\'') => i = skip_char(b, i + 1).unwrap_or(i + 2),
            b'\'' => i = skip_char(b, i).unwrap_or(i + 1),
            _ if c == b'_' || c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                out.push(Tok::Ident(src[start..i].to_string()));
            }
            _ if c.is_ascii_whitespace() => i += 1,
            b':' if b.get(i + 1) == Some(&b':') => {
                out.push(Tok::Sep);
                i += 2;
            }
            _ => {
                out.push(match c {
                    b'{' => Tok::Open,
                    b'}' => Tok::Close,
                    b',' => Tok::Comma,
                    b'*' => Tok::Star,
                    b';' => Tok::Semi,
                    _ => Tok::Other,
                });
                // Multi-byte characters (in identifiers of other scripts) are not expected here.
                i += 1;
            }
        }
    }
    out
}

fn skip_string(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

fn raw_string_start(b: &[u8], mut i: usize) -> bool {
    while b.get(i) == Some(&b'#') {
        i += 1;
    }
    b.get(i) == Some(&b'"')
}

fn skip_raw_string(b: &[u8], mut i: usize) -> usize {
    let mut hashes = 0;
    while b[i] == b'#' {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    while i < b.len() {
        if b[i] == b'"'
            && b[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&h| h == b'#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// A character literal starting at the quote `i`, or `None` for a lifetime (`'a`).
fn skip_char(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i + 1) == Some(&b'\\') {
        let close = b[i + 2..].iter().position(|&c| c == b'\'')?;
        return Some(i + 2 + close + 1);
    }
    // One character of up to four UTF-8 bytes, then the closing quote.
    (2..=5)
        .find(|&n| b.get(i + n) == Some(&b'\''))
        .filter(|&n| std::str::from_utf8(&b[i + 1..i + n]).is_ok_and(|s| s.chars().count() == 1))
        .map(|n| i + n + 1)
}

/// One path of a use tree, expanded: `crate::{a::X, b}` gives `crate::a::X` and `crate::b`.
fn use_tree(toks: &[Tok], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    while let Some(Tok::Ident(name)) = toks.get(i) {
        path.push(name.clone());
        i += 1;
        if toks.get(i) != Some(&Tok::Sep) {
            // `X as Y` renames only the local name; the path is what counts.
            out.push(path);
            return i;
        }
        i += 1;
        match toks.get(i) {
            Some(Tok::Open) => {
                i += 1;
                loop {
                    match toks.get(i) {
                        Some(Tok::Close) | None => return i + 1,
                        Some(Tok::Comma) => i += 1,
                        Some(Tok::Ident(_)) => i = use_tree(toks, i, &path, out),
                        Some(Tok::Star) => {
                            out.push(path.clone());
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            Some(Tok::Star) => {
                out.push(path);
                return i + 1;
            }
            _ => {}
        }
    }
    out.push(path);
    i
}

/// What one file names: `crate::`/`super::` paths made absolute, and its `pub use` re-exports
/// (item name → absolute path).
#[derive(Default)]
struct FileRefs {
    paths: Vec<ModPath>,
    reexports: BTreeMap<String, ModPath>,
}

fn scan(src: &str, module: &ModPath, children: &BTreeSet<String>) -> FileRefs {
    let toks = tokens(src);
    let mut refs = FileRefs::default();
    // The inline modules (`mod tests { … }`) open at this point, with the brace depth inside them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let here = || -> ModPath {
            let mut m = module.clone();
            m.extend(inline.iter().map(|(n, _)| n.clone()));
            m
        };
        match &toks[i] {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            Tok::Ident(kw) if kw == "mod" => {
                if let (Some(Tok::Ident(name)), Some(Tok::Open)) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    depth += 1;
                    inline.push((name.clone(), depth));
                    i += 3;
                    continue;
                }
            }
            Tok::Ident(kw) if kw == "pub" && is_pub_use(&toks, i) => {
                let start = toks[i..]
                    .iter()
                    .position(|t| *t == Tok::Ident("use".into()));
                let start = i + start.unwrap_or(0) + 1;
                let mut found = Vec::new();
                let end = use_tree(&toks, start, &[], &mut found);
                for p in found {
                    let Some(abs) = absolute(&p, &here(), children) else {
                        continue;
                    };
                    if let Some(last) = abs.last().filter(|l| l.as_str() != "self") {
                        refs.reexports.insert(last.clone(), abs.clone());
                    }
                    if matches!(p[0].as_str(), "crate" | "super") {
                        refs.paths.push(abs);
                    }
                }
                i = end;
                continue;
            }
            Tok::Ident(kw)
                if (kw == "crate" || kw == "super") && toks.get(i + 1) == Some(&Tok::Sep) =>
            {
                // Only a path's first segment: `a::crate::x` is not Rust, but `super::super::x` is.
                if i > 0 && toks[i - 1] == Tok::Sep {
                    i += 1;
                    continue;
                }
                let mut found = Vec::new();
                let end = use_tree(&toks, i, &[], &mut found);
                refs.paths
                    .extend(found.iter().filter_map(|p| absolute(p, &here(), children)));
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    refs
}

fn is_pub_use(toks: &[Tok], i: usize) -> bool {
    // `pub use` or `pub(crate) use` / `pub(super) use`.
    match toks.get(i + 1) {
        Some(Tok::Ident(u)) if u == "use" => true,
        Some(Tok::Other) => toks[i + 1..]
            .iter()
            .take(6)
            .any(|t| *t == Tok::Ident("use".into())),
        _ => false,
    }
}

/// `path` made absolute from module `here`; `None` for another crate's path. A bare path in a
/// `pub use` is relative to `here` when it starts with one of the file's child modules.
fn absolute(path: &[String], here: &ModPath, children: &BTreeSet<String>) -> Option<ModPath> {
    let mut abs = here.clone();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            abs.clear();
            rest = &path[1..];
        }
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                abs.pop()?;
                rest = &rest[1..];
            }
        }
        Some("self") => rest = &path[1..],
        Some(first) if children.contains(first) => {}
        _ => return None,
    }
    abs.extend(rest.iter().cloned());
    Some(abs)
}

struct Crate {
    /// Module path → file, relative to the crate's `src/`.
    files: BTreeMap<ModPath, PathBuf>,
    refs: BTreeMap<ModPath, FileRefs>,
}

fn module_of(rel: &Path) -> ModPath {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !(parts.is_empty() && (stem == "lib" || stem == "main")) && stem != "mod" {
        parts.push(stem.to_string());
    }
    parts
}

/// `sources` are (path relative to `src/`, text) pairs.
fn load(sources: &[(PathBuf, String)]) -> Crate {
    let files: BTreeMap<ModPath, PathBuf> = sources
        .iter()
        .map(|(p, _)| (module_of(p), p.clone()))
        .collect();
    let refs = sources
        .iter()
        .map(|(p, text)| {
            let m = module_of(p);
            let children = files
                .keys()
                .filter(|k| k.len() == m.len() + 1 && k.starts_with(&m))
                .map(|k| k[m.len()].clone())
                .collect();
            let r = scan(text, &m, &children);
            (m, r)
        })
        .collect();
    Crate { files, refs }
}

impl Crate {
    /// The file defining what `path` names: its longest prefix that is a file, then through
    /// that file's `pub use` of the next segment, if any.
    fn file_of(&self, path: &ModPath, hops: usize) -> Option<ModPath> {
        let module = (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| self.files.contains_key(p))?;
        if hops < 16
            && let Some(item) = path.get(module.len())
            && let Some(target) = self.refs.get(&module).and_then(|r| r.reexports.get(item))
        {
            let mut next = target.clone();
            next.extend(path[module.len() + 1..].iter().cloned());
            if next != *path {
                return self.file_of(&next, hops + 1).or(Some(module));
            }
        }
        Some(module)
    }

    fn edges(&self) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
        self.refs
            .iter()
            .map(|(from, r)| {
                let to = r
                    .paths
                    .iter()
                    .filter_map(|p| self.file_of(p, 0))
                    .filter(|t| t != from)
                    .collect();
                (from.clone(), to)
            })
            .collect()
    }

    /// Each set of files that reach one another through their imports (a circle or several
    /// tangled ones), sorted by module path.
    fn cycles(&self) -> Vec<Vec<PathBuf>> {
        let edges = self.edges();
        strongly_connected(&edges)
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| c.iter().map(|m| self.files[m].clone()).collect())
            .collect()
    }
}

/// Tarjan's strongly connected components, recursive (a crate's module graph is a few hundred
/// files at most).
fn strongly_connected(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct State<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'a ModPath, (usize, usize)>,
        stack: Vec<&'a ModPath>,
        on_stack: BTreeSet<&'a ModPath>,
        next: usize,
        out: Vec<Vec<ModPath>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a ModPath) {
        s.index.insert(v, (s.next, s.next));
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.index[v].1.min(s.index[w].1);
                s.index.get_mut(v).unwrap().1 = low;
            } else if s.on_stack.contains(w) {
                let low = s.index[v].1.min(s.index[w].0);
                s.index.get_mut(v).unwrap().1 = low;
            }
        }
        if s.index[v].0 == s.index[v].1 {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.clone());
                if w == v {
                    break;
                }
            }
            group.sort();
            s.out.push(group);
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn rust_files(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, root, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            out.push((p.strip_prefix(root).unwrap().to_path_buf(), text));
        }
    }
}

#[test]
fn no_crate_has_an_import_circle() {
    let crates_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = Vec::new();
    let mut found = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&crates_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("src/lib.rs").is_file() || p.join("src/main.rs").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let src = dir.join("src");
        let mut sources = Vec::new();
        rust_files(&src, &src, &mut sources);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        for c in load(&sources).cycles() {
            let files: Vec<String> = c.iter().map(|p| p.display().to_string()).collect();
            found.push(format!("{name}: {}", files.join(" <-> ")));
        }
        checked.push(name);
    }
    // The crates this test was written against; a missing one means the scan went wrong.
    for expected in [
        "app",
        "backtest",
        "collector",
        "domain",
        "providers",
        "store",
        "ztrade",
    ] {
        assert!(checked.iter().any(|c| c == expected), "{checked:?}");
    }
    assert!(
        found.is_empty(),
        "files that import each other (move the shared item to where both can use it one \
         way):\n{}",
        found.join("\n")
    );
}

fn fake_crate(files: &[(&str, &str)]) -> Crate {
    let sources: Vec<(PathBuf, String)> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
    load(&sources)
}

fn cycle_names(c: &Crate) -> Vec<Vec<String>> {
    c.cycles()
        .into_iter()
        .map(|c| c.iter().map(|p| p.display().to_string()).collect())
        .collect()
}

#[test]
fn finds_circles_through_use_lines_paths_groups_super_and_reexports() {
    let lib = "pub mod engine; pub mod order; pub mod strategy; pub use order::Order;";
    // engine/mod.rs uses strategy; strategy names engine::Working in code; a circle.
    let c = fake_crate(&[
        ("lib.rs", lib),
        (
            "engine/mod.rs",
            "mod exec; use crate::{order::Order, strategy::Ctx};",
        ),
        ("engine/exec.rs", "use super::Working;"),
        ("order.rs", "pub struct Order;"),
        (
            "strategy.rs",
            "pub struct Ctx<'a> { w: &'a [crate::engine::Working] }",
        ),
    ]);
    assert_eq!(
        cycle_names(&c),
        vec![vec!["engine/mod.rs".to_string(), "strategy.rs".to_string()]]
    );
    // A re-export cannot hide it: strategy names the item through the crate root.
    let c = fake_crate(&[
        ("lib.rs", "pub mod a; pub mod b; pub use a::A;"),
        ("a.rs", "use crate::b::B; pub struct A;"),
        ("b.rs", "pub struct B; fn f(_: crate::A) {}"),
    ]);
    assert_eq!(cycle_names(&c), vec![vec!["a.rs", "b.rs"]]);
    // `super::super` from an inline test module is the file's parent.
    let c = fake_crate(&[
        ("lib.rs", "pub mod p;"),
        ("p/mod.rs", "mod q; use crate::p::q::Q;"),
        (
            "p/q.rs",
            "pub struct Q; #[cfg(test)] mod tests { use super::super::P; }",
        ),
    ]);
    assert_eq!(cycle_names(&c), vec![vec!["p/mod.rs", "p/q.rs"]]);
}

#[test]
fn comments_strings_children_and_test_modules_are_not_circles() {
    let c = fake_crate(&[
        ("lib.rs", "pub mod a; pub mod b;"),
        (
            "a.rs",
            "// use crate::b::B;\n/* crate::b::B */ const S: &str = \"crate::b::B\"; \
             const R: &str = r#\"crate::b::B\"#; const C: char = '{'; fn f<'x>() {}\n\
             use crate::b::B;",
        ),
        // Inside an inline module, `super` is the file itself.
        ("b.rs", "pub struct B; mod tests { use super::B; }"),
    ]);
    assert!(cycle_names(&c).is_empty());
    // A parent naming its child by a relative path, and the child using `super::`, is fine.
    let c = fake_crate(&[
        ("lib.rs", "pub mod e;"),
        ("e/mod.rs", "mod x; pub struct E; fn f() { x::g() }"),
        ("e/x.rs", "use super::E; pub fn g() {}"),
    ]);
    assert!(cycle_names(&c).is_empty());
}
