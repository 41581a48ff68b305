//! Element symbols: inference from PDB-style atom names when a file has no element column, and
//! capitalisation of the ones it has.
//!
//! The PDB convention places the element symbol right-justified in columns 13-14 of the 4-column
//! atom-name field: `" CA "` is a carbon (alpha carbon), `"CA  "` is calcium, `"1HB "` and `"HB21"`
//! are hydrogens. [`infer_element`] follows that convention, with a few guards for files that do not:
//! single-atom ion residues (`NA`, `CL`, `SOD`, `MG`, …) name their element, and atoms of standard
//! amino acids, nucleotides and water are always one-letter elements.

/// Every element symbol, capitalised, in atomic-number order.
const SYMBOLS: [&str; 118] = [
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl",
    "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As",
    "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In",
    "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb",
    "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl",
    "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk",
    "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh",
    "Fl", "Mc", "Lv", "Ts", "Og",
];

/// What [`infer_element`] returns when the name holds no recognisable element.
pub const UNKNOWN: &str = "X";

/// Symbols indexed by `27 * (first letter) + (second letter + 1, or 0 for none)`.
static TABLE: [Option<&str>; 26 * 27] = {
    let mut table = [None; 26 * 27];
    let mut i = 0;
    while i < SYMBOLS.len() {
        let b = SYMBOLS[i].as_bytes();
        let second = if b.len() > 1 {
            (b[1] - b'a') as usize + 1
        } else {
            0
        };
        table[(b[0] - b'A') as usize * 27 + second] = Some(SYMBOLS[i]);
        i += 1;
    }
    table
};

/// Looks up an element symbol case-insensitively (`b"FE"`, `b"fe"`, `b"Fe"` → `"Fe"`).
#[must_use]
pub(crate) fn lookup(symbol: &[u8]) -> Option<&'static str> {
    let (&first, second) = match symbol {
        [a] => (a, 0),
        [a, b] if b.is_ascii_alphabetic() => (a, usize::from(b.to_ascii_lowercase() - b'a') + 1),
        _ => return None,
    };
    if !first.is_ascii_alphabetic() {
        return None;
    }
    TABLE[usize::from(first.to_ascii_uppercase() - b'A') * 27 + second]
}

/// Upper-cased, space-padded 4-byte key for matching short names; `None` when longer.
fn upper4(s: &[u8]) -> Option<[u8; 4]> {
    if s.len() > 4 {
        return None;
    }
    let mut key = [b' '; 4];
    for (k, b) in key.iter_mut().zip(s) {
        *k = b.to_ascii_uppercase();
    }
    Some(key)
}

/// Normalises the contents of a PDB element column (columns 77-78): returns the capitalised
/// symbol, or `None` when the field is blank or holds something other than one or two letters.
/// Letters that are not an element symbol (`D` for deuterium, `X`) are kept, capitalised.
pub(crate) fn normalise_column(field: &[u8]) -> Option<String> {
    let t = field.trim_ascii();
    if t.is_empty() || t.len() > 2 || !t.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    if let Some(symbol) = lookup(t) {
        return Some(symbol.to_owned());
    }
    let mut s = String::with_capacity(2);
    s.push(char::from(t[0].to_ascii_uppercase()));
    if let Some(&second) = t.get(1) {
        s.push(char::from(second.to_ascii_lowercase()));
    }
    Some(s)
}

/// Infers the element of an atom from its 4-character PDB atom-name field (columns 13-16, with
/// the original spacing) and its residue name, following the PDB convention.
///
/// * A single-atom ion residue whose atom is named like it (`NA` in `NA`, `SOD` in `SOD`, `CL` in
///   `CL-`, `CA` in `CA`) is that ion's element.
/// * If the field starts with a space or a digit, the element is the letter that follows:
///   `" CA "` is carbon, `"1HB "` and `" HB2"` are hydrogen.
/// * If it starts with a letter, the name is either a two-letter element (`"FE  "`, `"CA  "`) or a
///   4-character name of a one-letter element (`"HB21"`, `"C10A"`). Four-character names starting
///   with `H` are hydrogens; in standard amino acids, nucleotides and water every atom is a
///   one-letter element.
///
/// Returns a capitalised symbol (`"C"`, `"Fe"`), or [`UNKNOWN`] (`"X"`) when nothing fits.
#[must_use]
pub fn infer_element(atom_name_field: &str, res_name: &str) -> String {
    infer(atom_name_field.as_bytes(), res_name.as_bytes()).to_owned()
}

/// True for hydrogen and its isotopes (`H`, `D`, `T`), in any capitalisation.
#[must_use]
pub fn is_hydrogen(element: &str) -> bool {
    matches!(
        element.trim().as_bytes(),
        [b'H' | b'h' | b'D' | b'd' | b'T' | b't']
    )
}

