#!/usr/bin/python3
"""Writes the hostile and odd input corpus into src/test/resources/hostile/ (HostileInputTest reads it).

Each file is small; the ones that claim to be huge only say so in their headers. expected.tsv lists, per file,
the Content-Type to send, the status the service must answer and the problem code (- for 200).
Needs Debian's python3-pil: /usr/bin/python3 scripts/make-hostile-corpus.py
"""
import io
import os
import struct
import zipfile
import zlib

from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "hostile")
rows = []


def write(name, data, content_type, status, code="-"):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    rows.append((name, content_type, str(status), code))


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, rows_data, color_type=2, bit_depth=8):
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows_data)
            + png_chunk(b"IEND", b""))


os.makedirs(OUT, exist_ok=True)
photo = Image.radial_gradient("L").convert("RGB").resize((320, 240))
jpeg = encoded(photo, "JPEG", quality=90)
png_bytes = encoded(photo, "PNG")

write("empty.jpg", b"", "image/jpeg", 400, "empty_body")
write("text.txt", b"hello, I am not an image\n", "text/plain", 415, "unsupported_media_type")
write("text-as-jpeg.jpg", b"hello, I am not an image\n", "image/jpeg", 400, "undecodable_image")
write("page.html", b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>", "text/html", 415,
      "unsupported_media_type")
write("page-as-image.html", b"<!doctype html><html><body>hi</body></html>", "image/png", 400, "undecodable_image")
write("data.json", b'{"image": "not here"}', "application/json", 415, "unsupported_media_type")
write("truncated.jpg", jpeg[: len(jpeg) // 2], "image/jpeg", 200)
write("truncated-header.jpg", jpeg[:40], "image/jpeg", 400, "undecodable_image")
write("truncated.png", png_bytes[: len(png_bytes) // 2], "image/png", 400, "undecodable_image")

# every Huffman table segment (DHT, FFC4) filled with 0xFF: the decoder must refuse, not loop or crash
broken = bytearray(jpeg)
at = broken.find(b"\xff\xc4")
while at != -1:
    length = struct.unpack(">H", broken[at + 2:at + 4])[0]
    broken[at + 4:at + 2 + length] = b"\xff" * (length - 2)
    at = broken.find(b"\xff\xc4", at + 2 + length)
write("bad-huffman.jpg", bytes(broken), "image/jpeg", 400, "undecodable_image")

# headers declaring absurd sizes, with almost no data: refused before any pixel is decoded
write("png-bomb-100000x100000.png", png(100000, 100000, zlib.compress(b"\0" * 1024)), "image/png", 413,
      "image_too_large")
sof = jpeg.find(b"\xff\xc0")
absurd = bytearray(jpeg)
absurd[sof + 5:sof + 9] = struct.pack(">HH", 65500, 65500)
write("jpeg-65500x65500.jpg", bytes(absurd), "image/jpeg", 413, "image_too_large")

# a deflate bomb within the pixel limit (1900x1900 = 3.6 MP, 10 MB of pixels from a few KB): decodes, classifies
raw = (b"\0" + b"\x80" * (1900 * 3)) * 1900
write("deflate-1900x1900.png", png(1900, 1900, zlib.compress(raw, 9)), "image/png", 200)

# a zip bomb (100 MB of zeros, ~100 KB) sent as a JPEG
zipped = io.BytesIO()
with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("zeros.bin", b"\0" * (100 * 1024 * 1024))
write("zip-bomb.jpg", zipped.getvalue(), "image/jpeg", 400, "undecodable_image")

write("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" '
      b'height="10"/></svg>', "image/svg+xml", 400, "undecodable_image")
write("document.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
      "application/pdf", 415, "unsupported_media_type")
write("document-as-image.pdf", b"%PDF-1.4\n%%EOF\n", "image/jpeg", 400, "undecodable_image")

frames = [Image.new("P", (64, 48), color) for color in (1, 50, 200)]
write("animated.gif", encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0),
      "image/gif", 200)
write("cmyk.jpg", encoded(photo.convert("CMYK"), "JPEG"), "image/jpeg", 200)
write("grey-16bit.png", encoded(Image.radial_gradient("L").convert("I;16").resize((128, 96)), "PNG"), "image/png",
      200)
write("1x1.png", encoded(Image.new("RGB", (1, 1), (200, 10, 10)), "PNG"), "image/png", 200)
write("60000x1.png", encoded(Image.new("RGB", (60000, 1), (10, 200, 10)), "PNG"), "image/png", 200)
write("100000x1.png", png(100000, 1, zlib.compress(b"\0" + b"\x40" * 300000)), "image/png", 413,
      "image_too_large")
write("png-sent-as-jpeg.png", png_bytes, "image/jpeg", 200)
write("jpeg-sent-as-octet-stream.jpg", jpeg, "application/octet-stream", 200)

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# file\tcontent-type\tstatus\tcode (- for 200); written by scripts/make-hostile-corpus.py\n")
    for row in rows:
        f.write("\t".join(row) + "\n")
print("wrote", len(rows), "files to", os.path.normpath(OUT))
