"""Peak memory of storing one photo, measured in a fresh process (`python -m tests.incidents.photo_memory FILE`).

Prints the rise of the process's resident set while incidents.photos.photos_store stores FILE,
in MiB: its peak (VmHWM) minus what it held just before (VmRSS). A fresh process, because a
test process's peak is whatever its earlier tests left. Pillow allocates pixels with malloc,
out of tracemalloc's sight, so the resident set is what counts.
"""

import io
import sys
import zlib
from pathlib import Path


def png_of_one_colour(width, height, colour=(200, 120, 40)):
    """Return an RGB PNG of one colour, written row by row: never held decoded (6300² → 120 KB)."""
    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    packer, row = zlib.compressobj(9), b"\0" + bytes(colour) * width  # filter byte 0, then the pixels
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB → MiB


def main(path):
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from incidents.photos import photos_store

    warm_up = io.BytesIO()
    Image.new("RGB", (64, 64)).save(warm_up, "PNG")
    photos_store([SimpleUploadedFile("warm.png", warm_up.getvalue())])  # imports and first allocations
    upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes())
    before = _status("VmRSS")
    [photo] = photos_store([upload])
    print(f"{_status('VmHWM') - before:.1f} {photo.width} {photo.height}")


if __name__ == "__main__":
    main(sys.argv[1])
