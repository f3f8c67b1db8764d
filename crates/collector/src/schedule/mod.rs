//! Collection schedule (being written).
