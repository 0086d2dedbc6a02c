#!/usr/bin/env python3
"""cosign_key.py - cosign's encrypted private-key format, independently of cgate.

Python 3 standard library only: scrypt from hashlib, and NaCl secretbox
(XSalsa20-Poly1305) written here from the published algorithms (Salsa20 and
HSalsa20 by D. J. Bernstein, Poly1305 as in RFC 8439 section 2.5), so that a
key cgate writes is checked, and a key cgate reads is made, without libsodium.

Usage:
    cosign_key.py encrypt DER PASSWORD [--n N] [--label L] [--salt HEX --nonce HEX]  > key.pem
    cosign_key.py decrypt KEY.pem PASSWORD                                           > key.der
    cosign_key.py inspect KEY.pem     (prints the label and the JSON body's fields)

Exit 1 with a message on a wrong password (MAC mismatch) or a malformed file.
"""
import base64
import hashlib
import json
import os
import struct
import sys

M32 = 0xFFFFFFFF
SIGMA = b"expand 32-byte k"


def _rotl(v, c):
    return ((v << c) & M32) | (v >> (32 - c))


def _rounds(x):
    x = list(x)

    def qr(a, b, c, d):
        x[b] ^= _rotl((x[a] + x[d]) & M32, 7)
        x[c] ^= _rotl((x[b] + x[a]) & M32, 9)
        x[d] ^= _rotl((x[c] + x[b]) & M32, 13)
        x[a] ^= _rotl((x[d] + x[c]) & M32, 18)

    for _ in range(10):
        qr(0, 4, 8, 12); qr(5, 9, 13, 1); qr(10, 14, 2, 6); qr(15, 3, 7, 11)   # columns
        qr(0, 1, 2, 3); qr(5, 6, 7, 4); qr(10, 11, 8, 9); qr(15, 12, 13, 14)   # rows
    return x


def _state(key, n16):
    c = struct.unpack("<4I", SIGMA)
    k = struct.unpack("<8I", key)
    n = struct.unpack("<4I", n16)
    return [c[0], k[0], k[1], k[2], k[3], c[1], n[0], n[1],
            n[2], n[3], c[2], k[4], k[5], k[6], k[7], c[3]]


def hsalsa20(key, nonce16):
    x = _rounds(_state(key, nonce16))
    return struct.pack("<8I", *(x[i] for i in (0, 5, 10, 15, 6, 7, 8, 9)))


def salsa20_stream(key, nonce8, length):
    out = bytearray()
    counter = 0
    while len(out) < length:
        inp = _state(key, nonce8 + struct.pack("<Q", counter))
        x = _rounds(inp)
        out += struct.pack("<16I", *(((a + b) & M32) for a, b in zip(x, inp)))
        counter += 1
    return bytes(out[:length])


def poly1305(key32, msg):
    r = int.from_bytes(key32[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    s = int.from_bytes(key32[16:], "little")
    p = (1 << 130) - 5
    acc = 0
    for i in range(0, len(msg), 16):
        acc = (acc + int.from_bytes(msg[i:i + 16] + b"\x01", "little")) * r % p
    return ((acc + s) % (1 << 128)).to_bytes(16, "little")


def secretbox_seal(msg, nonce, key):
    sub = hsalsa20(key, nonce[:16])
    stream = salsa20_stream(sub, nonce[16:], 32 + len(msg))
    ct = bytes(a ^ b for a, b in zip(msg, stream[32:]))
    return poly1305(stream[:32], ct) + ct


def secretbox_open(box, nonce, key):
    if len(box) < 16:
        raise ValueError("ciphertext too short")
    sub = hsalsa20(key, nonce[:16])
    stream = salsa20_stream(sub, nonce[16:], 32 + len(box) - 16)
    tag, ct = box[:16], box[16:]
    if poly1305(stream[:32], ct) != tag:
        raise ValueError("wrong password or corrupt key (MAC mismatch)")
    return bytes(a ^ b for a, b in zip(ct, stream[32:]))


def pem(label, data):
    b = base64.b64encode(data).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


def unpem(text):
    lines = text.strip().splitlines()
    if not lines[0].startswith("-----BEGIN ") or not lines[-1].startswith("-----END "):
        raise ValueError("not a PEM file")
    return lines[0][11:-5], base64.b64decode("".join(lines[1:-1]), validate=True)


def scrypt(password, salt, n, r, p):
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def encrypt(der, password, n=32768, label="ENCRYPTED COSIGN PRIVATE KEY", salt=None, nonce=None):
    salt = salt or os.urandom(32)
    nonce = nonce or os.urandom(24)
    box = secretbox_seal(der, nonce, scrypt(password, salt, n, 8, 1))
    body = {"kdf": {"name": "scrypt", "params": {"N": n, "r": 8, "p": 1},
                    "salt": base64.b64encode(salt).decode()},
            "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
            "ciphertext": base64.b64encode(box).decode()}
    return pem(label, json.dumps(body, separators=(",", ":")).encode())


def decrypt(text, password):
    label, raw = unpem(text)
    if label not in ("ENCRYPTED COSIGN PRIVATE KEY", "ENCRYPTED SIGSTORE PRIVATE KEY"):
        raise ValueError("label %r" % label)
    d = json.loads(raw)
    prm = d["kdf"]["params"]
    key = scrypt(password, base64.b64decode(d["kdf"]["salt"]), prm["N"], prm["r"], prm["p"])
    return secretbox_open(base64.b64decode(d["ciphertext"]), base64.b64decode(d["cipher"]["nonce"]), key)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd = argv[1]
    try:
        if cmd == "encrypt":
            der = open(argv[2], "rb").read()
            opts = dict(zip(argv[4::2], argv[5::2]))
            out = encrypt(der, argv[3].encode(), int(opts.get("--n", "32768")),
                          opts.get("--label", "ENCRYPTED COSIGN PRIVATE KEY"),
                          bytes.fromhex(opts["--salt"]) if "--salt" in opts else None,
                          bytes.fromhex(opts["--nonce"]) if "--nonce" in opts else None)
            sys.stdout.write(out)
        elif cmd == "decrypt":
            sys.stdout.buffer.write(decrypt(open(argv[2]).read(), argv[3].encode()))
        elif cmd == "inspect":
            label, raw = unpem(open(argv[2]).read())
            d = json.loads(raw)
            print(json.dumps({"label": label, "body": raw.decode(), "keys": list(d),
                              "kdf": d["kdf"]["name"], "params": d["kdf"]["params"],
                              "salt_len": len(base64.b64decode(d["kdf"]["salt"])),
                              "cipher": d["cipher"]["name"],
                              "nonce_len": len(base64.b64decode(d["cipher"]["nonce"]))}))
        else:
            sys.exit(__doc__)
    except (ValueError, KeyError, OSError) as e:
        sys.stderr.write("cosign_key.py: %s\n" % e)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