/// The leading ASCII letters of `s` after trimming spaces (`"NA+"` → `"NA"`, `"MG2"` → `"MG"`).
fn leading_letters(s: &[u8]) -> &[u8] {
    let t = s.trim_ascii();
    let n = t.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    &t[..n]
}

/// The element of a single-atom ion residue, by residue name (upper case, charge signs and
/// trailing digits removed: `NA+` → `NA`, `MG2` → `MG`).
fn ion_element(res_letters: &[u8]) -> Option<&'static str> {
    Some(match &upper4(res_letters)? {
        b"NA  " | b"SOD " => "Na",
        b"CL  " | b"CLA " => "Cl",
        b"K   " | b"POT " => "K",
        b"MG  " => "Mg",
        b"CA  " | b"CAL " => "Ca",
        b"ZN  " => "Zn",
        b"FE  " => "Fe",
        b"CU  " => "Cu",
        b"MN  " => "Mn",
        b"CO  " => "Co",
        b"NI  " => "Ni",
        b"CD  " => "Cd",
        b"HG  " => "Hg",
        b"LI  " | b"LIT " => "Li",
        b"RB  " => "Rb",
        b"CS  " | b"CES " => "Cs",
        b"SR  " => "Sr",
        b"BA  " => "Ba",
        b"BR  " => "Br",
        b"I   " | b"IOD " => "I",
        b"F   " => "F",
        b"AG  " => "Ag",
        b"AU  " => "Au",
        b"PT  " => "Pt",
        b"AL  " => "Al",
        _ => return None,
    })
}

/// Standard polymer and water residues, whose atoms are all H, C, N, O, S or P. A name such as
/// `"CA  "` (left-justified by a careless writer) in one of these is still a carbon.
#[rustfmt::skip]
fn is_standard_residue(res: &[u8]) -> bool {
    upper4(res.trim_ascii()).is_some_and(|key| {
        matches!(
            &key,
            b"ALA " | b"ARG " | b"ASN " | b"ASP " | b"CYS " | b"GLN " | b"GLU " | b"GLY " | b"HIS " |
            b"ILE " | b"LEU " | b"LYS " | b"MET " | b"PHE " | b"PRO " | b"SER " | b"THR " | b"TRP " |
            b"TYR " | b"VAL " | b"HID " | b"HIE " | b"HIP " | b"HSD " | b"HSE " | b"HSP " | b"CYX " |
            b"CYM " | b"ASH " | b"GLH " | b"LYN " | b"ACE " | b"NME " | b"NMA " | b"NH2 " | b"DA  " |
            b"DC  " | b"DG  " | b"DT  " | b"DU  " | b"A   " | b"C   " | b"G   " | b"U   " | b"HOH " |
            b"WAT " | b"SOL " | b"TIP3" | b"TIP4" | b"SPC " | b"H2O " | b"DOD "
        )
    })
}

/// True when `letters` start with a two-letter element that is named as such even where a
/// one-letter reading is possible: its letters rarely start the name of a carbon, nitrogen, oxygen
/// or hydrogen. Used for 4-character names, and by the GRO reader to decide how to justify a name
/// the way a PDB writer would.
#[rustfmt::skip]
pub(crate) fn starts_with_distinct_two_letter(letters: &[u8]) -> bool {
    let Some(&[a, b]) = letters.get(..2) else { return false };
    matches!(
        &[a.to_ascii_uppercase(), b.to_ascii_uppercase()],
        b"CL" | b"BR" | b"FE" | b"ZN" | b"MG" | b"MN" | b"CU" | b"NI" | b"SE" |
        b"LI" | b"AL" | b"SI" | b"AG" | b"AU" | b"PT" | b"RB" | b"CS" | b"SR" |
        b"BA" | b"GD" | b"IR" | b"RU" | b"RH" | b"PD" | b"CR" | b"TI" | b"AS"
    )
}

/// One-letter element, or the two-letter element starting with this letter and the next one.
fn one_letter(letter: u8, next: Option<u8>) -> &'static str {
    if let Some(symbol) = lookup(&[letter]) {
        return symbol;
    }
    if let Some(next) = next.filter(u8::is_ascii_alphabetic)
        && let Some(symbol) = lookup(&[letter, next])
    {
        return symbol;
    }
    // Deuterium and tritium have no symbol of their own in the table.
    match letter.to_ascii_uppercase() {
        b'D' | b'T' => "H",
        _ => UNKNOWN,
    }
}

