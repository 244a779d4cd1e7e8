"""A small, valid one-page PDF resume for the demo profile, written without a PDF library."""

from __future__ import annotations

LINES = (
    "Ada Lovelace",
    "Backend engineer - San Francisco, CA - ada@example.com",
    "",
    "Experience",
    "  Analytical Engines Ltd - Staff engineer, 2019-2026",
    "  Built distributed job schedulers and gRPC APIs serving 2M requests/s.",
    "",
    "Skills: Python, Go, PostgreSQL, Kubernetes, gRPC, Playwright",
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def resume_pdf(lines: tuple[str, ...] = LINES) -> bytes:
    """A PDF 1.4 document with one page of Helvetica text and a correct cross-reference table."""
    text = ["BT", "/F1 12 Tf", "72 740 Td", "16 TL"]
    for line in lines:
        text.append(f"({_escape(line)}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
