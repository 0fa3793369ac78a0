//! One table's rows as a Parquet file, through the `parquet` crate's column writer.

use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as Physical, ZstdLevel};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::layout::{ColumnKind, Table};
use crate::shred::{DateParts, Rows, Values};

/// Days from 0001-01-01 to 1970-01-01 in the proleptic Gregorian calendar.
const UNIX_EPOCH_DAYS: i32 = 719_162;

/// Days since 1970-01-01 of a date (a month or day out of range counts as 1).
fn days(year: i32, month: Option<u8>, day: Option<u8>) -> i32 {
    let month = month.filter(|m| (1..=12).contains(m)).unwrap_or(1) as i32;
    let day = day.filter(|d| (1..=31).contains(d)).unwrap_or(1) as i32;
    // Days before this year since 0001-01-01.
    let y = year - 1;
    let mut n = y * 365 + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    const BEFORE: [i32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    n += BEFORE[(month - 1) as usize];
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if leap && month > 2 {
        n += 1;
    }
    n + day - 1 - UNIX_EPOCH_DAYS
}

fn precision(month: Option<u8>, day: Option<u8>) -> &'static str {
    match (month, day) {
        (Some(_), Some(_)) => "day",
        (Some(_), None) => "month",
        _ => "year",
    }
}

fn column_types(table: &Table) -> Vec<Arc<Type>> {
    let primitive = |name: &str, physical, logical: Option<LogicalType>| {
        Arc::new(
            Type::primitive_type_builder(name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .expect("a valid column type"),
        )
    };
    let mut fields = Vec::new();
    for c in &table.columns {
        match c.kind {
            ColumnKind::Text => fields.push(primitive(&c.name, Physical::BYTE_ARRAY, Some(LogicalType::String))),
            ColumnKind::Integer => fields.push(primitive(&c.name, Physical::INT64, None)),
            ColumnKind::Boolean => fields.push(primitive(&c.name, Physical::BOOLEAN, None)),
            ColumnKind::Timestamp => fields.push(primitive(
                &c.name,
                Physical::INT64,
                Some(LogicalType::Timestamp { is_adjusted_to_u_t_c: true, unit: TimeUnit::MILLIS }),
            )),
            ColumnKind::FuzzyDate => {
                fields.push(primitive(&c.name, Physical::INT32, Some(LogicalType::Date)));
                fields.push(primitive(&format!("{}_precision", c.name), Physical::BYTE_ARRAY, Some(LogicalType::String)));
            }
        }
    }
    fields
}

/// Rows per row group: DuckDB, Spark and pyarrow read row groups in parallel, and a writer
/// holds one row group's rows at most.
const ROW_GROUP_ROWS: usize = 16_384;

/// A table's Parquet file being written: rows are appended as they come and written a row
/// group at a time.
pub struct TableFile {
    writer: SerializedFileWriter<std::fs::File>,
    table: Table,
    pending: Rows,
}

impl TableFile {
    /// Starts the file of `table` in `out`.
    pub fn create(table: &Table, out: std::fs::File) -> parquet::errors::Result<TableFile> {
        let schema = Arc::new(Type::group_type_builder(&table.name).with_fields(column_types(table)).build()?);
        let properties = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
                .set_created_by(format!("orcid-dump {}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        let writer = SerializedFileWriter::new(out, schema, properties)?;
        Ok(TableFile { writer, table: table.clone(), pending: Rows::new(table) })
    }

    /// Adds rows (taking them from `rows`); writes a row group when enough are pending.
    pub fn append(&mut self, rows: &mut Rows) -> parquet::errors::Result<()> {
        self.pending.append(rows);
        if self.pending.len >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the pending rows and closes the file.
    pub fn finish(mut self) -> parquet::errors::Result<()> {
        if self.pending.len > 0 {
            self.flush()?;
        }
        self.writer.close()?;
        Ok(())
    }

    fn flush(&mut self) -> parquet::errors::Result<()> {
        let rows = std::mem::replace(&mut self.pending, Rows::new(&self.table));
        write_group(&mut self.writer, &rows)
    }
}

/// Writes `rows` as one row group.
fn write_group(writer: &mut SerializedFileWriter<std::fs::File>, rows: &Rows) -> parquet::errors::Result<()> {
    let mut group = writer.next_row_group()?;
    // Per physical column: its values, in the table's order (a fuzzy date is two).
    let mut physical: Vec<ColumnData> = Vec::new();
    for values in &rows.columns {
        match values {
            Values::Text(v) => physical.push(ColumnData::Text(v)),
            Values::Integer(v) | Values::Timestamp(v) => physical.push(ColumnData::Integer(v)),
            Values::Boolean(v) => physical.push(ColumnData::Boolean(v)),
            Values::FuzzyDate(v) => {
                physical.push(ColumnData::Date(v));
                physical.push(ColumnData::Precision(v));
            }
        }
    }
    let mut next = physical.into_iter();
    while let Some(mut column) = group.next_column()? {
        let Some(values) = next.next() else { break };
        let mut levels: Vec<i16> = Vec::new();
        match values {
            ColumnData::Text(v) => {
                let present: Vec<ByteArray> = v.iter().flatten().map(|s| ByteArray::from(s.as_bytes().to_vec())).collect();
                levels.extend(v.iter().map(|x| i16::from(x.is_some())));
                column.typed::<ByteArrayType>().write_batch(&present, Some(&levels), None)?;
            }
            ColumnData::Integer(v) => {
                let present: Vec<i64> = v.iter().flatten().copied().collect();
                levels.extend(v.iter().map(|x| i16::from(x.is_some())));
                column.typed::<Int64Type>().write_batch(&present, Some(&levels), None)?;
            }
            ColumnData::Boolean(v) => {
                let present: Vec<bool> = v.iter().flatten().copied().collect();
                levels.extend(v.iter().map(|x| i16::from(x.is_some())));
                column.typed::<BoolType>().write_batch(&present, Some(&levels), None)?;
            }
            ColumnData::Date(v) => {
                let present: Vec<i32> = v.iter().flatten().map(|&(y, m, d)| days(y, m, d)).collect();
                levels.extend(v.iter().map(|x| i16::from(x.is_some())));
                column.typed::<Int32Type>().write_batch(&present, Some(&levels), None)?;
            }
            ColumnData::Precision(v) => {
                let present: Vec<ByteArray> = v.iter().flatten().map(|&(_, m, d)| ByteArray::from(precision(m, d))).collect();
                levels.extend(v.iter().map(|x| i16::from(x.is_some())));
                column.typed::<ByteArrayType>().write_batch(&present, Some(&levels), None)?;
            }
        }
        column.close()?;
    }
    group.close()?;
    Ok(())
}

/// One physical column's values.
enum ColumnData<'r> {
    Text(&'r [Option<String>]),
    Integer(&'r [Option<i64>]),
    Boolean(&'r [Option<bool>]),
    Date(&'r [Option<DateParts>]),
    Precision(&'r [Option<DateParts>]),
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_since_the_epoch() {
        assert_eq!(super::days(1970, Some(1), Some(1)), 0);
        assert_eq!(super::days(2000, Some(3), Some(1)), 11_017);
        assert_eq!(super::days(2024, Some(12), Some(31)), 20_088);
        assert_eq!(super::days(1969, None, None), -365);
        assert_eq!(super::days(1900, Some(3), Some(1)), -25_508);
    }
}
