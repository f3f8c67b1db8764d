//! formats (being written).
