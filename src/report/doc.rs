//! The document model: a document is a sequence of blocks (cover, headings, paragraphs, tables,
//! formulas, charts, contents). Each document (the appraisal report, the review memo, the
//! analysis) is built from its section files into blocks; the PDF, HTML and DOCX writers only
//! render blocks, so every format carries the same sections, figures and wording.

use super::ReportLang;

/// A table: header cells, body rows, which columns are numeric (right-aligned) and the relative
/// column widths used by the PDF writer.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<bool>,
    pub widths: Vec<f32>,
}

/// One block of the report.
#[derive(Debug, Clone)]
pub enum Block {
    /// The cover: title, case name and key facts.
    Cover {
        title: String,
        case: String,
        facts: Vec<(String, String)>,
    },
    /// A section heading; every section but the first starts a new printed page.
    Section {
        title: String,
        new_page: bool,
    },
    /// A sub-heading.
    Sub(String),
    /// A paragraph.
    Para(String),
    /// A highlighted figure with its label.
    Lead {
        label: String,
        value: String,
    },
    /// A formula in plain text with `_{…}` for subscripts and `^{…}` for superscripts.
    Formula(String),
    Table(Table),
    /// A chart as SVG.
    Chart(String),
    /// The table of contents (the writers list the sections that follow).
    Toc,
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Doc {
    pub lang: ReportLang,
    /// "专利资产评估报告" / "Patent valuation report".
    pub title: String,
    /// The case name.
    pub case: String,
    pub version_id: String,
    pub version_number: i64,
    pub fingerprint: String,
    pub blocks: Vec<Block>,
}

impl Doc {
    /// A document of a version's report data.
    pub fn of(d: &super::ReportData, lang: ReportLang, title: String, blocks: Vec<Block>) -> Doc {
        Doc {
            lang,
            title,
            case: d.appraisal.name.clone(),
            version_id: d.version.id.clone(),
            version_number: d.version.number,
            fingerprint: d.version.fingerprint.clone(),
            blocks,
        }
    }

    /// The headings in order with their level (1: section, 2: sub-heading), for the contents.
    pub fn headings(&self) -> Vec<(usize, &str)> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Section { title, .. } => Some((1, title.as_str())),
                Block::Sub(t) => Some((2, t.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The section titles in order (the level-1 headings).
    pub fn sections(&self) -> Vec<&str> {
        self.headings()
            .into_iter()
            .filter(|(level, _)| *level == 1)
            .map(|(_, t)| t)
            .collect()
    }

    /// The title of the contents.
    pub fn contents_title(&self) -> &'static str {
        self.lang.pick("目  录", "Contents")
    }

    /// The line printed at the foot of every page (without the page number).
    pub fn footer(&self) -> String {
        format!(
            "{} · {} v{} · {} {}",
            self.case,
            self.lang.pick("报告版本", "version"),
            self.version_number,
            self.lang.pick("指纹", "fingerprint"),
            self.fingerprint
        )
    }
}

pub fn table(headers: &[&str], widths: &[f32], numeric: &[bool]) -> Table {
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        numeric: numeric.to_vec(),
        widths: widths.to_vec(),
    }
}

/// Splits a formula with `_{…}`/`^{…}` marks into runs with their nesting: +1 per superscript,
/// −1 per subscript level (so `e^{−t_{y}}` gives `e`, `−t` at +1 and `y` at +1 then −1).
pub fn formula_runs(f: &str) -> Vec<(String, Vec<i8>)> {
    let mut runs: Vec<(String, Vec<i8>)> = Vec::new();
    let mut stack: Vec<i8> = Vec::new();
    let mut cur = String::new();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '_' | '^' if chars.peek() == Some(&'{') => {
                chars.next();
                if !cur.is_empty() {
                    runs.push((std::mem::take(&mut cur), stack.clone()));
                }
                stack.push(if c == '^' { 1 } else { -1 });
            }
            '}' if !stack.is_empty() => {
                if !cur.is_empty() {
                    runs.push((std::mem::take(&mut cur), stack.clone()));
                }
                stack.pop();
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        runs.push((cur, stack));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::formula_runs;

    #[test]
    fn formula_marks_nest() {
        let runs = formula_runs("(1 + r)^{−t_{y}} x");
        assert_eq!(
            runs,
            vec![
                ("(1 + r)".to_string(), vec![]),
                ("−t".to_string(), vec![1]),
                ("y".to_string(), vec![1, -1]),
                (" x".to_string(), vec![]),
            ]
        );
        // An unmatched brace is text, not a mark.
        assert_eq!(formula_runs("a}b"), vec![("a}b".to_string(), vec![])]);
    }
}
