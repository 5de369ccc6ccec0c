//! The Ballista run's overhead against the embedded run on the same Parquet data.
//!
//! ```sh
//! cargo run --release -p astana-cluster --example overhead -- gen /tmp/flows7 10000000
//! astana cluster scheduler --bind 127.0.0.1:50050 &
//! astana cluster executor --bind 127.0.0.1:50051 --concurrency 1 &
//! astana cluster executor --bind 127.0.0.1:50052 --concurrency 1 &
//! cargo run --release -p astana-cluster --example overhead -- run /tmp/flows7 127.0.0.1:50050
//! ```
//!
//! `gen` writes a seeded flows table (hive `year=` folders, files of at most 10⁶ rows);
//! `run` times sum(value_usd) by year, reporter, partner, flow once embedded and once on the
//! cluster, and checks that the answers are identical (whole-dollar values, exact sums).

use datafusion::arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::functions_aggregate::expr_fn::sum;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{col, ParquetReadOptions, SessionContext};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen", dir, rows] => generate(Path::new(dir), rows.parse()?),
        ["run", dir, sched] => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_stack_size(32 << 20)
            .build()?
            .block_on(run(Path::new(dir), sched)),
        _ => Err("usage: overhead gen DIR ROWS | overhead run DIR SCHEDULER".into()),
    }
}

/// splitmix64, seeded.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

fn iso3(i: u64) -> String {
    // 200 distinct three-letter codes.
    let b = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let (x, y, z) = (i / 100, (i / 10) % 10, i % 10);
    [
        b[x as usize],
        b[10 + y as usize],
        b[y as usize + z as usize],
    ]
    .iter()
    .map(|&c| c as char)
    .collect()
}

fn generate(dir: &Path, rows: usize) -> Res<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("period", DataType::Utf8, false),
        Field::new("reporter", DataType::Utf8, false),
        Field::new("partner", DataType::Utf8, false),
        Field::new("flow", DataType::Utf8, false),
        Field::new("value_usd", DataType::Float64, false),
        Field::new("source", DataType::Utf8, false),
    ]));
    let codes: Vec<String> = (0..200).map(iso3).collect();
    let mut rng = Rng(15);
    let per_file = 1_000_000.min(rows);
    let files = rows.div_ceil(per_file);
    for f in 0..files {
        let n = per_file.min(rows - f * per_file);
        // Spread the files over years (at least 4), a few files per year.
        let year = 2000 + f % files.clamp(4, 25);
        let folder = dir.join(format!("year={year}"));
        std::fs::create_dir_all(&folder)?;
        let (mut rep, mut par, mut flo, mut val) = (vec![], vec![], vec![], vec![]);
        for _ in 0..n {
            rep.push(codes[rng.below(200) as usize].clone());
            par.push(codes[rng.below(200) as usize].clone());
            flo.push(if rng.below(2) == 0 {
                "exports"
            } else {
                "imports"
            });
            // Whole dollars ≤ 10⁸: every sum stays below 2⁵³, exact in any order.
            val.push((rng.below(1_000) * 10u64.pow(rng.below(6) as u32)) as f64);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["FY"; n])),
            Arc::new(StringArray::from(rep)),
            Arc::new(StringArray::from(par)),
            Arc::new(StringArray::from(flo)),
            Arc::new(Float64Array::from(val)),
            Arc::new(StringArray::from(vec!["synthetic-seed-15"; n])),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns)?;
        let file = std::fs::File::create(folder.join(format!("part-{f}.parquet")))?;
        let mut w = ArrowWriter::try_new(file, schema.clone(), None)?;
        w.write(&batch)?;
        w.close()?;
    }
    println!("wrote {rows} rows in {files} files under {}", dir.display());
    Ok(())
}

/// The query, timed; returns the sorted rows as text for the equality check.
async fn query(ctx: &SessionContext, dir: &Path) -> Res<(f64, usize, String)> {
    let t = Instant::now();
    let opts = ParquetReadOptions::default()
        .table_partition_cols(vec![("year".to_string(), DataType::Int32)]);
    let batches = ctx
        .read_parquet(dir.to_str().ok_or("UTF-8 path")?, opts)
        .await?
        .aggregate(
            vec![col("year"), col("reporter"), col("partner"), col("flow")],
            vec![sum(col("value_usd")).alias("value_usd")],
        )?
        .sort_by(vec![
            col("year"),
            col("reporter"),
            col("partner"),
            col("flow"),
        ])?
        .collect()
        .await?;
    let secs = t.elapsed().as_secs_f64();
    let groups = batches.iter().map(RecordBatch::num_rows).sum();
    let text = datafusion::arrow::util::pretty::pretty_format_batches(&batches)?.to_string();
    Ok((secs, groups, text))
}

async fn run(dir: &Path, sched: &str) -> Res<()> {
    let (embedded, groups, a) = query(&SessionContext::new(), dir).await?;
    let ctx = astana_cluster::remote_context(sched).await?;
    let (cluster, _, b) = query(&ctx, dir).await?;
    if a != b {
        return Err("the cluster's answer differs from the embedded one".into());
    }
    println!(
        "{groups} groups, identical answers: embedded {embedded:.2} s, Ballista {cluster:.2} s \
         ({:.2}×, +{:.2} s)",
        cluster / embedded,
        cluster - embedded
    );
    Ok(())
}
