"""Views of Open311: the GeoReport v2 resources (`resources`) and the pages for people
(`pages`)."""