/// [`infer_element`] on bytes, returning a static symbol (no allocation).
pub(crate) fn infer(field: &[u8], res_name: &[u8]) -> &'static str {
    // Trailing spaces carry no information; leading ones do.
    let field = field.trim_ascii_end();
    let name_letters = leading_letters(field);
    let res_letters = leading_letters(res_name);

    // Single-atom residues: the ion tables, or an atom named exactly like its residue.
    if !name_letters.is_empty() && !res_letters.is_empty() {
        if let Some(ion) = ion_element(res_letters)
            && (name_letters.eq_ignore_ascii_case(res_letters)
                || name_letters.eq_ignore_ascii_case(ion.as_bytes()))
        {
            return ion;
        }
        if name_letters.eq_ignore_ascii_case(res_letters)
            && field
                .trim_ascii()
                .eq_ignore_ascii_case(res_name.trim_ascii())
            && let Some(symbol) = lookup(name_letters)
        {
            return symbol;
        }
    }

    let Some(&first) = field.first() else {
        return UNKNOWN;
    };
    if first == b' ' || first.is_ascii_digit() {
        // Right-justified one-letter element: the first letter after the spaces and digits.
        let rest = &field[1..];
        let Some(i) = rest.iter().position(u8::is_ascii_alphabetic) else {
            return UNKNOWN;
        };
        return one_letter(rest[i], rest.get(i + 1).copied());
    }
    if !first.is_ascii_alphabetic() {
        return UNKNOWN;
    }
    let second = field.get(1).copied();
    let full_width = field.len() >= 4 && !field[..4].contains(&b' ');
    if full_width && first.eq_ignore_ascii_case(&b'H') {
        return "H";
    }
    if is_standard_residue(res_name) {
        return one_letter(first, None);
    }
    if let Some(second) = second.filter(u8::is_ascii_alphabetic) {
        let two = [first, second];
        let two_letter = if full_width {
            starts_with_distinct_two_letter(&two)
                .then(|| lookup(&two))
                .flatten()
        } else {
            lookup(&two)
        };
        if let Some(symbol) = two_letter {
            return symbol;
        }
    }
    one_letter(first, second)
}

