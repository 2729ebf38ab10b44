"""The data contract: every source kind, its canonical fields and how each is checked.

One spec drives the loader (column mapping, validation, the core table it fills), the demo
generator (which writes these fields under agency column names) and docs/data-contract.md.
An enum field's values are those of its enum in the shared codebook (``common/codebook.py``).
"""

# one piece: the contract is a table of every source kind read top to bottom, as an operator reads
# docs/data-contract.md (rendered from it); split by kind, no one place would say what is accepted.

from __future__ import annotations

from dataclasses import dataclass

from common import codebook
from common.codebook import EnumName

# the longest text and code a value may be (longer is a broken export's cell: too_long)
MAX_TEXT = 4000
MAX_CODE = 64

# Reason codes a row can be quarantined with (docs list them with their meaning).
REASONS: dict[str, str] = {
    "missing_required": "a required field is empty",
    "bad_number": "a number field does not parse or is out of range",
    "bad_date": "a date field does not parse",
    "bad_datetime": "a date-time field does not parse",
    "bad_bool": "a yes/no field is neither 是/否, Y/N, 1/0 nor true/false",
    "future_date": "a date or time lies after the moment of loading",
    "bad_sequence": "timestamps out of order (e.g. closed before registered)",
    "unknown_category": "a category, class, ring or kind not in the codebook",
    "id_excel_mangled": "an ID number turned into a float by Excel (e.g. 4.40524E+17)",
    "id_format": "an ID number that is not 17 digits and a check character",
    "id_birth_date": "an ID number whose birth date is impossible",
    "id_check_digit": "an ID number whose GB 11643 check digit is wrong",
    "bad_phone": "a phone that is not an 11-digit mobile or a landline",
    "coord_missing": "no usable coordinates",
    "coord_swapped": "latitude and longitude exchanged",
    "outside_area": "the location lies outside the loaded area",
    "crs_mismatch": "coordinates in another datum than declared (e.g. GCJ-02 labelled WGS-84)",
    "invalid_geometry": "a polygon that is not valid (self-intersecting, too few points)",
    "duplicate": "the natural key (or another unique key) occurs again in the source, in any of its files, "
    "or a unique key is already stored under another natural key",
    "bad_code": "a code not in its form (a town code that is not nine digits, a code holding a name or "
    "a space …)",
    "bad_record": "a record with values beyond the header's columns (CSV or XLSX), or a CSV record with "
    "fewer fields than the header",
    "bad_feature": "a GeoJSON feature that is not JSON (cut short, garbage or bytes not UTF-8 inside it), "
    "in a file whose other features are",
    "nul_character": "a value holding a NUL character (U+0000)",
    "too_long": f"a text longer than {MAX_TEXT} characters, or a code longer than {MAX_CODE}",
    "bad_encoding": "a CSV line with bytes that are not the file's encoding (a row pasted from an export "
    "in another), in a file that otherwise is; a file not in its declared encoding at all stops the source",
    "unknown_reference": "refers to a building, unit, station, device … that is not loaded",
}

# Repairs the loader makes (and counts); nothing else is changed silently.
REPAIRS: dict[str, str] = {
    "id_lowercase_x": "a lowercase x check character in an ID number is upper-cased",
    "phone_written_form": "a phone's +86/0086, spaces, dashes inside a mobile and brackets round the "
    "area code are removed",
    "invisible_characters": "direction overrides and marks (U+202A–U+202E, U+2066–U+2069 …), zero-width "
    "characters and the byte-order mark are removed from a value: unseen, they can make a name look "
    "like another",
}

BOOL_TRUE = {"是", "y", "yes", "true", "1", "t", "有"}
BOOL_FALSE = {"否", "n", "no", "false", "0", "f", "无"}


@dataclass(frozen=True)
class Field:
    """One canonical field of a source kind."""

    name: str
    type: str  # text code int float bool date datetime id_number phone enum
    zh: str
    meaning: str
    required: bool = False
    enum: EnumName | None = None  # the codebook enum its values come from
    codebook: str | None = None  # a core codebook table whose values are allowed
    references: str | None = None  # kind whose key this field must match
    pattern: str | None = None  # the form a code must have (a table constraint checks it too)

    @property
    def choices(self) -> dict[str, str]:
        """What a file may write → the stored code (empty unless the field is an enum)."""
        return codebook.choices(self.enum) if self.enum and not self.codebook else {}


