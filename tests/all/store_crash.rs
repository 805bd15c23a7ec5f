//! Crash safety: a child process saves report versions in a loop and is killed with SIGKILL at
//! random moments. After every kill the store passes SQLite's integrity check and `verify`, and
//! every version the child reported saved is there, complete.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use patval::store::Store;

#[test]
fn killed_writers_never_lose_or_damage_a_saved_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut reported: Vec<String> = Vec::new();
    // A fixed-seed generator: the kill moments vary but the run is reproducible.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let kills = 50;
    for round in 0..kills {
        let mut child = Command::new(env!("CARGO_BIN_EXE_patval"))
            .args([
                "internal-save-loop",
                "--db",
                db.to_str().unwrap(),
                "--pause-ms",
                "3",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(40 + next() % 260));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        // Only complete lines were reported as saved (the last may be cut mid-write).
        let complete = if out.ends_with('\n') {
            out.as_str()
        } else {
            out.rsplit_once('\n').map_or("", |(a, _)| a)
        };
        reported.extend(complete.lines().map(str::to_string));

        let c = rusqlite::Connection::open(&db).unwrap();
        let check: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
        drop(c);
        // `verify` checks every stored version's blobs and fingerprint; each reported one must
        // be among them.
        let store = Store::open(&db).unwrap();
        let rep = store.verify().unwrap();
        assert!(rep.ok(), "round {round}: {:?}", rep.problems);
        // On a loaded machine the child may be killed before its first save: then there is no
        // appraisal yet and nothing may have been reported.
        let stored: std::collections::HashSet<String> = store
            .appraisals()
            .unwrap()
            .iter()
            .flat_map(|app| store.versions(&app.id).unwrap())
            .map(|v| v.id)
            .collect();
        for id in &reported {
            assert!(
                stored.contains(id),
                "round {round}: reported version {id} is missing"
            );
        }
    }
    let store = Store::open(&db).unwrap();
    let app = &store.appraisals().unwrap()[0];
    let stored = store.versions(&app.id).unwrap();
    assert!(
        reported.len() >= kills,
        "the child saved too little to test anything: {}",
        reported.len()
    );
    for id in &reported {
        assert!(
            stored.iter().any(|v| &v.id == id),
            "reported version {id} is missing"
        );
    }
    // Numbers stay dense: no half-written version left a gap.
    let numbers: Vec<i64> = stored.iter().map(|v| v.number).collect();
    assert_eq!(numbers, (1..=stored.len() as i64).collect::<Vec<_>>());
    eprintln!(
        "{kills} kills, {} versions reported saved, {} stored",
        reported.len(),
        stored.len()
    );
}
