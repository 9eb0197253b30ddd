"""Open311 GeoReport v2 (Open311 开放接口): the city's 12345 platform, a mobile app or any other
Open311 client lists our case categories as services, files service requests that become cases
(工单) of the cases app, and follows their status, in JSON and in XML, exactly as the public
specification (http://wiki.open311.org/GeoReport_v2) defines it.

A jurisdiction (辖区) is a district or a street, named by its code; an API key is an API token
of a staff member (core.ApiToken) and acts as that person, within her scope and permissions.
See docs/ARCHITECTURE.md, "Open311 GeoReport v2".
"""
