//! providers (being written).
