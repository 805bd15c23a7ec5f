//! Writing a file a user keeps: the content goes to `NAME.partial` beside it and is renamed over
//! the real name only once complete, so a crash, a full disk or a failed writer never leaves
//! half a file under the real name (the partial file is removed on failure). Reading a large
//! input file: its halves are read side by side.

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

/// Files at least this long are read in two halves at once.
const SPLIT_READ_BYTES: u64 = 8 << 20;

/// Reads a whole file, as `std::fs::read` does; a large one in two halves on two threads (most
/// of the time goes to the memory the bytes land in, which both threads then fill). A file that
/// changes length while it is read is read again from the start.
pub fn read_bytes(path: &Path) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len < SPLIT_READ_BYTES {
        return std::fs::read(path);
    }
    let Ok(len) = usize::try_from(len) else {
        return std::fs::read(path);
    };
    let mut bytes = vec![0u8; len];
    let (first, second) = bytes.split_at_mut(len / 2);
    let (a, b) = rayon::join(
        || read_exact_at(&file, first, 0),
        || read_exact_at(&file, second, (len / 2) as u64),
    );
    let mut past_end = [0u8; 1];
    match (a, b, read_at(&file, &mut past_end, len as u64)) {
        (Ok(()), Ok(()), Ok(0)) => Ok(bytes),
        (Err(e), _, _) | (_, Err(e), _) if e.kind() != io::ErrorKind::UnexpectedEof => Err(e),
        _ => std::fs::read(path),
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Fills `buf` from `offset` on.
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match read_at(file, buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
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

    #[test]
    fn a_large_file_read_in_halves_is_the_file() {
        let dir = tempfile::tempdir().unwrap();
        for len in [
            SPLIT_READ_BYTES as usize + 1,
            SPLIT_READ_BYTES as usize * 2 + 7,
        ] {
            let path = dir.path().join(format!("{len}.csv"));
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            assert!(read_bytes(&path).unwrap() == bytes, "{len} bytes");
        }
        let small = dir.path().join("small.csv");
        std::fs::write(&small, "a,b\n").unwrap();
        assert_eq!(read_bytes(&small).unwrap(), b"a,b\n");
        assert!(read_bytes(&dir.path().join("missing.csv")).is_err());
    }
}
