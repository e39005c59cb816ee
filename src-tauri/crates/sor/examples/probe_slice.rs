use quick_xml::events::Event;
use std::io::BufReader;
use std::time::Instant;
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn buffered(path: &str) -> u64 {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(256 * 1024, file));
    let mut buf = Vec::with_capacity(4096);
    let mut n = 0;
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            Event::Eof => break,
            _ => n += 1,
        }
        buf.clear();
    }
    n
}
fn sliced(data: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(data);
    let mut n = 0;
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            _ => n += 1,
        }
    }
    n
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let data = std::fs::read(&path).unwrap();
    for _ in 0..5 {
        let t = Instant::now();
        let a = buffered(&path);
        let tb = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let b = sliced(&data);
        let ts = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut c = 0u64;
        sorkomp_sor::read_file(std::path::Path::new(&path), |_| {
            c += 1;
            Ok(())
        })
        .unwrap();
        let tp = t.elapsed().as_secs_f64();
        println!("buffered {tb:.3} ({a}) sliced {ts:.3} ({b}) parse {tp:.3} ({c})");
    }
}
