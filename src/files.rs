//! Writing a file a user keeps: the content goes to `NAME.partial` beside it and is renamed over
//! the real name only once complete, so a crash, a full disk or a failed writer never leaves
//! half a file under the real name (the partial file is removed on failure).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `path` through `write`, beside it first, then renames.
pub fn write_replacing(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = path.with_extension("partial");
    let written = File::create(&tmp)
        .and_then(|f| {
            let mut w = BufWriter::with_capacity(1 << 20, f);
            write(&mut w)?;
            w.flush()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// [`write_replacing`] with the whole content at hand.
pub fn write_bytes_replacing(path: &Path, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    write_replacing(path, |w| w.write_all(bytes.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_writer_leaves_the_old_file_and_no_partial_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.csv");
        write_bytes_replacing(&path, "old").unwrap();
        let e = write_replacing(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "disk full");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert!(!dir.path().join("results.partial").exists());
        write_bytes_replacing(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
