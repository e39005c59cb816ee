#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let mut c = 0u64;
    sorkomp_sor::read_file(std::path::Path::new(&path), |_| {
        c += 1;
        Ok(())
    })
    .unwrap();
    println!("{c}");
}
