//! Line numbers as an editor counts them: `\n`, `\r\n` and a lone `\r` each end a line, and the
//! start of every line is recorded as the CSV reader pulls the bytes through.

use std::io::Read;

/// Byte offsets where a line starts after the first, as an editor counts lines: `\n`, `\r\n`
/// and a lone `\r` each end one (Excel saves CRLF, old Mac tools CR).
/// Records are looked up in file order, so the look-up walks on from the previous answer (a
/// step or two per record) and searches only when asked about an earlier byte.
#[derive(Clone, Default)]
pub(super) struct LineStarts(
    std::rc::Rc<std::cell::RefCell<Vec<u64>>>,
    std::rc::Rc<std::cell::Cell<usize>>,
);

impl LineStarts {
    /// The line (1-based) of the byte at `offset`.
    pub(super) fn line_of(&self, offset: u64) -> u64 {
        let starts = self.0.borrow();
        let mut at = self.1.get();
        if at > 0 && starts.get(at - 1).is_some_and(|&s| s > offset) {
            at = starts.partition_point(|&s| s <= offset);
        } else {
            while starts.get(at).is_some_and(|&s| s <= offset) {
                at += 1;
            }
        }
        self.1.set(at);
        at as u64 + 1
    }
}

/// A reader that records where lines start as the CSV reader pulls bytes through it.
pub(super) struct LineCounting<R> {
    pub(super) inner: R,
    pub(super) offset: u64,
    /// The offset just after the last `\r` read, to join it with a `\n` that follows.
    pub(super) after_cr: Option<u64>,
    pub(super) starts: LineStarts,
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut starts = self.starts.0.borrow_mut();
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            let at = self.offset + i as u64;
            if buf[i] == b'\r' {
                starts.push(at + 1);
                self.after_cr = Some(at + 1);
            } else if self.after_cr == Some(at) {
                // The `\n` of a `\r\n`: one line break, already counted at the `\r` (the CSV
                // reader may place the next record at this `\n`).
            } else {
                starts.push(at + 1);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_as_an_editor_counts_them_in_any_order_of_look_up() {
        let text = b"a\nb\r\nc\rd\n\ne";
        let starts = LineStarts::default();
        let mut r = LineCounting {
            inner: &text[..],
            offset: 0,
            after_cr: None,
            starts: starts.clone(),
        };
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
        // Lines: "a" (0), "b" (2), "c" (5), "d" (7), "" (9), "e" (10).
        let expected = [(0, 1), (2, 2), (3, 2), (5, 3), (7, 4), (9, 5), (10, 6)];
        for (offset, line) in expected {
            assert_eq!(starts.line_of(offset), line, "forward, byte {offset}");
        }
        for (offset, line) in expected.iter().rev() {
            assert_eq!(starts.line_of(*offset), *line, "backward, byte {offset}");
        }
        // The CSV reader may start the next record at the `\n` of a `\r\n`.
        assert_eq!(starts.line_of(4), 3);
    }
}
