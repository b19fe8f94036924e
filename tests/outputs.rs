//! Outputs as a set: a killed run leaves the whole old set or the whole new one, a folder in use
//! is refused, an output folder that is an input is refused, a bad output folder writes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spareplan"))
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spareplan-out-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn china() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/china")
}

const PLAN_FILES: [&str; 6] = [
    "stock_plan.csv",
    "service.csv",
    "stock_reasons.csv",
    "out_of_reach.csv",
    "curve.csv",
    "summary.json",
];

fn plan_cmd(out: &Path) -> Command {
    let mut c = bin();
    c.arg("plan").arg(china()).arg("--out").arg(out);
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

fn read_set(out: &Path) -> Vec<Option<Vec<u8>>> {
    PLAN_FILES
        .iter()
        .map(|f| std::fs::read(out.join(f)).ok())
        .collect()
}

/// Killed at twenty moments across a run, `plan` leaves every file of the old set or every file
/// of the new one, and no staging folder survives the next run.
#[test]
fn a_killed_plan_leaves_the_old_set_or_the_new_one() {
    let root = temp("kill");
    let full = root.join("full");
    assert!(plan_cmd(&full).status().expect("runs").success());
    let new: Vec<Option<Vec<u8>>> = read_set(&full);
    assert!(new.iter().all(Option::is_some));
    let out = root.join("out");
    std::fs::create_dir_all(&out).expect("dir");
    for f in PLAN_FILES {
        std::fs::write(out.join(f), format!("old {f}\n")).expect("old file");
    }
    let old = read_set(&out);
    let (mut saw_old, mut saw_new) = (0, 0);
    for i in 0..20u64 {
        let mut child = plan_cmd(&out).spawn().expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(i * 60));
        let _ = child.kill();
        let _ = child.wait();
        let now = read_set(&out);
        if now == old {
            saw_old += 1;
        } else {
            assert_eq!(now, new, "after a kill at {} ms the set is mixed", i * 60);
            saw_new += 1;
            // Put the old set back for the next kill.
            for f in PLAN_FILES {
                std::fs::write(out.join(f), format!("old {f}\n")).expect("old file");
            }
        }
    }
    assert!(saw_old > 0, "some kills came before the swap");
    assert!(plan_cmd(&out).status().expect("runs").success());
    assert_eq!(read_set(&out), new);
    let left: Vec<String> = std::fs::read_dir(&root)
        .expect("root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        left.is_empty(),
        "leftovers: {left:?} (new sets seen: {saw_new})"
    );
}

/// While another run holds the folder's lock, a run into it is refused with exit 2 and writes
/// nothing.
#[test]
fn a_folder_in_use_is_refused() {
    use rustix::fs::{flock, FlockOperation};
    let root = temp("lock");
    let out = root.join("out");
    let lock = std::fs::File::create(root.join(".out.lock")).expect("lock file");
    flock(&lock, FlockOperation::NonBlockingLockExclusive).expect("locked");
    let run = plan_cmd(&out).output().expect("runs");
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("another spareplan run"), "{stderr}");
    assert!(!out.exists(), "nothing was written");
    drop(lock);
    assert!(plan_cmd(&out).status().expect("runs").success());
}

/// `simulate --out DATA_DIR` would replace the data set it reads: refused, the data untouched.
#[test]
fn an_output_folder_that_is_an_input_is_refused() {
    let root = temp("input");
    let data = root.join("data");
    crate::common::copy_china(&data);
    let before = std::fs::read(data.join("hospitals.csv")).expect("hospitals");
    let plan_dir = root.join("plan");
    assert!(plan_cmd(&plan_dir).status().expect("runs").success());
    for (cmd, out) in [("simulate", data.clone()), ("simulate", root.clone())] {
        let run = bin()
            .arg(cmd)
            .arg(&data)
            .arg("--plan")
            .arg(plan_dir.join("stock_plan.csv"))
            .args(["--years", "0.1", "--replications", "1", "--out"])
            .arg(&out)
            .output()
            .expect("runs");
        assert_eq!(run.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains("is or contains the input"), "{stderr}");
    }
    assert_eq!(
        std::fs::read(data.join("hospitals.csv")).expect("kept"),
        before
    );
    assert!(!data.join("units.csv").exists());
}

/// A folder named like an output file makes the run fail with nothing replaced.
#[test]
fn a_bad_output_folder_replaces_nothing() {
    let root = temp("bad");
    let out = root.join("out");
    std::fs::create_dir_all(out.join("summary.json")).expect("a folder in the way");
    std::fs::write(out.join("summary.json").join("keep"), "x").expect("write");
    std::fs::write(out.join("stock_plan.csv"), "old\n").expect("old file");
    let run = plan_cmd(&out).output().expect("runs");
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        std::fs::read(out.join("stock_plan.csv")).expect("old"),
        b"old\n"
    );
    assert!(!out.join("service.csv").exists());
}
