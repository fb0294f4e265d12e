"""Hand-built PDFs for bad-input tests: minimal, RC4-encrypted, image-only (no text)."""

from __future__ import annotations

import hashlib
import struct


def build_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file with the given objects (numbered from 1; object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def page_objects(content: bytes, resources: bytes) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>"
        % resources,
        stream(content),
    ]


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes, owner_password: bytes) -> bytes:
    """A PDF protected with the standard security handler (RC4 40-bit, revision 2)."""
    padding = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    file_id = b"reportqa-test-id"
    permissions = -44
    owner = _rc4(
        hashlib.md5((owner_password + padding)[:32]).digest()[:5], (user_password + padding)[:32]
    )
    key = hashlib.md5(
        (user_password + padding)[:32] + owner + struct.pack("<i", permissions) + file_id
    ).digest()[:5]
    user = _rc4(key, padding)
    objects = page_objects(b"", b"<< >>")
    objects.append(
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner.hex().encode(), user.hex().encode(), permissions)
    )
    trailer = b"/Encrypt 5 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode())
    return build_pdf(objects, trailer)


def image_only_pdf() -> bytes:
    """A one-page 'scan': a grey image and no text."""
    pixels = bytes(range(0, 256, 16)) * 16
    objects = page_objects(
        b"q 400 0 0 400 100 200 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>"
    )
    objects.append(
        stream(
            pixels,
            b"/Type /XObject /Subtype /Image /Width 16 /Height 16 "
            b"/ColorSpace /DeviceGray /BitsPerComponent 8",
        )
    )
    return build_pdf(objects)
