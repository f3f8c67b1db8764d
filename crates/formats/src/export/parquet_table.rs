//! [`super::table::Table`] as Parquet, through the low-level column writer (no arrow), one row
//! group per 128 Ki rows; the types are in [`super::table`]'s table.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::ExportError;
use super::table::{Cells, Table};

const ROW_GROUP: usize = 128 * 1024;

fn schema(table: &Table) -> String {
    let mut s = String::from("message dataset {\n");
    for c in &table.columns {
        let ty = match c.cells {
            Cells::Text(_) => "required binary {} (STRING)",
            Cells::Time(_) => "optional int64 {} (TIMESTAMP(NANOS,true))",
            Cells::Price(_) => "optional int64 {} (DECIMAL(18,9))",
            Cells::Int(_) => "optional int64 {}",
            Cells::Float(_) => "optional double {}",
        };
        s.push_str(&ty.replace("{}", &c.name));
        s.push_str(";\n");
    }
    s.push('}');
    s
}

/// The values and definition levels of `rows` of an optional column.
fn optional<T: Copy, U>(v: &[Option<T>], f: impl Fn(T) -> U) -> (Vec<U>, Vec<i16>) {
    let values = v.iter().filter_map(|x| x.map(&f)).collect();
    let defs = v.iter().map(|x| i16::from(x.is_some())).collect();
    (values, defs)
}

pub fn write_table_parquet<W: Write + Send>(out: W, table: &Table) -> Result<u64, ExportError> {
    table.check()?;
    let schema = Arc::new(parse_message_type(&schema(table))?);
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .build();
    let mut w = SerializedFileWriter::new(out, schema, Arc::new(props))?;
    for (k, v) in &table.metadata {
        w.append_key_value_metadata(KeyValue::new(k.clone(), v.clone()));
    }
    let rows = table.rows();
    let mut start = 0;
    while start < rows {
        let end = (start + ROW_GROUP).min(rows);
        let mut rg = w.next_row_group()?;
        for c in &table.columns {
            let Some(mut col) = rg.next_column()? else {
                break;
            };
            let r = start..end;
            match &c.cells {
                Cells::Text(v) => {
                    let bytes: Vec<ByteArray> =
                        v[r].iter().map(|s| ByteArray::from(s.as_str())).collect();
                    col.typed::<ByteArrayType>()
                        .write_batch(&bytes, None, None)?;
                }
                Cells::Time(v) => {
                    let (vals, defs) = optional(&v[r], |t| t.as_i64());
                    col.typed::<Int64Type>()
                        .write_batch(&vals, Some(&defs), None)?;
                }
                Cells::Price(v) => {
                    let (vals, defs) = optional(&v[r], |p| p.raw());
                    col.typed::<Int64Type>()
                        .write_batch(&vals, Some(&defs), None)?;
                }
                Cells::Int(v) => {
                    let (vals, defs) = optional(&v[r], |n| n);
                    col.typed::<Int64Type>()
                        .write_batch(&vals, Some(&defs), None)?;
                }
                Cells::Float(v) => {
                    let (vals, defs) = optional(&v[r], |x| x);
                    col.typed::<DoubleType>()
                        .write_batch(&vals, Some(&defs), None)?;
                }
            }
            col.close()?;
        }
        rg.close()?;
        if end == rows {
            break;
        }
        start = end;
    }
    let mut inner = w.into_inner()?;
    inner.flush()?;
    Ok(rows as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_keeps_types_and_nulls() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let mut file = tempfile::tempfile().unwrap();
        assert_eq!(
            write_table_parquet(&mut file, &super::super::table::tests::table()).unwrap(),
            2
        );
        let r = SerializedFileReader::new(file).unwrap();
        let meta = r.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 2);
        let schema = format!("{:?}", meta.schema_descr().root_schema());
        for want in ["Decimal", "Timestamp", "String"] {
            assert!(schema.contains(want), "{want} in {schema}");
        }
        let rows: Vec<String> = r
            .get_row_iter(None)
            .unwrap()
            .map(|row| row.unwrap().to_string())
            .collect();
        assert!(rows[0].contains("100.123456789"), "{rows:?}");
        assert!(rows[1].contains("price: null"), "{rows:?}");
    }
}
