"""The codebook: every coded value's Chinese label, held once (contract, pages, reports, core.codes).

one piece: the one book of every label, which tests scan as a whole; splitting it would make two.

One enum per field, code → label. A label is the word the agencies write in their files (the demo
generator plays them), so the loader, the screens and the reports say the same thing. ``ALIASES``
lists other words a file may use for a code; they are accepted on loading and never shown.
"""

from __future__ import annotations

from typing import Literal

EnumName = Literal[
    "incident_category",
    "hazard_category",
    "event_class",
    "event_status",
    "dispute_status",
    "hazard_status",
    "risk_level",
    "ring",
    "camera_kind",
    "building_use",
    "community_kind",
    "rent_kind",
    "residence_status",
    "gender",
    "access_device_kind",
    "sensor_kind",
    "access_method",
    "direction",
    "town_kind",
    "village_kind",
    "road_class",
    "water_kind",
    "green_kind",
    "grid_kind",
    "alert_kind",
    "alert_state",
    "card",
    "supervision_state",
    "supervision_week",
    "closed_reason",
    "item_kind",
    "place_kind",
    "area_level",
    "element",
    "role",
    "actor",
    "quarantine_reason",
    "feed_kind",
    "load_status",
    "audit_action",
    "audit_result",
    "audit_param",
    "report",
    "page",
    "callback_output",
    "export_format",
    "search_by",
    "session_end",
    "period_term",
    "hotspot_class",
    "hotspot_level",
    "trend",
    "analysis_unit",
    "risk_input",
    "forecast_model",
]

