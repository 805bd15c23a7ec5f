//! Synthetic data sets of any size (`patval gen-sample`), realistic enough for demos and
//! benchmarks: Chinese headers and labels, valid application numbers with check digits,
//! consistent dates and statuses, forecasts for every asset group.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::import::cell::cn_check_digit;
use crate::model::Assumptions;
use crate::progress::Progress;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthSpec {
    pub patents: usize,
    pub seed: u64,
    pub valuation_date: NaiveDate,
}

impl SynthSpec {
    pub fn new(patents: usize) -> Self {
        Self {
            patents,
            seed: 42,
            valuation_date: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap_or_default(),
        }
    }

    /// Number of asset groups: at least 3, one per 2,000 patents.
    pub fn groups(&self) -> usize {
        (self.patents / 2000).max(3)
    }

    /// Number of comparables: a tenth of the patents, between 40 and 100,000.
    pub fn comparables(&self) -> usize {
        (self.patents / 10).clamp(40, 100_000)
    }
}

/// Files written and their row counts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SynthOutput {
    pub files: Vec<(PathBuf, usize)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv {
        path: String,
        #[source]
        source: csv::Error,
    },
}

const GROUP_NAMES: [&str; 3] = ["智能门锁", "工业物联网网关", "电池管理系统"];
const TECH: [&str; 12] = [
    "深度学习",
    "边缘计算",
    "区块链",
    "低功耗蓝牙",
    "多传感器融合",
    "卡尔曼滤波",
    "指纹识别",
    "毫米波雷达",
    "自适应均衡",
    "数字孪生",
    "联邦学习",
    "图像增强",
];
const OBJECT: [&str; 12] = [
    "身份认证方法",
    "数据采集装置",
    "电池均衡电路",
    "通信协议转换方法",
    "故障诊断系统",
    "温度控制模块",
    "锁体结构",
    "无线组网方法",
    "电量估算方法",
    "图像处理方法",
    "安全启动方法",
    "散热装置",
];
const IPC: [&str; 12] = [
    "H04L 9/32",
    "H04L 67/12",
    "H02J 7/00",
    "G06N 3/08",
    "E05B 47/00",
    "G01R 31/36",
    "H04W 84/18",
    "G06V 40/12",
    "H01M 10/48",
    "G06F 21/57",
    "G05B 19/418",
    "H05K 7/20",
];
const REGIONS: [&str; 8] = [
    "广东", "北京", "上海", "江苏", "浙江", "四川", "湖北", "山东",
];