# the field a polygon kind's outline is checked (and quarantined) under: no column of the file
GEOMETRY_FIELD = "geometry"


@dataclass(frozen=True)
class Kind:
    """One source kind: what a file of it holds, and where it goes."""

    name: str
    table: str
    key: str
    geometry: str  # polygon | line | point | via_parent | none
    fields: tuple[Field, ...]
    depends: tuple[str, ...] = ()
    grain: str = ""
    unique: tuple[str, ...] = ()  # further unique keys of the table (comma-separated fields)

    @property
    def zh(self) -> str:
        """The kind's Chinese name, from the codebook's ``feed_kind`` (the quality page says the same)."""
        return codebook.label("feed_kind", self.name)

    def field(self, name: str) -> Field:
        """The canonical field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> list[str]:
        """Names of the fields a source of this kind must map."""
        return [f.name for f in self.fields if f.required]


def _f(name: str, type_: str, zh: str, meaning: str, **kw: object) -> Field:
    return Field(name, type_, zh, meaning, **kw)  # type: ignore[arg-type]


DISTRICT = _f("district_code", "code", "区划代码", "its district", required=True, references="district")
LON = _f("lon", "float", "经度", "longitude in the source's declared CRS")
LAT = _f("lat", "float", "纬度", "latitude in the source's declared CRS")

KINDS: dict[str, Kind] = {}


def _kind(kind: Kind) -> None:
    KINDS[kind.name] = kind


_kind(
    Kind(
        "district",
        "core.districts",
        "district_code",
        "polygon",
        (
            _f(
                "district_code",
                "code",
                "区划代码",
                "GB/T 2260 six-digit code",
                required=True,
                pattern="[0-9]{6}",
            ),
            _f("name", "text", "名称", "name of the district or county", required=True),
            _f("city_name", "text", "所属市", "the city it belongs to"),
        ),
        grain="one row per district or county",
    )
)

_kind(
    Kind(
        "town",
        "core.towns",
        "town_code",
        "polygon",
        (
            _f(
                "town_code", "code", "镇街代码", "nine-digit division code", required=True, pattern="[0-9]{9}"
            ),
            DISTRICT,
            _f("name", "text", "名称", "name of the town or street", required=True),
            _f("kind", "enum", "类型", "kind of town", enum="town_kind"),
        ),
        depends=("district",),
        grain="one row per town, street or township",
    )
)

_kind(
    Kind(
        "village",
        "core.villages",
        "village_code",
        "polygon",
        (
            _f(
                "village_code",
                "code",
                "社区代码",
                "twelve-digit division code",
                required=True,
                pattern="[0-9]{12}",
            ),
            _f("town_code", "code", "镇街代码", "its town or street", required=True, references="town"),
            DISTRICT,
            _f("name", "text", "名称", "name of the community or village", required=True),
            _f("kind", "enum", "类型", "kind of community", enum="village_kind"),
        ),
        depends=("town",),
        grain="one row per residents' or villagers' committee",
    )
)

_kind(
    Kind(
        "police_station",
        "core.police_stations",
        "station_code",
        "polygon",
        (
            _f("station_code", "code", "派出所代码", "12-digit public-security organ code", required=True),
            DISTRICT,
            _f("name", "text", "派出所名称", "name of the station", required=True),
            _f("address", "text", "地址", "street address of the station"),
            _f("duty_phone", "text", "值班电话", "duty phone of the station (not personal)"),
        ),
        depends=("district",),
        grain="one row per police station and its jurisdiction",
    )
)

_kind(
    Kind(
        "police_zone",
        "core.police_zones",
        "zone_code",
        "polygon",
        (
            _f("zone_code", "code", "警务区编码", "code of the police zone (警格)", required=True),
            _f(
                "station_code",
                "code",
                "派出所代码",
                "its station",
                required=True,
                references="police_station",
            ),
            DISTRICT,
            _f("name", "text", "警务区名称", "name of the zone", required=True),
            _f("village_code", "code", "社区代码", "the community it mainly serves"),
            _f("officer_count", "int", "社区民警数", "community police officers"),
            _f("auxiliary_count", "int", "辅警数", "auxiliary officers"),
        ),
        depends=("police_station",),
        grain="one row per police zone",
    )
)

_kind(
    Kind(
        "grid",
        "core.grids",
        "grid_code",
        "polygon",
        (
            _f("grid_code", "code", "网格编码", "code of the governance grid", required=True),
            DISTRICT,
            _f("town_code", "code", "镇街代码", "its town or street"),
            _f("village_code", "code", "社区代码", "its community or village"),
            _f("name", "text", "网格名称", "name of the grid", required=True),
            _f(
                "grid_kind",
                "enum",
                "网格类型",
                "kind of grid",
                enum="grid_kind",
            ),
            _f("worker_count", "int", "网格员数", "grid workers"),
        ),
        depends=("district", "police_zone"),
        grain="one row per governance grid",
    )
)

_kind(
    Kind(
        "community",
        "core.communities",
        "community_code",
        "point",
        (
            _f("community_code", "code", "小区编码", "code of the residential compound", required=True),
            DISTRICT,
            _f("village_code", "code", "社区代码", "its community or village"),
            _f("name", "text", "小区名称", "name", required=True),
            _f(
                "kind",
                "enum",
                "小区类型",
                "kind of compound",
                enum="community_kind",
            ),
            _f("households", "int", "户数", "households"),
            LON,
            LAT,
        ),
        depends=("grid",),
        grain="one row per residential compound (小区) or city village",
    )
)

_kind(
    Kind(
        "smart_community",
        "core.smart_communities",
        "smart_code",
        "point",
        (
            _f("smart_code", "code", "智安小区编码", "code of the smart security community", required=True),
            _f("community_code", "code", "小区编码", "the compound it equips", references="community"),
            DISTRICT,
            _f("name", "text", "名称", "name", required=True),
            _f("built_on", "date", "建成日期", "date the devices went live"),
            _f("face_cameras", "int", "人脸抓拍机", "face cameras"),
            _f("vehicle_cameras", "int", "车辆抓拍机", "vehicle cameras"),
            _f("barriers", "int", codebook.label("sensor_kind", "barrier"), "vehicle barriers"),
            _f(
                "access_controls",
                "int",
                codebook.label("sensor_kind", "access_control"),
                "access-control points",
            ),
            _f("other_devices", "int", "其他设备", "other sensing devices"),
            _f("devices_online", "int", "在线设备数", "devices online at export time"),
            LON,
            LAT,
        ),
        depends=("community",),
        grain="one row per smart security community",
    )
)

_kind(
    Kind(
        "sensor_device",
        "core.sensor_devices",
        "device_code",
        "point",
        (
            _f("device_code", "code", "设备编码", "code of the device", required=True),
            _f(
                "smart_code",
                "code",
                "智安小区编码",
                "its smart community",
                required=True,
                references="smart_community",
            ),
            DISTRICT,
            _f(
                "device_kind",
                "enum",
                "设备类型",
                "kind of device",
                required=True,
                enum="sensor_kind",
            ),
            _f("online", "bool", "是否在线", "online at export time", required=True),
            _f("last_seen_at", "datetime", "最后心跳", "last heartbeat"),
            LON,
            LAT,
        ),
        depends=("smart_community",),
        grain="one row per front-end sensing device",
    )
)

_kind(
    Kind(
        "standard_address",
        "core.standard_addresses",
        "address_code",
        "point",
        (
            _f("address_code", "code", "地址编码", "standard address code", required=True),
            DISTRICT,
            _f("town_code", "code", "镇街代码", "its town or street"),
            _f("village_code", "code", "社区代码", "its community or village"),
            _f("road", "text", "街路巷", "street, road or lane", required=True),
            _f("doorplate", "text", "门牌号", "doorplate number", required=True),
            _f("building_no", "text", "楼栋号", "building number at that doorplate"),
            _f("full_address", "text", "标准地址", "the full standard address", required=True),
            LON,
            LAT,
        ),
        depends=("grid",),
        grain="one row per standard address (门牌)",
    )
)

_kind(
    Kind(
        "building",
        "core.buildings",
        "building_code",
        "point",
        (
            _f("building_code", "code", "房屋编码", "code of the building", required=True),
            _f(
                "address_code",
                "code",
                "地址编码",
                "its standard address (first of the three codes)",
                required=True,
                references="standard_address",
            ),
            DISTRICT,
            _f("community_code", "code", "小区编码", "its compound", references="community"),
            _f("name", "text", "楼栋名称", "name"),
            _f("floors", "int", "层数", "storeys above ground"),
            _f(
                "building_use",
                "enum",
                "用途",
                "use of the building",
                enum="building_use",
            ),
            _f("structure", "text", "结构", "structure (砖混, 框架 …)"),
            _f("built_year", "int", "建成年份", "year built"),
            _f("households", "int", "户数", "households"),
            _f("is_city_village", "bool", "是否城中村", "inside a city village"),
            LON,
            LAT,
        ),
        depends=("standard_address", "community"),
        grain="one row per building",
    )
)

_kind(
    Kind(
        "rental_unit",
        "core.rental_units",
        "unit_code",
        "via_parent",
        (
            _f("unit_code", "code", "出租屋编码", "code of the rental unit", required=True),
            _f("building_code", "code", "房屋编码", "its building", required=True, references="building"),
            _f("room_no", "text", "房号", "room number", required=True),
            _f("landlord_name", "text", "房东姓名", "landlord's name (personal)"),
            _f("landlord_id_number", "id_number", "房东身份证号", "landlord's ID number (personal)"),
            _f("landlord_phone", "phone", "房东电话", "landlord's phone (personal)"),
            _f("area_m2", "float", "面积", "floor area in m²"),
            _f("registered_tenants", "int", "登记租客数", "tenants registered for the unit", required=True),
            _f("rent_kind", "enum", "出租类型", "how it is let", enum="rent_kind"),
            _f("registered_on", "date", "登记日期", "date registered"),
        ),
        depends=("building",),
        grain="one row per rental unit",
    )
)

_kind(
    Kind(
        "person",
        "core.persons",
        "id_number",
        "via_parent",
        (
            _f("id_number", "id_number", "公民身份号码", "GB 11643 ID number", required=True),
            _f("name", "text", "姓名", "name (personal)", required=True),
            _f("gender", "enum", "性别", "gender", enum="gender"),
            _f("phone", "phone", "联系电话", "phone (personal)"),
            _f("hukou_address", "text", "户籍地址", "registered household address"),
            _f(
                "is_migrant",
                "bool",
                "是否流动人口",
                "lives away from the registered household",
                required=True,
            ),
            _f("residence_status", "enum", "居住登记状态", "residence registration", enum="residence_status"),
            _f("residence_code", "text", "居住证号", "residence permit number"),
            _f("residence_registered_on", "date", "登记日期", "date of residence registration"),
            _f("moved_in_on", "date", "入住日期", "date moved in"),
            _f("lives_alone", "bool", "是否独居", "lives alone"),
            _f("building_code", "code", "房屋编码", "the building lived in", references="building"),
            _f("unit_code", "code", "出租屋编码", "the rental unit lived in", references="rental_unit"),
            _f(
                "card_no",
                "code",
                "门禁卡号",
                "the person's own gate-access card or face credential (watches an elderly owner-occupier)",
            ),
        ),
        depends=("building", "rental_unit"),
        grain="one row per actual resident",
    )
)

_kind(
    Kind(
        "access_device",
        "core.access_devices",
        "device_code",
        "via_parent",
        (
            _f("device_code", "code", "门禁编号", "code of the gate-access device", required=True),
            _f(
                "building_code",
                "code",
                "房屋编码",
                "the building whose door it guards",
                required=True,
                references="building",
            ),
            _f("device_kind", "enum", "设备类型", "how it opens", enum="access_device_kind"),
            _f("installed_on", "date", "安装日期", "date installed"),
            _f("online", "bool", "是否在线", "online at export time"),
        ),
        depends=("building",),
        grain="one row per gate-access device",
    )
)

_kind(
    Kind(
        "access_event",
        "core.access_events",
        "device_code,event_time,card_no",
        "via_parent",
        (
            _f("device_code", "code", "门禁编号", "the device", required=True, references="access_device"),
            _f("event_time", "datetime", "开门时间", "time of the entry", required=True),
            _f("card_no", "code", "卡号", "card or face-credential number", required=True),
            _f("unit_code", "code", "出租屋编码", "the unit the card was issued for"),
            _f("method", "enum", "开门方式", "how the door was opened", enum="access_method"),
            _f("direction", "enum", "方向", "in or out", enum="direction"),
        ),
        depends=("access_device", "rental_unit"),
        grain="one row per gate-access event",
    )
)

_kind(
    Kind(
        "camera",
        "core.cameras",
        "camera_code",
        "point",
        (
            _f("camera_code", "code", "点位编码", "code of the camera or checkpoint", required=True),
            DISTRICT,
            _f("name", "text", "点位名称", "name", required=True),
            _f(
                "camera_kind",
                "enum",
                "点位类型",
                "kind of camera",
                required=True,
                enum="camera_kind",
            ),
            _f("ring", "enum", "圈层", "prevention and control ring", required=True, enum="ring"),
            _f("online", "bool", "是否在线", "online at export time"),
            _f("installed_on", "date", "建设日期", "date installed"),
            LON,
            LAT,
        ),
        depends=("grid",),
        grain="one row per camera or vehicle checkpoint",
    )
)

_kind(
    Kind(
        "workstation",
        "core.workstations",
        "workstation_code",
        "point",
        (
            _f("workstation_code", "code", "工作站编码", "code", required=True),
            DISTRICT,
            _f("name", "text", "工作站名称", "name", required=True),
            _f("theme", "text", "主题", "theme of the workstation", required=True),
            _f("staff_police", "int", "民警人数", "police officers"),
            _f("staff_grid", "int", "网格员人数", "grid workers"),
            _f("staff_other", "int", "其他人员", "other staff"),
            _f("address", "text", "地址", "address"),
            _f("opened_on", "date", "启用日期", "date opened"),
            LON,
            LAT,
        ),
        depends=("grid",),
        grain="one row per fusion workstation",
    )
)

_kind(
    Kind(
        "grid_event_kind",
        "core.grid_event_kinds",
        "kind_code",
        "none",
        (
            _f("kind_code", "code", "事项编码", "code of the kind of matter", required=True),
            _f(
                "event_class",
                "enum",
                "事项大类",
                "class of the matter",
                required=True,
                enum="event_class",
            ),
            _f("name_zh", "text", "事项名称", "name of the kind", required=True),
        ),
        grain="one row per kind of grid matter",
        unique=("event_class,name_zh",),
    )
)

_kind(
    Kind(
        "incident",
        "core.incidents",
        "incident_no",
        "point",
        (
            _f("incident_no", "code", "警情编号", "number of the incident", required=True),
            DISTRICT,
            _f("reported_at", "datetime", "报警时间", "time of the call", required=True),
            _f(
                "category",
                "enum",
                "警情类别",
                "category of the incident",
                required=True,
                enum="incident_category",
                codebook="core.incident_categories",
            ),
            _f("subcategory", "text", "警情细类", "finer category"),
            _f("is_diverted", "bool", "是否分流", "diverted to another department as non-police"),
            _f("diverted_to", "text", "分流单位", "department it was diverted to"),
            _f("disposition", "text", "处置结果", "disposition"),
            _f("summary", "text", "简要警情", "short description"),
            _f("address", "text", "发生地址", "address"),
            LON,
            LAT,
        ),
        depends=("grid",),
        grain="one row per police incident",
    )
)

_kind(
    Kind(
        "grid_event",
        "core.grid_events",
        "event_no",
        "point",
        (
            _f("event_no", "code", "事件编号", "number of the matter", required=True),
            DISTRICT,
            _f(
                "kind_code",
                "code",
                "事项编码",
                "kind in the codebook",
                required=True,
                codebook="core.grid_event_kinds",
            ),
            _f("is_police_matter", "bool", "是否涉警", "a police matter (answer within 24 h)", required=True),
            _f("title", "text", "事件标题", "title", required=True),
            _f("description", "text", "事件描述", "description"),
            _f("reporter_code", "code", "上报人编号", "grid worker who registered it"),
            _f("registered_at", "datetime", "登记时间", "registered", required=True),
            _f("reported_at", "datetime", "上报时间", "reported"),
            _f("dispatched_at", "datetime", "派遣时间", "dispatched"),
            _f("responded_at", "datetime", "响应时间", "first response"),
            _f("closed_at", "datetime", "办结时间", "closed"),
            _f(
                "status",
                "enum",
                "状态",
                "step of handling",
                required=True,
                enum="event_status",
            ),
            _f("handling_dept", "text", "处置部门", "department handling it"),
            LON,
            LAT,
        ),
        depends=("grid", "grid_event_kind"),
        grain="one row per grid matter",
    )
)

_kind(
    Kind(
        "dispute",
        "core.disputes",
        "dispute_no",
        "point",
        (
            _f("dispute_no", "code", "纠纷编号", "number of the dispute", required=True),
            DISTRICT,
            _f("found_at", "datetime", "排查时间", "found", required=True),
            _f("dispute_type", "text", "纠纷类型", "type (邻里, 婚姻家庭, 劳资 …)", required=True),
            _f("risk_level", "enum", "风险等级", "risk level", enum="risk_level"),
            _f("is_violent", "bool", "是否有暴力倾向", "risk of violence"),
            _f("is_repeated", "bool", "是否反复", "recurring dispute"),
            _f("parties", "int", "当事人数", "number of parties"),
            _f(
                "status",
                "enum",
                "化解状态",
                "step of resolving",
                required=True,
                enum="dispute_status",
            ),
            _f("resolved_at", "datetime", "化解时间", "resolved"),
            _f("resolution", "text", "化解结果", "outcome"),
            LON,
            LAT,
        ),
        depends=("grid",),
        grain="one row per dispute clue",
    )
)

_kind(
    Kind(
        "hazard",
        "core.hazards",
        "hazard_no",
        "point",
        (
            _f("hazard_no", "code", "隐患编号", "number of the hazard", required=True),
            DISTRICT,
            _f(
                "category",
                "enum",
                "隐患类别",
                "category of the hazard",
                required=True,
                enum="hazard_category",
                codebook="core.hazard_categories",
            ),
            _f("found_at", "datetime", "发现时间", "found", required=True),
            _f("description", "text", "隐患描述", "description"),
            _f("responsible_dept", "text", "责任部门", "department responsible for clearing it"),
            _f("hint_batch", "text", "提示函批次", "batch of hint letters it was sent in"),
            _f("hint_sent_on", "date", "提示函日期", "date the hint letter was sent"),
            _f("status", "enum", "整改状态", "step of clearing", required=True, enum="hazard_status"),
            _f("cleared_at", "datetime", "销号时间", "cleared"),
            LON,
            LAT,
        ),
        depends=("grid",),
        grain="one row per risk hazard",
    )
)

# ------------------------------------------------------------------ the surveying layers of the basemap
_kind(
    Kind(
        "road",
        "core.roads",
        "road_code",
        "line",
        (
            _f("road_code", "code", "道路编码", "code of the road segment", required=True),
            DISTRICT,
            _f("name", "text", "道路名称", "the road's name (empty for an unnamed lane)"),
            _f("road_class", "enum", "道路等级", "class of the road", required=True, enum="road_class"),
        ),
        depends=("district",),
        grain="one row per road (centre line, one or more parts)",
    )
)

_kind(
    Kind(
        "water",
        "core.water_areas",
        "water_code",
        "polygon",
        (
            _f("water_code", "code", "水系编码", "code of the water body", required=True),
            DISTRICT,
            _f("name", "text", "水系名称", "its name"),
            _f("water_kind", "enum", "水系类型", "kind of water body", required=True, enum="water_kind"),
        ),
        depends=("district",),
        grain="one row per water body (river, lake, reservoir, pond)",
    )
)

_kind(
    Kind(
        "green_area",
        "core.green_areas",
        "green_code",
        "polygon",
        (
            _f("green_code", "code", "绿地编码", "code of the green area", required=True),
            DISTRICT,
            _f("name", "text", "绿地名称", "its name"),
            _f("green_kind", "enum", "绿地类型", "kind of green area", required=True, enum="green_kind"),
        ),
        depends=("district",),
        grain="one row per green area (park, forest, farmland)",
    )
)

_kind(
    Kind(
        "footprint",
        "core.building_footprints",
        "building_code",
        "polygon",
        (
            _f(
                "building_code",
                "code",
                "房屋编码",
                "the building whose outline it is",
                required=True,
                references="building",
            ),
            DISTRICT,
        ),
        depends=("building",),
        grain="one row per building with a surveyed outline (房屋轮廓)",
    )
)


def load_order() -> list[str]:
    """Kinds in an order where every kind comes after those it depends on."""
    done: list[str] = []
    pending = dict(KINDS)
    while pending:
        ready = [n for n, k in pending.items() if all(d in done or d not in KINDS for d in k.depends)]
        if not ready:
            raise RuntimeError(f"cyclic dependencies among {sorted(pending)}")
        for name in ready:
            done.append(name)
            del pending[name]
    return done
