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
}
