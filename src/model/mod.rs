//! Domain types shared by every layer: patent and deal classifications, cost categories and
//! the assumptions that drive a valuation.

pub mod assumptions;
pub mod case;
pub mod dates;
pub mod money;

pub use assumptions::Assumptions;

/// A TOML parse error as "line L, column C: message" (the column counted in characters).
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let at = e.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        // The key the line sets, so a message about its value names it.
        let line_text = text.lines().nth(line - 1).unwrap_or_default();
        match line_text.split_once('=') {
            Some((key, _))
                if !key.trim().is_empty()
                    && !key.contains('[')
                    && !e.message().contains(key.trim()) =>
            {
                format!("line {line}, column {column}, {}: ", key.trim())
            }
            _ => format!("line {line}, column {column}: "),
        }
    });
    format!("{}{}", at.unwrap_or_default(), e.message())
}

/// Normalises a label for matching: lower case, no white space, no `_`, `-` or `.`.
pub(crate) fn label_key(s: &str) -> String {
    label_chars(s).collect()
}

/// Whether `label` normalises to `key` (a [`label_key`]), without building its key.
pub(crate) fn label_matches(key: &str, label: &str) -> bool {
    label_chars(label).eq(key.chars())
}

/// The characters of `s`'s [`label_key`].
fn label_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
}

/// Defines a closed set of labels that parse from English or Chinese text.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($code:literal, $en:literal, $zh:literal, [$($alias:literal),*])),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every variant's code, in declaration order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// Stable machine code (used in CSV output, JSON and the database).
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// English label.
            pub fn label_en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
            /// Chinese label.
            pub fn label_zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }

            /// Parses a stable code exactly (fast path for frames the importer wrote).
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Parses a code, an English or a Chinese label or one of the documented aliases.
            pub fn parse(text: &str) -> Option<Self> {
                // Fast path: the text is a code, a label or an alias exactly, as in a file patval
                // wrote or a cell picked from the template's list (no allocation per cell).
                $(
                    if text == $code || text == $en || text == $zh $(|| text == $alias)* {
                        return Some($name::$variant);
                    }
                )+
                let key = $crate::model::label_key(text);
                $(
                    if $crate::model::label_matches(&key, $code)
                        || $crate::model::label_matches(&key, $en)
                        || $crate::model::label_matches(&key, $zh)
                        $(|| $crate::model::label_matches(&key, $alias))* {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            /// Each variant's code with its Chinese (`zh`) or English label, in declaration order.
            pub fn labels(zh: bool) -> Vec<(&'static str, &'static str)> {
                Self::ALL
                    .iter()
                    .map(|v| (v.code(), if zh { v.label_zh() } else { v.label_en() }))
                    .collect()
            }

            /// The accepted spellings, for error messages and the docs.
            pub fn accepted() -> String {
                let mut out = Vec::new();
                $( out.push(format!("{} / {}", $en, $zh)); )+
                out.join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label_en())
            }
        }
    };
}

pub(crate) use labelled_enum;

pub mod parameters;

labelled_enum! {
    /// The three kinds of Chinese patent.
    PatentType {
        Invention => ("invention", "invention", "发明", ["发明专利", "invention patent", "I"]),
        UtilityModel => ("utility_model", "utility model", "实用新型", ["实用新型专利", "utility", "U"]),
        Design => ("design", "design", "外观设计", ["外观设计专利", "外观", "industrial design", "D"]),
    }
}

labelled_enum! {
    /// Legal status of a patent or application on the valuation date.
    LegalStatus {
        Granted => ("granted", "granted", "有效", ["授权", "已授权", "专利权维持", "valid", "in force", "active"]),
        Pending => ("pending", "pending", "审中", ["实质审查", "实审", "申请中", "公开", "审查中", "under examination", "published"]),
        Lapsed => ("lapsed", "lapsed", "失效", ["终止", "未缴年费终止", "放弃", "届满", "期限届满", "expired", "abandoned", "dead"]),
        Invalidated => ("invalidated", "invalidated", "无效", ["宣告无效", "被宣告无效", "全部无效", "revoked"]),
    }
}

labelled_enum! {
    /// Where a pledge loan stands (贷后管理). NPL and in-disposal loans are the non-performing
    /// ones; recovered, written-off and repaid loans have left the book.
    LoanStatus {
        Performing => ("performing", "performing", "正常", ["正常类", "关注", "normal"]),
        Overdue => ("overdue", "overdue", "逾期", ["逾期未还", "past due"]),
        Npl => ("npl", "non-performing", "不良", ["不良贷款", "non performing", "nonperforming"]),
        InDisposal => ("in_disposal", "in disposal", "处置中", ["质物处置中", "disposal"]),
        Recovered => ("recovered", "recovered", "已收回", ["处置收回", "清收"]),
        WrittenOff => ("written_off", "written off", "已核销", ["核销", "write off"]),
        Repaid => ("repaid", "repaid", "已结清", ["结清", "还清", "settled"]),
    }
}

