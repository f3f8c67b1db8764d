//! Progress of long work (imports, seeds, sweeps), reported to a sink the caller chooses: the
//! CLI draws a bar on a terminal, a web page could stream it, tests ignore it.

/// Where progress goes. Every method has a do-nothing default; `Sync` because sweeps report
/// from several threads.
pub trait Progress: Sync {
    /// A new stage of `total` units (bytes or items), named for the user.
    fn start(&self, _total: u64, _what: &str) {}
    /// `n` more units done.
    fn advance(&self, _n: u64) {}
    /// Absolute position in the current stage.
    fn set_position(&self, _position: u64) {}
    /// The stage is over.
    fn finish(&self) {}
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
