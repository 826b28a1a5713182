"""manage.py export_areas FILE: write areas as GeoJSON, in the format import_areas reads.

Like every file handed out, the export is recorded in the audit trail: a command has no account,
so the operating-system user who ran it is named in the details.
"""

import getpass
import json

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.services import audit_record
from grids.models import Area


class Command(BaseCommand):
    help = "Export areas (all, or one level and/or one subtree) as a GeoJSON FeatureCollection in WGS-84."

    def add_arguments(self, parser):
        parser.add_argument("file", help="output path, or - for standard output")
        parser.add_argument("--level", choices=Area.Level.values)
        parser.add_argument("--within", metavar="CODE", help="only this area and what lies inside it")

    def handle(self, *args, file, level, within, **options):
        areas = Area.objects.select_related("parent").order_by("code")
        if level:
            areas = areas.filter(level=level)
        if within:
            root = Area.objects.filter(code=within).first()
            if root is None:
                raise CommandError(f"No area has code {within}.")
            areas = areas.filter(code__startswith=root.scope_prefix)
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "code": area.code,
                        "name": area.name,
                        "level": area.level,
                        "parent_code": area.parent.code if area.parent else None,
                        "grid_kind": area.grid_kind,
                    },
                    "geometry": json.loads(area.geom.json),
                }
                for area in areas.iterator(chunk_size=2000)
            ],
        }
        text = json.dumps(collection, ensure_ascii=False)
        audit_record(action=AuditEvent.Action.EXPORT, result=AuditEvent.Result.SUCCESS, target=file,
                     details={"command": "export_areas", "level": level, "within": within,
                              "areas": len(collection["features"]), "system_user": getpass.getuser()})
        if file == "-":
            self.stdout.write(text)
        else:
            with open(file, "w", encoding="utf-8") as out:
                out.write(text)
            self.stderr.write(f"Exported {len(collection['features'])} areas to {file}.")