impl LoanStatus {
    /// Still on the bank's book (not yet repaid, recovered or written off).
    pub fn on_book(self) -> bool {
        matches!(
            self,
            Self::Performing | Self::Overdue | Self::Npl | Self::InDisposal
        )
    }

    /// Counted in the IP-pledge NPL ratio.
    pub fn non_performing(self) -> bool {
        matches!(self, Self::Npl | Self::InDisposal)
    }
}

labelled_enum! {
    /// Kind of transaction behind a comparable price.
    DealKind {
        Assignment => ("assignment", "assignment", "转让", ["专利权转让", "权属转让", "sale", "transfer"]),
        ExclusiveLicence => ("exclusive_licence", "exclusive licence", "独占许可", ["exclusive license", "独占实施许可"]),
        SoleLicence => ("sole_licence", "sole licence", "排他许可", ["sole license", "排他实施许可"]),
        NonExclusiveLicence => ("non_exclusive_licence", "non-exclusive licence", "普通许可", ["non-exclusive license", "nonexclusive licence", "nonexclusive license", "普通实施许可", "一般许可"]),
    }
}

labelled_enum! {
    /// Category of a historical cost item (cost approach).
    CostCategory {
        Labour => ("labour", "R&D labour", "人工费", ["labor", "研发人员工资", "人员人工", "人工", "工资"]),
        Materials => ("materials", "materials", "材料费", ["材料", "直接投入", "material"]),
        Equipment => ("equipment", "equipment and depreciation", "设备折旧费", ["设备费", "折旧", "折旧费", "depreciation", "equipment"]),
        Testing => ("testing", "testing and trials", "试验费", ["测试费", "检测费", "试制费", "testing"]),
        Agency => ("agency", "patent agency fees", "代理费", ["专利代理费", "agency fee", "attorney fees"]),
        Registration => ("registration", "application and registration fees", "申请费", ["注册登记费", "申请及登记费", "登记费", "官费", "filing fee", "registration fee"]),
        Maintenance => ("maintenance", "annual maintenance fees", "年费", ["维持费", "专利年费", "annuity", "annual fee", "maintenance fee"]),
        Other => ("other", "other R&D costs", "其他费用", ["其他", "other costs"]),
    }
}

impl CostCategory {
    /// Official fees (registration, maintenance) carry no developer's profit in the cost approach.
    pub fn is_official_fee(self) -> bool {
        matches!(self, CostCategory::Registration | CostCategory::Maintenance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_english_chinese_and_aliases() {
        assert_eq!(PatentType::parse("发明"), Some(PatentType::Invention));
        assert_eq!(
            PatentType::parse("Utility Model"),
            Some(PatentType::UtilityModel)
        );
        assert_eq!(
            PatentType::parse("utility_model"),
            Some(PatentType::UtilityModel)
        );
        assert_eq!(PatentType::parse("外观设计专利"), Some(PatentType::Design));
        assert_eq!(PatentType::parse("trademark"), None);
        assert_eq!(
            LegalStatus::parse("未缴年费终止"),
            Some(LegalStatus::Lapsed)
        );
        assert_eq!(
            DealKind::parse("Non-Exclusive License"),
            Some(DealKind::NonExclusiveLicence)
        );
        assert_eq!(CostCategory::parse("年费"), Some(CostCategory::Maintenance));
        assert!(CostCategory::Maintenance.is_official_fee());
        assert!(!CostCategory::Labour.is_official_fee());
    }

    #[test]
    fn no_two_variants_share_a_spelling() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            parse: fn(&str) -> Option<T>,
            labels: fn(T) -> [&'static str; 3],
        ) {
            for &v in all {
                for l in labels(v) {
                    assert_eq!(parse(l), Some(v), "label {l:?}");
                }
            }
        }
        check(PatentType::ALL, PatentType::parse, |v| {
            [v.code(), v.label_en(), v.label_zh()]
        });
        check(LegalStatus::ALL, LegalStatus::parse, |v| {
            [v.code(), v.label_en(), v.label_zh()]
        });
        check(DealKind::ALL, DealKind::parse, |v| {
            [v.code(), v.label_en(), v.label_zh()]
        });
        check(CostCategory::ALL, CostCategory::parse, |v| {
            [v.code(), v.label_en(), v.label_zh()]
        });
    }

    #[test]
    fn a_label_matches_a_key_exactly_when_their_keys_are_equal() {
        let texts = [
            "granted",
            "Granted",
            "in force",
            "In-Force",
            "in_force.",
            "有效",
            "未缴年费终止",
            "utility model",
            "UtilityModel",
            "İnvention",
            "i̇nvention",
            "",
            " ",
            "-_.",
            "ß",
            "SS",
        ];
        for a in texts {
            let key = label_key(a);
            for b in texts {
                assert_eq!(
                    label_matches(&key, b),
                    key == label_key(b),
                    "{a:?} against {b:?}"
                );
            }
        }
        assert_eq!(LegalStatus::parse(" Ex-pired"), Some(LegalStatus::Lapsed));
        assert_eq!(
            LegalStatus::parse("未缴年费终止"),
            Some(LegalStatus::Lapsed)
        );
        assert_eq!(LegalStatus::parse("lapsed?"), None);
    }
}