/// Builds the 4-column PDB atom-name field a PDB writer would use for a bare atom name (as GRO
/// stores them): names shorter than four characters start in column 14, unless they start with a
/// distinctive two-letter element (`FE`, `ZN`, `CL`, …), which starts in column 13.
///
/// Returns the buffer and the length used (names longer than 4 characters are kept whole, up to 8).
pub(crate) fn pdb_style_field(name: &[u8]) -> ([u8; 9], usize) {
    let name = name.trim_ascii();
    let mut buf = [b' '; 9];
    let name = &name[..name.len().min(8)];
    if name.len() >= 4 || starts_with_distinct_two_letter(name) {
        buf[..name.len()].copy_from_slice(name);
        (buf, name.len().max(4))
    } else {
        buf[1..=name.len()].copy_from_slice(name);
        (buf, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gro(name: &str, res: &str) -> &'static str {
        let (buf, len) = pdb_style_field(name.as_bytes());
        infer(&buf[..len], res.as_bytes())
    }

    #[test]
    fn symbol_table_is_complete_and_capitalised() {
        assert_eq!(SYMBOLS.len(), 118);
        for s in SYMBOLS {
            let b = s.as_bytes();
            assert!(b[0].is_ascii_uppercase());
            assert!(b[1..].iter().all(u8::is_ascii_lowercase));
            assert_eq!(lookup(b), Some(s));
            assert_eq!(lookup(s.to_ascii_uppercase().as_bytes()), Some(s));
        }
        assert_eq!(lookup(b"XX"), None);
        assert_eq!(lookup(b""), None);
        assert_eq!(lookup(b"ABC"), None);
    }

    #[test]
    fn right_justified_one_letter_elements() {
        assert_eq!(infer_element(" CA ", "ALA"), "C");
        assert_eq!(infer_element(" N  ", "GLY"), "N");
        assert_eq!(infer_element(" OXT", "GLY"), "O");
        assert_eq!(infer_element(" SG ", "CYS"), "S");
        assert_eq!(infer_element(" P  ", "DA"), "P");
        assert_eq!(infer_element(" C1'", "DA"), "C");
        assert_eq!(infer_element(" CA ", "LIG"), "C");
        assert_eq!(infer_element(" NA ", "HEM"), "N");
    }

    #[test]
    fn hydrogens() {
        assert_eq!(infer_element("1HB ", "ALA"), "H");
        assert_eq!(infer_element(" HB2", "ALA"), "H");
        assert_eq!(infer_element("HB21", "LIG"), "H");
        assert_eq!(infer_element("HG21", "THR"), "H");
        assert_eq!(infer_element("HE21", "GLN"), "H");
        assert_eq!(infer_element("2HD1", "LEU"), "H");
        assert_eq!(infer_element(" H  ", "ALA"), "H");
        assert_eq!(infer_element(" D  ", "ALA"), "H");
        assert!(is_hydrogen("H"));
        assert!(is_hydrogen("D"));
        assert!(is_hydrogen("h"));
        assert!(!is_hydrogen("He"));
        assert!(!is_hydrogen("Hg"));
        assert!(!is_hydrogen("C"));
        assert!(!is_hydrogen(""));
    }

    #[test]
    fn two_letter_elements() {
        assert_eq!(infer_element("CA  ", "CA"), "Ca");
        assert_eq!(infer_element(" CA ", "CA"), "Ca");
        assert_eq!(infer_element("FE  ", "HEM"), "Fe");
        assert_eq!(infer_element("MG  ", "CLA"), "Mg");
        assert_eq!(infer_element("ZN  ", "ZN"), "Zn");
        assert_eq!(infer_element("CL1 ", "LIG"), "Cl");
        assert_eq!(infer_element("SE  ", "MSE"), "Se");
        assert_eq!(infer_element("HG  ", "HG"), "Hg");
        // A careless writer's left-justified alpha carbon in a protein residue.
        assert_eq!(infer_element("CA  ", "ALA"), "C");
        // 4-character names of one-letter elements.
        assert_eq!(infer_element("C10A", "LIG"), "C");
        assert_eq!(infer_element("CD11", "LIG"), "C");
        assert_eq!(infer_element("CL12", "LIG"), "Cl");
    }

    #[test]
    fn ions_by_residue() {
        assert_eq!(infer_element("NA  ", "NA"), "Na");
        assert_eq!(infer_element(" NA ", "NA+"), "Na");
        assert_eq!(infer_element("Na+ ", "Na+"), "Na");
        assert_eq!(infer_element("SOD ", "SOD"), "Na");
        assert_eq!(infer_element("CLA ", "CLA"), "Cl");
        assert_eq!(infer_element(" CL ", "CL-"), "Cl");
        assert_eq!(infer_element(" K  ", "K"), "K");
        assert_eq!(infer_element("POT ", "POT"), "K");
        assert_eq!(infer_element("MG  ", "MG2"), "Mg");
        assert_eq!(infer_element("CAL ", "CAL"), "Ca");
        assert_eq!(infer_element("FE  ", "FE2"), "Fe");
        assert_eq!(infer_element("AU  ", "AU"), "Au");
        // Ion residue names elsewhere do not capture other atoms.
        assert_eq!(infer_element(" NA ", "CLA"), "N");
    }

    #[test]
    fn unknown_and_odd_input() {
        assert_eq!(infer_element("", ""), "X");
        assert_eq!(infer_element("    ", "ALA"), "X");
        assert_eq!(infer_element(" 12 ", "ALA"), "X");
        assert_eq!(infer_element("*** ", "ALA"), "X");
        assert_eq!(infer_element(" MW ", "SOL"), "X");
        assert_eq!(infer_element(" \u{e9}  ", "ALA"), "X");
        assert_eq!(infer_element("C", ""), "C");
    }

    #[test]
    fn element_column() {
        assert_eq!(normalise_column(b" C").as_deref(), Some("C"));
        assert_eq!(normalise_column(b"FE").as_deref(), Some("Fe"));
        assert_eq!(normalise_column(b"fe").as_deref(), Some("Fe"));
        assert_eq!(normalise_column(b" D").as_deref(), Some("D"));
        assert_eq!(normalise_column(b"  "), None);
        assert_eq!(normalise_column(b"1+"), None);
        assert_eq!(normalise_column(b""), None);
    }

    #[test]
    fn gro_names_justified_like_pdb() {
        assert_eq!(gro("CA", "ALA"), "C");
        assert_eq!(gro("CA", "CA"), "Ca");
        assert_eq!(gro("NA", "NA"), "Na");
        assert_eq!(gro("CL", "CL"), "Cl");
        assert_eq!(gro("SOD", "SOD"), "Na");
        assert_eq!(gro("NA", "HEME"), "N");
        assert_eq!(gro("FE", "HEME"), "Fe");
        assert_eq!(gro("OW", "SOL"), "O");
        assert_eq!(gro("HW1", "SOL"), "H");
        assert_eq!(gro("HB21", "LIG"), "H");
        assert_eq!(gro("C210", "POPC"), "C");
        assert_eq!(gro("H91R", "POPC"), "H");
        assert_eq!(gro("CL1", "LIG"), "Cl");
        assert_eq!(gro("HG211", "POPC"), "H");
        assert_eq!(gro("", "X"), "X");
        assert_eq!(pdb_style_field(b"CA").0[..4], *b" CA ");
        assert_eq!(pdb_style_field(b"FE").0[..4], *b"FE  ");
        assert_eq!(pdb_style_field(b"HB21").0[..4], *b"HB21");
    }
}
