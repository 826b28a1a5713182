"""Test images made with Pillow, one of them carrying a GPS position in its EXIF."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

GPS_LAT, GPS_LNG = 23.005, 113.705


def _dms(value):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return ((degrees, 1), (minutes, 1), (seconds, 100))


def jpeg(name="scene.jpg", size=(800, 600), gps=True):
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: tuple(n / d for n, d in _dms(GPS_LAT)),
            ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: tuple(n / d for n, d in _dms(GPS_LNG)),
        }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def not_an_image(name="evil.jpg"):
    return SimpleUploadedFile(name, b"<?php echo 'hello'; ?>", content_type="image/jpeg")
