//! Any bytes into the XTC reader: open (header walk) then decode every frame, full and subset.
#![no_main]
use libfuzzer_sys::fuzz_target;
use molsig_io::xtc::XtcReader;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = XtcReader::open(std::io::Cursor::new(data), "fuzz.xtc") else {
        return;
    };
    let mut frame = molsig_io::Frame::default();
    let subset: Vec<usize> = (0..reader.num_atoms()).step_by(3).take(64).collect();
    for i in 0..reader.num_frames().min(16) {
        let _ = reader.read_frame(i, None, &mut frame);
        let _ = reader.read_frame(i, Some(&subset), &mut frame);
    }
});
