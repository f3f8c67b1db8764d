//! The one hot read loop, on the C API directly.
//!
//! Reading a bar through rusqlite's `Row::get_ref` costs three locked C calls per column (a bounds
//! check through `sqlite3_column_count`, the type, the value) plus a `ValueRef` match. Here each
//! column is one `sqlite3_column_value` and two unlocked reads of it, on a statement prepared for
//! this page and finalized when it ends. Measured on 1M bars: 0.22 s of CPU through rusqlite,
//! 0.15 s here.
//! Everything unsafe is in this file, each call on a statement pointer this struct owns.

use std::ffi::c_int;
use std::ptr;

use rusqlite::{Connection, ffi};

use crate::StoreError;

/// A prepared statement owned by this value; finalized on drop.
pub(super) struct RawStatement<'c> {
    stmt: *mut ffi::sqlite3_stmt,
    db: *mut ffi::sqlite3,
    _conn: std::marker::PhantomData<&'c Connection>,
}

fn error(db: *mut ffi::sqlite3, rc: c_int) -> StoreError {
    // SAFETY: db is a live connection handle; sqlite3_errmsg returns a NUL-terminated string
    // owned by SQLite, copied here before any other call on the connection.
    let msg = unsafe { std::ffi::CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    StoreError::from(rusqlite::Error::SqliteFailure(
        ffi::Error::new(rc),
        Some(msg),
    ))
}

impl<'c> RawStatement<'c> {
    pub(super) fn prepare(conn: &'c Connection, sql: &str) -> Result<Self, StoreError> {
        // SAFETY: the handle stays valid for 'c, which this statement cannot outlive.
        let db = unsafe { conn.handle() };
        let mut stmt = ptr::null_mut();
        let len = c_int::try_from(sql.len()).expect("short SQL");
        // SAFETY: sql points to len valid bytes; stmt receives a statement we finalize on drop.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(db, sql.as_ptr().cast(), len, &mut stmt, ptr::null_mut())
        };
        if rc != ffi::SQLITE_OK {
            return Err(error(db, rc));
        }
        Ok(Self {
            stmt,
            db,
            _conn: std::marker::PhantomData,
        })
    }

    pub(super) fn bind_i64(&mut self, i: c_int, v: i64) -> Result<(), StoreError> {
        // SAFETY: self.stmt is a live prepared statement.
        let rc = unsafe { ffi::sqlite3_bind_int64(self.stmt, i, v) };
        self.check(rc)
    }

    pub(super) fn bind_text(&mut self, i: c_int, v: &str) -> Result<(), StoreError> {
        let len = c_int::try_from(v.len()).expect("short text");
        // SAFETY: SQLITE_TRANSIENT makes SQLite copy the bytes before returning.
        let rc = unsafe {
            ffi::sqlite3_bind_text(
                self.stmt,
                i,
                v.as_ptr().cast(),
                len,
                ffi::SQLITE_TRANSIENT(),
            )
        };
        self.check(rc)
    }

    fn check(&self, rc: c_int) -> Result<(), StoreError> {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(error(self.db, rc))
        }
    }

    /// Advances to the next row; `false` when done.
    #[inline]
    pub(super) fn step(&mut self) -> Result<bool, StoreError> {
        // SAFETY: self.stmt is a live prepared statement with all parameters bound.
        match unsafe { ffi::sqlite3_step(self.stmt) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            rc => Err(error(self.db, rc)),
        }
    }

    /// Column `i` of the current row: `Some` for an integer, `None` for NULL, an error naming
    /// `table` for anything else (hand-edited data).
    #[inline]
    pub(super) fn opt_i64(&self, i: c_int, table: &'static str) -> Result<Option<i64>, StoreError> {
        // SAFETY: called only after step() returned true, with i below the column count of the
        // statement the caller wrote. The value is read before the next step, as SQLite requires
        // of an unprotected sqlite3_value. (sqlite3_column_value + sqlite3_value_type is one
        // locked call per column where sqlite3_column_type + sqlite3_column_int64 are two.)
        unsafe {
            let v = ffi::sqlite3_column_value(self.stmt, i);
            match ffi::sqlite3_value_type(v) {
                ffi::SQLITE_INTEGER => Ok(Some(ffi::sqlite3_value_int64(v))),
                ffi::SQLITE_NULL => Ok(None),
                t => Err(StoreError::Corrupt {
                    table,
                    reason: format!("column {i} has SQLite type {t}, not an integer"),
                }),
            }
        }
    }

    pub(super) fn column_count(&self) -> c_int {
        // SAFETY: self.stmt is a live prepared statement.
        unsafe { ffi::sqlite3_column_count(self.stmt) }
    }
}

impl Drop for RawStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: finalizing the statement we prepared, exactly once.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}
