//! The multi-row `INSERT` of bars and ticks: the columns every row shares are bound once
//! (`?1…`), then each row's key and value columns; an upsert changes only the rows that differ.

use crate::StoreError;

/// What one statement writes.
pub(super) struct InsertShape<'a> {
    pub table: &'a str,
    /// Bound once for the whole statement, as `?1…?shared.len()`.
    pub shared: &'a [&'a str],
    /// Bound per row, before `values`: with the shared columns, the conflict key.
    pub row_keys: &'a [&'a str],
    pub values: &'a [&'a str],
    /// The unique key an upsert meets, e.g. `symbol_id, timeframe, ts`.
    pub conflict: &'a str,
    /// `OR FAIL` on the plain insert: a failing row stops the statement without undoing its
    /// earlier rows, so SQLite keeps no statement journal (the caller's transaction is rolled
    /// back whole anyway).
    pub or_fail: bool,
}

/// `rows` rows of `shape`; with `upsert`, `ON CONFLICT (conflict) DO UPDATE` of the values
/// that differ.
pub(super) fn insert_sql(shape: &InsertShape<'_>, rows: usize, upsert: bool) -> String {
    let shared = shape.shared.len();
    let per_row = shape.row_keys.len() + shape.values.len();
    let columns = [shape.shared, shape.row_keys, shape.values].concat();
    let mut sql = format!(
        "INSERT {}INTO {} ({}) VALUES ",
        if shape.or_fail && !upsert {
            "OR FAIL "
        } else {
            ""
        },
        shape.table,
        columns.join(", ")
    );
    let shared_params: Vec<String> = (1..=shared).map(|i| format!("?{i}")).collect();
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&shared_params.join(", "));
        for c in 0..per_row {
            sql.push_str(&format!(", ?{}", shared + 1 + r * per_row + c));
        }
        sql.push(')');
    }
    if upsert {
        let cols = shape.values;
        let set: Vec<String> = cols.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let differs: Vec<String> = cols
            .iter()
            .map(|c| format!("{c} IS NOT excluded.{c}"))
            .collect();
        sql.push_str(&format!(
            " ON CONFLICT ({}) DO UPDATE SET {} WHERE {}",
            shape.conflict,
            set.join(", "),
            differs.join(" OR ")
        ));
    }
    sql
}

/// Runs `many` (an insert of `chunk` rows) over every whole chunk of `rows` and `one` (a
/// one-row insert) over the rest, binding each row with `bind` from parameter `shared + 1` on
/// (the shared parameters are bound already); returns the summed `changes()`.
pub(super) fn execute_chunked<T>(
    many: &mut rusqlite::Statement<'_>,
    one: &mut rusqlite::Statement<'_>,
    (chunk, shared): (usize, usize),
    rows: &[T],
    bind: impl Fn(&mut rusqlite::Statement<'_>, &mut usize, &T) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    let mut changed = 0u64;
    let mut chunks = rows.chunks_exact(chunk);
    for c in &mut chunks {
        let mut i = shared + 1;
        for row in c {
            bind(many, &mut i, row)?;
        }
        changed += many.raw_execute()? as u64;
    }
    for row in chunks.remainder() {
        let mut i = shared + 1;
        bind(one, &mut i, row)?;
        changed += one.raw_execute()? as u64;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: InsertShape<'static> = InsertShape {
        table: "t",
        shared: &["a", "b"],
        row_keys: &["k"],
        values: &["v", "w"],
        conflict: "a, k",
        or_fail: true,
    };

    #[test]
    fn shared_columns_are_bound_once_and_each_row_numbers_on() {
        assert_eq!(
            insert_sql(&SHAPE, 2, false),
            "INSERT OR FAIL INTO t (a, b, k, v, w) VALUES (?1, ?2, ?3, ?4, ?5), (?1, ?2, ?6, ?7, ?8)"
        );
    }

    #[test]
    fn an_upsert_updates_only_the_values_that_differ() {
        assert_eq!(
            insert_sql(&SHAPE, 1, true),
            "INSERT INTO t (a, b, k, v, w) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (a, k) DO \
             UPDATE SET v = excluded.v, w = excluded.w WHERE v IS NOT excluded.v OR w IS NOT \
             excluded.w"
        );
    }
}
