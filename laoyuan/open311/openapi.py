"""An OpenAPI 3 description of the GeoReport v2 resources, served at /open311/v2/openapi.json:
for client generators, for people reading it in any OpenAPI viewer, and for the fuzzing tests
(schemathesis) that check no input can make the endpoint fail. Each resource is listed once per
format, since GeoReport v2 names the format in the path (`services.xml`, `services.json`).
"""

from __future__ import annotations

from laoyuan.open311.params import PAGE_SIZE_MAX

_NULLABLE_TEXT = {"type": "string", "nullable": True}
_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TIME = {**_TIME, "nullable": True}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
    "Errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Error"}},
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": {"type": "string"},
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["specification", "url", "changeset", "type", "formats"],
                    "properties": {
                        "specification": {"type": "string"},
                        "url": {"type": "string"},
                        "changeset": {"type": "string"},
                        "type": {"type": "string", "enum": ["production", "test"]},
                        "formats": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": _NULLABLE_TEXT,
            "metadata": {"type": "boolean"},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": _NULLABLE_TEXT,
            "group": _NULLABLE_TEXT,
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["variable", "code", "datatype", "required"],
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": {"type": "string"},
                        "datatype": {
                            "type": "string",
                            "enum": [
                                "string",
                                "number",
                                "datetime",
                                "text",
                                "singlevaluelist",
                                "multivaluelist",
                            ],
                        },
                        "required": {"type": "boolean"},
                        "datatype_description": _NULLABLE_TEXT,
                        "order": {"type": "integer", "nullable": True},
                        "description": _NULLABLE_TEXT,
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["key", "name"],
                                "properties": {
                                    "key": {"type": "string"},
                                    "name": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "Request": {
        "type": "object",
        "required": ["service_request_id", "status", "service_code", "requested_datetime"],
        "properties": {
            "service_request_id": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": _NULLABLE_TEXT,
            "service_name": _NULLABLE_TEXT,
            "service_code": {"type": "string"},
            "description": {"type": "string", "nullable": True, "maxLength": 4000},
            "agency_responsible": _NULLABLE_TEXT,
            "service_notice": _NULLABLE_TEXT,
            "requested_datetime": _TIME,
            "updated_datetime": _NULLABLE_TIME,
            "expected_datetime": _NULLABLE_TIME,
            "address": _NULLABLE_TEXT,
            "address_id": _NULLABLE_TEXT,
            "zipcode": _NULLABLE_TEXT,
            "lat": {"type": "number", "nullable": True},
            "long": {"type": "number", "nullable": True},
            "media_url": _NULLABLE_TEXT,
        },
    },
    "Created": {
        "type": "object",
        "required": ["service_request_id"],
        "properties": {
            "service_request_id": {"type": "string"},
            "service_notice": _NULLABLE_TEXT,
            "account_id": _NULLABLE_TEXT,
        },
    },
}

# GeoReport v2, "Optional Arguments": an empty parameter is the same as one not sent.
_JURISDICTION = {
    "name": "jurisdiction_id",
    "in": "query",
    "required": False,
    "allowEmptyValue": True,
    "description": "区或街道编码（如 510104 或 510104-SH）；本接口服务多个辖区时必填。",
    "schema": {"type": "string"},
}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


_REQUEST_FILTERS = [
    _JURISDICTION,
    _query("service_request_id", "受理编号，多个用逗号分隔；给出时忽略其他筛选条件。"),
    _query("service_code", "服务类型编码，多个用逗号分隔。"),
    _query("start_date", "最早受理时间（W3C 日期时间，如 2026-12-01T00:00:00+08:00）。"),
    _query("end_date", "最晚受理时间；与 start_date 相距不超过90天。默认最近90天。"),
    _query("status", "open 或 closed，可用逗号分隔两个。"),
    _query("page", "页码（扩展参数），从1开始。", {"type": "integer", "minimum": 1}),
    _query(
        "page_size",
        f"每页条数（扩展参数），1到{PAGE_SIZE_MAX}，默认{PAGE_SIZE_MAX}。",
        {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX},
    ),
]

_POST_FORM = {
    "type": "object",
    "required": ["api_key", "service_code"],
    "properties": {
        "api_key": {"type": "string", "description": "老院 API 令牌。"},
        "jurisdiction_id": {"type": "string"},
        "service_code": {"type": "string"},
        "lat": {"anyOf": [{"type": "number", "minimum": -90, "maximum": 90}, {"enum": [""]}]},
        "long": {"anyOf": [{"type": "number", "minimum": -180, "maximum": 180}, {"enum": [""]}]},
        "address_string": {"type": "string", "maxLength": 200},
        "address_id": {"type": "string", "description": "小区编码。"},
        "email": {"type": "string"},
        "device_id": {"type": "string"},
        "account_id": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string"},
        "description": {"type": "string", "maxLength": 2000},
        "media_url": {"type": "string"},
    },
    "additionalProperties": {
        "type": "string",
        "description": "附加信息：attribute[编码]=取值（见服务类型定义）。",
    },
}


def _content(fmt: str, schema_name: str) -> dict:
    if fmt == "json":
        return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}
    return {"text/xml": {"schema": {"type": "string"}}}


