"""Where and when the field is: Beijing time, and the box every point in China falls in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TZ_NAME = "Asia/Shanghai"
TZ = ZoneInfo(TZ_NAME)


def today() -> date:
    """Today in Beijing: the field's day, whatever zone the machine's clock is set to."""
    return datetime.now(TZ).date()


# Longitude and latitude of mainland China with a margin: a coordinate outside is not ours, and a
# pair that fits only once swapped was delivered as latitude, longitude.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