fn csv_writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>, SynthError> {
    let f = std::fs::File::create(path).map_err(|source| SynthError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(csv::Writer::from_writer(std::io::BufWriter::with_capacity(
        1 << 20,
        f,
    )))
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> SynthError + '_ {
    move |source| SynthError::Csv {
        path: path.display().to_string(),
        source,
    }
}

fn group_name(g: usize) -> String {
    GROUP_NAMES
        .get(g)
        .map_or_else(|| format!("产品线{g:04}"), |s| s.to_string())
}

/// Application number `CN{year}{type digit}{serial:07}.{check}`; unique per `i`.
fn patent_no(i: usize, year: i32, type_digit: u8) -> String {
    let serial = i % 10_000_000;
    let digits = format!("{year}{type_digit}{serial:07}");
    format!("CN{digits}.{}", cn_check_digit(&digits))
}

/// Writes the five input files into `dir` (created if missing).
pub fn generate(
    spec: &SynthSpec,
    dir: &Path,
    progress: Option<&Progress>,
) -> Result<SynthOutput, SynthError> {
    std::fs::create_dir_all(dir).map_err(|source| SynthError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let vd = spec.valuation_date;
    let groups = spec.groups();
    let mut files = Vec::new();
    if let Some(p) = progress {
        p.start("generating", (spec.patents * 2 + spec.comparables()) as u64);
    }

    // Portfolio.
    let path = dir.join("portfolio.csv");
    let mut w = csv_writer(&path)?;
    let e = csv_err(&path);
    w.write_record([
        "专利号",
        "专利名称",
        "专利类型",
        "IPC分类号",
        "申请日",
        "授权公告日",
        "法律状态",
        "专利权人",
        "权利要求数",
        "独立权利要求数",
        "同族数",
        "被引次数",
        "资产组",
    ])
    .map_err(&e)?;
    let mut patent_groups: Vec<(String, usize)> = Vec::with_capacity(spec.patents.min(1 << 22));
    for i in 0..spec.patents {
        let t: u8 = match rng.random_range(0..10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        // Filing years kept inside the legal term so most patents are alive.
        let first_year = if t == 1 { 2010 } else { 2018 };
        let year = (first_year + (i % (vd.year() - first_year) as usize) as i32).min(vd.year() - 1);
        let filing = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(vd)
            + Duration::days(rng.random_range(0..365));
        let grant_lag = match t {
            1 => rng.random_range(500..1500),
            2 => rng.random_range(150..400),
            _ => rng.random_range(100..250),
        };
        let grant = filing + Duration::days(grant_lag);
        let lapsed = rng.random_bool(0.05);
        let (status, grant_txt) = if grant > vd {
            ("审中", String::new())
        } else if lapsed {
            ("未缴年费终止", grant.format("%Y-%m-%d").to_string())
        } else {
            ("有效", grant.format("%Y-%m-%d").to_string())
        };
        let type_label = ["发明", "实用新型", "外观设计"][usize::from(t - 1)];
        let title = match t {
            1 => format!(
                "一种基于{}的{}",
                TECH[rng.random_range(0..TECH.len())],
                OBJECT[rng.random_range(0..OBJECT.len())]
            ),
            2 => format!(
                "一种{}",
                OBJECT[rng.random_range(0..OBJECT.len())].replace("方法", "装置")
            ),
            _ => format!("{}外壳", GROUP_NAMES[rng.random_range(0..3)]),
        };
        let claims: u32 = match t {
            1 => rng.random_range(5..25),
            2 => rng.random_range(3..12),
            _ => 1,
        };
        let indep = rng.random_range(1..=claims.clamp(1, 3));
        let group = rng.random_range(0..groups);
        let no = patent_no(i, year, t);
        w.write_record([
            no.as_str(),
            &title,
            type_label,
            IPC[rng.random_range(0..IPC.len())],
            &filing.format("%Y-%m-%d").to_string(),
            &grant_txt,
            status,
            "深圳市星河智联科技有限公司",
            &claims.to_string(),
            &indep.to_string(),
            &rng.random_range(1..6).to_string(),
            &rng.random_range(0..30).to_string(),
            &group_name(group),
        ])
        .map_err(&e)?;
        if i < 4 * groups || i % 2 == 0 {
            patent_groups.push((no, group));
        }
        if i % 65_536 == 0
            && let Some(p) = progress
        {
            p.set(i as u64);
        }
    }
    w.flush().map_err(|source| SynthError::Io {
        path: path.display().to_string(),
        source,
    })?;
    files.push((path.clone(), spec.patents));

    // Forecasts.
    let path = dir.join("forecasts.csv");
    let mut w = csv_writer(&path)?;
    let e = csv_err(&path);
    w.write_record(["资产组", "年度", "营业收入", "利润率", "分成率"])
        .map_err(&e)?;
    let mut rows = 0;
    for g in 0..groups {
        let years = rng.random_range(5..=10);
        let mut revenue: f64 = rng.random_range(5.0e6..8.0e7);
        let growth: f64 = rng.random_range(0.02..0.15);
        let margin: f64 = rng.random_range(0.08..0.25);
        for k in 0..years {
            w.write_record([
                group_name(g),
                (vd.year() + k).to_string(),
                format!("{revenue:.2}"),
                format!("{:.1}%", margin * 100.0),
                String::new(),
            ])
            .map_err(&e)?;
            revenue *= 1.0 + growth - 0.01 * f64::from(k);
            rows += 1;
        }
    }
    w.flush().map_err(|source| SynthError::Io {
        path: path.display().to_string(),
        source,
    })?;
    files.push((path.clone(), rows));

    // Cost items: R&D labour and official fees per patent (for a sample of patents), plus
    // shared materials per asset group.
    let path = dir.join("cost_items.csv");
    let mut w = csv_writer(&path)?;
    let e = csv_err(&path);
    w.write_record(["专利号", "资产组", "费用类别", "发生年度", "金额"])
        .map_err(&e)?;
    let mut rows = 0;
    for (k, (no, _)) in patent_groups.iter().enumerate() {
        let year: i32 = no[2..6].parse().unwrap_or(vd.year());
        let labour: f64 = rng.random_range(5.0e4..6.0e5);
        w.write_record([
            no.as_str(),
            "",
            "人工费",
            &year.to_string(),
            &format!("{labour:.2}"),
        ])
        .map_err(&e)?;
        w.write_record([no.as_str(), "", "申请费", &year.to_string(), "3450.00"])
            .map_err(&e)?;
        rows += 2;
        if k % 65_536 == 0
            && let Some(p) = progress
        {
            p.set((spec.patents + k) as u64);
        }
    }
    for g in 0..groups {
        let amount: f64 = rng.random_range(1.0e5..2.0e6);
        w.write_record([
            "",
            &group_name(g),
            "材料费",
            &(vd.year() - 2).to_string(),
            &format!("{amount:.2}"),
        ])
        .map_err(&e)?;
        rows += 1;
    }
    w.flush().map_err(|source| SynthError::Io {
        path: path.display().to_string(),
        source,
    })?;
    files.push((path.clone(), rows));

    // Comparables.
    let path = dir.join("comparables.csv");
    let mut w = csv_writer(&path)?;
    let e = csv_err(&path);
    w.write_record([
        "交易编号",
        "交易日期",
        "IPC分类号",
        "专利类型",
        "交易类型",
        "成交价格",
        "剩余寿命",
        "权利要求数",
        "地区",
        "技术评分",
    ])
    .map_err(&e)?;
    let kinds = ["转让", "独占许可", "排他许可", "普通许可"];
    let n = spec.comparables();
    for i in 0..n {
        let t = rng.random_range(0..3usize);
        let date = vd - Duration::days(rng.random_range(30..365 * 5));
        let base: f64 = [4.0e5, 1.2e5, 6.0e4][t] * rng.random_range(0.3..3.0);
        w.write_record([
            format!("D{:06}", i + 1),
            date.format("%Y-%m-%d").to_string(),
            IPC[rng.random_range(0..IPC.len())].to_string(),
            ["发明", "实用新型", "外观设计"][t].to_string(),
            kinds[rng.random_range(0..kinds.len())].to_string(),
            format!("{base:.2}"),
            format!("{:.1}", rng.random_range(2.0..[15.0, 8.0, 8.0][t])),
            rng.random_range(1..20).to_string(),
            REGIONS[rng.random_range(0..REGIONS.len())].to_string(),
            format!("{:.0}", rng.random_range(40.0..95.0)),
        ])
        .map_err(&e)?;
    }
    w.flush().map_err(|source| SynthError::Io {
        path: path.display().to_string(),
        source,
    })?;
    files.push((path.clone(), n));

    // Assumptions.
    let path = dir.join("assumptions.toml");
    let text = format!(
        "# Assumptions for a synthetic case generated by `patval gen-sample` (seed {}).\n# Every key is documented in docs/input-formats.md.\n\n{}",
        spec.seed,
        Assumptions::with_date(vd).to_toml()
    );
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|source| SynthError::Io {
            path: path.display().to_string(),
            source,
        })?;
    files.push((path, 1));
    if let Some(p) = progress {
        p.set(p.get().1);
    }
    Ok(SynthOutput { files })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ReadOptions, TableKind, read_table};

    #[test]
    fn generated_files_import_cleanly_and_are_reproducible() {
        let dir = tempfile::tempdir().unwrap();
        let spec = SynthSpec::new(500);
        let out = generate(&spec, dir.path(), None).unwrap();
        assert_eq!(out.files.len(), 5);
        let opts = ReadOptions::new(spec.valuation_date);
        let mut ds = crate::import::Dataset::default();
        for (kind, name) in [
            (TableKind::Portfolio, "portfolio.csv"),
            (TableKind::Forecasts, "forecasts.csv"),
            (TableKind::CostItems, "cost_items.csv"),
            (TableKind::Comparables, "comparables.csv"),
        ] {
            let t = read_table(kind, &dir.path().join(name), &opts, None)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(t.warnings.is_empty(), "{name}: {:?}", t.warnings);
            ds.set_table(t);
        }
        assert_eq!(ds.portfolio.as_ref().unwrap().df.height(), 500);
        assert!(ds.cross_check().is_empty(), "{:?}", ds.cross_check());
        crate::import::load_assumptions(&dir.path().join("assumptions.toml")).unwrap();

        let again = tempfile::tempdir().unwrap();
        generate(&spec, again.path(), None).unwrap();
        for name in ["portfolio.csv", "comparables.csv"] {
            assert_eq!(
                std::fs::read(dir.path().join(name)).unwrap(),
                std::fs::read(again.path().join(name)).unwrap(),
                "{name} differs between two runs with the same seed"
            );
        }
    }
}
