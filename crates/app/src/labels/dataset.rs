//! `ztrade ml export`: one row per labelled signal, the stored labels joined with the run's
//! features on (symbol, t0), as CSV or Parquet ([`formats::export::table`]), and beside the file
//! a manifest (`FILE.manifest.json`) that says how to reproduce it: the run's data fingerprint,
//! the agent config's hash, the engine version, the label parameters, the entry and feature
//! sources and each feature with its warm-up.
//!
//! Columns, in order: `symbol`, `t0`, `side` (1, −1, null without a side), `entry_time`,
//! `entry_price`, `t1`, `barrier` (`tp`, `sl`, `time`), `ret`, `label`, `weight_uniqueness`,
//! `weight_return`, then `signal_id`, `meta_label`, `take_profit`, `stop_loss`, `exit_price`,
//! then one column per feature (f64, null where it has no value). Prices are exact (Parquet
//! DECIMAL(18, 9)); `ret` and the weights are f64.

use std::path::{Path, PathBuf};

use formats::export::{Cells, Column, Destination, Format, Table, export_table, write_bytes};
use serde::Serialize;
use store::{LabelSet, LabelStore, RunStore};
use xxhash_rust::xxh3::xxh3_128;

use super::sources::{FeatureColumn, FeatureSource};
use crate::AppError;

#[derive(Debug, Clone)]
pub struct DatasetRequest {
    pub run_id: i64,
    pub format: Format,
    pub out: PathBuf,
}

/// The manifest written beside the dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    pub run_id: i64,
    pub agent_id: String,
    pub data_fingerprint: String,
    /// xxh3-128 of the agent config stored with the run (its canonical JSON).
    pub agent_config_hash: String,
    pub engine_version: String,
    pub labelled_at: String,
    pub label_params: serde_json::Value,
    pub entry_source: String,
    pub feature_source: String,
    pub features: Vec<FeatureColumn>,
    pub format: String,
    pub rows: usize,
    pub columns: Vec<String>,
}

/// What `ztrade ml export` wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetReport {
    pub file: PathBuf,
    pub manifest_file: PathBuf,
    pub manifest: Manifest,
}

/// The manifest's path beside `out`: `out` with `.manifest.json` appended.
pub fn manifest_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".manifest.json");
    PathBuf::from(s)
}

/// Writes the dataset of a labelled run and its manifest.
/// `ml export`: [`export`] with the entries' source as [`super::sources::stored_entries`] names
/// it and the run's stored features ([`super::sources::RunFeatures`]).
pub fn export_stored(
    store: &(impl RunStore + LabelStore + store::JournalStore + store::FeatureStore + ?Sized),
    req: &DatasetRequest,
) -> Result<DatasetReport, AppError> {
    let entries = super::sources::stored_entries(store, req.run_id)?;
    export(
        store,
        req,
        entries.name(),
        &super::sources::RunFeatures(store),
    )
}

pub fn export(
    store: &(impl RunStore + LabelStore + ?Sized),
    req: &DatasetRequest,
    entry_source: &str,
    features: &dyn FeatureSource,
) -> Result<DatasetReport, AppError> {
    if req.format == Format::Json {
        return Err(AppError::input("--format: csv or parquet"));
    }
    if req.out.as_os_str() == "-" {
        return Err(AppError::input(
            "--out: a file (its manifest is written beside it)",
        ));
    }
    let (run, _) = super::load_run(store, req.run_id)?;
    let set = store.labels(req.run_id)?.ok_or_else(|| {
        AppError::NoData(format!(
            "run {} has no labels; run `ztrade ml labels --run {}` first",
            req.run_id, req.run_id
        ))
    })?;
    let keys: Vec<_> = set
        .labels
        .iter()
        .map(|l| (l.symbol.clone(), l.t0))
        .collect();
    let feats = features.features(&run, &keys)?;
    let mut table = label_table(&set);
    for (c, values) in feats.columns.iter().zip(feats.values) {
        table.columns.push(Column {
            name: c.name.clone(),
            cells: Cells::Float(values),
        });
    }
    let config = serde_json::to_string(&run.config)
        .map_err(|e| AppError::Stored(format!("run {}: config: {e}", req.run_id)))?;
    let manifest = Manifest {
        run_id: req.run_id,
        agent_id: run.summary.agent_id.clone(),
        data_fingerprint: run.data_fingerprint.clone(),
        agent_config_hash: format!("xxh3-128:{:032x}", xxh3_128(config.as_bytes())),
        engine_version: run.engine_version.clone(),
        labelled_at: set.created_at.clone(),
        label_params: set.params.clone(),
        entry_source: entry_source.to_owned(),
        feature_source: features.name().to_owned(),
        features: feats.columns,
        format: req.format.extension().to_owned(),
        rows: set.labels.len(),
        columns: table.columns.iter().map(|c| c.name.clone()).collect(),
    };
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| AppError::Stored(format!("manifest: {e}")))?;
    table
        .metadata
        .push(("ztrade.manifest".into(), json.clone()));
    export_table(&Destination::of(&req.out)?, req.format, &table)?;
    let manifest_file = manifest_path(&req.out);
    write_bytes(
        &Destination::of(&manifest_file)?,
        format!("{json}\n").as_bytes(),
    )?;
    Ok(DatasetReport {
        file: req.out.clone(),
        manifest_file,
        manifest,
    })
}

/// The label columns of a run's stored labels.
pub fn label_table(set: &LabelSet) -> Table {
    let l = &set.labels;
    let col = |name: &str, cells: Cells| Column {
        name: name.into(),
        cells,
    };
    let int = |f: fn(&store::LabelRow) -> Option<i64>| Cells::Int(l.iter().map(f).collect());
    let float =
        |f: fn(&store::LabelRow) -> f64| Cells::Float(l.iter().map(|r| Some(f(r))).collect());
    Table {
        columns: vec![
            col(
                "symbol",
                Cells::Text(l.iter().map(|r| r.symbol.to_string()).collect()),
            ),
            col("t0", Cells::Time(l.iter().map(|r| Some(r.t0)).collect())),
            col("side", int(|r| r.side.map(i64::from))),
            col(
                "entry_time",
                Cells::Time(l.iter().map(|r| Some(r.entry_time)).collect()),
            ),
            col(
                "entry_price",
                Cells::Price(l.iter().map(|r| Some(r.entry_price)).collect()),
            ),
            col("t1", Cells::Time(l.iter().map(|r| Some(r.t1)).collect())),
            col(
                "barrier",
                Cells::Text(l.iter().map(|r| r.barrier.clone()).collect()),
            ),
            col("ret", float(|r| r.ret)),
            col("label", int(|r| Some(i64::from(r.label)))),
            col("weight_uniqueness", float(|r| r.weight_uniqueness)),
            col("weight_return", float(|r| r.weight_return)),
            col("signal_id", int(|r| Some(r.signal_id))),
            col("meta_label", int(|r| r.meta_label.map(i64::from))),
            col(
                "take_profit",
                Cells::Price(l.iter().map(|r| r.take_profit).collect()),
            ),
            col(
                "stop_loss",
                Cells::Price(l.iter().map(|r| r.stop_loss).collect()),
            ),
            col(
                "exit_price",
                Cells::Price(l.iter().map(|r| Some(r.exit_price)).collect()),
            ),
        ],
        metadata: Vec::new(),
    }
}