def _errors(fmt: str, *codes: int) -> dict:
    meaning = {
        400: "请求有误（说明见错误描述）",
        403: "api_key 缺失、无效或无权",
        404: "辖区、服务类型或服务请求不存在",
    }
    return {str(c): {"description": meaning[c], "content": _content(fmt, "Errors")} for c in codes}


def _array(fmt: str, schema_name: str) -> dict:
    if fmt == "json":
        return {
            "application/json": {
                "schema": {
                    "type": "array",
                    "items": {"$ref": f"#/components/schemas/{schema_name}"},
                }
            }
        }
    return {"text/xml": {"schema": {"type": "string"}}}


def _paths() -> dict:
    paths: dict[str, dict] = {}
    for fmt in ("json", "xml"):
        paths[f"/discovery.{fmt}"] = {
            "get": {
                "summary": "服务发现（discovery）",
                "operationId": f"discovery_{fmt}",
                "responses": {
                    "200": {"description": "接口说明", "content": _content(fmt, "Discovery")}
                },
            }
        }
        paths[f"/services.{fmt}"] = {
            "get": {
                "summary": "服务类型列表（GET Service List）",
                "operationId": f"services_{fmt}",
                "parameters": [_JURISDICTION],
                "responses": {
                    "200": {"description": "服务类型", "content": _array(fmt, "Service")},
                    **_errors(fmt, 400, 404),
                },
            }
        }
        paths[f"/services/{{service_code}}.{fmt}"] = {
            "get": {
                "summary": "服务类型定义（GET Service Definition）",
                "operationId": f"service_definition_{fmt}",
                "parameters": [
                    {
                        "name": "service_code",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    _JURISDICTION,
                ],
                "responses": {
                    "200": {
                        "description": "附加信息定义",
                        "content": _content(fmt, "ServiceDefinition"),
                    },
                    **_errors(fmt, 400, 404),
                },
            }
        }
        paths[f"/requests.{fmt}"] = {
            "get": {
                "summary": "查询服务请求（GET Service Requests）",
                "operationId": f"requests_{fmt}",
                "parameters": _REQUEST_FILTERS,
                "responses": {
                    "200": {
                        "description": "服务请求，最新的在前",
                        "content": _array(fmt, "Request"),
                    },
                    **_errors(fmt, 400, 404),
                },
            },
            "post": {
                "summary": "提交服务请求（POST Service Request），成为一张工单",
                "operationId": f"request_create_{fmt}",
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": _POST_FORM}},
                },
                "responses": {
                    "201": {"description": "已受理", "content": _array(fmt, "Created")},
                    **_errors(fmt, 400, 403, 404),
                },
            },
        }
        paths[f"/requests/{{service_request_id}}.{fmt}"] = {
            "get": {
                "summary": "查询一个服务请求（GET Service Request）",
                "operationId": f"request_{fmt}",
                "parameters": [
                    {
                        "name": "service_request_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    _JURISDICTION,
                ],
                "responses": {
                    "200": {
                        "description": "服务请求（一项的列表）",
                        "content": _array(fmt, "Request"),
                    },
                    **_errors(fmt, 400, 404),
                },
            }
        }
    return paths


def openapi_document(*, server: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "老院 Laoyuan · Open311 GeoReport v2",
            "version": "2",
            "description": (
                "GeoReport v2（http://wiki.open311.org/GeoReport_v2）：服务类型即工单分类，"
                "服务请求即工单。辖区（jurisdiction_id）为区或街道编码；api_key 为老院的 API 令牌。"
            ),
        },
        "servers": [{"url": server}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS},
    }
