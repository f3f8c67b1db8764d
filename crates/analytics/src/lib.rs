//! analytics (being written).
