"""The JSON schemas our Open311 answers are validated against, written here as data.

Published schemas, copied as published (only reformatted), from the Open311 project's own
repository https://github.com/open311/schema-validation, directory schema/georeport-v2/:

- `request.json`, `service.json`, `service-definition.json` at commit
  1116d9305aa646d0ce5b28747d576e681122d371;
- `requests.json`, `services.json` at commit bad58c48b678c17d27c5517fb79ada7d8b231464;
- the answer to POST requests is the `RequestResponse` definition of `swagger.json` at
  1116d9305aa646d0ce5b28747d576e681122d371 (there is no separate file for it).

No schema is published for the discovery document or for errors: `DISCOVERY` and `ERRORS` are
written here from the specification's own words, field by field — Service Discovery
(http://wiki.open311.org/Service_Discovery, "Fields for All Versions": changeset, contact,
key_service, endpoints[specification, url, changeset, type ("production" or "test"),
formats[MIME type]], "All fields are required") and GeoReport v2 "Errors" (an array of
error{code, description}).

The published schemas declare "format": "date-time" and "uri"; jsonschema checks those formats
only with optional packages, so `FORMATS` checks them itself: RFC 3339 date-times with an
explicit offset (the spec: "Timezone information … must be included"), absolute URIs.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

REQUEST = {
    "description": "Issues that have been reported as service requests. Location is submitted via lat/long or address or address_id",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": {
            "type": "string",
            "description": "Unique ID of the service request created.",
        },
        "status": {
            "type": "string",
            "enum": ["open", "closed"],
            "description": "Current status of the service request.",
        },
        "status_notes": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "Explanation of why status was changed to current state or more details on current status than conveyed with status alone.",
        },
        "service_name": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "The human readable name of the service request type.",
        },
        "service_code": {
            "type": "string",
            "description": "The unique identifier for the service request type",
        },
        "description": {
            "anyOf": [{"type": "string", "maxLength": 4000}, {"type": "null"}],
            "description": "A full description of the request or report submitted.",
        },
        "agency_responsible": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "Agency responsible for fulfilling or otherwise addressing the service request.",
        },
        "service_notice": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "Information about the action expected to fulfill the request or otherwise address the information reported.",
        },
        "requested_datetime": {
            "type": "string",
            "format": "date-time",
            "description": "Date and time when the service request was made.",
        },
        "updated_datetime": {
            "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
            "description": "Date and time when the service request was last modified. For requests with status=closed, this will be the date the request was closed.",
        },
        "expected_datetime": {
            "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
            "description": "The date and time when the service request can be expected to be fulfilled. This may be based on a service-specific service level agreement.",
        },
        "address": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "Human readable address or description of location. This should be provided from most specific to most general geographic unit, eg address number or cross streets, street name, neighborhood/district, city/town/village, county, postal code.",
        },
        "address_id": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "Internal address ID used by a jurisdictions master address repository or other addressing system.",
        },
        "zipcode": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "postal code for the location of the service request. (Redundant and field might be removed as it should be part of adress string)",
        },
        "lat": {
            "anyOf": [{"type": "number"}, {"type": "null"}],
            "description": "latitude using the (WGS84) projection.",
        },
        "long": {
            "anyOf": [{"type": "number"}, {"type": "null"}],
            "description": "longitude using the (WGS84) projection.",
        },
        "media_url": {
            "anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}],
            "description": "URL to media associated with the request, eg an image. A convention for parsing media from this URL has yet to be established, so currently it will be done on a case by case basis much like Twitter.com does. For example, if a jurisdiction accepts photos submitted via Twitpic.com, then clients can parse the page at the Twitpic URL for the image given the conventions of Twitpic.com. This could also be a URL to a media RSS feed where the clients can parse for media in a more structured way.",
        },
    },
}

REQUESTS = {
    "type": "array",
    "items": {"$ref": "request.json", "minItems": 1, "uniqueItems": False},
}

SERVICE = {
    "description": "A single service (type) offered via Open311",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": {
            "type": "string",
            "description": "unique identifier for the service request type",
        },
        "service_name": {
            "type": "string",
            "description": "human readable name of the service request type",
        },
        "description": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "metadata": {
            "type": "boolean",
            "description": "Are there additional form fields for this service type? If true use GET service definition for that one",
        },
        "type": {
            "type": "string",
            "description": "Possible values realtime, batch, blackbox",
            "enum": ["realtime", "batch", "blackbox"],
        },
        "keywords": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "list of keywords or tags seperated by comma",
        },
        "group": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "Category or group to cluster different request types e.g. “sanitation”",
        },
    },
}

SERVICES = {
    "type": "array",
    "items": {"$ref": "service.json", "minItems": 1, "uniqueItems": False},
}

SERVICE_DEFINITION = {
    "description": "Attributes associated with a service code. These attributes can be unique to the city/jurisdiction.",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {
            "type": "string",
            "description": "unique identifier for the service request type",
        },
        "attributes": {
            "type": "array",
            "items": {
                "description": "A single attribute extension for a service",
                "required": ["variable", "code", "datatype", "required"],
                "properties": {
                    "variable": {
                        "type": "boolean",
                        "description": "If only used to present information to the user within the description field or if that user input is needed",
                    },
                    "code": {
                        "type": "string",
                        "description": "Unique identifier for the attribute",
                    },
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
                        "description": "Type of field used for user input. According widgets will be picked for user inputs",
                    },
                    "required": {
                        "type": "boolean",
                        "description": "If attributes value required to submit service request",
                    },
                    "datatype_description": {
                        "anyOf": [{"type": "string"}, {"type": "null"}],
                        "description": "Description of the datatype which helps the user provide their input",
                    },
                    "order": {
                        "anyOf": [{"type": "integer"}, {"type": "null"}],
                        "description": "Sort order that the attributes will be presented to the user. 1 is shown first in the list.",
                    },
                    "description": {
                        "anyOf": [{"type": "string"}, {"type": "null"}],
                        "description": "description of the attribute field with instructions for the user to find and identify the requested information",
                    },
                    "values": {
                        "type": "array",
                        "items": {
                            "description": "Possible value for ServiceAttribute that defines lists",
                            "required": ["key", "name"],
                            "properties": {
                                "key": {
                                    "type": "string",
                                    "description": "Unique identifier associated with an option for singlevaluelist or multivaluelist (analogous to the value attribute in an html option tag).",
                                },
                                "name": {
                                    "type": "string",
                                    "description": "Human readable title of an option for singlevaluelist or multivaluelist (analogous to the innerhtml text node of an html option tag).",
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}

# swagger.json, definitions.RequestResponse (the answer to POST requests is an array of it).
REQUEST_RESPONSE = {
    "description": "Details for tracking an created service request",
    "properties": {
        "service_request_id": {
            "type": "string",
            "format": "uid",
            "description": "Unique ID of the service request created.",
        },
        "token": {
            "type": "string",
            "format": "uid",
            "description": "Use this to call GET service_request_id from a token.",
        },
        "service_notice": {
            "type": "string",
            "description": "Information about the action expected to fulfill the request or otherwise address the information reported.",
        },
        "account_id": {
            "type": "string",
            "format": "uid",
            "description": "Unique ID for the user account of the person submitting the request.",
        },
    },
}
# The spec's example answers "account_id": null (and says it "may not be returned"), which the
# swagger definition's bare "string" does not allow; our answer gives null when the client sent
# none, as the example does, so that one field also admits null.
CREATED = {
    "type": "array",
    "minItems": 1,
    "items": {
        "allOf": [
            {
                **REQUEST_RESPONSE,
                "properties": {
                    **REQUEST_RESPONSE["properties"],
                    "account_id": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                },
            }
        ],
        "required": ["service_request_id"],
        "not": {"required": ["token"]},  # "This should not be returned if service_request_id is"
    },
}

# Written from the spec's text (no published schema): Service Discovery, "Fields for All
# Versions" — "All fields are required".
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string", "minLength": 1},
        "contact": {"type": "string", "minLength": 1},
        "key_service": {"type": "string", "minLength": 1},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"type": "string", "format": "uri"},
                    "url": {"type": "string", "format": "uri"},
                    "changeset": {"type": "string", "minLength": 1},
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "pattern": r"^[a-z]+/[a-z0-9.+-]+$"},
                    },
                },
            },
        },
    },
}

# Written from the spec's text (no published schema): GeoReport v2, "Errors" — an array of
# error{code: "the error code … should match the HTTP status code", description: "human
# readable … meant to be seen by the user"}; "Multiple errors codes and descriptions can be
# returned in the body (the response is an array)".
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "integer"},
            "description": {"type": "string", "minLength": 1},
        },
    },
}

# The element order of the XML forms, as the spec's examples write them.
REQUEST_ORDER = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_ORDER = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_ORDER = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
]
CREATED_ORDER = ["service_request_id", "service_notice", "account_id"]
DISCOVERY_ORDER = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_ORDER = ["specification", "url", "changeset", "type", "formats"]

FORMATS = FormatChecker()
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_RFC3339.match(value)) and dt.datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


_REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(schema, default_specification=DRAFT7))
    for name, schema in {
        "request.json": REQUEST,
        "service.json": SERVICE,
    }.items()
)


def validate(instance, schema) -> None:
    """Raise if `instance` does not follow `schema` (with the formats checked)."""
    Draft7Validator(schema, registry=_REGISTRY, format_checker=FORMATS).validate(instance)
