"""The roll-up of AreaStatistics: every area's counts, summed from its grids in one statement."""

from django.db import connection
from django.utils import timezone

from .models import Area


def area_statistics_refresh():
    """Recompute AreaStatistics of every area from its grids in one set-based statement.

    An area's figures are the sums over the grids whose code starts with its scope prefix:
    grids are summed once per level by code prefix, then joined to the areas on (level, prefix).
    """
    rolled = " UNION ALL ".join(
        f"""SELECT '{level}' AS level, left(code, {length}) AS prefix, count(*) AS grids,
                   sum(workers) AS workers, sum(members) AS members, sum(buildings) AS buildings,
                   sum(households) AS households, sum(places) AS places
              FROM per_grid GROUP BY 2"""
        for level, length in Area.SCOPE_PREFIX_LENGTH.items()
    )
    prefix_length = " ".join(f"WHEN '{level}' THEN {n}" for level, n in Area.SCOPE_PREFIX_LENGTH.items())
    sql = f"""
        WITH per_grid AS (
            SELECT g.code,
                   coalesce(m.workers, 0) AS workers, coalesce(m.members, 0) AS members,
                   coalesce(b.buildings, 0) AS buildings, coalesce(b.households, 0) AS households,
                   coalesce(k.places, 0) AS places
              FROM grids_area g
              LEFT JOIN (SELECT grid_id,
                                count(*) FILTER (WHERE kind IN ('full_time', 'part_time')) AS workers,
                                count(*) AS members
                           FROM grids_gridmember WHERE is_active GROUP BY grid_id) m ON m.grid_id = g.id
              LEFT JOIN (SELECT grid_id, count(*) AS buildings, sum(households) AS households
                           FROM grids_building GROUP BY grid_id) b ON b.grid_id = g.id
              LEFT JOIN (SELECT grid_id, count(*) AS places
                           FROM grids_keyplace GROUP BY grid_id) k ON k.grid_id = g.id
             WHERE g.level = 'grid'
        ),
        rolled AS ({rolled}),
        areas AS (SELECT id, level, left(code, CASE level {prefix_length} END) AS prefix FROM grids_area)
        INSERT INTO grids_areastatistics
               (area_id, grid_count, worker_count, member_count, building_count, household_count,
                key_place_count, refreshed_at)
        SELECT a.id, coalesce(r.grids, 0), coalesce(r.workers, 0), coalesce(r.members, 0),
               coalesce(r.buildings, 0), coalesce(r.households, 0), coalesce(r.places, 0), %s
          FROM areas a LEFT JOIN rolled r ON r.level = a.level AND r.prefix = a.prefix
        ON CONFLICT (area_id) DO UPDATE SET
               grid_count = EXCLUDED.grid_count, worker_count = EXCLUDED.worker_count,
               member_count = EXCLUDED.member_count, building_count = EXCLUDED.building_count,
               household_count = EXCLUDED.household_count, key_place_count = EXCLUDED.key_place_count,
               refreshed_at = EXCLUDED.refreshed_at
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now()])
        return cursor.rowcount
