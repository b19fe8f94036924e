//! Line numbers as an editor counts them: `\n`, `\r\n` and a lone `\r` each end a line, and the
//! start of every line is recorded as the CSV reader pulls the bytes through.

use std::io::Read;

/// Byte offsets where a line starts after the first, as an editor counts lines: `\n`, `\r\n`
/// and a lone `\r` each end one (Excel saves CRLF, old Mac tools CR).
#[derive(Clone, Default)]
pub(super) struct LineStarts(std::rc::Rc<std::cell::RefCell<Vec<u64>>>);

impl LineStarts {
    /// The line (1-based) of the byte at `offset`.
    pub(super) fn line_of(&self, offset: u64) -> u64 {
        let starts = self.0.borrow();
        starts.partition_point(|&s| s <= offset) as u64 + 1
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
