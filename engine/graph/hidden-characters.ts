/**
 * Characters that hide or reorder text when it is shown: C0 and C1 controls, DEL, the line and
 * paragraph separators, and the bidirectional controls (U+200E, U+200F, U+202A–U+202E,
 * U+2066–U+2069) that make `evil\u202Enosj.exe` show as `eviljson.exe`. File names refuse them;
 * messages printed to a terminal escape them.
 */
// eslint-disable-next-line no-control-regex
export const HIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
