use quick_xml::events::Event;
use std::io::BufReader;
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    if std::env::args().nth(2).is_some() {
        let data = std::fs::read(&path).unwrap();
        let mut reader = quick_xml::Reader::from_reader(&data[..]);
        let mut n = 0;
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                _ => n += 1,
            }
        }
        println!("sliced {n}");
        return;
    }
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
    println!("{n}");
}
