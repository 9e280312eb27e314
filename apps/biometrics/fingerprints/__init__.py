"""Fingerprint library: NBIS minutiae and NFIQ 2, ISO/IEC 19794-2 records, Bozorth3, a
1:N candidate index, and a synthetic fingerprint generator for tests and benchmarks.

Pure library: no Django models. Modules: `nbis` (extract, nfiq2, analyse), `iso`
(to_iso, from_iso), `match` (bozorth3, MATCH_SCORE), `index` (open_finger_index),
`synthetic` (master_finger, impression, png_bytes), `template` (FingerTemplate).
"""