BOOK: dict[EnumName, dict[str, str]] = {
    # police incidents (core.incident_categories is filled from here)
    "incident_category": {
        "criminal": "刑事",
        "public_order": "治安",
        "fraud": "电信诈骗",
        "property": "侵财",
        "dispute": "纠纷",
        "traffic": "交通",
        "help": "求助",
        "fire": "火灾",
        "other": "其他",
    },
    # risk hazards, the 17 categories in the field (core.hazard_categories is filled from here)
    "hazard_category": {
        "fire": "消防",
        "building": "房屋建筑",
        "traffic": "道路交通",
        "gas": "燃气",
        "electric": "用电",
        "hazmat": "危险化学品",
        "construction": "建筑施工",
        "special_equipment": "特种设备",
        "flood": "防汛",
        "geology": "地质灾害",
        "food": "食品药品",
        "public_place": "公共场所",
        "school": "校园周边",
        "rental": "出租屋",
        "ebike": "电动自行车",
        "public_order": "治安",
        "other": "其他",
    },
    # grid matters: the three classes of the matter catalogue and the steps of handling one
    "event_class": {"police": "警务类", "governance": "综治类", "service": "服务类"},
    "event_status": {
        "registered": "登记",
        "reported": "上报",
        "dispatched": "已派遣",
        "handling": "处置中",
        "closed": "已办结",
    },
    "dispute_status": {"open": "排查中", "mediating": "调解中", "resolved": "已化解", "escalated": "已移交"},
    "hazard_status": {"open": "未整改", "rectifying": "整改中", "cleared": "已销号"},
    "risk_level": {"normal": "一般", "high": "高风险"},
    # cameras: the ring (圈层) of the public-security prevention and control circles
    "ring": {"urban": "城区", "urban_rural": "城乡结合部", "county_border": "县界"},
    "camera_kind": {"structured": "结构化", "vehicle_checkpoint": "卡口", "face": "人脸", "ordinary": "普通"},
    # housing and people
    "building_use": {
        "residential": "住宅",
        "mixed": "商住",
        "commercial": "商业",
        "industrial": "工业",
        "public": "公共",
        "other": "其他",
    },
    "community_kind": {
        "estate": "商品房小区",
        "city_village": "城中村",
        "old_estate": "老旧小区",
        "dormitory": "单位宿舍",
        "village": "自然村",
    },
    "rent_kind": {"whole": "整租", "shared": "合租", "dormitory": "宿舍"},
    "residence_status": {"registered": "已登记", "unregistered": "未登记", "expired": "已过期"},
    "gender": {"M": "男", "F": "女"},
    # devices and gate access
    "access_device_kind": {"card": "刷卡", "face": "人脸", "card_face": "刷卡+人脸"},
    "sensor_kind": {
        "face_camera": "人脸抓拍",
        "vehicle_camera": "车辆抓拍",
        "barrier": "道闸",
        "access_control": "门禁",
        "smoke": "烟感",
        "other": "其他",
    },
    "access_method": {"card": "刷卡", "face": "人脸", "password": "密码", "app": "手机"},
    "direction": {"in": "进", "out": "出"},
    # divisions and grids
    "town_kind": {"town": "镇", "street": "街道", "township": "乡"},
    # the surveying layers of the local basemap: a road's class decides its width and colour
    "road_class": {
        "expressway": "高速公路",
        "arterial": "主干路",
        "secondary": "次干路",
        "branch": "支路",
        "lane": "街巷",
    },
    "water_kind": {"river": "河流", "lake": "湖泊", "reservoir": "水库", "pond": "坑塘"},
    "green_kind": {"park": "公园绿地", "forest": "林地", "farmland": "耕地"},
    "village_kind": {"community": "社区", "village": "村"},
    "grid_kind": {"basic": "基础网格", "dedicated": "专属网格"},
    # what the warehouse derives and the dashboard shows
    "alert_kind": {
        "group_rental": "疑似群租",
        "unregistered_occupants": "人员未登记",
        "elderly_no_access": "独居老人无出入",
        "sensor_offline": "感知设备离线",
    },
    # an officer's verdict on an alert (ops.alert_verdicts)
    # (open: nobody has judged it yet, or the evidence grew since; never stored as a verdict)
    "alert_state": {
        "open": "待核实",
        "checking": "核实中",
        "confirmed": "属实",
        "false": "不属实",
        "resolved": "已处置",
    },
    "card": {"red": "红牌", "yellow": "黄牌"},
    # a supervision (督办, ops.supervisions): overdue is open past its deadline (derived, never stored)
    "supervision_state": {"open": "督办中", "overdue": "逾期", "closed": "已办结"},
    "closed_reason": {"item_closed": "事项办结自动关闭", "by_hand": "手动办结"},
    # what a supervision did in a report's week (one may do all three)
    "supervision_week": {"opened": "本期新开", "overdue": "逾期未办结", "closed": "本期办结"},
    # the kinds of open item a page lists together (each has its own status enum)
    "item_kind": {"grid_event": "网格事件", "hazard": "风险隐患", "dispute": "高风险纠纷"},
    # the kinds of place the map's search finds (serve.search_index.kind)
    "place_kind": {
        "station": "派出所",
        "zone": "警务区",
        "grid": "网格",
        "community": "小区",
        "workstation": "工作站",
        "smart_community": "智安小区",
        "building": "楼栋",
        "address": "标准地址",
    },
    "area_level": {
        "all": "全域",
        "station": "派出所",
        "zone": "警务区",
        "grid": "网格",
        "building": "楼栋",
        "town": "镇街",
        "village": "村社区",
    },
    # the base elements counted in serve.element_counts
    "element": {
        "police_stations": "派出所",
        "police_zones": "警务区",
        "grids": "网格",
        "buildings": "楼栋",
        "rental_units": "出租屋",
        "persons": "实有人口",
        "incidents": "警情",
        "grid_events": "网格事件",
        "disputes": "矛盾纠纷",
        "hazards": "风险隐患",
    },
    # access: who may use the dashboard, and the audit trail of what they did
    "role": {
        "leadership": "领导",
        "station_chief": "派出所所长",
        "grid_worker": "网格员",
        "wall": "指挥中心大屏",
        "town_leader": "镇街领导",
        "village_officer": "村社区干部",
    },
    # who an audit row names: the dashboard's roles and the command line's operator (set below)
    "actor": {"operator": "运维（命令行）"},
    "quarantine_reason": {
        "missing_required": "必填字段为空",
        "bad_number": "数值无法解析或超出范围",
        "bad_date": "日期无法解析",
        "bad_datetime": "时间无法解析",
        "bad_bool": "是否字段取值无效",
        "future_date": "日期在未来",
        "bad_sequence": "时间先后顺序错误",
        "unknown_category": "类别不在代码表中",
        "id_excel_mangled": "身份证号被 Excel 转为科学计数",
        "id_format": "身份证号格式错误",
        "id_birth_date": "身份证号出生日期无效",
        "id_check_digit": "身份证号校验位错误",
        "bad_phone": "电话号码无效",
        "coord_missing": "缺少坐标",
        "coord_swapped": "经纬度颠倒",
        "outside_area": "坐标在辖区外",
        "crs_mismatch": "坐标系标注错误",
        "invalid_geometry": "面要素无效",
        "duplicate": "重复",
        "unknown_reference": "引用的对象不存在",
        "bad_code": "编码格式错误",
        "bad_record": "记录字段数与表头不符",
        "bad_feature": "要素内容损坏",
        "nul_character": "含有空字符",
        "bad_encoding": "字符编码与文件不符",
        "too_long": "内容过长",
    },
    # the kinds of file the loader takes (the contract's kinds), as the quality page names them
    "feed_kind": {
        "district": "区县",
        "town": "镇街",
        "village": "社区村",
        "police_station": "派出所",
        "police_zone": "警务区",
        "grid": "网格",
        "community": "小区",
        "smart_community": "智慧安防小区",
        "sensor_device": "感知设备",
        "standard_address": "标准地址",
        "building": "楼栋",
        "rental_unit": "出租屋",
        "person": "实有人口",
        "access_device": "门禁设备",
        "access_event": "门禁记录",
        "camera": "视频监控",
        "workstation": "警网融合工作站",
        "grid_event_kind": "事项目录",
        "incident": "警情",
        "grid_event": "网格事件",
        "dispute": "矛盾纠纷",
        "hazard": "风险隐患",
        "road": "道路",
        "water": "水系",
        "green_area": "绿地",
        "footprint": "房屋轮廓",
    },
    "load_status": {"running": "加载中", "loaded": "已入库", "unchanged": "未变化", "failed": "失败"},
    "audit_action": {
        "login": "登录",
        "logout": "退出",
        "session_end": "会话结束",
        "view_persons": "查看人员名单",
        "search_persons": "人员查询",
        "alert_verdict": "告警核实",
        "supervise_open": "督办",
        "supervise_close": "督办办结",
        "supervise_item_closed": "督办随事项办结",
        "export": "导出",
        "view_audit": "查看审计",
        "view_page": "打开页面",
        "person_search_locked": "人员查询超限锁定",
        "user_add": "新增用户",
        "user_disable": "停用用户",
        "user_enable": "启用用户",
        "user_set_password": "重设密码",
        "user_sign_out": "收回会话",
    },
    "audit_result": {
        "ok": "成功",
        "wrong_password": "密码错误",
        "unknown_user": "用户不存在",
        "locked": "账户锁定中",
        "locked_now": "失败过多，已锁定",
        "disabled": "账户已停用",
        "refused_role": "角色无权被拒",
        "refused_reason": "未填事由被拒",
        "refused_query": "非完整号码被拒",
        "refused_state": "状态无效被拒",
        "rate_limited": "超出限额被拒",
        "alert": "已告警领导",
        "not_found": "不存在或不在辖区",
        "not_carded": "非黄红牌事项被拒",
        "already_open": "已在督办被拒",
        "refused_unit": "未填责任单位被拒",
        "refused_deadline": "期限无效被拒",
    },
    # the keys of an audit row's parameters, and the coded values some of them hold
    "audit_param": {
        "username": "用户名",
        "action": "操作",
        "page": "页面",
        "report": "报表",
        "station": "派出所",
        "stations": "所辖派出所",
        "grids": "网格",
        "week": "周次",
        "format": "格式",
        "building": "楼栋",
        "persons": "人员",
        "by": "查询方式",
        "query_key": "查询指纹",
        "reason": "事由",
        "role": "角色",
        "searches_last_hour": "近1小时查询",
        "misses_last_hour": "近1小时未命中",
        "misses_last_day": "近1天未命中",
        "locked_hours": "锁定小时数",
        # an alert verdict (ops.alert_verdict)
        "kind": "预警类型",
        "subject": "预警对象",
        "state": "核实结论",
        "note": "说明",
        "sessions": "会话数",
        "path": "路径",
        "code": "编码",
        "output": "回调输出",
        # a supervision (ops.supervise, ops.supervise_close)
        "item": "事项编号",
        "unit": "责任单位",
        "deadline": "办结期限",
        "result": "办理结果",
    },
    "report": {"weekly": "周报", "summary": "全域汇总", "supervisions": "督办清单"},
    "page": {
        "/": "一张图",
        "/wall": "大屏",
        "/quality": "数据质量",
        "/persons": "人员查询",
        "/audit": "审计日志",
        "/mine": "我的网格",
        "/station": "派出所页",
        "/zone": "警务区页",
        "/grid": "网格页",
        "/building": "楼栋页",
        "/item": "事项页",
        "/download": "周报下载",
        "/_dash-update-component": "页面回调",
    },
    # what a refused page callback would have drawn, by the id of its output (the others are shown
    # as they are): the router's output is the whole page
    "callback_output": {"page": "整个页面"},
    "export_format": {"pdf": "PDF", "xlsx": "XLSX", "csv": "CSV"},
    "search_by": {"name": "姓名", "id_number": "身份证号", "phone": "手机号"},
    "session_end": {
        "logout": "主动退出",
        "idle_timeout": "超时",
        "disabled": "账户停用",
        "password_changed": "密码已改",
        "revoked": "管理员收回",
    },
    # how a period and what it is compared with are named: right for a past week and a week so far
    "period_term": {
        "current": "本期",
        "previous": "上周同期",
        "last_year": "去年同期",
        "wow": "环比",
        "yoy": "同比",
        "so_far": "本周至今",
        "data_as_of": "数据截至",
        "no_load": "尚无加载",
    },
}

