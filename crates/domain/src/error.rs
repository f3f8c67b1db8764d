//! Validation errors. Each names the field so that an importer can report `FILE:LINE: field: reason`.

use thiserror::Error;

/// A value that cannot be part of the model. `field` is the column or attribute name as users see it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {reason}")]
pub struct DomainError {
    pub field: &'static str,
    pub reason: String,
}

impl DomainError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;
