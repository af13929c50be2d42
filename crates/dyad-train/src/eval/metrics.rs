//! Accuracy, macro-F1 and confusion matrices for `dyad eval` and training reports.
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Serialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    /// `counts[gold][predicted]`
    pub counts: Vec<Vec<usize>>,
}

impl Confusion {
    pub fn new(labels: &[&str]) -> Confusion {
        Confusion { labels: labels.iter().map(|s| s.to_string()).collect(), counts: vec![vec![0; labels.len()]; labels.len()] }
    }

    pub fn add(&mut self, gold: usize, predicted: usize) {
        self.counts[gold][predicted] += 1;
    }

    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    pub fn accuracy(&self) -> f64 {
        let right: usize = (0..self.labels.len()).map(|i| self.counts[i][i]).sum();
        right as f64 / self.total().max(1) as f64
    }

    /// Per-class (precision, recall, F1).
    pub fn per_class(&self) -> Vec<(f64, f64, f64)> {
        (0..self.labels.len())
            .map(|c| {
                let tp = self.counts[c][c] as f64;
                let predicted: usize = (0..self.labels.len()).map(|g| self.counts[g][c]).sum();
                let gold: usize = self.counts[c].iter().sum();
                let p = if predicted > 0 { tp / predicted as f64 } else { 0.0 };
                let r = if gold > 0 { tp / gold as f64 } else { 0.0 };
                let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
                (p, r, f)
            })
            .collect()
    }

    /// Unweighted mean of per-class F1 over classes present in the gold labels.
    pub fn macro_f1(&self) -> f64 {
        let pc = self.per_class();
        let present: Vec<f64> = (0..self.labels.len()).filter(|&c| self.counts[c].iter().sum::<usize>() > 0).map(|c| pc[c].2).collect();
        present.iter().sum::<f64>() / present.len().max(1) as f64
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "n = {}   accuracy {:.4}   macro-F1 {:.4}", self.total(), self.accuracy(), self.macro_f1());
        let w = self.labels.iter().map(|l| l.len()).max().unwrap_or(8).max(8);
        let _ = write!(s, "{:>w$} |", "gold \\ pred");
        for l in &self.labels {
            let _ = write!(s, " {:>w$}", l);
        }
        let _ = writeln!(s, " | {:>6} {:>6} {:>6}", "P", "R", "F1");
        for (g, row) in self.counts.iter().enumerate() {
            let _ = write!(s, "{:>w$} |", self.labels[g]);
            for c in row {
                let _ = write!(s, " {:>w$}", c);
            }
            let (p, r, f) = self.per_class()[g];
            let _ = writeln!(s, " | {p:>6.3} {r:>6.3} {f:>6.3}");
        }
        s
    }
}

/// How far the model's confidence can be taken at its word, over directed 3-class items
/// (cooperative, neutral, hostile): `--confidence-weighted` series weight statements by the
/// top probability, so that probability should mean what it says.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Calibration {
    pub n: usize,
    /// Mean over items of Σ_c (p_c − [c = gold])²: 0 is perfect, 2 is the worst.
    pub brier: f64,
    /// Expected calibration error: |accuracy − mean top probability| per bin of top probability
    /// (10 equal-width bins), weighted by the share of items in the bin.
    pub ece: f64,
    /// Per non-empty bin: (lower edge, items, mean top probability, accuracy).
    pub bins: Vec<(f64, usize, f64, f64)>,
}

impl Calibration {
    /// `items`: (probabilities in label-index order, gold label index).
    pub fn new(items: &[([f32; 3], usize)]) -> Calibration {
        const BINS: usize = 10;
        let mut sums = vec![(0usize, 0.0f64, 0usize); BINS]; // (items, Σ top probability, right)
        let mut brier = 0.0;
        for (p, gold) in items {
            brier += (0..3).map(|c| (p[c] as f64 - if c == *gold { 1.0 } else { 0.0 }).powi(2)).sum::<f64>();
            let (top, conf) = (0..3).map(|c| (c, p[c] as f64)).fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
            let bin = ((conf * BINS as f64) as usize).min(BINS - 1);
            sums[bin].0 += 1;
            sums[bin].1 += conf;
            sums[bin].2 += (top == *gold) as usize;
        }
        let n = items.len();
        let mut ece = 0.0;
        let mut bins = Vec::new();
        for (b, (k, conf, right)) in sums.into_iter().enumerate() {
            if k == 0 {
                continue;
            }
            let (mean_conf, acc) = (conf / k as f64, right as f64 / k as f64);
            ece += k as f64 / n as f64 * (acc - mean_conf).abs();
            bins.push((b as f64 / BINS as f64, k, mean_conf, acc));
        }
        Calibration { n, brier: brier / n.max(1) as f64, ece, bins }
    }

    pub fn render(&self) -> String {
        let mut s = format!("calibration over {} directed items: Brier {:.4}, ECE {:.4}\n", self.n, self.brier, self.ece);
        let _ = writeln!(s, "  top probability  items  mean top p  accuracy");
        for (lo, k, conf, acc) in &self.bins {
            let _ = writeln!(s, "  {:.1}–{:.1}        {:>6}  {:>10.3}  {:>8.3}", lo, lo + 0.1, k, conf, acc);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_matrix() {
        let mut c = Confusion::new(&["a", "b"]);
        for (g, p) in [(0, 0), (0, 0), (0, 1), (1, 1)] {
            c.add(g, p);
        }
        assert!((c.accuracy() - 0.75).abs() < 1e-12);
        // a: P 1, R 2/3, F 0.8; b: P 0.5, R 1, F 2/3
        assert!((c.macro_f1() - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        assert!(c.render().contains("accuracy 0.7500"));
    }

    #[test]
    fn calibration_by_hand() {
        // Two items at top probability 0.9 (one right), one at 0.6 (right).
        let items = [([0.9, 0.05, 0.05], 0), ([0.05, 0.9, 0.05], 2), ([0.2, 0.6, 0.2], 1)];
        let c = Calibration::new(&items);
        assert_eq!(c.n, 3);
        // Brier: (0.01+0.0025+0.0025) + (0.0025+0.81+0.9025) + (0.04+0.16+0.04), over 3.
        assert!((c.brier - (0.015 + 1.715 + 0.24) / 3.0).abs() < 1e-6, "{}", c.brier);
        // ECE: bin 0.9 holds 2 items, accuracy 0.5 vs 0.9; bin 0.6 holds 1, accuracy 1 vs 0.6.
        assert!((c.ece - (2.0 / 3.0 * 0.4 + 1.0 / 3.0 * 0.4)).abs() < 1e-6, "{}", c.ece);
        assert_eq!(c.bins.len(), 2);
        assert!(c.render().contains("ECE 0.4000"));
    }
}