# 研判 (analysis): the emerging hot- and cold-spot classes of a unit over the last weeks (Gi* per
# week with an FDR correction, plus a Mann-Kendall trend of its z; definitions in docs/analysis.md)
BOOK["hotspot_class"] = {
    "new_hot": "新增热点",
    "consecutive_hot": "连续热点",
    "intensifying_hot": "增强热点",
    "persistent_hot": "持续热点",
    "diminishing_hot": "减弱热点",
    "sporadic_hot": "零星热点",
    "oscillating_hot": "振荡热点",
    "historical_hot": "历史热点",
    "new_cold": "新增冷点",
    "consecutive_cold": "连续冷点",
    "intensifying_cold": "增强冷点",
    "persistent_cold": "持续冷点",
    "diminishing_cold": "减弱冷点",
    "sporadic_cold": "零星冷点",
    "oscillating_cold": "振荡冷点",
    "historical_cold": "历史冷点",
    "no_pattern": "无显著模式",
}
# a week's Gi* after the FDR correction (stored as -3 … 3; codes are the stored numbers)
BOOK["hotspot_level"] = {
    "3": "99%置信热点",
    "2": "95%置信热点",
    "1": "90%置信热点",
    "0": "不显著",
    "-1": "90%置信冷点",
    "-2": "95%置信冷点",
    "-3": "99%置信冷点",
}
BOOK["trend"] = {"rising": "上升", "falling": "下降", "no_trend": "无显著趋势"}
BOOK["analysis_unit"] = {"grid": "网格", "cell": "250米格"}
# the inputs of the next-week risk overlay (core.risk_inputs holds their weights)
BOOK["risk_input"] = {
    "recent_incidents": "近12周警情加权",
    "smoothed_incidents": "近12周警情（250米核平滑）",
    "rental_units": "出租屋数量",
    "unregistered_migrants": "未登记流动人口",
    "open_hazards": "未销号隐患",
    "open_disputes": "未化解纠纷",
    "background": "按面积均摊",
}
# what the back-test compares: the risk model and the naive forecasts it must beat
BOOK["forecast_model"] = {
    "risk_overlay": "风险叠加模型",
    "last_week": "上周警情数",
    "last_4_weeks": "近4周警情数",
    "kernel_density": "热力图核密度",
}

