//! A SOR import through the API while the administrator goes on working.

use std::io::{self, Read};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use sorkomp_api::{Api, ProposalQuery};
use sorkomp_model::{ProposalKind, ProposalStatus};

const DEMO_SOR: &[u8] = include_bytes!("../../../../../assets/demo/sor/Sor.xml");

/// Gives the first half of a file, then says so and waits for a go-ahead before the rest (as a
/// slow disk or network would, with the pause under the test's control).
struct PausedHalfway {
    bytes: &'static [u8],
    at: usize,
    pause_at: Option<usize>,
    reached: Sender<()>,
    proceed: Receiver<()>,
}

impl Read for PausedHalfway {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pause_at == Some(self.at) {
            self.pause_at = None;
            let _ = self.reached.send(());
            self.proceed
                .recv_timeout(Duration::from_secs(20))
                .map_err(|_| io::Error::other("ingen besked om at læse videre"))?;
        }
        let end = self.pause_at.unwrap_or(self.bytes.len());
        let n = buf.len().min(end - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_decision_is_stored_while_a_sor_file_is_being_read() {
    let api = Api::open_in_memory().unwrap();
    api.set_who("AB").unwrap();
    api.load_demo().unwrap();
    let proposal = api
        .proposals(&ProposalQuery {
            status: Some(ProposalStatus::New),
            kind: Some(ProposalKind::Link),
            text: None,
        })
        .unwrap()
        .first()
        .expect("the demo proposes links")
        .id;

    let (reached, halfway) = channel();
    let (go_on, proceed) = channel();
    let file = PausedHalfway {
        bytes: DEMO_SOR,
        at: 0,
        pause_at: Some(DEMO_SOR.len() / 2),
        reached,
        proceed,
    };
    std::thread::scope(|scope| {
        let importing = scope.spawn(|| api.import_sor_reader(file, "Sor.xml"));
        halfway.recv().expect("the import reads the first half");
        // Half the file is read; the store must not wait for the rest.
        let approved = api.approve(proposal).unwrap();
        assert_eq!(approved.status, ProposalStatus::Approved);
        let _ = go_on.send(());
        let report = importing.join().unwrap().expect("the import completes");
        assert!(report.unchanged, "the same demo file again: {report:?}");
    });
    let log = api.log(&Default::default()).unwrap();
    let position = |action: &str| log.iter().position(|e| e.action == action);
    assert!(
        position("approve").is_some() && position("sor_import").is_some(),
        "both the decision and the import are logged: {:?}",
        log.iter().map(|e| &e.action).collect::<Vec<_>>()
    );
}
