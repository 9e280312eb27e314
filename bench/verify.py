"""Proof benchmark: full verifications per second on one core, against a bare Ed25519
verify of the same bytes in the same run; issuance per second; QR generation time.

- bare: `Ed25519PublicKey.verify(signature, Sig_structure)` on the exact bytes a proof's
  signature covers (cryptography / OpenSSL): the floor of any verifier.
- full: `apps.proofs.verify.verify(text, trust, status_lists, now)`: prefix and base45
  → CBOR → COSE_Sign1 structure and protected header → trust-list lookup → signature →
  claims → issuer → not-before / expiry → status-list lookup (a 131,072-entry list).
  The proofs differ (distinct token ids and status indexes), so nothing is cached.
- issue: `apps.proofs.credential.issue` (claims → CBOR → Ed25519 sign → base45), for
  the card-number binding and for a face-thumbnail binding.
- QR: `segno.make(text, error="m")` alone, and with a PNG (scale 8) or SVG rendering.

The bare and full measurements alternate in rounds so that other load on the machine
hits both alike; the process is pinned to one core. Pure Python, no database:

    .venv/bin/python bench/verify.py [--n 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import base45
import cbor2
import cryptography
import segno

from apps.proofs import credential, photos, statuslist, verify
from apps.proofs.tests.keys_for_tests import NOW, STATUS_URI, Issuer
from apps.proofs.tests.portraits import astronaut_jpeg

GOAL_RATIO = 0.7


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def rate(function: Callable[[int], object], n: int) -> float:
    """Calls per CPU-second of function(i) for i in range(n): CPU time, not wall time,
    so that other programs on a shared machine do not count against either side."""
    started = time.process_time()
    for i in range(n):
        function(i)
    return n / (time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="operations per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    issuer = Issuer()
    trust = issuer.trust_list()
    statuses = bytearray(statuslist_size := 1 << 14)
    for index in range(0, statuslist_size * 8, 97):  # about 1 % revoked, spread out
        statuslist.set_bit(statuses, index)
    token = statuslist.sign_token(
        issuer.status_key,
        issuer.status_kid,
        uri=STATUS_URI,
        statuses=bytes(statuses),
        issued_at=NOW,
        expires_at=NOW + 86400,
        ttl=3600,
    )
    view = statuslist.read_token(token, trust)
    views = {view.uri: view}

    # Distinct proofs (token ids, indexes not revoked), and the bytes each one's signature covers.
    count = 2000
    texts, covered = [], []
    for i in range(count):
        index = 1 + i * 37 if (1 + i * 37) % 97 else 2 + i * 37
        text = issuer.proof(token_id=i.to_bytes(8, "big"), status_index=index)
        protected, _, payload, signature = cbor2.loads(base45.b45decode(text[4:])).value
        texts.append(text)
        covered.append((credential.sig_structure(protected, payload), signature))
    public = issuer.proof_key.public_key()
    if not all(verify.verify(t, trust, views, NOW).valid for t in texts[:50]):
        raise SystemExit("the benchmark's proofs do not verify")

    def bare(i: int) -> None:
        message, signature = covered[i % count]
        public.verify(signature, message)

    def full(i: int) -> None:
        verify.verify(texts[i % count], trust, views, NOW)

    bare_rates, full_rates = [], []
    for _ in range(args.rounds):
        bare_rates.append(rate(bare, args.n))
        full_rates.append(rate(full, args.n))
    bare_rate, full_rate = median(bare_rates), median(full_rates)

    face = photos.thumbnail(astronaut_jpeg())
    claims = issuer.claims()
    face_claims = issuer.claims(card="", face=face)
    kid = credential.kid_bytes(issuer.kid)
    n_issue = max(1000, args.n // 4)
    issue_card = median(
        [rate(lambda _i: credential.issue(issuer.proof_key, kid, claims), n_issue) for _ in "123"]
    )
    issue_face = median(
        [
            rate(lambda _i: credential.issue(issuer.proof_key, kid, face_claims), n_issue)
            for _ in "123"
        ]
    )
    card_text = texts[0]
    face_text = credential.issue(issuer.proof_key, kid, face_claims)

    def qr_ms(text: str, kind: str) -> float:
        def once(_i: int) -> None:
            qr = segno.make(text, error="m", micro=False)
            if kind != "matrix":
                qr.save(io.BytesIO(), kind=kind, scale=8)

        return 1000 / rate(once, 100)

    def version(text: str) -> int:
        return int(segno.make(text, error="m", micro=False, boost_error=False).version)

    ratio = full_rate / bare_rate
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(
        f"proof benchmark: Python {platform.python_version()}, "
        f"cryptography {cryptography.__version__}, one core, {args.rounds} rounds of {args.n}"
    )
    print(f"  card-binding proof: {len(card_text)} chars, QR version {version(card_text)}-M")
    print(
        f"  thumbnail proof:    {len(face_text)} chars ({len(face)}-byte JPEG), "
        f"QR version {version(face_text)}-M"
    )
    print(
        f"bare Ed25519 verify/s         {bare_rate:10.0f}   rounds {[round(r) for r in bare_rates]}"
    )
    print(
        f"full verification/s           {full_rate:10.0f}   rounds {[round(r) for r in full_rates]}"
    )
    print(f"full / bare                   {ratio:10.2f}   goal >= {GOAL_RATIO}: {verdict}")
    print(f"issuance/s (card binding)     {issue_card:10.0f}")
    print(f"issuance/s (face thumbnail)   {issue_face:10.0f}")
    for label, text in (("card", card_text), ("thumbnail", face_text)):
        print(
            f"QR {label:9} ms: matrix {qr_ms(text, 'matrix'):.2f}, "
            f"PNG {qr_ms(text, 'png'):.2f}, SVG {qr_ms(text, 'svg'):.2f}"
        )


if __name__ == "__main__":
    main()