# The status enum of each kind of open item (the same code means different steps in each).
ITEM_STATUS: dict[str, EnumName] = {
    "grid_event": "event_status",
    "hazard": "hazard_status",
    "dispute": "dispute_status",
}

BOOK["actor"] = {**BOOK["role"], **BOOK["actor"]}

# The enum of the coded values an audit parameter holds (the others are shown as they are).
AUDIT_PARAM_VALUES: dict[str, EnumName] = {
    "action": "audit_action",
    "role": "role",
    "report": "report",
    "page": "page",
    "output": "callback_output",
    "stations": "area_level",  # "all" (全域) or station codes
    "format": "export_format",
    "by": "search_by",
    "reason": "session_end",
    "kind": "alert_kind",
    "state": "alert_state",
}

# Other words the agencies' files use for a code: accepted on loading, never shown.
ALIASES: dict[EnumName, dict[str, str]] = {
    "ring": {"区界": "county_border"},
    "building_use": {"厂房": "industrial"},
}


def label(field: EnumName, code: str | None) -> str:
    """The Chinese label of ``code`` in ``field``.

    Parameters
    ----------
    field
        The enum to look in; a status is looked up in its own enum, never in another's.
    code
        The stored value; None (no value) gives "".

    Returns
    -------
    str
        The label, or the code itself when the book does not know it (shown rather than hidden).
    """
    if code is None:
        return ""
    return BOOK[field].get(code, code)


def codes(field: EnumName) -> list[str]:
    """The codes of ``field`` in the book's order."""
    return list(BOOK[field])


def choices(field: EnumName) -> dict[str, str]:
    """What a source file may write for ``field`` → the stored code: the labels, then the aliases."""
    return {**{zh: code for code, zh in BOOK[field].items()}, **ALIASES.get(field, {})}


def rows() -> list[tuple[str, str, str]]:
    """Every (field, code, label) of the book, in its order (what ``core.codes`` holds)."""
    return [(f, code, zh) for f, book in BOOK.items() for code, zh in book.items()]
